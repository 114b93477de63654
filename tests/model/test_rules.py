"""The written rules of tcocalc/model/engine.py, each pinned by a case checked by hand.

The article's scenario with the fixed test prices: gpt-4.1-mini tuned at $5 per 1M training tokens,
4 epochs, 40,000 examples x 250 tokens; labels by an in-house expert at $0.60 each (QA included).
"""

from __future__ import annotations

import pytest

from tcocalc.model.breakeven import category_change_events
from tcocalc.model.engine import COMPONENTS, STRATEGIES, compute
from tcocalc.model.params import resolve
from tcocalc.model.projection import project
from tcocalc.model.scenario import Scenario
from tcocalc.model.units import WEEKS_PER_MONTH
from tcocalc.pricing.catalog import Catalog


def _with(article: Scenario, **changes: dict[str, object]) -> Scenario:
    data = article.model_dump()
    for part, fields in changes.items():
        data[part].update(fields)
    return Scenario.model_validate(data)


def _cell(comp: object, strategy: str, component: str, month: int) -> float:
    return float(comp[STRATEGIES.index(strategy), COMPONENTS.index(component), month - 1])  # type: ignore[index]


@pytest.fixture
def before_go_live(article: Scenario) -> Scenario:
    """Go-live in month 2 (8 weeks = 1.84 months); 2 categories arrive in month 1."""
    return _with(
        article,
        prompting={"labeling": "in-house-expert", "examples_per_new_category": 5},
        fine_tuning={
            "lead_time_weeks": 8,
            "labeling": "in-house-expert",
            "examples_per_new_category": 100,
        },
        category_changes={"events": [{"month": 1, "new_categories": 2}]},
    )


def test_category_before_go_live_is_learnt_by_the_first_model(
    before_go_live: Scenario, fixture_catalog: Catalog
) -> None:
    comp = compute(resolve(before_go_live, fixture_catalog))
    for strategy in ("fine_tuning", "hybrid"):
        # First model on 40,000 + 2 x 100 examples: 40,200 x 250 x 4 epochs x $5/1M = $201.00
        assert _cell(comp, strategy, "training", 1) == pytest.approx(201.0)
        # No re-train for it, in the month it arrives or at go-live.
        assert _cell(comp, strategy, "retraining", 1) == 0.0
        assert _cell(comp, strategy, "retraining", 2) == 0.0
    # The hybrid sends none of its calls to the prompt for those categories once live: its
    # month-2 inference equals fine-tuning's.
    assert _cell(comp, "hybrid", "inference", 2) == pytest.approx(
        _cell(comp, "fine_tuning", "inference", 2)
    )


def test_change_during_lead_time_costs_what_prompting_pays_plus_the_tuned_examples(
    before_go_live: Scenario, fixture_catalog: Catalog
) -> None:
    comp = compute(resolve(before_go_live, fixture_catalog))
    # Engineering: 80 h build + the prompt's 20 minutes for the change (no 24 h fine-tuning
    # change) = 80.3333 h x $100
    assert _cell(comp, "fine_tuning", "engineering", 1) == pytest.approx((80 + 0.3333) * 100)
    # Labeling: 40,000 at start + 2 x 100 tuned + 2 x 5 for the prompt, x $0.60 = $24,126
    assert _cell(comp, "fine_tuning", "labeling", 1) == pytest.approx(24_126.0)
    # The hybrid keeps its prompt too: + the prompt's 50 labeled examples x $0.60 = $24,156
    assert _cell(comp, "hybrid", "labeling", 1) == pytest.approx(24_156.0)


def test_each_change_is_reported_at_its_real_size(
    article: Scenario, fixture_catalog: Catalog
) -> None:
    s = _with(
        article,
        prompting={"labeling": "in-house-expert", "examples_per_new_category": 5},
        fine_tuning={"labeling": "in-house-expert", "examples_per_new_category": 100},
        category_changes={
            "every_months": 6,
            "new_categories_per_change": 1,
            "events": [{"month": 2, "new_categories": 3}],
        },
    )
    events = project(s, fixture_catalog).category_changes
    assert [(e.month, e.new_categories) for e in events] == [
        (2, 3),
        (6, 1),
        (12, 1),
        (18, 1),
        (24, 1),
    ]
    month2, month6 = events[0], events[1]
    # Prompting, month 2: 20 min x $100 + 3 x 5 x $0.60 = 33.33 + 9 = $42.33
    assert month2.prompting_usd == pytest.approx(0.3333 * 100 + 9)
    # Fine-tuning, month 2: 24 h x $100 + 3 x 100 x $0.60 + a re-train on 40,300 examples
    # (40,300 x 250 x 4 x $5/1M = $201.50) = 2,400 + 180 + 201.50 = $2,781.50
    assert month2.fine_tuning_usd == pytest.approx(2781.5)
    # Month 6, one category: 2,400 + 60 + a re-train on 40,400 examples ($202.00) = $2,662
    assert month6.fine_tuning_usd == pytest.approx(2662.0)
    assert month6.prompting_usd == pytest.approx(0.3333 * 100 + 3)
    # The headline quotes the first change from go-live on, at its real size (3 categories).
    assert project(s, fixture_catalog).cost_per_category_change["fine_tuning"] == pytest.approx(
        2781.5
    )


