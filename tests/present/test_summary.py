"""Headline, verdict, hidden costs and timeline, checked by hand on the article's scenario.

The fixed test catalog prices GPT-4.1 mini so the article's scenario gives the article's dollars:
prompting $50/month, the tuned model $20/month, a training run $200 (see tests/model/test_engine.py).
"""

from __future__ import annotations

import pytest

from tcocalc.model.projection import project
from tcocalc.model.scenario import Scenario
from tcocalc.present import hidden_costs, summary
from tcocalc.pricing.catalog import Catalog
from tests.conftest import updated

PLAIN = {"accounting.include_engineering": False}


def test_verdict_when_fine_tuning_pays_back(article: Scenario, fixture_catalog: Catalog) -> None:
    r = project(updated(article, PLAIN), fixture_catalog)
    # Fine-tuning: $200 training + $200 re-train for the change in month 2 + $20/month; prompting
    # $50/month: 400 + 20 m <= 50 m from m = 13.3 -> month 14. Inference is the only saving.
    # A change: re-train 40,000 x 250 x 4 x $5/1M = $200 vs 20 minutes (not counted) for prompting.
    assert summary.verdict(r) == (
        "Fine-tuning pays back in month 14, driven by 100k calls/month; "
        "each category change costs it $200 vs $0 for prompting."
    )


def test_verdict_names_the_volume_as_it_changes(
    article: Scenario, fixture_catalog: Catalog
) -> None:
    s = updated(article, PLAIN | {"workload.monthly_calls": 2_400_000})
    text = summary.verdict(project(s, fixture_catalog))
    # 2.4M calls: prompting $1,200/month, fine-tuning $480/month; 400 / 720 -> month 1 already
    assert text.startswith("Fine-tuning is cheaper from month 1, driven by 2.4M calls/month;")


def test_verdict_when_people_time_outweighs_the_savings(
    article: Scenario, fixture_catalog: Catalog
) -> None:
    r = project(article, fixture_catalog)
    text = summary.verdict(r)
    # Upkeep: fine-tuning 4 h vs prompting 2 h at $100/h = $200 more a month; inference saves $30.
    assert text.startswith("Fine-tuning does not pay back by month 24, nor on the current trend")
    assert "it costs $170/month more to run than prompting at 100k calls/month" in text
    # Engineering: (80 + 24) - (16 + 0.3333) = 87.67 extra hours x $100 = $8,767
    assert "on top of $8,767 of engineering time" in text
    # A change: 24 h x $100 + $200 re-train = $2,600; prompting 0.3333 h x $100 = $33
    assert text.endswith("each category change costs it $2,600 vs $33 for prompting.")


def test_verdict_with_an_estimate_beyond_the_horizon(
    article: Scenario, fixture_catalog: Catalog
) -> None:
    s = updated(article, PLAIN | {"horizon_months": 12})
    text = summary.verdict(project(s, fixture_catalog))
    # After month 2 the gap shrinks by $30/month: at month 12 it is 400 + 240 - 600 = $40 -> 2 more.
    # Training compute: $200 for the first model + $200 re-train for the change = $400.
    assert text.startswith(
        "Fine-tuning does not pay back by month 12 (on the current trend: month 14): "
        "$400 of training compute"
    )
    assert "outweighs the $30/month it saves" in text


def test_verdict_driven_by_accuracy(article: Scenario, fixture_catalog: Catalog) -> None:
    s = updated(
        article,
        PLAIN
        | {
            "accounting.include_error_cost": True,
            "people.usd_per_wrong_answer": 0.5,
            "category_changes": {},
        },
    )
    text = summary.verdict(project(s, fixture_catalog))
    # Errors: 100,000 x (0.12 - 0.06) x $0.50 = $3,000/month saved vs $30 on inference
    assert text.startswith(
        "Fine-tuning is cheaper from month 1, driven by its accuracy (94% vs 88%) at $0.50 per "
        "wrong answer over 100k calls/month;"
    )
    assert text.endswith("a category change would cost it $200 vs $0 for prompting.")


def test_hybrid_sentence(article: Scenario, fixture_catalog: Catalog) -> None:
    r = project(article, fixture_catalog)
    saved = r.hybrid_breakeven.savings_at_horizon_usd
    assert saved < 0
    assert summary.hybrid_verdict(r) == (
        f"Hybrid does not pay back by month 24, when it costs {summary.usd(-saved)} more than "
        "prompting."
    )


def test_headline_figures(article: Scenario, fixture_catalog: Catalog) -> None:
    s = updated(article, PLAIN | {"horizon_months": 40})
    r = project(s, fixture_catalog)
    h = summary.headline(r)
    assert h.checkpoints == (12, 24, 36, 40)
    assert h.totals_usd["prompting"] == {12: 600.0, 24: 1200.0, 36: 1800.0, 40: 2000.0}
    assert h.totals_usd["fine_tuning"][24] == pytest.approx(400 + 24 * 20)
    assert h.savings_usd["fine_tuning"][24] == pytest.approx(1200 - 880)
    assert (h.fine_tuning.value, h.fine_tuning.month) == ("Month 14", 14)
    assert h.cost_per_category_change_usd == pytest.approx({"prompting": 0.0, "fine_tuning": 200.0})
    assert h.verdict == summary.verdict(r)


def test_headline_without_break_even(article: Scenario, fixture_catalog: Catalog) -> None:
    h = summary.headline(project(article, fixture_catalog))
    assert h.fine_tuning.value == "Not by month 24"
    assert h.fine_tuning.detail == "nor on the current trend"
    assert h.fine_tuning.month is None


