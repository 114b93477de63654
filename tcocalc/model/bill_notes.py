"""What a reader of the bill should know about the prices a scenario is billed at (warnings shown
beside the verdict): dated changes within the horizon, batch shares without a batch tier, caching
that saves nothing or costs more, long prompts in a dearer tier, reasoning models given a tiny
output count, overrides of models the scenario does not use."""

from __future__ import annotations

from tcocalc.model.monthly_prices import MAX_TIERS_BILLED, month_days, overridden
from tcocalc.model.params import category_events
from tcocalc.model.scenario import (
    ProviderHostedServing,
    ProviderTraining,
    Scenario,
    ServerlessLoraServing,
)
from tcocalc.pricing.catalog import Catalog, LlmModel, UnknownIdError
from tcocalc.pricing.prices import TokenPrices


def _pct(x: float) -> str:
    return f"{x * 100:.0f} %"


def _usd(x: float) -> str:
    return f"${x:,.4g}"


def bill_warnings(scenario: Scenario, catalog: Catalog) -> list[str]:
    """What a reader of the bill should know about the prices the scenario is billed at: dated
    changes within the horizon, batch shares without a batch tier, caching that saves nothing
    or costs more, long prompts in a dearer tier, reasoning models given a tiny output count,
    overrides of models the scenario does not use."""
    s, out = scenario, []
    days = month_days(s.start_date, s.horizon_months)
    p, f = s.prompting, s.fine_tuning
    used: list[tuple[str, str, float, float, float]] = [
        # (what, model id, static prefix, hit rate, longest prompt)
        (
            "prompting",
            p.model,
            p.static_prefix_tokens_per_call,
            p.cache_hit_rate,
            p.input_tokens_per_call + p.input_tokens_per_new_category * _categories_added(s),
        )
    ]
    tuned_id: str | None = None
    if isinstance(f.serving, ServerlessLoraServing):
        tuned_id = f.serving.model
    elif isinstance(f.serving, ProviderHostedServing) and isinstance(f.training, ProviderTraining):
        tuned_id = f.training.model
    if tuned_id is not None:
        used.append(
            (
                "fine_tuning",
                tuned_id,
                f.static_prefix_tokens_per_call,
                f.cache_hit_rate,
                f.input_tokens_per_call,
            )
        )
    for what, model_id, static, hit, longest in used:
        try:
            model = catalog.model(model_id)
        except UnknownIdError:
            continue
        tuned = what == "fine_tuning" and isinstance(f.serving, ProviderHostedServing)
        if tuned and model.fine_tuning is None:
            continue
        name = f"tuned {model_id}" if tuned else model_id
        change_dates = (
            model.fine_tuning.price_change_dates()
            if tuned and model.fine_tuning
            else [x.from_ for x in model.periods]
        )
        for day in change_dates:
            if days[0] < day <= days[-1]:
                month = next(m for m, first in enumerate(days, start=1) if first >= day)
                out.append(
                    f"month {month}: {name}'s prices change on {day.isoformat()} (billed at the "
                    "new prices from that month)"
                )
        prices: TokenPrices
        if tuned and model.fine_tuning is not None:
            prices = model.fine_tuning.prices_on(days[0])
        else:
            prices = model.prices_on(days[0])
        override = s.price_overrides.get(model_id)
        if override is not None:
            prices = overridden(prices, override.tuned_prices() if tuned else override.prices())
        if s.workload.batch_share > 0 and not prices.has_batch:
            out.append(
                f"{name} has no batch tier: the batch share ({_pct(s.workload.batch_share)} of "
                "calls) is billed at list prices"
            )
        key = "prompting" if what == "prompting" else "fine_tuning"
        if hit > 0 and static == 0 and not (key == "prompting" and p.input_tokens_per_new_category):
            out.append(
                f"{key}.cache_hit_rate is {_pct(hit)} but static_prefix_tokens_per_call is 0: "
                "nothing is cached"
            )
        elif hit > 0 and prices.usd_per_1m_cached_input_tokens >= prices.usd_per_1m_input_tokens:
            out.append(f"{name} lists no cheaper cached-input price: caching saves nothing there")
        elif hit > 0:
            average = (
                hit * prices.usd_per_1m_cached_input_tokens
                + (1 - hit) * prices.usd_per_1m_cache_write_tokens
            )
            if average > prices.usd_per_1m_input_tokens:
                out.append(
                    f"at a {_pct(hit)} cache hit rate, caching on {name} costs more than it saves "
                    f"(writes at {_usd(prices.usd_per_1m_cache_write_tokens)}, reads at "
                    f"{_usd(prices.usd_per_1m_cached_input_tokens)}, input at "
                    f"{_usd(prices.usd_per_1m_input_tokens)} per 1M tokens)"
                )
        if prices.tiers and longest > prices.tiers[0].start_tokens:
            out.append(
                f"prompts of up to {longest:,.0f} tokens pass {name}'s long-context tier at "
                f"{prices.tiers[0].start_tokens:,} tokens: billed at its prices ("
                f"{prices.tier_rule.replace('_', ' ')})"
            )
            if len(prices.tiers) > MAX_TIERS_BILLED and longest > prices.tiers[1].start_tokens:
                out.append(f"only {name}'s first long-context tier is billed; later ones are not")
        if what == "prompting":
            out += _reasoning_warnings(s, model_id, model)
    known = {u[1] for u in used}
    if isinstance(f.training, ProviderTraining):
        known.add(f.training.model)
    for model_id in s.price_overrides:
        if model_id not in known and not _is_a_successor(model_id, known, catalog):
            out.append(f"price_overrides.{model_id}: the scenario does not use this model")
    return out


def _categories_added(scenario: Scenario) -> float:
    return float(category_events(scenario).sum())


def _is_a_successor(model_id: str, used: set[str], catalog: Catalog) -> bool:
    for other in used:
        try:
            if catalog.model(other).successor == model_id:
                return True
        except UnknownIdError:
            continue
    return False


REASONING_FLOOR_SHARE = 0.5
"""A reasoning model billed for fewer output tokens than this share of its typical hidden
reasoning tokens is warned about."""


def _reasoning_warnings(scenario: Scenario, model_id: str, model: LlmModel) -> list[str]:
    typical = model.reasoning_tokens_per_call
    if typical <= 0:
        return []
    p = scenario.prompting
    reasoning = typical if p.reasoning_tokens_per_call is None else p.reasoning_tokens_per_call
    billed = p.output_tokens_per_call + reasoning
    if billed >= REASONING_FLOOR_SHARE * typical:
        return []
    return [
        f"{model_id} reasons by default (typically {typical:,.0f} hidden tokens per call, billed "
        f"as output; {model.reasoning_source}), but this scenario bills {billed:,.0f} output "
        "tokens per call: set prompting.reasoning_tokens_per_call to a measured figure"
    ]
