"""Decision analytics: tornado and switching values, break-even map, Monte Carlo.

Every scenario here is priced with the fixed test catalog (tests/fixtures/pricing), so the figures
never move with the market.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tcocalc import analytics as A
from tcocalc.analytics import uncertainty
from tcocalc.analytics.basis import _horizon_difference
from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_catalog, load_scenario
from tcocalc.model.breakeven import breakeven, breakeven_volume
from tcocalc.model.engine import STRATEGIES, component_mask, compute
from tcocalc.model.params import resolve
from tcocalc.model.projection import project
from tcocalc.model.scenario import (
    Accounting,
    CategoryChanges,
    CategoryEvent,
    DedicatedServing,
    People,
    ProviderHostedServing,
    ProviderTraining,
    Scenario,
    SelfHostedTraining,
)
from tests.conftest import updated

FIXTURES = Path(__file__).parents[1] / "fixtures" / "pricing"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(FIXTURES)


@pytest.fixture(scope="module")
def article(catalog) -> Scenario:
    return load_scenario(DEFAULT_SCENARIO, catalog)


def _with(s: Scenario, **sections: dict) -> Scenario:
    """The scenario with some fields of some sections replaced (validated again)."""
    data = s.model_dump(mode="json")
    for section, fields in sections.items():
        if isinstance(fields, dict) and isinstance(data.get(section), dict):
            data[section].update(fields)
        else:
            data[section] = fields
    return Scenario.model_validate(data)


@pytest.fixture(scope="module")
def cadence(article) -> Scenario:
    """Growth, a cadence of changes, paid labels, a lead time, priced wrong answers."""
    return _with(
        article,
        workload={"monthly_growth_pct": 3.0},
        fine_tuning={
            "labeling": "in-house-expert",
            "examples_per_new_category": 200,
            "lead_time_weeks": 3,
        },
        category_changes={"every_months": 2, "new_categories_per_change": 2, "events": []},
        accounting={"include_engineering": True, "include_error_cost": True},
    )


@pytest.fixture(scope="module")
def dedicated(article) -> Scenario:
    """Own GPUs: self-hosted LoRA training, dedicated replicas, a drift re-train schedule."""
    ft = article.fine_tuning.model_copy(
        update={
            "training": SelfHostedTraining(gpu="h100", tokens_per_second_per_gpu=2_000),
            "serving": DedicatedServing(gpu="h100", calls_per_second_per_replica=0.5),
            "retrain_every_months": 6,
        }
    )
    return article.model_copy(update={"fine_tuning": ft, "horizon_months": 36})


@pytest.fixture(scope="module")
def ending(article) -> Scenario:
    """Fine-tuning on a model whose fine-tuning ends mid-horizon (a forced migration)."""
    ft = article.fine_tuning.model_copy(
        update={
            "training": ProviderTraining(model="ending-model"),
            "serving": ProviderHostedServing(),
        }
    )
    return article.model_copy(update={"fine_tuning": ft})


@pytest.fixture(scope="module")
def near_breakeven(article) -> Scenario:
    """1.8M calls/month: just under the 1.94M at which fine-tuning pays back in 24 months."""
    return _with(article, workload={"monthly_calls": 1_800_000})


SCENARIOS = ("article", "cadence", "dedicated", "ending", "near_breakeven")


def _scenario(request, name: str) -> Scenario:
    return request.getfixturevalue(name)


# --- Drivers and the basis -------------------------------------------------------------------


def test_every_driver_names_real_params_fields(catalog, article):
    params = resolve(article, catalog)
    for d in A.DRIVERS.values():
        assert d.label and d.unit
        for f in d.fields:
            assert hasattr(params, f), f"{d.key}: {f} is not a Params field"


@pytest.mark.parametrize("name", SCENARIOS)
def test_todays_values_reproduce_the_scenario_exactly(request, catalog, name):
    scenario = _scenario(request, name)
    basis = A.Basis.build(scenario, catalog)
    today = {k: basis.value(k) for k in A.DRIVERS if k != "new_categories_per_change"}
    params = basis.params_for(today)
    expected = compute(basis.params)
    np.testing.assert_array_equal(compute(params), expected)
    params = basis.params_for(
        {"new_categories_per_change": basis.value("new_categories_per_change")}
    )
    np.testing.assert_array_equal(compute(params), expected)


def test_schedule_splits_into_events_and_cadence(catalog, cadence, article):
    b = A.Basis.build(cadence, catalog)
    assert (b.cadence_months, b.cadence_assumed, b.per_change) == (2, False, 2.0)
    assert b.value("new_categories_per_year") == 12.0  # 2 every 2 months
    np.testing.assert_array_equal(b.events + b.cadence * b.per_change, b.params.new_categories)
    a = A.Basis.build(article, catalog)
    assert (a.cadence_months, a.cadence_assumed, a.value("new_categories_per_year")) == (3, True, 0)
    assert a.value("new_categories_per_change") == 3.0  # one change of 3 in month 2


def test_new_categories_per_year_arrive_whole(catalog, article):
    b = A.Basis.build(article, catalog)
    schedule = b.params_for({"new_categories_per_year": 2.0}).new_categories - b.events
    # Quarterly: the k-th quarter brings floor(k x 0.5) - floor((k - 1) x 0.5): one every 2nd.
    assert list(np.nonzero(schedule)[0] + 1) == [6, 12, 18, 24]
    assert set(schedule[schedule > 0]) == {1.0}
    schedule = b.params_for({"new_categories_per_year": 6.0}).new_categories - b.events
    # 1.5 a quarter: 1, 2, 1, 2, ... (cumulative 1, 3, 4, 6, ...)
    assert list(schedule[2::3][:4]) == [1.0, 2.0, 1.0, 2.0]


def test_the_two_category_drivers_compose(catalog, article):
    b = A.Basis.build(article, catalog)
    # Per year sets the recurring changes, per change then scales every change.
    both = b.params_for({"new_categories_per_year": 4.0, "new_categories_per_change": 6.0})
    assert both.new_categories[1] == 6.0  # the month-2 event, doubled
    assert both.new_categories[2] == 2.0  # one recurring category in month 3, doubled


def test_overlapping_fields_raise(catalog, article):
    b = A.Basis.build(article, catalog)
    clash = A.Driver("clash", "Clash", "tokens/call", fields=("p_output_tokens_per_call",))
    A.DRIVERS["clash"] = clash
    try:
        with pytest.raises(ValueError, match="both set p_output_tokens_per_call"):
            b.changes({"output_tokens_per_call": 30.0, "clash": 10.0})
    finally:
        del A.DRIVERS["clash"]


def test_format_value_units():
    assert A.format_value("monthly_calls", 1_939_818) == "1.94M calls/month"
    assert A.format_value("f_training_examples", 40_000.4) == "40,001 examples"
    assert A.format_value("f_accuracy", 0.955) == "95.5 %"
    assert A.format_value("usd_per_wrong_answer", 0.5) == "$0.50/error"


# --- Vectorised break-even month ----------------------------------------------------------------


def test_durable_breakeven_matches_breakeven_on_random_series():
    rng = np.random.default_rng(7)
    for _ in range(300):
        h = int(rng.integers(1, 30))
        prompting = np.cumsum(rng.uniform(0, 10, h))
        challenger = prompting + rng.normal(0, 5, h).cumsum() * rng.choice([0.0, 1.0])
        if rng.random() < 0.2:
            challenger = prompting.copy()  # ties: the cent tolerance counts them as ahead
        got = A.durable_breakeven_months((challenger - prompting)[None])[0]
        want = breakeven(prompting, challenger, "fine_tuning").durable_month
        assert got == (want or 0)


# --- Tornado --------------------------------------------------------------------------------------


def test_tornado_is_sorted_and_marks_flips(catalog, near_breakeven):
    t = A.tornado((near_breakeven, catalog))
    swings = [r.swing_usd for r in t.rows]
    assert swings == sorted(swings, reverse=True)
    assert t.verdict == "prompting" and t.base_difference_usd > 0
    by_key = {r.driver: r for r in t.rows}
    calls = by_key["monthly_calls"]
    # 1.8M x 1.25 = 2.25M calls is past the 1.94M break-even volume; 1.35M is not.
    assert calls.flips_high and not calls.flips_low and calls.flips
    for r in t.rows:
        assert r.flips_low == (r.difference_low_usd <= 1e-6)
        assert r.flips_high == (r.difference_high_usd <= 1e-6)
    assert any(not r.flips for r in t.rows)


def test_tornado_breakeven_months(catalog, near_breakeven):
    t = A.tornado((near_breakeven, catalog))
    calls = next(r for r in t.rows if r.driver == "monthly_calls")
    assert calls.breakeven_low == 0  # never within 24 months at 1.35M calls
    high = near_breakeven.workload.model_copy(update={"monthly_calls": calls.high_value})
    result = project(near_breakeven.model_copy(update={"workload": high}), catalog)
    assert calls.breakeven_high == result.fine_tuning_breakeven.durable_month


@pytest.mark.parametrize("driver", ["engineer_usd_per_hour", "prompting_price", "monthly_calls"])
def test_tornado_of_a_linear_driver_is_symmetric(catalog, article, driver):
    t = A.tornado((article, catalog), share=0.3)
    row = next(r for r in t.rows if r.driver == driver)
    down = row.difference_low_usd - t.base_difference_usd
    up = row.difference_high_usd - t.base_difference_usd
    assert down != 0
    assert up == pytest.approx(-down, rel=1e-9)
    assert row.low_value == pytest.approx(0.7 * row.base_value)
    assert row.high_value == pytest.approx(1.3 * row.base_value)


def test_tornado_accuracy_varies_the_error_rate(catalog, cadence):
    t = A.tornado((cadence, catalog))
    row = next(r for r in t.rows if r.driver == "f_accuracy")
    # 94 % accurate: 6 % errors +- 25 % -> 7.5 % and 4.5 % -> 92.5 % and 95.5 %.
    assert (row.low_value, row.high_value) == pytest.approx((0.925, 0.955))


def test_tornado_leaves_out_what_does_not_apply(catalog, article):
    t = A.tornado((article, catalog))
    keys = {r.driver for r in t.rows} | {s.driver for s in t.switching}
    assert "f_accuracy" not in keys  # error cost excluded in the article
    assert "f_replica_usd_per_hour" not in keys  # no dedicated serving
    left_out = dict(t.unchanged)
    assert left_out["Monthly growth of calls"] == "0 today"
    # Each change costs fixed hours and the article labels nothing per category.
    assert left_out["New categories per change"] == "no effect on this comparison"
    t = A.tornado(
        (article.model_copy(update={"accounting": Accounting(include_engineering=False)}), catalog)
    )
    assert "engineer_usd_per_hour" not in {r.driver for r in t.rows}


def test_switching_value_of_volume_is_the_breakeven_volume(catalog, article):
    t = A.tornado((article, catalog))
    s = t.switching_value("monthly_calls")
    volume = breakeven_volume(article, catalog).monthly_calls
    assert s is not None and s.direction == "above"
    assert s.value == pytest.approx(volume, rel=2e-3)


def test_switching_value_of_a_linear_driver_is_its_root(catalog, article):
    t = A.tornado((article, catalog))
    s = t.switching_value("engineer_usd_per_hour")
    b = A.Basis.build(article, catalog)
    d0, d100 = (
        _horizon_difference(b, {"engineer_usd_per_hour": r}, "fine_tuning") for r in (0.0, 100.0)
    )
    root = -d0 / ((d100 - d0) / 100.0)  # the difference is linear in the rate
    assert s is not None and s.direction == "below"
    assert s.value == pytest.approx(float(root), rel=1e-4)
    assert _horizon_difference(b, {"engineer_usd_per_hour": s.value}, "fine_tuning") <= 1e-6


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_switching_value_flips_the_verdict(request, catalog, name):
    scenario = _scenario(request, name)
    b = A.Basis.build(scenario, catalog)
    for challenger in A.CHALLENGERS:
        t = A.tornado(b, challenger=challenger)
        for s in t.switching:
            if s.value is None:
                continue
            diff = float(_horizon_difference(b, {s.driver: s.value}, challenger))
            assert (diff <= 1e-6) != t.challenger_ahead, (challenger, s)


def test_verdict_sentence_names_the_top_driver_and_its_flip(catalog, article, near_breakeven):
    t = A.tornado((article, catalog))
    assert t.top is not None and t.top.driver == "engineer_usd_per_hour"
    assert t.sentence.startswith("Prompting is $13,247 cheaper than fine-tuning over 24 months")
    assert "unless engineer rate falls below $2.36/hour (today $100/hour)" in t.sentence
    no_people = article.model_copy(update={"accounting": Accounting(include_engineering=False)})
    t = A.tornado((no_people, catalog))
    # The article's plain dollars: $200 up front and $30/month saved, 3 new categories re-train.
    assert t.sentence.startswith("Fine-tuning is $320 cheaper than prompting over 24 months")
    assert "unless prompted model's token prices fall below" in t.sentence
    t = A.tornado((near_breakeven, catalog), challenger="hybrid")
    assert "than hybrid" in t.sentence


def test_tornado_table_and_csv(catalog, cadence):
    t = A.tornado((cadence, catalog), share=0.1)
    frame = pd.read_csv(io.BytesIO(A.tornado_csv(t)))
    assert list(frame["driver"][: len(t.rows)]) == [r.driver for r in t.rows]
    assert {"difference_low_usd", "switching_value", "flips"} <= set(frame.columns)
    assert len(frame) == len({s.driver for s in t.switching} | {r.driver for r in t.rows})


def test_tornado_rejects_a_bad_share(catalog, article):
    with pytest.raises(ValueError):
        A.tornado((article, catalog), share=1.5)


# --- Break-even map ------------------------------------------------------------------------------


def test_map_contour_agrees_with_breakeven_volume(catalog, article):
    m = A.breakeven_map((article, catalog), y_values=[0.0, 4.0, 8.0])
    assert m.totals_usd.shape == (3, 3, 50)
    volume = breakeven_volume(article, catalog).monthly_calls
    assert m.crossing_x("fine_tuning", 0) == pytest.approx(volume, rel=2e-3)
    # 4 a year on the assumed quarterly cadence = a scenario with one new category a quarter.
    quarterly = article.model_copy(
        update={
            "category_changes": CategoryChanges(
                every_months=3,
                new_categories_per_change=1,
                events=(CategoryEvent(month=2, new_categories=3),),
            )
        }
    )
    volume4 = breakeven_volume(quarterly, catalog).monthly_calls
    assert volume4 > volume
    assert m.crossing_x("fine_tuning", 1) == pytest.approx(volume4, rel=2e-3)
    for challenger in A.CHALLENGERS:
        assert (m.crossing_x(challenger, 0) or 0) == pytest.approx(
            breakeven_volume(article, catalog, challenger).monthly_calls or 0, rel=2e-3
        )


def test_map_points_equal_single_projections(catalog, cadence):
    m = A.breakeven_map((cadence, catalog), "engineer_usd_per_hour", "monthly_calls", points=7)
    assert m.x.size == m.y.size == 7
    iy, ix = 4, 2
    p = resolve(cadence, catalog).with_values(engineer_usd_per_hour=m.x[ix], monthly_calls=m.y[iy])
    mask = component_mask(p.include_engineering, p.include_error_cost)
    totals = compute(p)[:, mask, :].sum(axis=(1, 2))
    np.testing.assert_allclose(m.totals_usd[:, iy, ix], totals, rtol=1e-12)
    assert m.cheapest[iy, ix] == int(np.argmin(totals))
    assert m.current == (100.0, 100_000.0)
    assert m.note is None


def test_map_notes_the_assumed_cadence(catalog, article, cadence):
    m = A.breakeven_map((article, catalog), points=5)
    assert m.note and "quarterly cadence is assumed" in m.note
    assert m.current == (100_000.0, 0.0)
    m = A.breakeven_map((cadence, catalog), points=5)
    assert m.note and "every 2 months" in m.note
    shares = m.shares()
    assert sum(shares.values()) == pytest.approx(1.0)
    frame = pd.read_csv(io.BytesIO(A.map_csv(m)))
    assert len(frame) == 25 and set(frame["cheapest"]) <= set(STRATEGIES)
    with pytest.raises(ValueError):
        A.breakeven_map((article, catalog), "monthly_calls", "monthly_calls")


# --- Monte Carlo ---------------------------------------------------------------------------------


def _zero_width(basis: A.Basis) -> list[A.Uncertain]:
    return [A.Uncertain(u.driver, u.likely, u.likely, u.likely) for u in A.default_ranges(basis)]


@pytest.mark.parametrize("name", SCENARIOS)
def test_zero_width_ranges_reproduce_the_projection_exactly(request, catalog, name):
    scenario = _scenario(request, name)
    result = project(scenario, catalog)
    basis = A.Basis.from_result(result)
    ranges = _zero_width(basis)
    assert len(ranges) >= 4
    mc = A.monte_carlo(basis, ranges, draws=50, keep_series=True)
    assert mc.cumulative_usd is not None
    for draw in mc.cumulative_usd:
        np.testing.assert_array_equal(draw, result.cumulative)
    for j, challenger in enumerate(A.CHALLENGERS):
        i = STRATEGIES.index(challenger)
        diff = result.cumulative[i] - result.cumulative[0]
        for k in range(3):
            np.testing.assert_array_equal(mc.percentiles_usd[j, k], diff)
        be = result.fine_tuning_breakeven if j == 0 else result.hybrid_breakeven
        assert set(mc.breakeven_months[:, j]) == {be.durable_month or 0}
        assert mc.probability_cheaper(challenger) == float(be.difference_at_horizon_usd <= 1e-6)
    np.testing.assert_array_equal(mc.totals_usd[0], result.cumulative[:, -1])


def test_a_fixed_seed_reproduces_the_percentiles(catalog, cadence):
    b = A.Basis.build(cadence, catalog)
    one = A.monte_carlo(b, draws=2_000, seed=11)
    two = A.monte_carlo(b, draws=2_000, seed=11)
    np.testing.assert_array_equal(one.percentiles_usd, two.percentiles_usd)
    np.testing.assert_array_equal(one.breakeven_months, two.breakeven_months)
    other = A.monte_carlo(b, draws=2_000, seed=12)
    assert not np.array_equal(one.percentiles_usd, other.percentiles_usd)
    for distribution in ("pert", "triangular"):
        x = A.monte_carlo(b, draws=500, seed=3, distribution=distribution)
        y = A.monte_carlo(b, draws=500, seed=3, distribution=distribution)
        np.testing.assert_array_equal(x.totals_usd, y.totals_usd)


def test_adding_an_input_keeps_the_other_draws(catalog, cadence):
    b = A.Basis.build(cadence, catalog)
    calls = A.Uncertain("monthly_calls", 50_000, 100_000, 200_000)
    rate = A.Uncertain("engineer_usd_per_hour", 80, 100, 150)
    alone = A.monte_carlo(b, [calls], draws=300, seed=5)
    both = A.monte_carlo(b, [rate, calls], draws=300, seed=5)
    np.testing.assert_array_equal(alone.inputs["monthly_calls"], both.inputs["monthly_calls"])


def test_more_draws_shrink_the_spread_of_the_probability(catalog, near_breakeven):
    b = A.Basis.build(near_breakeven, catalog)
    ranges = [A.Uncertain("monthly_calls", 1_200_000, 1_900_000, 2_700_000)]
    small = [
        A.monte_carlo(b, ranges, draws=100, seed=s).probability_cheaper("fine_tuning")
        for s in range(16)
    ]
    large = [
        A.monte_carlo(b, ranges, draws=4_000, seed=s).probability_cheaper("fine_tuning")
        for s in range(16)
    ]
    p = float(np.mean(large))
    assert 0.2 < p < 0.8  # the range straddles the 1.94M break-even volume
    assert np.std(large) < np.std(small) / 3  # sqrt(4000 / 100) = 6.3 in expectation
    # The reported standard error matches the spread actually seen across seeds.
    se = A.monte_carlo(b, ranges, draws=100, seed=0).standard_error("fine_tuning")
    assert 0.4 * se < np.std(small) < 2.0 * se


# Drivers that are scenario fields: each draw becomes a scenario projected by the engine.
SCENARIO_FIELDS = {
    "monthly_calls": ("workload", "monthly_calls"),
    "monthly_growth_pct": ("workload", "monthly_growth_pct"),
    "engineer_usd_per_hour": ("people", "engineer_usd_per_hour"),
    "usd_per_wrong_answer": ("people", "usd_per_wrong_answer"),
    "p_accuracy": ("prompting", "accuracy"),
    "f_accuracy": ("fine_tuning", "accuracy"),
    "p_input_tokens_per_call": ("prompting", "input_tokens_per_call"),
    "f_build_hours": ("fine_tuning", "build_hours"),
    "f_hours_per_category_change": ("fine_tuning", "hours_per_category_change"),
    "f_lead_time_weeks": ("fine_tuning", "lead_time_weeks"),
    "f_maintenance_hours_per_month": ("fine_tuning", "maintenance_hours_per_month"),
}


def _scenario_of_draw(scenario: Scenario, values: dict[str, float]) -> Scenario:
    data = scenario.model_dump(mode="json")
    for key, v in values.items():
        if key in SCENARIO_FIELDS:
            section, name = SCENARIO_FIELDS[key]
            data[section][name] = v
    if "new_categories_per_year" in values:
        # Written out independently of the module: whole categories on the scenario's cadence
        # (quarterly if none), the k-th change bringing floor(k x rate) - floor((k-1) x rate).
        cc = scenario.category_changes
        every = cc.every_months or 3
        y0 = cc.new_categories_per_change * 12 / every
        y = values["new_categories_per_year"]
        rate = cc.new_categories_per_change * (y / y0) if y0 else y * every / 12
        events = [e.model_dump() for e in cc.events]
        for k, month in enumerate(range(every, scenario.horizon_months + 1, every), start=1):
            count = math.floor(k * rate + 1e-9) - math.floor((k - 1) * rate + 1e-9)
            if count:
                events.append({"month": month, "new_categories": count})
        data["category_changes"] = {"events": events}
    return Scenario.model_validate(data)


@pytest.mark.parametrize("name", ["article", "cadence", "dedicated", "ending"])
def test_vectorised_draws_equal_projecting_each_draw(request, catalog, name):
    scenario = _scenario(request, name)
    if name == "cadence":
        scenario = _with(scenario, people={"usd_per_wrong_answer": 0.5})
    b = A.Basis.build(scenario, catalog)
    ranges = [
        A.Uncertain("monthly_calls", 20_000, 100_000, 400_000),
        A.Uncertain("monthly_growth_pct", -2, 1, 5),
        A.Uncertain("engineer_usd_per_hour", 60, 100, 180),
        A.Uncertain("f_build_hours", 40, 80, 200),
        A.Uncertain("f_hours_per_category_change", 8, 24, 60),
        A.Uncertain("f_lead_time_weeks", 0, 2, 9),
        A.Uncertain("p_input_tokens_per_call", 600, 1150, 3000),
        A.Uncertain("new_categories_per_year", 0, 4, 20),
    ]
    if scenario.accounting.include_error_cost:
        ranges += [
            A.Uncertain("f_accuracy", 0.85, 0.94, 0.99),
            A.Uncertain("p_accuracy", 0.8, 0.88, 0.93),
        ]
    mc = A.monte_carlo(b, ranges, draws=25, seed=9, keep_series=True)
    assert mc.cumulative_usd is not None
    for n in range(mc.draws):
        values = {key: float(v[n]) for key, v in mc.inputs.items()}
        result = project(_scenario_of_draw(scenario, values), catalog)
        np.testing.assert_allclose(mc.cumulative_usd[n], result.cumulative, rtol=1e-9, atol=1e-9)
        assert mc.breakeven_months[n, 0] == (result.fine_tuning_breakeven.durable_month or 0)
        assert mc.breakeven_months[n, 1] == (result.hybrid_breakeven.durable_month or 0)


def test_vectorised_draws_equal_scalar_params_for_prices(catalog, dedicated, article):
    for scenario in (article, dedicated):
        b = A.Basis.build(scenario, catalog)
        base = resolve(scenario, catalog)
        ranges = [
            A.Uncertain("prompting_price", 0.4, 1.0, 1.5),
            A.Uncertain("training_price", 0.5, 1.0, 3.0),
            A.Uncertain("f_training_examples", 5_000, 40_000, 90_000),
            A.Uncertain("output_tokens_per_call", 10, 25, 80),
        ]
        if base.is_dedicated:
            ranges += [
                A.Uncertain("f_replica_usd_per_hour", 2, 3.6, 6),
                A.Uncertain("f_calls_per_second_per_replica", 0.2, 0.5, 2),
                A.Uncertain("peak_to_average_ratio", 1.5, 3, 6),
            ]
        else:
            ranges.append(A.Uncertain("fine_tuned_price", 0.3, 1.0, 1.2))
        mc = A.monte_carlo(b, ranges, draws=20, seed=4, keep_series=True)
        assert mc.cumulative_usd is not None
        mask = component_mask(base.include_engineering, base.include_error_cost)
        for n in range(mc.draws):
            v = {k: float(x[n]) for k, x in mc.inputs.items()}
            changes = {
                "p_price_factor": v["prompting_price"],  # x the prices in force
                "f_usd_per_training_token": base.f_usd_per_training_token * v["training_price"],
                "f_training_examples": v["f_training_examples"],
                "p_output_tokens_per_call": v["output_tokens_per_call"],
                "f_output_tokens_per_call": v["output_tokens_per_call"],  # both 25 today
            }
            for key in (
                "f_replica_usd_per_hour",
                "f_calls_per_second_per_replica",
                "peak_to_average_ratio",
            ):
                if key in v:
                    changes[key] = v[key]
            if "fine_tuned_price" in v:
                changes["f_price_factor"] = v["fine_tuned_price"]
            one = compute(base.with_values(**changes))
            expected = np.cumsum(one[:, mask, :].sum(axis=1), axis=-1)
            np.testing.assert_allclose(mc.cumulative_usd[n], expected, rtol=1e-9, atol=1e-9)


def test_streamed_steps_give_the_same_draws_as_one_pass(catalog, article, monkeypatch):
    """The Monte Carlo walks its draws a few months per step; the steps must not change a bit."""
    long = article.model_copy(update={"horizon_months": 120})
    b = A.Basis.build(long, catalog)
    ranges = [u for u in A.default_ranges(b)]
    inputs = {u.driver: A.sample(u, 1_300, 3) for u in ranges}
    cum = A.cumulative_totals(b.params_for(inputs))  # (draws, 3, H), all 120 months in one pass
    monkeypatch.setattr(uncertainty, "MONTHS_PER_STEP_CELLS", 1_300 * 7)  # 7 months a step
    mc = A.monte_carlo(b, ranges, draws=1_300, seed=3, keep_series=True)
    np.testing.assert_array_equal(mc.cumulative_usd, cum)
    diff = cum[:, 1:] - cum[:, :1]
    np.testing.assert_array_equal(mc.percentiles_usd, np.percentile(diff, [10, 50, 90], axis=0)
                                  .transpose(1, 0, 2))  # fmt: skip
    np.testing.assert_array_equal(mc.breakeven_months, A.durable_breakeven_months(diff))
    np.testing.assert_array_equal(mc.totals_usd, cum[:, :, -1])


def test_steps_do_not_change_trends_or_discounting(catalog, article, monkeypatch):
    """Price trends and the discount rate compound month by month across steps exactly as in
    one pass (they used to restart each step from step ** first month, a few ulps apart)."""
    s = updated(
        article,
        {
            "horizon_months": 120,
            "money.prompted_price_change_pct_per_year": -20,
            "money.tuned_price_change_pct_per_year": 10,
            "money.discount_rate_pct_per_year": 8,
        },
    )
    b = A.Basis.build(s, catalog)
    ranges = [u for u in A.default_ranges(b)]
    inputs = {u.driver: A.sample(u, 300, 4) for u in ranges}
    cum = A.cumulative_totals(b.params_for(inputs))
    monkeypatch.setattr(uncertainty, "MONTHS_PER_STEP_CELLS", 300 * 7)  # 7 months a step
    mc = A.monte_carlo(b, ranges, draws=300, seed=4, keep_series=True)
    np.testing.assert_array_equal(mc.cumulative_usd, cum)


def test_monte_carlo_outputs(catalog, near_breakeven):
    b = A.Basis.build(near_breakeven, catalog)
    mc = A.monte_carlo(b, draws=3_000, seed=2)
    h = near_breakeven.horizon_months
    assert mc.percentiles_usd.shape == (2, 3, h)
    assert np.all(mc.percentiles_usd[:, 0] <= mc.percentiles_usd[:, 1])
    assert np.all(mc.percentiles_usd[:, 1] <= mc.percentiles_usd[:, 2])
    for c in A.CHALLENGERS:
        dist = mc.breakeven_distribution(c)
        assert set(dist) == set(range(h + 1))
        assert sum(dist.values()) == pytest.approx(1.0)
        # Broken even by the horizon <=> cheaper at the horizon (durable means ahead at H).
        assert dist[0] == pytest.approx(1.0 - mc.probability_cheaper(c))
        s = mc.savings_percentiles(c)
        assert s["p10"] <= s["p50"] <= s["p90"]
    assert sum(mc.probability_cheapest().values()) == pytest.approx(1.0)
    summary = mc.summary()
    assert summary["draws"] == 3_000 and "fine_tuning" in summary


def test_breakeven_percentiles_count_never(catalog, near_breakeven):
    b = A.Basis.build(near_breakeven, catalog)
    ranges = [A.Uncertain("monthly_calls", 1_000_000, 2_000_000, 4_000_000)]
    mc = A.monte_carlo(b, ranges, draws=2_000, seed=1)
    never = mc.breakeven_distribution("fine_tuning")[0]
    assert 0.1 < never < 0.9
    assert mc.breakeven_percentile("fine_tuning", 100 * (1 - never) + 1) is None
    p10 = mc.breakeven_percentile("fine_tuning", 10)
    assert p10 is not None and 1 <= p10 <= near_breakeven.horizon_months


def test_importance_ranks_the_uncertain_inputs(catalog, near_breakeven):
    b = A.Basis.build(near_breakeven, catalog)
    ranges = [
        A.Uncertain("monthly_calls", 1_000_000, 1_800_000, 2_600_000),
        A.Uncertain("f_epochs", 3.9, 4, 4.1),
        A.Uncertain("f_build_hours", 80, 80, 80),
    ]
    importance = A.monte_carlo(b, ranges, draws=2_000).importance()
    assert next(iter(importance)) == "monthly_calls"
    assert importance["monthly_calls"] < -0.95  # more calls: fine-tuning gains
    assert importance["f_build_hours"] == 0.0


def test_sampling(catalog):
    u = A.Uncertain("monthly_calls", 10.0, 20.0, 60.0)
    pert = A.sample(u, 200_000, seed=3)
    tri = A.sample(u, 200_000, seed=3, distribution="triangular")
    assert pert.min() >= 10 and pert.max() <= 60 and tri.min() >= 10 and tri.max() <= 60
    assert pert.mean() == pytest.approx((10 + 4 * 20 + 60) / 6, rel=5e-3)
    assert tri.mean() == pytest.approx((10 + 20 + 60) / 3, rel=5e-3)
    np.testing.assert_array_equal(A.sample(A.Uncertain("monthly_calls", 5, 5, 5), 3, 1), [5, 5, 5])
    with pytest.raises(ValueError):
        A.sample(u, 3, 1, distribution="normal")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("monthly_calls", 3, 2, 5), "low <= likely <= high"),
        (("f_accuracy", 0.9, 0.95, 1.2), "within"),
        (("nope", 1, 2, 3), "unknown driver"),
        (("monthly_calls", 1, float("nan"), 3), "numbers"),
    ],
)
def test_bad_ranges_are_refused(args, message):
    with pytest.raises(ValueError, match=message):
        A.Uncertain(*args)


def test_duplicate_ranges_and_no_draws_are_refused(catalog, article):
    u = A.Uncertain("monthly_calls", 1, 2, 3)
    with pytest.raises(ValueError, match="one range"):
        A.monte_carlo((article, catalog), [u, u])
    with pytest.raises(ValueError, match="at least 1"):
        A.monte_carlo((article, catalog), draws=0)


def test_default_ranges_follow_the_scenario(catalog, article, cadence):
    keys = {u.driver for u in A.default_ranges((article, catalog))}
    assert {"monthly_calls", "f_build_hours", "new_categories_per_year"} <= keys
    assert "f_accuracy" not in keys  # wrong answers are not priced in the article
    assert "f_usd_per_labeled_example" not in keys  # existing labels cost nothing
    ranges = {u.driver: u for u in A.default_ranges((cadence, catalog))}
    assert ranges["monthly_calls"].low == pytest.approx(70_000)
    assert ranges["monthly_calls"].high == pytest.approx(130_000)
    assert ranges["new_categories_per_year"].likely == 12.0
    assert {"f_accuracy", "p_accuracy", "f_usd_per_labeled_example"} <= set(ranges)


def test_no_uncertain_inputs_is_the_projection(catalog, article):
    result = project(article, catalog)
    mc = A.monte_carlo(result, [], draws=10)
    np.testing.assert_array_equal(mc.totals_usd, np.tile(result.cumulative[:, -1], (10, 1)))


@pytest.mark.parametrize("ranges", [None, []], ids=["default ranges", "no ranges"])
def test_one_draw_is_the_projection_of_that_draw(catalog, article, ranges):
    """One draw is one variant, which the walk returns unbroadcast (it used to reach the
    in-place percentiles as a read-only view, and ``analyze --monte-carlo 1`` crashed)."""
    b = A.Basis.build(article, catalog)
    mc = A.monte_carlo(b, ranges, draws=1, seed=5)
    cum = A.cumulative_totals(b.params_for({k: v for k, v in mc.inputs.items()}))
    np.testing.assert_array_equal(mc.totals_usd, cum[..., -1].reshape(1, 3))
    diff = (cum[..., 1:, :] - cum[..., :1, :]).reshape(2, -1)
    for k in range(3):  # P10 = P50 = P90 = the draw itself
        np.testing.assert_array_equal(mc.percentiles_usd[:, k], diff)


def test_monte_carlo_csv_exports(catalog, near_breakeven):
    mc = A.monte_carlo((near_breakeven, catalog), draws=400, seed=8)
    draws = pd.read_csv(io.BytesIO(A.draws_csv(mc)))
    assert len(draws) == 400
    assert {"draw", "monthly_calls", "fine_tuning_minus_prompting_usd", "cheapest"} <= set(
        draws.columns
    )
    never = draws["fine_tuning_breakeven_month"].isna()
    assert never.sum() == round(mc.breakeven_distribution("fine_tuning")[0] * 400)
    pct = pd.read_csv(io.BytesIO(A.percentiles_csv(mc)))
    assert len(pct) == 2 * near_breakeven.horizon_months
    assert list(pct.columns) == ["month", "challenger", "p10_usd", "p50_usd", "p90_usd"]


def test_people_rate_zero_range(catalog, article):
    """A driver can be pinned at 0 (a free engineer): no division by today's value."""
    s = article.model_copy(update={"people": People(engineer_usd_per_hour=0)})
    mc = A.monte_carlo((s, catalog), [A.Uncertain("engineer_usd_per_hour", 0, 0, 50)], draws=50)
    assert mc.totals_usd.shape == (50, 3)
