"""Flat numeric parameters: a scenario with every catalog price looked up, ready to compute.

:func:`resolve` turns a :class:`~tcocalc.model.scenario.Scenario` and a
:class:`~tcocalc.pricing.catalog.Catalog` into :class:`Params`, whose fields are plain numbers. Any
numeric field may be replaced by an array of shape ``(n, 1)`` (``dataclasses.replace``) to compute
``n`` variants at once; that is how Monte Carlo draws, sensitivity runs and grids stay vectorised.
The integer schedules (``*_every_months``) and the event series stay shared by all variants.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from tcocalc.model import monthly_prices as mp
from tcocalc.model.scenario import (
    DedicatedServing,
    ProviderHostedServing,
    ProviderTraining,
    Scenario,
    ServerlessLoraServing,
)
from tcocalc.model.serving import plan_serving
from tcocalc.model.training import TrainingSetupError, plan_training, token_passes_per_run
from tcocalc.pricing.catalog import Catalog, LlmModel, UnknownIdError
from tcocalc.pricing.prices import TokenPrices, TunedPrices

Num = float | npt.NDArray[np.float64]


class NoFineTuningOfferedError(ValueError):
    """The chosen model has no self-serve fine-tuning prices in the catalog."""


@dataclass(frozen=True)
class Params:
    """Every number the engine needs; the unit is in each name (USD, hours, calls, tokens)."""

    horizon_months: int
    # Workload
    monthly_calls: Num
    monthly_growth_pct: Num
    peak_to_average_ratio: Num
    # People and quality
    engineer_usd_per_hour: Num
    usd_per_wrong_answer: Num
    # Prompting
    p_input_tokens_per_call: Num
    p_output_tokens_per_call: Num
    p_static_prefix_tokens_per_call: Num
    p_cache_hit_rate: Num
    p_input_tokens_per_new_category: Num
    p_reasoning_tokens_per_call: Num
    p_successor_reasoning_tokens_per_call: Num
    p_price_factor: Num
    """Multiplier of the prompted model's token prices before a migration (1 = the prices in force)."""
    p_build_hours: Num
    p_labeled_examples: Num
    p_usd_per_labeled_example: Num
    p_maintenance_hours_per_month: Num
    p_hours_per_category_change: Num
    p_examples_per_new_category: Num
    p_hours_per_model_migration: Num
    p_accuracy: Num
    # Fine-tuning: data and training
    f_training_examples: Num
    f_tokens_per_example: Num
    f_usd_per_labeled_example: Num
    f_examples_per_new_category: Num
    f_epochs: Num
    """Token passes of one run per labeled token: the epochs over the training share plus the
    evaluation passes over the validation share at their cost (equal to the epochs when nothing
    is held out for validation; :func:`tcocalc.model.training.token_passes_per_run`)."""
    f_usd_per_training_token: Num
    f_experiment_multiplier: Num
    # Fine-tuning: serving
    f_input_tokens_per_call: Num
    f_output_tokens_per_call: Num
    f_static_prefix_tokens_per_call: Num
    f_cache_hit_rate: Num
    f_price_factor: Num
    """Multiplier of the tuned model's token prices before a migration (1 = the prices in force)."""
    f_hosting_usd_per_hour: Num
    f_replica_usd_per_hour: Num
    f_calls_per_second_per_replica: Num
    f_min_replicas: Num
    # Fine-tuning: people and upkeep
    f_build_hours: Num
    f_lead_time_weeks: Num
    f_maintenance_hours_per_month: Num
    f_hours_per_category_change: Num
    f_hours_per_retrain: Num
    f_accuracy: Num
    # Fine-tuning after a forced migration (equal to today's prices when there is none)
    f_successor_usd_per_training_token: Num
    f_successor_hosting_usd_per_hour: Num
    # Hybrid
    h_traffic_share_per_new_category: Num
    # Workload through batch, and money over time
    batch_share: Num
    discount_rate_pct_per_year: Num
    p_price_change_pct_per_year: Num
    f_price_change_pct_per_year: Num
    # Schedules shared by all variants
    f_retrain_every_months: int
    h_retrain_every_months: int
    new_categories: npt.NDArray[np.float64] = field(repr=False)
    """New categories arriving in each month, shape (H,) (or (n, H) to vary it)."""
    forced_migration: npt.NDArray[np.bool_] = field(repr=False)
    """True in the month a model or its fine-tuning ends and the tuned model must be rebuilt."""
    prompt_migration: npt.NDArray[np.bool_] = field(repr=False)
    """True in the month the prompted model is retired and the prompt moves to a successor."""
    p_prices: npt.NDArray[np.float64] = field(repr=False)
    """Rates of the prompted model in force each month, shape (H, RATE_ROW) (see
    :mod:`tcocalc.model.monthly_prices`); ``p_successor_prices`` after its migration."""
    p_successor_prices: npt.NDArray[np.float64] = field(repr=False)
    f_prices: npt.NDArray[np.float64] = field(repr=False)
    """Rates of the tuned model's tokens each month (all 0 on dedicated GPUs)."""
    f_successor_prices: npt.NDArray[np.float64] = field(repr=False)
    f_training_price_ratio: npt.NDArray[np.float64] = field(repr=False)
    """Training price in force each month / month 1's, shape (H,) (``f_successor_...``: the
    successor's, relative to its month-1 price)."""
    f_successor_training_price_ratio: npt.NDArray[np.float64] = field(repr=False)
    f_hosting_change_usd_per_hour: npt.NDArray[np.float64] = field(repr=False)
    """Hosting fee in force each month minus month 1's (USD/hour), shape (H,)."""
    f_successor_hosting_change_usd_per_hour: npt.NDArray[np.float64] = field(repr=False)
    include_engineering: bool = True
    include_error_cost: bool = False
    # Dedicated serving beyond throughput (defaults: no spares, no latency target)
    f_redundancy_replicas: Num = 0.0
    """Spare replicas on top of the load (count; 1 = N+1)."""
    f_p95_latency_seconds: Num = 0.0
    """p95 latency target that sizes the replicas as an M/M/c queue (seconds; 0 = none)."""
    f_slots_per_replica: Num = 1.0
    """Requests one replica serves at once (its decode batch), the queue's servers per replica."""
    f_call_seconds: Num = 1.0
    """Seconds one call takes on a replica's slot (the queue's mean service time)."""
    # Own-GPU training, as the analyses vary it (the walk reads f_usd_per_training_token only)
    f_training_tokens_per_second_per_gpu: Num = 0.0
    """Training throughput behind ``f_usd_per_training_token`` (tokens/s/GPU; 0: provider)."""
    f_training_utilization: Num = 0.0
    """Model FLOPs utilisation behind that throughput (fraction; 0: measured or provider)."""

    def with_values(self, **changes: object) -> Params:
        """A copy with some fields replaced (numbers or ``(n, 1)`` arrays)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @property
    def is_dedicated(self) -> bool:
        return bool(np.any(np.asarray(self.f_replica_usd_per_hour) > 0))


NUMERIC_FIELDS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(Params) if f.type == "Num"
)
"""Fields that may be varied (scalars or ``(n, 1)`` arrays)."""


def category_events(scenario: Scenario) -> npt.NDArray[np.float64]:
    """New categories arriving in each month 1..H from the cadence plus the explicit events.

    >>> from tcocalc.model.scenario import CategoryChanges, CategoryEvent
    >>> s = _example().model_copy(update={"horizon_months": 6, "category_changes": CategoryChanges(
    ...     every_months=3, new_categories_per_change=2, events=(CategoryEvent(month=2,
    ...     new_categories=3),))})
    >>> category_events(s)
    array([0., 3., 2., 0., 0., 2.])
    """
    horizon = scenario.horizon_months
    out = np.zeros(horizon, dtype=np.float64)
    cc = scenario.category_changes
    if cc.every_months > 0 and cc.new_categories_per_change > 0:
        out[cc.every_months - 1 :: cc.every_months] += cc.new_categories_per_change
    for event in cc.events:
        if event.month <= horizon:
            out[event.month - 1] += event.new_categories
    return out


def month_of_date(start: dt.date, day: dt.date) -> int:
    """The month number (1 = the month starting at ``start``) that contains ``day``.

    >>> month_of_date(dt.date(2027, 1, 1), dt.date(2027, 1, 15))
    1
    >>> month_of_date(dt.date(2027, 1, 1), dt.date(2027, 3, 1))
    3
    """
    return (day.year - start.year) * 12 + (day.month - start.month) + 1 + (day.day < start.day) * -1


@dataclass(frozen=True)
class EndOfAvailability:
    """A model, or its fine-tuning, that ends within the horizon (``month`` 0: before month 1)."""

    month: int
    strategy: str
    """``prompting`` (the prompted model is retired) or ``fine_tuning`` (the tuned model must be
    rebuilt elsewhere)."""
    message: str
    successor: LlmModel | None = None
    """The successor's catalog entry, when the catalog has it."""
    successor_id: str | None = None
    """The successor's catalog id (with ``successor``)."""


