"""Hand-checked projections: every expected number says where it comes from.

Unless a test says otherwise it uses the fixed test catalog (tests/fixtures/pricing), where
GPT-4.1 mini costs $0.40 / $1.60 per 1M tokens, its fine-tuning $5.00 per 1M training tokens and the
tuned model $0.80 / $3.20, so the article's scenario gives exactly the article's dollars.
"""

from __future__ import annotations

import numpy as np
import pytest

from tcocalc.model.engine import COMPONENTS, STRATEGIES, compute
from tcocalc.model.params import resolve
from tcocalc.model.projection import project
from tcocalc.model.units import WEEKS_PER_MONTH
from tests.conftest import updated

PLAIN_DOLLARS = {
    "accounting.include_engineering": False,
    "accounting.include_error_cost": False,
}
NO_CHANGES = {"category_changes": {}}


def comp(result, strategy, component):
    return result.components[STRATEGIES.index(strategy), COMPONENTS.index(component)]


def test_article_dollars_per_month(article, fixture_catalog):
    r = project(article, fixture_catalog)
    # 100,000 x (1,150 x 0.40 + 25 x 1.60) / 1M = $50; tuned: 100,000 x (150 x 0.80 + 25 x 3.20) / 1M = $20
    assert comp(r, "prompting", "inference") == pytest.approx(np.full(24, 50.0))
    assert comp(r, "fine_tuning", "inference") == pytest.approx(np.full(24, 20.0))
    # 40,000 examples x 250 tokens x 4 epochs x $5 / 1M = $200, paid in month 1
    assert comp(r, "fine_tuning", "training")[0] == pytest.approx(200.0)
    assert comp(r, "fine_tuning", "training")[1:].sum() == 0


def test_article_plain_dollars_breaks_even_in_month_7(article, fixture_catalog):
    s = updated(article, PLAIN_DOLLARS | NO_CHANGES)
    be = project(s, fixture_catalog).fine_tuning_breakeven
    # 200 / (50 - 20) = 6.67 -> at the end of month 7: 200 + 7 x 20 = 340 <= 7 x 50 = 350
    assert (be.first_month, be.durable_month) == (7, 7)
    assert be.lead_changes == (7,)


def test_article_category_change_moves_break_even_to_month_14(article, fixture_catalog):
    s = updated(article, PLAIN_DOLLARS)
    r = project(s, fixture_catalog)
    # The change in month 2 costs another $200 re-train: 400 / 30 = 13.3 -> month 14
    assert comp(r, "fine_tuning", "retraining")[1] == pytest.approx(200.0)
    assert r.fine_tuning_breakeven.durable_month == 14
    # Prompting absorbs it in 20 minutes, which costs nothing in plain dollars
    assert r.total("prompting", 14) == pytest.approx(14 * 50.0)
    assert r.total("fine_tuning", 14) == pytest.approx(400 + 14 * 20.0)


def test_article_lead_time_of_two_weeks_costs_prompting_traffic(article, fixture_catalog):
    s = updated(article, PLAIN_DOLLARS | NO_CHANGES | {"fine_tuning.lead_time_weeks": 2})
    r = project(s, fixture_catalog)
    live = 1 - 2 / WEEKS_PER_MONTH  # 0.540 of month 1 on the tuned model
    assert comp(r, "fine_tuning", "inference")[0] == pytest.approx(20 * live + 50 * (1 - live))
    # 200 + 23.0 + 10.8 + 20 (m - 1) <= 50 m  ->  m >= 7.13  ->  month 8
    assert r.fine_tuning_breakeven.durable_month == 8


def test_article_full_tco_prices_peoples_time(article, fixture_catalog):
    r = project(article, fixture_catalog)
    # Prompting: 16 h build + 20 min change + 24 x 2 h upkeep at $100, + 24 x $50 of calls
    assert r.total("prompting") == pytest.approx(1600 + 33.33 + 24 * 200 + 24 * 50)
    # Fine-tuning: 80 h build + 3 days (24 h) for the change + 24 x 4 h upkeep, 2 runs, 24 x $20
    assert r.total("fine_tuning") == pytest.approx(8000 + 2400 + 24 * 400 + 200 + 200 + 24 * 20)
    assert r.fine_tuning_breakeven.durable_month is None
    assert r.fine_tuning_breakeven.estimated_month is None  # upkeep makes it fall further behind
    # One category change: 20 min of an engineer vs 3 days + a $200 re-train
    assert r.cost_per_category_change["prompting"] == pytest.approx(33.33)
    assert r.cost_per_category_change["fine_tuning"] == pytest.approx(2400 + 200)