def test_change_before_go_live_reported_as_prompting_plus_the_first_models_share(
    before_go_live: Scenario, fixture_catalog: Catalog
) -> None:
    (event,) = category_change_events(resolve(before_go_live, fixture_catalog))
    assert (event.month, event.live) == (1, False)
    # Prompting: 33.33 + 2 x 5 x 0.60 = $39.33; fine-tuning: that + 2 x 100 x 0.60 + the first
    # model's training of 200 examples (200 x 250 x 4 x $5/1M x 1 run = $1.00) = $160.33
    assert event.prompting_usd == pytest.approx(0.3333 * 100 + 6)
    assert event.fine_tuning_usd == pytest.approx(0.3333 * 100 + 6 + 120 + 1.0)


# --- Dedicated replicas in the go-live month ------------------------------------------------


@pytest.fixture
def dedicated(article: Scenario) -> Scenario:
    """1 call/s on average (2,628,000 calls a month), peak x 3, replicas of 1 call/s at $3.60/h;
    go-live at 6 weeks = 1.380 months: month 2 is 62.0 % live."""
    return _with(
        article,
        workload={"monthly_calls": 2_628_000},
        fine_tuning={
            "lead_time_weeks": 6,
            "serving": {
                "kind": "dedicated",
                "gpu": "h100",
                "calls_per_second_per_replica": 1.0,
                "decode_batch_size": 1,
            },
        },
        category_changes={"events": []},
    )


def _replica_usd(comp: object, strategy: str, month: int, live: float, s: Scenario) -> float:
    """The month's inference minus its per-token part: what the replicas cost."""
    calls = s.workload.monthly_calls
    p_call = (1150 * 0.40 + 25 * 1.60) / 1e6  # prompting gpt-4.1-mini
    tokens = calls * (1 - live) * p_call  # a dedicated tuned model has no per-token price
    return _cell(comp, strategy, "inference", month) - tokens


def test_go_live_month_replicas_sized_on_the_rate_while_live(
    dedicated: Scenario, fixture_catalog: Catalog
) -> None:
    comp = compute(resolve(dedicated, fixture_catalog))
    live = 2 - 6 / WEEKS_PER_MONTH  # 0.6201
    # While live the tuned model gets 1 call/s, peak 3 calls/s: 3 replicas, billed for the live
    # part: 3 x $3.60 x 730 h x 0.6201 = $4,889. (Spreading the live calls over the whole month
    # gave 0.62 x 3 = 1.86 -> 2 replicas, one too few.)
    assert _replica_usd(comp, "fine_tuning", 2, live, dedicated) == pytest.approx(
        3 * 3.60 * 730 * live
    )
    assert _replica_usd(comp, "fine_tuning", 3, 1.0, dedicated) == pytest.approx(3 * 3.60 * 730)
    assert _replica_usd(comp, "fine_tuning", 1, 0.0, dedicated) == pytest.approx(0.0)
    # The hybrid (no pending category) sizes and bills the same.
    assert _replica_usd(comp, "hybrid", 2, live, dedicated) == pytest.approx(3 * 3.60 * 730 * live)


def test_n_plus_one_adds_a_spare_replica(dedicated: Scenario, fixture_catalog: Catalog) -> None:
    data = dedicated.model_dump()
    data["fine_tuning"]["serving"]["redundancy_replicas"] = 1
    s = Scenario.model_validate(data)
    comp = compute(resolve(s, fixture_catalog))
    # 3 for the peak + 1 spare = 4 x $3.60 x 730 h
    assert _replica_usd(comp, "fine_tuning", 3, 1.0, s) == pytest.approx(4 * 3.60 * 730)


def test_p95_target_sizes_the_replicas(dedicated: Scenario, fixture_catalog: Catalog) -> None:
    data = dedicated.model_dump()
    data["fine_tuning"]["serving"]["p95_latency_seconds"] = 2.0
    s = Scenario.model_validate(data)
    comp = compute(resolve(s, fixture_catalog))
    # Peak 3 calls/s, one slot per replica serving a call in 1 s (1 call/s, batch 1), p95 <= 2 s:
    # M/M/c with a = 3: c = 4 gives C = 27/53 = 0.509 and 0.509 x e^-1 = 0.19 > 5 %; c = 5 gives
    # C = 0.236 and 0.236 x e^-2 = 0.032 <= 5 % -> 5 replicas (throughput alone: 3).
    assert _replica_usd(comp, "fine_tuning", 3, 1.0, s) == pytest.approx(5 * 3.60 * 730)
