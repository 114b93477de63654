"""Invariants of the bill (Hypothesis): caching never raises a cost, batch share 0 and discount 0
reproduce today's numbers, a dated price change only moves the months after its date."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tcocalc.inputs.loader import load_catalog
from tcocalc.model import costs as c
from tcocalc.model.engine import COMPONENTS, STRATEGIES, compute
from tcocalc.model.monthly_prices import month_days
from tcocalc.model.params import resolve
from tcocalc.model.projection import project
from tcocalc.model.scenario import Scenario
from tcocalc.pricing.catalog import Catalog
from tests.conftest import FIXTURES, updated

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
INFERENCE = COMPONENTS.index("inference")


@pytest.fixture(scope="module")
def v2() -> Catalog:
    return load_catalog(FIXTURES / "pricing_v2", use_snapshot=False)


def _on(
    article: Scenario, model: str, changes: dict[str, object], tuned: str = "cache-mini"
) -> Scenario:
    base: dict[str, object] = {
        "prompting.model": model,
        "fine_tuning.training.model": tuned,
        "prompting.labeling": "existing-labels",
        "fine_tuning.labeling": "existing-labels",
        "start_date": dt.date(2027, 1, 1),
    }
    return updated(article, {**base, **changes})


workloads = st.fixed_dictionaries(
    {
        "horizon_months": st.integers(1, 60),
        "workload.monthly_calls": st.floats(0, 1e8),
        "workload.monthly_growth_pct": st.floats(-20, 30),
        "prompting.input_tokens_per_call": st.floats(1_000, 20_000),
        "prompting.input_tokens_per_new_category": st.floats(0, 500),
        "fine_tuning.lead_time_weeks": st.floats(0, 26),
        "workload.batch_share": st.floats(0, 1),
        "category_changes": st.one_of(
            st.just({}),
            st.builds(
                lambda every, k: {"every_months": every, "new_categories_per_change": k},
                st.integers(1, 12),
                st.integers(1, 10),
            ),
        ),
    }
)


@SETTINGS
@given(
    changes=workloads,
    model=st.sampled_from(["cache-mini", "write-premium", "long-model", "graduated-model"]),
    static_share=st.floats(0, 1),
    hits=st.tuples(st.floats(0, 1), st.floats(0, 1)).map(sorted),
)
def test_a_higher_hit_rate_never_raises_a_cost(article, v2, changes, model, static_share, hits):
    """Reading the cache (cached price <= write price) is never dearer than writing it."""
    s = _on(article, model, changes)
    static = static_share * s.prompting.input_tokens_per_call
    low, high = (
        compute(
            resolve(
                updated(
                    s,
                    {
                        "prompting.static_prefix_tokens_per_call": static,
                        "prompting.cache_hit_rate": h,
                    },
                ),
                v2,
            )
        )
        for h in hits
    )
    assert (high <= low + 1e-9 * np.maximum(1.0, np.abs(low))).all()


@SETTINGS
@given(changes=workloads, static_share=st.floats(0, 1), hit=st.floats(0, 1))
def test_caching_where_writes_cost_the_input_price_never_raises_a_cost(
    article, v2, changes, static_share, hit
):
    """cache-mini bills writes at the input price (OpenAI): any caching <= none at all."""
    s = _on(article, "cache-mini", changes)
    static = static_share * s.prompting.input_tokens_per_call
    cached = updated(
        s, {"prompting.static_prefix_tokens_per_call": static, "prompting.cache_hit_rate": hit}
    )
    with_cache, without = compute(resolve(cached, v2)), compute(resolve(s, v2))
    assert (with_cache <= without + 1e-9 * np.maximum(1.0, np.abs(without))).all()


plain_changes = st.fixed_dictionaries(
    {
        "horizon_months": st.integers(2, 60),  # the article has a change in month 2
        "workload.monthly_calls": st.floats(0, 1e8),
        "workload.monthly_growth_pct": st.floats(-20, 30),
        "prompting.input_tokens_per_call": st.floats(0, 20_000),
        "prompting.output_tokens_per_call": st.floats(0, 2_000),
        "fine_tuning.lead_time_weeks": st.floats(0, 26),
        "accounting.include_engineering": st.booleans(),
    }
)


@SETTINGS
@given(changes=plain_changes)
def test_batch_share_0_and_discount_0_reproduce_todays_numbers(article, fixture_catalog, changes):
    """With the new inputs at their defaults the bill is the list-price formula of before,
    ``calls x (in x price_in + out x price_out) / 1M``, and the discounted totals are the plain."""
    s = updated(article, changes)
    assert s.workload.batch_share == 0 and s.money.discount_rate_pct_per_year == 0
    r = project(s, fixture_catalog)
    months = np.arange(1, s.horizon_months + 1, dtype=np.float64)
    calls = c.calls_per_month(s.workload.monthly_calls, s.workload.monthly_growth_pct, months)
    model = fixture_catalog.model(s.prompting.model)
    before = np.asarray(r.params.prompt_migration, dtype=bool).cumsum() == 0
    expected = c.token_inference_usd(
        calls,
        s.prompting.input_tokens_per_call,
        s.prompting.output_tokens_per_call,
        model.usd_per_1m_input_tokens,
        model.usd_per_1m_output_tokens,
    )
    p = STRATEGIES.index("prompting")
    np.testing.assert_allclose(r.components[p, INFERENCE][before], expected[before], rtol=1e-12)
    np.testing.assert_array_equal(r.discounted_cumulative, r.cumulative)
    assert r.basis == "plain"


@SETTINGS
@given(
    changes=plain_changes,
    start=st.dates(dt.date(2025, 1, 1), dt.date(2028, 12, 31)),
)
def test_a_dated_price_change_only_moves_the_months_after_it(article, v2, changes, start):
    """doubling-mini doubles on 2027-07-01; cache-mini has its prices without the date: the
    months that start before the date cost the same under both."""
    dated = _on(article, "doubling-mini", {**changes, "start_date": start}, tuned="doubling-mini")
    undated = updated(
        dated, {"prompting.model": "cache-mini", "fine_tuning.training.model": "cache-mini"}
    )
    a = compute(resolve(dated, v2))
    b = compute(resolve(undated, v2))
    days = month_days(start, dated.horizon_months)
    before = np.array([d < dt.date(2027, 7, 1) for d in days])
    # the undated model has caching and batch prices; at 0 % hit rate and 0 batch share it bills
    # exactly the same list prices, and its tuned model the same training and token prices
    np.testing.assert_allclose(a[..., before], b[..., before], rtol=1e-12, atol=1e-9)
    after = ~before
    calls = c.calls_per_month(
        dated.workload.monthly_calls,
        dated.workload.monthly_growth_pct,
        np.arange(1, dated.horizon_months + 1, dtype=np.float64),
    )
    # (at least one token billed a month: denormal volumes round the bill to 0 either way)
    billed = after & (calls * dated.prompting.input_tokens_per_call >= 1.0)
    p = STRATEGIES.index("prompting")
    assert (a[p, INFERENCE][billed] > b[p, INFERENCE][billed]).all()


def test_the_dated_fixture_differs_only_by_its_date(v2: Catalog) -> None:
    """The premise of the property above: before 2027-07-01 the two fixtures bill alike."""
    day = dt.date(2027, 6, 30)
    dated, undated = v2.model("doubling-mini"), v2.model("cache-mini")
    for name in ("usd_per_1m_input_tokens", "usd_per_1m_output_tokens"):
        assert getattr(dated.prices_on(day), name) == getattr(undated.prices_on(day), name)
    assert dated.fine_tuning and undated.fine_tuning
    t_dated, t_undated = dated.fine_tuning.prices_on(day), undated.fine_tuning.prices_on(day)
    for name in ("usd_per_1m_training_tokens", "usd_per_1m_input_tokens", "usd_per_hosting_hour"):
        assert getattr(t_dated, name) == getattr(t_undated, name)