def test_article_with_shipped_prices_forces_a_migration(article, shipped_catalog):
    """Today's catalog carries OpenAI's fine-tuning wind-down (January 2027 = month 12)."""
    r = project(updated(article, NO_CHANGES), shipped_catalog)
    assert any("month 12" in w and "fine-tuning jobs" in w for w in r.warnings)
    retrain = comp(r, "fine_tuning", "retraining")
    assert retrain.nonzero()[0].tolist() == [11]
    assert retrain[11] == pytest.approx(200.0)
    # The migration costs 8 h of re-training work; prompting re-tests its prompt for 4 h
    assert comp(r, "fine_tuning", "engineering")[11] == pytest.approx(800.0)
    assert comp(r, "prompting", "engineering")[11] == pytest.approx(400.0)
    # From month 12 the prompt runs on the successor gpt-6-luna ($0.10 / $0.50 per 1M):
    # 100,000 x (1,150 x 0.10 + 25 x 0.50) / 1M = $12.75 a month
    assert comp(r, "prompting", "inference")[10:12] == pytest.approx([50.0, 12.75])
    # gpt-6-luna cannot be fine-tuned, so the tuned model's rebuild keeps today's prices
    assert any("cannot be fine-tuned there" in w for w in r.warnings)
    assert comp(r, "fine_tuning", "inference")[11] == pytest.approx(20.0)
    # In plain dollars, fine-tuning still breaks even in month 7 but loses the lead at the
    # migration (200 + 200 + 12 x 20 = 640 > 11 x 50 + 12.75 = 562.75) and, paying $20 a month
    # against prompting's $12.75, never wins it back
    plain = project(updated(article, PLAIN_DOLLARS | NO_CHANGES), shipped_catalog)
    be = plain.fine_tuning_breakeven
    assert (be.first_month, be.durable_month, be.lead_changes) == (7, None, (7, 12))
    assert be.estimated_month is None


def test_hybrid_sends_new_categories_to_the_prompt_until_the_batch(article, fixture_catalog):
    r = project(article, fixture_catalog)
    # 3 of 8 categories are new from month 2 until the quarterly re-train at the end of month 4
    share = 3 / 8
    expected = 20 * (1 - share) + 50 * share
    assert comp(r, "hybrid", "inference")[1:4] == pytest.approx([expected] * 3)
    assert comp(r, "hybrid", "inference")[4] == pytest.approx(20.0)
    assert comp(r, "hybrid", "retraining").nonzero()[0].tolist() == [3]
    # Hybrid pays the prompt change at once (20 min) and the tuned model's 3 days at the batch
    assert comp(r, "hybrid", "engineering")[1] == pytest.approx(33.33)
    assert comp(r, "hybrid", "engineering")[3] == pytest.approx(2400.0)
    # It builds and keeps both: 16 h + 80 h at month 1, 2 h + 4 h upkeep a month
    assert comp(r, "hybrid", "engineering")[0] == pytest.approx(9600.0)
    assert comp(r, "hybrid", "maintenance") == pytest.approx(np.full(24, 600.0))


def test_a_drift_retrain_teaches_the_hybrid_its_pending_categories(article, fixture_catalog):
    r = project(updated(article, {"fine_tuning.retrain_every_months": 2}), fixture_catalog)
    # Drift re-trains in months 3, 5, 7, ... (every 2 months after go-live in month 1). The one in
    # month 3 learns the 3 categories added in month 2, before the quarterly batch of month 4.
    share = 3 / 8
    expected = 20 * (1 - share) + 50 * share
    assert comp(r, "hybrid", "inference")[1:3] == pytest.approx([expected] * 2)
    assert comp(r, "hybrid", "inference")[3:6] == pytest.approx([20.0] * 3)
    # Month 3 is a category re-train (3 days: 24 h x $100); month 4's batch finds nothing pending;
    # month 5 is a plain drift re-train (8 h x $100)
    assert comp(r, "hybrid", "engineering")[2:5] == pytest.approx([2400.0, 0.0, 800.0])
    assert comp(r, "hybrid", "retraining").nonzero()[0].tolist()[:3] == [2, 4, 6]