def end_of_availability(scenario: Scenario, catalog: Catalog) -> list[EndOfAvailability]:
    """Each end date within the horizon that forces a migration, at most one per strategy part.

    Prompting migrates when its model is retired. The fine-tuned model migrates at the earliest of:
    its provider stops serving the base model, or stops accepting fine-tuning jobs (it can no longer
    be re-trained there). A date before month 1 means the scenario cannot be run as described.
    """
    found: list[EndOfAvailability] = []
    horizon, start = scenario.horizon_months, scenario.start_date

    def earliest(ends: list[tuple[dt.date, str, str | None]], strategy: str) -> None:
        if not ends:
            return
        day, what, successor_id = min(ends, key=lambda e: e[0])
        month = month_of_date(start, day)
        if month > horizon:
            return
        successor: LlmModel | None = None
        if successor_id is None:
            what += "; no successor is named: costs stay at today's prices"
        else:
            try:
                successor = catalog.model(successor_id)
            except UnknownIdError:
                what += f"; its successor {successor_id} is not in the catalog: costs stay at "
                what += "today's prices"
            else:
                what += f"; migrate to {successor_id}"
                tuned_here = strategy == "fine_tuning" and _tuned_on_provider(scenario)
                if tuned_here and successor.fine_tuning is None:
                    what += (
                        ", which cannot be fine-tuned there: the rebuild is priced at "
                        "today's prices; pick a provider that still tunes"
                    )
                    successor = None
        found.append(
            EndOfAvailability(
                max(month, 0), strategy, what, successor, successor_id if successor else None
            )
        )

    prompted = catalog.model(scenario.prompting.model)
    if prompted.available_until is not None:
        earliest(
            [
                (
                    prompted.available_until,
                    f"{scenario.prompting.model} is retired after {prompted.available_until}",
                    prompted.successor,
                )
            ],
            "prompting",
        )
    ft = scenario.fine_tuning
    ends: list[tuple[dt.date, str, str | None]] = []
    if isinstance(ft.training, ProviderTraining):
        model = catalog.model(ft.training.model)
        if model.available_until is not None:
            ends.append(
                (
                    model.available_until,
                    f"{ft.training.model} (and its fine-tunes) is retired after "
                    f"{model.available_until}",
                    model.successor,
                )
            )
        if model.fine_tuning and model.fine_tuning.training_available_until:
            until = model.fine_tuning.training_available_until
            ends.append(
                (
                    until,
                    f"new fine-tuning jobs on {ft.training.model} end after {until}",
                    model.successor,
                )
            )
        served_until = model.fine_tuning.serving_available_until if model.fine_tuning else None
        if served_until is not None and isinstance(ft.serving, ProviderHostedServing):
            ends.append(
                (
                    served_until,
                    f"tuned {ft.training.model} models are no longer served after {served_until}",
                    model.successor,
                )
            )
    if isinstance(ft.serving, ServerlessLoraServing):
        base = catalog.model(ft.serving.model)
        if base.available_until is not None:
            ends.append(
                (
                    base.available_until,
                    f"{ft.serving.model} (LoRA base) is retired after {base.available_until}",
                    base.successor,
                )
            )
    earliest(ends, "fine_tuning")
    return found


