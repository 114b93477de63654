"""Break-even month, durable break-even, lead changes, extrapolation and break-even volume."""

from __future__ import annotations

import numpy as np
import pytest

from tcocalc.model.breakeven import (
    breakeven,
    breakeven_volume,
    first_breakeven_months,
    horizon_difference,
)
from tcocalc.model.params import resolve
from tcocalc.model.projection import project
from tests.conftest import updated


def test_crossing_once():
    prompting = np.cumsum(np.full(12, 50.0))
    tuned = 200 + np.cumsum(np.full(12, 20.0))
    b = breakeven(prompting, tuned, "fine_tuning")
    # 200 / 30 = 6.67 -> month 7
    assert (b.first_month, b.durable_month, b.lead_changes) == (7, 7, (7,))
    assert b.savings_at_horizon_usd == pytest.approx(12 * 50 - (200 + 12 * 20))
    assert b.describe() == "breaks even in month 7"


def test_cheaper_from_the_start():
    b = breakeven(np.array([10.0, 20, 30]), np.array([5.0, 10, 15]), "hybrid")
    assert (b.first_month, b.durable_month, b.lead_changes) == (1, 1, ())
    assert b.describe() == "is cheaper from month 1"


def test_a_lead_that_is_lost_again_is_not_durable():
    prompting = np.array([10.0, 20, 30, 40, 50])
    tuned = np.array([15.0, 18, 35, 38, 60])
    b = breakeven(prompting, tuned, "fine_tuning")
    assert b.first_month == 2
    assert b.durable_month is None
    assert b.lead_changes == (2, 3, 4, 5)


def test_equal_costs_count_as_break_even():
    b = breakeven(np.array([1.0, 2.0]), np.array([1.0, 2.0]), "fine_tuning")
    assert b.durable_month == 1


def test_extrapolates_the_last_six_months():
    months = np.arange(1, 13, dtype=float)
    prompting = 100 * months
    tuned = 2000 + 60 * months  # gap at 12: 2000 - 480 = 1520, closing 40 a month -> 38 more
    b = breakeven(prompting, tuned, "fine_tuning")
    assert b.durable_month is None
    assert b.estimated_month == 12 + 38
    assert "month 50" in b.describe()


def test_never_when_the_gap_grows():
    months = np.arange(1, 13, dtype=float)
    b = breakeven(50 * months, 100 + 60 * months, "fine_tuning")
    assert b.estimated_month is None
    assert "nor on the current trend" in b.describe()


def test_vectorised_first_break_even_matches_the_scalar_one(article, fixture_catalog):
    params = resolve(updated(article, {"accounting.include_engineering": False}), fixture_catalog)
    calls = np.array([[1e3], [5e4], [1e5], [1e6]])
    from tcocalc.model.engine import component_mask, compute

    comp = compute(params.with_values(monthly_calls=calls))
    cum = np.cumsum(comp[:, :, component_mask(False, False), :].sum(axis=2), axis=-1)
    months = first_breakeven_months(cum[:, 0], cum[:, 1])
    for i in range(4):
        b = breakeven(cum[i, 0], cum[i, 1], "fine_tuning")
        assert months[i] == (b.first_month or 0)


def test_break_even_volume_is_where_the_horizon_difference_changes_sign(article, fixture_catalog):
    v = breakeven_volume(article, fixture_catalog)
    assert v.monthly_calls is not None
    base = resolve(article, fixture_catalog).with_values(monthly_growth_pct=0.0)
    at = horizon_difference(base.with_values(monthly_calls=v.monthly_calls))
    below = horizon_difference(base.with_values(monthly_calls=v.monthly_calls * 0.99))
    assert at <= 1e-6 < below
    # By hand (fixture prices, full TCO, 24 months): per call prompting $0.0005, tuned $0.0002,
    # so V x 24 x 0.0003 must cover the extra people and compute: fine-tuning's 8,000 + 2,400 +
    # 24 x 400 + 400 minus prompting's 1,600 + 33.33 + 24 x 200 = 13,966.67 -> V = 1,939,815
    assert v.monthly_calls == pytest.approx(13_966.67 / (24 * 0.0003), rel=2e-3)


def test_break_even_volume_none_when_tuned_calls_cost_more(article, fixture_catalog):
    s = updated(article, {"fine_tuning.input_tokens_per_call": 5000})
    assert breakeven_volume(s, fixture_catalog).monthly_calls is None


def test_break_even_volume_zero_when_it_always_pays(article, fixture_catalog):
    # A prompt that takes 20,000 hours to build costs more than fine-tuning's whole horizon
    # (8,000 + 200 + 24 x 400 = $17,800) even with no calls at all
    s = updated(article, {"category_changes": {}, "prompting.build_hours": 20_000})
    assert breakeven_volume(s, fixture_catalog).monthly_calls == 0.0


def test_break_even_volume_agrees_with_projection(article, fixture_catalog):
    v = breakeven_volume(article, fixture_catalog).monthly_calls
    assert v is not None
    steady = {"workload.monthly_growth_pct": 0}
    above = project(
        updated(article, steady | {"workload.monthly_calls": v * 1.01}), fixture_catalog
    )
    below = project(
        updated(article, steady | {"workload.monthly_calls": v * 0.99}), fixture_catalog
    )
    assert above.fine_tuning_breakeven.within_horizon
    assert not below.fine_tuning_breakeven.within_horizon