def test_error_cost_is_its_own_component(article, fixture_catalog):
    r = project(updated(article, {"accounting.include_error_cost": True}), fixture_catalog)
    # 100,000 calls x (1 - 0.88) x $0.50 = $6,000 a month; tuned: 100,000 x 0.06 x 0.50 = $3,000
    assert comp(r, "prompting", "errors") == pytest.approx(np.full(24, 6000.0))
    assert comp(r, "fine_tuning", "errors") == pytest.approx(np.full(24, 3000.0))
    # Quality-adjusted, fine-tuning gains 6,250 - 3,420 = $2,830 a month (errors, calls, upkeep);
    # it starts $3,770 behind (8,000 + 400 + 200 + 20 + 3,000 vs 1,600 + 200 + 50 + 6,000), loses
    # $2,600 - $33 on the month-2 change (+ a month of gains): 3,770 - 263 - 2 x 2,830 < 0 in month 4
    assert r.fine_tuning_breakeven.durable_month == 4
    without = project(article, fixture_catalog)
    assert r.total("prompting") - without.total("prompting") == pytest.approx(24 * 6000.0)


def test_growth_and_drift_retraining(article, fixture_catalog):
    s = updated(
        article,
        PLAIN_DOLLARS
        | NO_CHANGES
        | {"workload.monthly_growth_pct": 10, "fine_tuning.retrain_every_months": 6},
    )
    r = project(s, fixture_catalog)
    # Calls grow 10 % a month: month 3 has 100,000 x 1.1^2 = 121,000 calls -> $60.50 of prompting
    assert comp(r, "prompting", "inference")[2] == pytest.approx(60.5)
    # Drift re-trains every 6 months after go-live (month 1): months 7, 13, 19
    assert comp(r, "fine_tuning", "retraining").nonzero()[0].tolist() == [6, 12, 18]


def test_self_hosted_training_and_dedicated_serving(article, fixture_catalog):
    s = updated(
        article,
        PLAIN_DOLLARS
        | NO_CHANGES
        | {
            "fine_tuning.training": {
                "kind": "self_hosted",
                "gpu": "h100",
                "gpu_count": 4,
                "tokens_per_second_per_gpu": 1000,
                "method": "full",
                "epochs": 4,
                "experiment_multiplier": 3,
            },
            "fine_tuning.serving": {
                "kind": "dedicated",
                "gpu": "h100",
                "gpus_per_replica": 2,
                "calls_per_second_per_replica": 0.05,
                "min_replicas": 1,
            },
        },
    )
    r = project(s, fixture_catalog)
    # 40,000 x 250 x 4 = 40M token-passes at $3.60 / (1,000 tok/s x 3,600 s) = $1 per 1M -> $40
    # x 3 experiment runs = $120 (the GPU count changes wall time, not dollars)
    assert comp(r, "fine_tuning", "training")[0] == pytest.approx(120.0)
    # Peak: 100,000 / 2,628,000 s x 3 = 0.114 calls/s -> ceil(0.114 / 0.05) = 3 replicas
    # x 2 GPUs x $3.60 x 730 h = $15,768 a month
    assert comp(r, "fine_tuning", "inference")[0] == pytest.approx(3 * 2 * 3.60 * 730)


def test_serverless_lora_needs_a_lora_adapter(article):
    with pytest.raises(ValueError, match="LoRA adapter"):
        updated(
            article,
            {
                "fine_tuning.training": {
                    "kind": "self_hosted",
                    "gpu": "h100",
                    "tokens_per_second_per_gpu": 1000,
                    "method": "full",
                },
                "fine_tuning.serving": {"kind": "serverless_lora", "model": "open-8b"},
            },
        )