def _tuned_on_provider(scenario: Scenario) -> bool:
    return isinstance(scenario.fine_tuning.training, ProviderTraining)


def resolve(scenario: Scenario, catalog: Catalog) -> Params:
    """Look up every price the scenario refers to and flatten it into :class:`Params`.

    Each month is priced at the prices in force on its first day (dated periods, with the
    scenario's ``price_overrides`` in place; see :mod:`tcocalc.model.monthly_prices`).

    Raises :class:`~tcocalc.pricing.catalog.UnknownIdError` for an id the catalog lacks,
    :class:`NoFineTuningOfferedError` when a provider-trained model has no fine-tuning prices, and
    :class:`~tcocalc.model.training.TrainingSetupError` for own-GPU training that cannot be derived
    or does not fit in the GPUs' memory.
    """
    s = scenario
    p, f = s.prompting, s.fine_tuning
    h = s.horizon_months
    days = mp.month_days(s.start_date, h)
    p_model = catalog.model(p.model)
    p_label = catalog.labeling_method(p.labeling).usd_per_labeled_example
    f_label = catalog.labeling_method(f.labeling).usd_per_labeled_example

    def model_table(model_id: str, model: LlmModel) -> npt.NDArray[np.float64]:
        return mp.rate_table(model_prices(s, model_id, model, days))

    def tuned(model_id: str, model: LlmModel) -> list[TunedPrices]:
        if model.fine_tuning is None:
            raise NoFineTuningOfferedError(
                f"model {model_id!r} has no fine-tuning prices in the catalog"
            )
        return tuned_prices(s, model_id, model, days)

    no_tokens = mp.no_token_table(h)
    training_tps = training_u = 0.0
    if isinstance(f.training, ProviderTraining):
        t_model = catalog.model(f.training.model)
        tuned_list = tuned(f.training.model, t_model)
        training_usd = [t.usd_per_1m_training_tokens / 1e6 for t in tuned_list]
        # Providers bill a validation token like a training token.
        passes = token_passes_per_run(
            1.0, f.training.epochs, f.validation_share, f.evaluations_per_run, 1.0
        )
    else:
        plan = plan_training(s, catalog)
        training_usd = [plan.usd_per_token_pass] * h
        passes = plan.passes_per_labeled_token
        training_tps = plan.tokens_per_second_per_gpu
        training_u = plan.utilization or 0.0

    f_table, hosting = no_tokens, [0.0] * h
    replica_usd_h = 0.0
    per_replica, min_replicas = 1.0, 0.0
    spares = p95 = 0.0
    slots = call_seconds = 1.0
    if isinstance(f.serving, ProviderHostedServing):
        if not isinstance(f.training, ProviderTraining):
            raise NoFineTuningOfferedError(
                "provider_hosted serving needs provider_api training: the provider hosts only "
                "models it tuned; use serverless_lora or dedicated serving for own-GPU training"
            )
        f_table = mp.rate_table(list(tuned_list))
        hosting = [t.usd_per_hosting_hour for t in tuned_list]
    elif isinstance(f.serving, ServerlessLoraServing):
        f_table = model_table(f.serving.model, catalog.model(f.serving.model))
    elif isinstance(f.serving, DedicatedServing):
        replica_usd_h = (
            f.serving.gpus_per_replica * catalog.gpu_offer(f.serving.gpu).usd_per_gpu_hour
        )
        serving = plan_serving(s, catalog)
        per_replica = serving.calls_per_second_per_replica
        min_replicas = float(f.serving.min_replicas)
        spares = float(f.serving.redundancy_replicas)
        slots = float(f.serving.decode_batch_size)
        call_seconds = serving.call_seconds
        if f.serving.p95_latency_seconds is not None:
            p95 = f.serving.p95_latency_seconds
            if p95 <= serving.call_seconds:
                raise TrainingSetupError(
                    "fine_tuning.serving.p95_latency_seconds",
                    f"a p95 target of {p95:g} s is below the {serving.call_seconds:.2g} s one "
                    "call takes on a replica: raise it, or lower decode_batch_size or the "
                    "tokens per call",
                )

    share = s.hybrid.traffic_share_per_new_category
    if share is None:
        share = 1.0 / s.workload.categories

    migration = np.zeros(h, dtype=bool)
    p_migration = np.zeros(h, dtype=bool)
    p_table = model_table(p.model, p_model)
    p_next_table = p_table
    reasoning = p.reasoning_tokens_per_call
    p_reasoning = p_model.reasoning_tokens_per_call if reasoning is None else reasoning
    p_next_reasoning = p_reasoning
    f_next_table, f_next_training, f_next_hosting = f_table, training_usd, hosting
    per_token_tuned = isinstance(f.serving, ProviderHostedServing)
    for end in end_of_availability(s, catalog):
        if end.month < 1:
            continue
        (migration if end.strategy == "fine_tuning" else p_migration)[end.month - 1] = True
        nxt = end.successor
        if nxt is None:
            continue
        next_id = end.successor_id or ""
        if end.strategy == "prompting":
            p_next_table = model_table(next_id, nxt)
            if reasoning is None:
                p_next_reasoning = nxt.reasoning_tokens_per_call
        elif isinstance(f.training, ProviderTraining) and nxt.fine_tuning is not None:
            tuned_next = tuned(next_id, nxt)
            f_next_training = [t.usd_per_1m_training_tokens / 1e6 for t in tuned_next]
            if per_token_tuned:
                f_next_table = mp.rate_table(list(tuned_next))
                f_next_hosting = [t.usd_per_hosting_hour for t in tuned_next]
        elif isinstance(f.serving, ServerlessLoraServing):
            f_next_table = model_table(next_id, nxt)

    m = s.money
    return Params(
        horizon_months=h,
        monthly_calls=s.workload.monthly_calls,
        monthly_growth_pct=s.workload.monthly_growth_pct,
        peak_to_average_ratio=s.workload.peak_to_average_ratio,
        engineer_usd_per_hour=s.people.engineer_usd_per_hour,
        usd_per_wrong_answer=s.people.usd_per_wrong_answer,
        p_input_tokens_per_call=p.input_tokens_per_call,
        p_output_tokens_per_call=p.output_tokens_per_call,
        p_static_prefix_tokens_per_call=p.static_prefix_tokens_per_call,
        p_cache_hit_rate=p.cache_hit_rate,
        p_input_tokens_per_new_category=p.input_tokens_per_new_category,
        p_reasoning_tokens_per_call=p_reasoning,
        p_successor_reasoning_tokens_per_call=p_next_reasoning,
        p_price_factor=1.0,
        p_build_hours=p.build_hours,
        p_labeled_examples=float(p.labeled_examples),
        p_usd_per_labeled_example=p_label,
        p_maintenance_hours_per_month=p.maintenance_hours_per_month,
        p_hours_per_category_change=p.hours_per_category_change,
        p_examples_per_new_category=float(p.examples_per_new_category),
        p_accuracy=p.accuracy,
        f_training_examples=float(f.training_examples),
        f_tokens_per_example=f.tokens_per_example,
        f_usd_per_labeled_example=f_label,
        f_examples_per_new_category=float(f.examples_per_new_category),
        f_epochs=passes,
        f_usd_per_training_token=training_usd[0],
        f_experiment_multiplier=f.training.experiment_multiplier,
        f_input_tokens_per_call=f.input_tokens_per_call,
        f_output_tokens_per_call=f.output_tokens_per_call,
        f_static_prefix_tokens_per_call=f.static_prefix_tokens_per_call,
        f_cache_hit_rate=f.cache_hit_rate,
        f_price_factor=1.0,
        f_hosting_usd_per_hour=hosting[0],
        f_replica_usd_per_hour=replica_usd_h,
        f_calls_per_second_per_replica=per_replica,
        f_min_replicas=min_replicas,
        f_build_hours=f.build_hours,
        f_lead_time_weeks=f.lead_time_weeks,
        f_maintenance_hours_per_month=f.maintenance_hours_per_month,
        f_hours_per_category_change=f.hours_per_category_change,
        f_hours_per_retrain=f.hours_per_retrain,
        f_accuracy=f.accuracy,
        h_traffic_share_per_new_category=share,
        batch_share=s.workload.batch_share,
        discount_rate_pct_per_year=m.discount_rate_pct_per_year,
        p_price_change_pct_per_year=m.prompted_price_change_pct_per_year,
        f_price_change_pct_per_year=m.tuned_price_change_pct_per_year,
        f_retrain_every_months=f.retrain_every_months,
        h_retrain_every_months=s.hybrid.retrain_every_months,
        new_categories=category_events(s),
        forced_migration=migration,
        prompt_migration=p_migration,
        p_prices=p_table,
        p_successor_prices=p_next_table,
        f_prices=f_table,
        f_successor_prices=f_next_table,
        f_training_price_ratio=mp.ratio_to_first(training_usd),
        f_successor_training_price_ratio=mp.ratio_to_first(f_next_training),
        f_hosting_change_usd_per_hour=mp.change_from_first(hosting),
        f_successor_hosting_change_usd_per_hour=mp.change_from_first(f_next_hosting),
        f_successor_usd_per_training_token=f_next_training[0],
        f_successor_hosting_usd_per_hour=f_next_hosting[0],
        p_hours_per_model_migration=p.hours_per_model_migration,
        include_engineering=s.accounting.include_engineering,
        include_error_cost=s.accounting.include_error_cost,
        f_redundancy_replicas=spares,
        f_p95_latency_seconds=p95,
        f_slots_per_replica=slots,
        f_call_seconds=call_seconds,
        f_training_tokens_per_second_per_gpu=training_tps,
        f_training_utilization=training_u,
    )


