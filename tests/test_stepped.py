"""``stepped``: the month-by-month walk over many variants equals the engine bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tcocalc.analytics import percentiles_in_place
from tcocalc.engine import compute_totals
from tcocalc.params import NUMERIC_FIELDS, Params, resolve
from tcocalc.scenario import DedicatedServing, SelfHostedTraining
from tcocalc.stepped import cumulative_totals_by_month, variant_count
from tests.conftest import updated
from tests.test_properties import changes

SETTINGS = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _engine(p: Params) -> np.ndarray:
    """The reference: the engine's totals, cumulated, as (3, H, n)."""
    cum = np.cumsum(compute_totals(p), axis=-1)
    if cum.ndim == 2:
        cum = cum[None]
    return cum.transpose(1, 2, 0)


def _base(article, catalog, scenario_changes, dedicated):
    scenario = updated(article, scenario_changes)
    if dedicated:
        ft = scenario.fine_tuning.model_copy(
            update={
                "training": SelfHostedTraining(gpu="h100", tokens_per_second_per_gpu=2_000),
                "serving": DedicatedServing(gpu="h100", calls_per_second_per_replica=0.5),
            }
        )
        scenario = scenario.model_copy(update={"fine_tuning": ft})
    return resolve(scenario, catalog)


@SETTINGS
@given(
    scenario_changes=changes,
    dedicated=st.booleans(),
    n=st.integers(1, 6),
    varied=st.sets(st.sampled_from(NUMERIC_FIELDS), max_size=8),
    schedule=st.sampled_from(["shared", "per variant"]),
    migrations=st.tuples(st.integers(0, 130), st.integers(0, 130)),
    seed=st.integers(0, 2**32 - 1),
)
def test_equals_the_engine_bit_for_bit(
    article, fixture_catalog, scenario_changes, dedicated, n, varied, schedule, migrations, seed
):
    p = _base(article, fixture_catalog, scenario_changes, dedicated)
    rng = np.random.default_rng(seed)
    h = p.horizon_months
    values: dict[str, object] = {}
    for name in varied:
        x = float(np.asarray(getattr(p, name))) * rng.uniform(0.25, 2.0, (n, 1))
        values[name] = np.minimum(x, 1.0) if name.endswith("accuracy") else x
    if schedule == "per variant":
        # Sparse whole categories, different months for each variant.
        values["new_categories"] = rng.integers(0, 3, (n, h)) * (rng.random((n, h)) < 0.2) * 1.0
    # A forced migration of the tuned model and a retirement of the prompted one (or none).
    forced, prompt = (np.arange(h) == migrations[0]), (np.arange(h) == migrations[1])
    q = p.with_values(**values, forced_migration=forced, prompt_migration=prompt)
    got = cumulative_totals_by_month(q)
    assert got.shape == (3, h, variant_count(q))
    if "monthly_growth_pct" in varied and n > 1:
        # Growth that differs between variants compounds by multiplication: ~1e-13 relative.
        np.testing.assert_allclose(got, _engine(q), rtol=1e-12, atol=0)
    else:
        np.testing.assert_array_equal(got, _engine(q))


@pytest.mark.parametrize("engineering", [True, False])
@pytest.mark.parametrize("errors", [True, False])
def test_lead_time_and_successor_prices_per_variant(article, fixture_catalog, engineering, errors):
    p = _base(article, fixture_catalog, {"horizon_months": 36}, dedicated=True)
    h = p.horizon_months
    q = p.with_values(
        f_lead_time_weeks=np.array([[0.0], [3.0], [9.5], [30.0]]),  # go-live in months 1, 1, 3, 7
        f_successor_usd_per_training_token=np.array([[1e-6], [2e-6], [0.0], [5e-7]]),
        p_successor_usd_per_1m_input_tokens=np.array([[0.1], [1.0], [3.0], [0.0]]),
        new_categories=(np.arange(h) % 4 == 1) * 2.0,  # 2 new categories every 4th month
        forced_migration=np.arange(h) == 12,
        prompt_migration=np.arange(h) == 18,
        include_engineering=engineering,
        include_error_cost=errors,
    )
    np.testing.assert_array_equal(cumulative_totals_by_month(q), _engine(q))


def test_growth_that_differs_compounds_month_by_month(article, fixture_catalog):
    p = _base(article, fixture_catalog, {"horizon_months": 120}, dedicated=True)
    q = p.with_values(monthly_growth_pct=np.array([[-5.0], [0.0], [3.0], [12.5]]))
    got, expected = cumulative_totals_by_month(q), _engine(q)
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=0)
    np.testing.assert_array_equal(got[:, 0], expected[:, 0])  # month 1 has no growth yet


def test_variants_with_one_value_are_computed_once_and_exactly(article, fixture_catalog):
    p = _base(article, fixture_catalog, {"horizon_months": 60}, dedicated=False)
    q = p.with_values(monthly_growth_pct=np.full((5, 1), 4.0), monthly_calls=np.full((5, 1), 3e5))
    np.testing.assert_array_equal(cumulative_totals_by_month(q), _engine(q))


def test_one_scenario_is_one_variant(article, fixture_catalog):
    p = _base(article, fixture_catalog, {}, dedicated=False)
    assert variant_count(p) == 1
    np.testing.assert_array_equal(cumulative_totals_by_month(p), _engine(p))


@settings(max_examples=200, deadline=None)
@given(
    x=hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 4), st.integers(1, 40)),
        elements=st.one_of(
            st.floats(-1e12, 1e12, allow_subnormal=False), st.sampled_from([0.0, 1.0, -3.5])
        ),
    ),
    pcts=st.lists(st.floats(0, 100), min_size=1, max_size=4),
)
def test_percentiles_equal_numpy_bit_for_bit(x, pcts):
    expected = np.percentile(x, pcts, axis=-1)
    np.testing.assert_array_equal(percentiles_in_place(x.copy(), pcts), expected)
