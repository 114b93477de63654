"""Invariants of the cost model, checked on random scenarios (Hypothesis)."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tcocalc.model.costs import ABOVE_THRESHOLD, RATE_ROW, TIER_START
from tcocalc.model.engine import STRATEGIES, compute
from tcocalc.model.params import NUMERIC_FIELDS, resolve
from tcocalc.model.projection import project
from tests.conftest import updated

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

changes = st.fixed_dictionaries(
    {
        "horizon_months": st.integers(1, 120),
        "workload.monthly_calls": st.floats(0, 1e8),
        "workload.monthly_growth_pct": st.floats(-20, 30),
        "workload.categories": st.integers(1, 200),
        "prompting.input_tokens_per_call": st.floats(0, 20_000),
        "prompting.accuracy": st.floats(0, 1),
        "fine_tuning.lead_time_weeks": st.floats(0, 26),
        "fine_tuning.retrain_every_months": st.integers(0, 24),
        "fine_tuning.training_examples": st.integers(1, 200_000),
        "fine_tuning.examples_per_new_category": st.integers(0, 2_000),
        "fine_tuning.accuracy": st.floats(0, 1),
        "hybrid.retrain_every_months": st.integers(1, 12),
        "category_changes": st.one_of(
            st.just({}),
            st.builds(
                lambda every, k: {"every_months": every, "new_categories_per_change": k},
                st.integers(1, 12),
                st.integers(1, 10),
            ),
        ),
        "people.usd_per_wrong_answer": st.floats(0, 10),
        "accounting.include_engineering": st.booleans(),
        "accounting.include_error_cost": st.booleans(),
    }
)


@SETTINGS
@given(changes=changes)
def test_costs_never_negative_and_totals_add_up(article, fixture_catalog, changes):
    r = project(updated(article, changes), fixture_catalog)
    assert np.isfinite(r.components).all()
    assert (r.components >= 0).all()
    for i, s in enumerate(STRATEGIES):
        assert np.isclose(r.total(s), r.components[i, r.mask].sum(), rtol=1e-12, atol=1e-6)
    # Cumulative cost never goes down
    assert (np.diff(r.cumulative, axis=-1) >= -1e-9).all()


@SETTINGS
@given(changes=changes, factor=st.floats(1.0, 50.0))
def test_more_volume_never_makes_a_strategy_cheaper(article, fixture_catalog, changes, factor):
    s = updated(article, changes)
    more = updated(s, {"workload.monthly_calls": s.workload.monthly_calls * factor})
    low, high = project(s, fixture_catalog), project(more, fixture_catalog)
    for name in STRATEGIES:
        assert high.total(name) >= low.total(name) - 1e-6 * max(1.0, low.total(name))


@SETTINGS
@given(changes=changes, k=st.floats(0.1, 10.0))
def test_scaling_every_price_by_k_scales_every_dollar_by_k(article, fixture_catalog, changes, k):
    params = resolve(updated(article, changes), fixture_catalog)
    usd_fields = [f for f in NUMERIC_FIELDS if "usd" in f]
    # Every price the model knows is a USD field: token prices, GPU hours, labels, people, errors
    assert {"engineer_usd_per_hour", "f_replica_usd_per_hour", "f_usd_per_training_token"} <= set(
        usd_fields
    )
    changes = {f: getattr(params, f) * k for f in usd_fields}
    # ... and the month-by-month price tables and dated hosting changes (USD), tier starts and
    # rules excepted.
    usd_columns = np.ones(RATE_ROW)
    usd_columns[[TIER_START, ABOVE_THRESHOLD]] = 0.0
    for table in ("p_prices", "p_successor_prices", "f_prices", "f_successor_prices"):
        changes[table] = getattr(params, table) * np.where(usd_columns > 0, k, 1.0)
    for series in ("f_hosting_change_usd_per_hour", "f_successor_hosting_change_usd_per_hour"):
        changes[series] = getattr(params, series) * k
    scaled = dataclasses.replace(params, **changes)
    np.testing.assert_allclose(compute(scaled), k * compute(params), rtol=1e-9, atol=1e-9)


@SETTINGS
@given(changes=changes)
def test_reported_break_even_is_consistent_with_the_series(article, fixture_catalog, changes):
    r = project(updated(article, changes), fixture_catalog)
    for name, be in (("fine_tuning", r.fine_tuning_breakeven), ("hybrid", r.hybrid_breakeven)):
        gap = r.series(name) - r.series("prompting")
        ahead = gap <= 1e-6
        if be.first_month is None:
            assert not ahead.any()
        else:
            assert ahead[be.first_month - 1]
            assert not ahead[: be.first_month - 1].any()
        if be.durable_month is not None:
            assert ahead[be.durable_month - 1 :].all()
            assert be.durable_month == 1 or not ahead[be.durable_month - 2]
        else:
            assert not ahead[-1]
        assert np.isclose(be.difference_at_horizon_usd, gap[-1])