def test_totals_table(article: Scenario, fixture_catalog: Catalog) -> None:
    r = project(updated(article, PLAIN), fixture_catalog)
    table = summary.totals_table(r)
    assert list(table.columns) == ["Month 12", "Month 24 (horizon)"]
    assert list(table.index) == [
        "Prompting",
        "Fine-tuning",
        "Hybrid",
        "Fine-tuning vs prompting",
        "Hybrid vs prompting",
    ]
    assert table.loc["Prompting", "Month 24 (horizon)"] == "$1,200"
    assert table.loc["Fine-tuning vs prompting", "Month 24 (horizon)"] == "$320 less"  # 1,200 - 880
    assert list(summary.totals_table(r, show_hybrid=False).index) == [
        "Prompting",
        "Fine-tuning",
        "Fine-tuning vs prompting",
    ]


def test_hidden_costs_for_the_article(article: Scenario, fixture_catalog: Catalog) -> None:
    rows = {row.aspect: row for row in hidden_costs.hidden_costs(project(article, fixture_catalog))}
    assert list(rows) == [
        "Data labeling",
        "Infrastructure",
        "Maintenance",
        "Iteration speed (per category change)",
        "Model drift",
        "Time to first version",
    ]
    assert rows["Data labeling"].fine_tuning == "40k examples · $0 over 24 months"
    assert rows["Infrastructure"].prompting == "API calls only · $50/month on average"
    assert "training on provider API: $200" in rows["Infrastructure"].fine_tuning
    assert "$20/month on average" in rows["Infrastructure"].fine_tuning
    assert rows["Maintenance"].prompting == "update prompts: 2 h/month · $200/month"
    assert rows["Iteration speed (per category change)"].prompting == "20 min · $33"
    assert rows["Iteration speed (per category change)"].fine_tuning == (
        "24 h (3 working days) + a re-train · $2,600"
    )
    # One re-train (the change in month 2) in 24 months = 0.5 a year, $200 / 2 years = $100/year
    assert rows["Model drift"].fine_tuning == (
        "0.5 re-trains/year (on category changes only) · $100/year of compute"
    )


def test_hidden_costs_count_scheduled_retrains(article: Scenario, fixture_catalog: Catalog) -> None:
    s = updated(article, {"category_changes": {}, "fine_tuning.retrain_every_months": 6, **PLAIN})
    rows = {row.aspect: row for row in hidden_costs.hidden_costs(project(s, fixture_catalog))}
    # Live from month 1, every 6 months after: months 7, 13, 19 -> 3 in 2 years
    assert rows["Model drift"].fine_tuning.startswith("1.5 re-trains/year (every 6 months")
    assert "(not counted)" in rows["Maintenance"].fine_tuning
    table = hidden_costs.hidden_cost_table(project(s, fixture_catalog))
    assert list(table.columns) == ["Prompting", "Fine-tuning"]


def test_timeline(article: Scenario, fixture_catalog: Catalog) -> None:
    t = summary.timeline(
        project(updated(article, {"fine_tuning.lead_time_weeks": 2}), fixture_catalog)
    )
    assert t.category_changes == ((2, 3),)
    # Fine-tuning re-trains at the change; the hybrid batches it into its quarterly re-train:
    # go-live in month 1, batches in months 4, 7, ... -> month 4.
    assert t.retrains == {"prompting": (), "fine_tuning": (2,), "hybrid": (4,)}
    assert t.go_live_months == pytest.approx(2 / (365.25 / 7 / 12))


@pytest.mark.parametrize(
    ("amount", "text"),
    [(0, "$0"), (0.5, "$0.50"), (9.99, "$9.99"), (10.4, "$10"), (999_999.4, "$999,999"),
     (999_999.6, "$1M"), (1_840, "$1,840"), (-13_847.2, "-$13,847"), (2.5e9, "$2.5B")],
)  # fmt: skip
def test_usd(amount: float, text: str) -> None:
    assert summary.usd(amount) == text


def test_picker_labels(fixture_catalog: Catalog) -> None:
    assert summary.labeling_choice_label("in-house-expert", fixture_catalog) == (
        "in-house-expert · $0.60/example · 2026-11-01"
    )
    assert summary.labeling_details("in-house-expert", fixture_catalog) == (
        "36 s per label at $50/hour + 20% review · as of 2026-11-01 · "
        "[source](https://example.com/labels)"
    )
    assert summary.gpu_choice_label("h100", fixture_catalog) == "h100 · $3.60/GPU-h · 2026-11-01"
    assert summary.gpu_details("h100", fixture_catalog).startswith(
        "H100 80GB, 80 GB (example) · $3.60 per GPU-hour · as of 2026-11-01"
    )
    assert summary.model_choice_label("nope", fixture_catalog) == "nope · not in the catalog"
    # Markdown: the id came from a link, so its punctuation is escaped (shows as typed)
    assert "unknown model \\'nope\\'" in summary.model_details("nope", fixture_catalog)


def test_answer_is_a_short_title(article: Scenario, fixture_catalog: Catalog) -> None:
    # Plain dollars at 100k calls: $400 up front / $30 a month saved -> month 14 (module doc).
    assert summary.answer(project(updated(article, PLAIN), fixture_catalog)) == (
        "Fine-tuning pays back in month 14"
    )
    assert summary.answer(project(article, fixture_catalog)) == (
        "Prompting stays cheaper through month 24"
    )
