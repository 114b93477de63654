"""The reference article's hidden costs (labeling, infrastructure, upkeep, iteration, drift, time to
a first version), made concrete with one projection's numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tcocalc.model.engine import STRATEGIES, STRATEGY_LABELS
from tcocalc.model.projection import Result
from tcocalc.model.scenario import DedicatedServing, ServerlessLoraServing
from tcocalc.present.summary import count, hours, timeline, usd

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class HiddenCost:
    """One row of the article's hidden-cost comparison, for this scenario."""

    aspect: str
    prompting: str
    fine_tuning: str


def hidden_costs(result: Result) -> list[HiddenCost]:
    """Labeling, infrastructure, maintenance, iteration speed and drift for this scenario."""
    s, p = result.scenario, result.params
    horizon = result.horizon_months
    rate = s.people.engineer_usd_per_hour
    people_note = "" if p.include_engineering else " (not counted)"
    comp = {name: result.component_totals(name) for name in STRATEGIES}

    def labels(examples: int, per_new: int, total: float) -> str:
        text = f"{count(examples)} examples"
        if per_new:
            text += f" + {count(per_new)} per new category"
        return f"{text} · {usd(total)} over {horizon} months"

    ft = s.fine_tuning
    serving = {
        "provider_hosted": "provider-hosted tuned model",
        "serverless_lora": "LoRA adapter, serverless",
        "dedicated": "own GPU replicas",
    }[ft.serving.kind]
    if isinstance(ft.serving, ServerlessLoraServing):
        serving += f" on {ft.serving.model}"
    if isinstance(ft.serving, DedicatedServing):
        serving += f" ({ft.serving.gpu})"
    training = "provider API" if ft.training.kind == "provider_api" else "rented GPUs"

    retrain_months = timeline(result).retrains["fine_tuning"]
    per_year = len(retrain_months) * 12 / horizon
    retrain_usd_per_year = comp["fine_tuning"]["retraining"] * 12 / horizon
    schedule = (
        f"every {ft.retrain_every_months} months and on category changes"
        if ft.retrain_every_months
        else "on category changes only"
    )
    change_usd = result.cost_per_category_change
    return [
        HiddenCost(
            "Data labeling",
            labels(
                s.prompting.labeled_examples,
                s.prompting.examples_per_new_category,
                comp["prompting"]["labeling"],
            ),
            labels(
                ft.training_examples, ft.examples_per_new_category, comp["fine_tuning"]["labeling"]
            ),
        ),
        HiddenCost(
            "Infrastructure",
            f"API calls only · {usd(comp['prompting']['inference'] / horizon)}/month on average",
            f"training on {training}: {usd(comp['fine_tuning']['training'])} · {serving}: "
            f"{usd(comp['fine_tuning']['inference'] / horizon)}/month on average",
        ),
        HiddenCost(
            "Maintenance",
            f"update prompts: {s.prompting.maintenance_hours_per_month:g} h/month · "
            f"{usd(s.prompting.maintenance_hours_per_month * rate)}/month{people_note}",
            f"monitor, evaluate, curate data: {ft.maintenance_hours_per_month:g} h/month · "
            f"{usd(ft.maintenance_hours_per_month * rate)}/month{people_note}",
        ),
        HiddenCost(
            "Iteration speed (per category change)",
            f"{hours(s.prompting.hours_per_category_change)} · {usd(change_usd['prompting'])}",
            f"{hours(ft.hours_per_category_change)} + a re-train · "
            f"{usd(change_usd['fine_tuning'])}",
        ),
        HiddenCost(
            "Model drift",
            "fix the prompt: no re-training",
            f"{per_year:.3g} re-trains/year ({schedule}) · {usd(retrain_usd_per_year)}/year "
            "of compute",
        ),
        HiddenCost(
            "Time to first version",
            f"{hours(s.prompting.build_hours)} of work",
            f"{hours(ft.build_hours)} of work; serves traffic after {ft.lead_time_weeks:g} weeks",
        ),
    ]


def hidden_cost_table(result: Result) -> pd.DataFrame:
    """:func:`hidden_costs` as a table: one row per aspect, a column per strategy."""
    import pandas as pd

    rows = hidden_costs(result)
    return pd.DataFrame(
        {
            STRATEGY_LABELS["prompting"]: [r.prompting for r in rows],
            STRATEGY_LABELS["fine_tuning"]: [r.fine_tuning for r in rows],
        },
        index=pd.Index([r.aspect for r in rows], name="Cost"),
    )