def model_prices(
    scenario: Scenario, model_id: str, model: LlmModel, days: list[dt.date]
) -> list[TokenPrices]:
    """A model's per-token prices on each of ``days``, with the scenario's overrides in place."""
    override = scenario.price_overrides.get(model_id)
    prices = mp.by_month(model.prices_on, [p.from_ for p in model.periods], days)
    if override is None or not override.prices():
        return prices
    done: dict[int, TokenPrices] = {}
    return [done.setdefault(id(x), mp.overridden(x, override.prices())) for x in prices]


def tuned_prices(
    scenario: Scenario, model_id: str, model: LlmModel, days: list[dt.date]
) -> list[TunedPrices]:
    """A model's fine-tuning prices on each of ``days``, with the scenario's overrides in place."""
    ft = model.fine_tuning
    assert ft is not None
    override = scenario.price_overrides.get(model_id)
    prices = mp.by_month(ft.prices_on, ft.price_change_dates(), days)
    if override is None or not override.tuned_prices():
        return prices
    done: dict[int, TunedPrices] = {}
    return [done.setdefault(id(x), mp.overridden(x, override.tuned_prices())) for x in prices]


def _example() -> Scenario:
    """A small valid scenario for doctests."""
    from tcocalc.model.scenario import FineTuning, Prompting, Workload

    return Scenario(
        name="doctest",
        horizon_months=12,
        workload=Workload(monthly_calls=1000, categories=5),
        prompting=Prompting(
            model="m",
            input_tokens_per_call=1000,
            output_tokens_per_call=10,
            build_hours=16,
            labeling="l",
            accuracy=0.9,
        ),
        fine_tuning=FineTuning(
            training=ProviderTraining(model="m"),
            serving=ProviderHostedServing(),
            training_examples=1000,
            tokens_per_example=200,
            labeling="l",
            input_tokens_per_call=100,
            output_tokens_per_call=10,
            build_hours=80,
            accuracy=0.95,
        ),
    )