def test_serverless_lora_bills_the_base_price(article, fixture_catalog):
    s = updated(
        article,
        {
            "fine_tuning.training": {
                "kind": "self_hosted",
                "gpu": "h100",
                "tokens_per_second_per_gpu": 1000,
            },
            "fine_tuning.serving": {"kind": "serverless_lora", "model": "open-8b"},
        },
    )
    r = project(s, fixture_catalog)
    # 100,000 x (150 + 25) x $0.20 / 1M = $3.50 a month
    assert comp(r, "fine_tuning", "inference") == pytest.approx(np.full(24, 3.5))


def test_total_is_the_sum_of_included_components(article, fixture_catalog):
    for accounting in ({}, PLAIN_DOLLARS, {"accounting.include_error_cost": True}):
        r = project(updated(article, accounting), fixture_catalog)
        included = r.components[:, r.mask, :].sum(axis=(1, 2))
        assert [r.total(s) for s in STRATEGIES] == pytest.approx(included.tolist())
        table = r.table()
        by_strategy = table[table.included].groupby("strategy").usd.sum()
        assert by_strategy.to_dict() == pytest.approx(dict(zip(STRATEGIES, included, strict=True)))


def test_compute_on_many_variants_equals_one_by_one(article, fixture_catalog):
    params = resolve(article, fixture_catalog)
    calls = np.array([[1e3], [1e5], [3e6]])
    lead = np.array([[0.0], [2.0], [9.0]])
    batch = compute(params.with_values(monthly_calls=calls, f_lead_time_weeks=lead))
    assert batch.shape == (3, 3, 7, 24)
    for i in range(3):
        one = compute(
            params.with_values(
                monthly_calls=float(calls[i, 0]), f_lead_time_weeks=float(lead[i, 0])
            )
        )
        np.testing.assert_allclose(batch[i], one, rtol=0, atol=1e-9)


def test_every_shipped_scenario_projects(shipped_catalog):
    from tcocalc.inputs.loader import load_scenario, scenario_files

    names = []
    for path in scenario_files():
        r = project(load_scenario(path, shipped_catalog), shipped_catalog)
        assert np.isfinite(r.components).all()
        assert (r.components >= 0).all()
        names.append(path.stem)
    assert {"customer_support", "high_volume_extraction", "fast_changing_taxonomy"} <= set(names)


def test_shipped_scenarios_tell_their_story(shipped_catalog):
    from tcocalc.inputs.loader import SCENARIOS_DIR, load_scenario

    extraction = project(
        load_scenario(SCENARIOS_DIR / "high_volume_extraction.yaml"), shipped_catalog
    )
    assert extraction.fine_tuning_breakeven.durable_month is not None
    assert extraction.fine_tuning_breakeven.durable_month <= 6
    assert extraction.total("fine_tuning") < 0.5 * extraction.total("prompting")

    taxonomy = project(
        load_scenario(SCENARIOS_DIR / "fast_changing_taxonomy.yaml"), shipped_catalog
    )
    assert taxonomy.fine_tuning_breakeven.durable_month is None
    assert taxonomy.hybrid_breakeven.durable_month is None
    assert taxonomy.total("prompting") < 0.5 * taxonomy.total("fine_tuning")


def test_forced_migration_rebuilds_at_the_successors_prices(article, fixture_catalog):
    # ending-model stops taking fine-tuning jobs on 2027-06-15 (month 6); successor gpt-4.1-mini
    s = updated(
        article,
        NO_CHANGES | {"start_date": "2027-01-01", "fine_tuning.training.model": "ending-model"},
    )
    r = project(s, fixture_catalog)
    assert r.warnings == (
        "month 6: new fine-tuning jobs on ending-model end after 2027-06-15; migrate to "
        "gpt-4.1-mini",
    )
    # First model: 40,000 x 250 x 4 = 40M training tokens x $10 / 1M = $400
    assert comp(r, "fine_tuning", "training")[0] == pytest.approx(400.0)
    # The rebuild in month 6 trains on gpt-4.1-mini at $5 / 1M = $200
    assert comp(r, "fine_tuning", "retraining").nonzero()[0].tolist() == [5]
    assert comp(r, "fine_tuning", "retraining")[5] == pytest.approx(200.0)
    # Calls: 100,000 x (150 x 1.50 + 25 x 3.00) / 1M = $30 before, $20 on the successor from month 6
    assert comp(r, "fine_tuning", "inference")[4:6] == pytest.approx([30.0, 20.0])
