"""What a number rests on: every scenario input with its unit, every catalog price with its source.

The deck's assumption slides and the workbook's ``Inputs`` and ``Prices`` sheets both list these
rows, so a reader can check each figure against the scenario file and the price page it came from.

Units come from the field names (the house rule puts the unit in every numeric name); the
:data:`UNIT_BY_NAME` and :data:`UNIT_BY_SUFFIX` tables translate them for people.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel

from tcocalc.model.monthly_prices import month_days
from tcocalc.model.params import model_prices as resolved_model_prices
from tcocalc.model.params import tuned_prices
from tcocalc.model.scenario import (
    DedicatedServing,
    ProviderHostedServing,
    ProviderTraining,
    Scenario,
    SelfHostedTraining,
    ServerlessLoraServing,
)
from tcocalc.model.training import (
    plan_training,
)
from tcocalc.pricing.catalog import Catalog, LabelingMethod
from tcocalc.pricing.prices import TokenPrices

SKIPPED_INPUTS = frozenset({"schema_version", "name", "description"})
"""Top-level fields that label the scenario rather than feed the numbers (shown on the title)."""

UNIT_BY_NAME: dict[str, str] = {
    "accuracy": "fraction 0-1",
    "traffic_share_per_new_category": "fraction of calls",
    "peak_to_average_ratio": "ratio",
    "experiment_multiplier": "x one run",
    "epochs": "passes",
    "monthly_calls": "calls/month",
    "monthly_growth_pct": "% per month",
    "categories": "categories",
    "new_categories": "categories",
    "new_categories_per_change": "categories/change",
    "labeled_examples": "examples",
    "training_examples": "examples",
    "examples_per_new_category": "examples/category",
    "gpu_count": "GPUs",
    "gpus_per_replica": "GPUs/replica",
    "min_replicas": "replicas",
    "hours_per_category_change": "hours/change",
    "hours_per_retrain": "hours/re-train",
    "usd_per_wrong_answer": "USD/wrong answer",
    "tokens_per_second_per_gpu": "tokens/s per GPU",
    "model_flops_utilization": "fraction of peak FLOPS",
    "validation_share": "fraction of examples",
    "evaluations_per_run": "passes/run",
    "precision": "option",
    "sequence_length_tokens": "tokens",
    "calls_per_second_per_replica": "calls/s per replica",
    "model": "model id",
    "base_model": "model id",
    "cpu_offload": "yes/no",
    "decode_batch_size": "requests/replica",
    "batch_efficiency": "fraction of rooflines",
    "redundancy_replicas": "replicas",
    "p95_latency_seconds": "seconds",
    "labeling": "labeling method id",
    "gpu": "GPU offer id",
    "kind": "option",
    "method": "option",
    "month": "month number",
    "start_date": "date",
    "batch_share": "fraction of calls",
    "cache_hit_rate": "fraction of calls",
    "input_tokens_per_new_category": "tokens/call per category",
    "price_overrides": "USD per 1M tokens (negotiated)",
}
"""Units of fields whose name alone says it (checked before the suffixes)."""

UNIT_BY_SUFFIX: tuple[tuple[str, str], ...] = (
    ("_usd_per_hour", "USD/hour"),
    ("_hours_per_month", "hours/month"),
    ("_hours", "hours"),
    ("_weeks", "weeks"),
    ("_months", "months"),
    ("_tokens_per_call", "tokens/call"),
    ("tokens_per_example", "tokens/example"),
    ("_pct_per_year", "%/year"),
    ("_pct", "%"),
)

DESCRIPTIONS: dict[str, str] = {
    "fine_tuning.training.kind": "How the model is tuned: provider_api or self_hosted.",
    "fine_tuning.serving.kind": "Who serves it: provider_hosted, serverless_lora or dedicated.",
}
"""Descriptions for fields whose model carries none."""


def unit_of(name: str) -> str:
    """The unit of a scenario field, from its name; ``""`` when the name says none.

    >>> unit_of("engineer_usd_per_hour"), unit_of("lead_time_weeks"), unit_of("accuracy")
    ('USD/hour', 'weeks', 'fraction 0-1')
    """
    if name in UNIT_BY_NAME:
        return UNIT_BY_NAME[name]
    if name.startswith("include_"):
        return "yes/no"
    if name.startswith("hours_per_"):  # hours_per_model_migration -> hours per model migration
        return "hours per " + name.removeprefix("hours_per_").replace("_", " ")
    for suffix, unit in UNIT_BY_SUFFIX:
        if name.endswith(suffix):
            return unit
    return ""


def format_number(value: float) -> str:
    """A number as people read it: thousands separators, no float noise, no trailing zeros.

    >>> format_number(100000.0), format_number(0.3333), format_number(12.5), format_number(3)
    ('100,000', '0.3333', '12.5', '3')
    """
    if math.isfinite(value) and float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.6g}"


def format_value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return format_number(float(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class InputLine:
    """One scenario input: ``path`` as in the YAML file (``fine_tuning.build_hours``)."""

    path: str
    value: str
    unit: str
    description: str


def input_lines(scenario: Scenario) -> list[InputLine]:
    """Every input of ``scenario`` that feeds the numbers, in file order, with unit and meaning.

    >>> from tcocalc.model.params import _example
    >>> [(x.path, x.value, x.unit) for x in input_lines(_example())][1:3]
    [('horizon_months', '12', 'months'), ('workload.monthly_calls', '1,000', 'calls/month')]
    """
    return list(_walk(scenario, "", scenario))


def _walk(model: BaseModel, prefix: str, scenario: Scenario) -> Iterator[InputLine]:
    fields = type(model).model_fields
    for name, info in fields.items():
        if not prefix and name in SKIPPED_INPUTS:
            continue
        path = prefix + name
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from _walk(value, path + ".", scenario)
        elif name == "events":
            for i, event in enumerate(value, start=1):
                yield InputLine(
                    f"{path}[{i}]",
                    f"month {event.month}: +{event.new_categories}",
                    "categories",
                    "One-off change: categories added in that month.",
                )
        elif name == "price_overrides":
            for model_id, override in value.items():
                for group, prices in (
                    ("", override.prices()),
                    ("fine_tuning.", override.tuned_prices()),
                ):
                    for field, usd in prices.items():
                        yield InputLine(
                            f"{path}.{model_id}.{group}{field}",
                            format_number(usd),
                            "USD/hour" if field.endswith("_hour") else "USD per 1M tokens",
                            "Negotiated price (scenario override, not the catalog's)"
                            + (f": {override.note}" if override.note else ""),
                        )
        elif value is None and name == "reasoning_tokens_per_call":
            yield InputLine(path, "catalog default", "tokens/call", info.description or "")
        elif value is None and name == "traffic_share_per_new_category":
            share = 1 / scenario.workload.categories
            yield InputLine(
                path,
                f"1/categories = {format_number(share)}",
                "fraction of calls",
                info.description or "",
            )
        else:
            description = DESCRIPTIONS.get(path, info.description or "")
            yield InputLine(path, format_value(value), unit_of(name), description)


@dataclass(frozen=True)
class PriceLine:
    """One catalog price the scenario uses, where it was read and when."""

    used_for: str
    catalog_id: str
    item: str
    value: float
    unit: str
    source: str
    as_of: dt.date
    note: str = ""


def price_lines(scenario: Scenario, catalog: Catalog) -> list[PriceLine]:
    """Every catalog price behind the scenario's numbers (the look-ups of ``params.resolve``).

    A price used twice under the same id (e.g. one labeling method for both strategies) is
    listed once, under its first use.
    """
    lines: list[PriceLine] = []
    p, f = scenario.prompting, scenario.fine_tuning

    days = month_days(scenario.start_date, scenario.horizon_months)

    def token_lines(
        used_for: str,
        model_id: str,
        source: str,
        as_of: dt.date,
        prices: list[TokenPrices],
        overrides: dict[str, float],
        hit_rate: float,
        note: str = "",
        prefix: str = "",
    ) -> None:
        items = [("input tokens", "usd_per_1m_input_tokens")]
        if hit_rate > 0:
            items += [
                ("cached input tokens", "usd_per_1m_cached_input_tokens"),
                ("cache-write tokens", "usd_per_1m_cache_write_tokens"),
            ]
        items.append(("output tokens", "usd_per_1m_output_tokens"))
        if scenario.workload.batch_share > 0 and prices[0].has_batch:
            items += [
                ("batch input tokens", "usd_per_1m_batch_input_tokens"),
                ("batch output tokens", "usd_per_1m_batch_output_tokens"),
            ]
        for item, name in items:
            value = getattr(prices[0], name)
            marks = [note] if note else []
            if name in overrides:
                marks.append("scenario override (negotiated), not the catalog's price")
            marks += [
                f"from {day.isoformat()}: ${format_number(getattr(later, name))}"
                for day, later, before in zip(days[1:], prices[1:], prices[:-1], strict=True)
                if getattr(later, name) != getattr(before, name)
            ]
            unit = f"USD per 1M {item}"
            lines.append(
                PriceLine(
                    used_for, model_id, prefix + item, value, unit, source, as_of, "; ".join(marks)
                )
            )

    def model_prices(used_for: str, model_id: str, hit_rate: float) -> None:
        m = catalog.model(model_id)
        note = "genai-prices snapshot" if m.from_snapshot else ""
        override = scenario.price_overrides.get(model_id)
        token_lines(
            used_for,
            model_id,
            str(m.source),
            m.as_of,
            resolved_model_prices(scenario, model_id, m, days),
            override.prices() if override else {},
            hit_rate,
            note,
        )

    def labeling(used_for: str, method_id: str) -> None:
        method = catalog.labeling_method(method_id)
        lines.append(
            PriceLine(
                used_for,
                method_id,
                "labeled example",
                method.usd_per_labeled_example,
                "USD per labeled example",
                str(method.source),
                method.as_of,
                _labeling_note(method),
            )
        )

    def gpu(used_for: str, offer_id: str, note: str = "") -> None:
        offer = catalog.gpu_offer(offer_id)
        lines.append(
            PriceLine(
                used_for,
                offer_id,
                f"{offer.gpu} ({offer.provider})",
                offer.usd_per_gpu_hour,
                "USD per GPU-hour",
                str(offer.source),
                offer.as_of,
                note,
            )
        )

    model_prices("Prompting", p.model, p.cache_hit_rate)
    labeling("Prompting examples", p.labeling)
    labeling("Fine-tuning data", f.labeling)

    if isinstance(f.training, ProviderTraining):
        tuned = catalog.model(f.training.model)
        if tuned.fine_tuning is not None:
            override = scenario.price_overrides.get(f.training.model)
            training = tuned_prices(scenario, f.training.model, tuned, days)[0]
            lines.append(
                PriceLine(
                    "Fine-tuning training",
                    f.training.model,
                    "training tokens",
                    training.usd_per_1m_training_tokens,
                    "USD per 1M training tokens",
                    str(tuned.source),
                    tuned.as_of,
                    "scenario override (negotiated), not the catalog's price"
                    if override and "usd_per_1m_training_tokens" in override.tuned_prices()
                    else "",
                )
            )
    elif isinstance(f.training, SelfHostedTraining):
        plan = plan_training(scenario, catalog)
        gpu(
            "Fine-tuning training",
            f.training.gpu,
            f"= ${plan.usd_per_token_pass * 1e6:,.4g} per 1M training tokens at "
            f"{format_number(round(plan.tokens_per_second_per_gpu))} tokens/s per GPU "
            f"({'measured' if plan.measured else 'derived'})",
        )

    if isinstance(f.serving, ProviderHostedServing) and isinstance(f.training, ProviderTraining):
        tuned = catalog.model(f.training.model)
        if tuned.fine_tuning is not None:
            override = scenario.price_overrides.get(f.training.model)
            overrides = override.tuned_prices() if override else {}
            served = tuned_prices(scenario, f.training.model, tuned, days)
            token_lines(
                "Fine-tuned serving",
                f.training.model,
                str(tuned.source),
                tuned.as_of,
                list(served),
                overrides,
                f.cache_hit_rate,
                prefix="tuned ",
            )
            lines.append(
                PriceLine(
                    "Fine-tuned serving",
                    f.training.model,
                    "hosting",
                    served[0].usd_per_hosting_hour,
                    "USD per hour deployed",
                    str(tuned.source),
                    tuned.as_of,
                    "scenario override (negotiated), not the catalog's price"
                    if "usd_per_hosting_hour" in overrides
                    else "",
                )
            )
    elif isinstance(f.serving, ServerlessLoraServing):
        model_prices("Fine-tuned serving (LoRA)", f.serving.model, f.cache_hit_rate)
    elif isinstance(f.serving, DedicatedServing):
        gpu(
            "Fine-tuned serving (dedicated)",
            f.serving.gpu,
            f"x {f.serving.gpus_per_replica} GPU(s) per replica",
        )

    # One row per price; a price with two uses names both ("Prompting examples, fine-tuning data").
    unique: dict[tuple[str, str], PriceLine] = {}
    for line in lines:
        key = (line.catalog_id, line.item)
        first = unique.get(key)
        if first is None:
            unique[key] = line
        elif line.used_for not in first.used_for:
            used_for = f"{first.used_for}, {line.used_for[:1].lower()}{line.used_for[1:]}"
            unique[key] = dataclasses.replace(first, used_for=used_for)
    return list(unique.values())


def _labeling_note(method: LabelingMethod) -> str:
    """How the per-example price is made up, where it is more than the listed price."""
    if method.usd_per_example is not None:
        if not method.qa_overhead_pct:
            return ""
        base = f"${format_number(method.usd_per_example)} per example"
    else:
        assert method.seconds_per_label is not None and method.usd_per_hour is not None
        base = (
            f"{format_number(method.seconds_per_label)} s per label at "
            f"${format_number(method.usd_per_hour)}/hour"
        )
    if method.qa_overhead_pct:
        base += f" + {format_number(method.qa_overhead_pct)} % QA"
    return base


def as_of_range(lines: list[PriceLine]) -> tuple[dt.date, dt.date] | None:
    """Oldest and newest ``as_of`` date among the prices used."""
    dates = [line.as_of for line in lines]
    return (min(dates), max(dates)) if dates else None


def describe_as_of(lines: list[PriceLine]) -> str:
    """``prices as of 2026-11-01`` or ``prices as of 2026-10-15 to 2026-11-01``.

    >>> describe_as_of([])
    'no catalog prices used'
    """
    span = as_of_range(lines)
    if span is None:
        return "no catalog prices used"
    first, last = span
    if first == last:
        return f"prices as of {first.isoformat()}"
    return f"prices as of {first.isoformat()} to {last.isoformat()}"
