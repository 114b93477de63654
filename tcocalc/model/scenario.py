"""The scenario: everything a product team assumes about its workload, its people and each strategy.

A scenario is a YAML file (see ``scenarios/``) validated into these frozen pydantic models. Every
numeric field carries its unit in its name; accuracies are fractions in [0, 1]. References into the
pricing catalog (``model``, ``gpu``, ``labeling``) are plain ids, checked against a catalog by
:func:`tcocalc.validate.check_references`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_IN_NOTES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _refuse(pattern: re.Pattern[str]) -> AfterValidator:
    def check(text: str) -> str:
        found = pattern.search(text)
        if found:
            raise ValueError(
                f"control character U+{ord(found.group()):04X} at position {found.start() + 1} is "
                "not allowed here; type plain text"
            )
        return text

    return AfterValidator(check)


Ref = Annotated[str, Field(min_length=1, max_length=80), _refuse(_CONTROL)]
Line = Annotated[str, _refuse(_CONTROL)]
"""One line of text: no control characters (tabs, newlines, escapes, text-reversing marks)."""
Notes = Annotated[str, _refuse(_CONTROL_IN_NOTES)]
"""Free text: newlines and tabs allowed, other control characters not."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Workload(_Frozen):
    monthly_calls: float = Field(
        ge=0, le=1e10, description="Calls in month 1 (calls/month, across all categories)."
    )
    monthly_growth_pct: float = Field(
        default=0.0, ge=-50, le=100, description="Growth of calls from one month to the next, in %."
    )
    categories: int = Field(
        ge=1, le=10_000, description="Categories/labels the task has today (count)."
    )
    peak_to_average_ratio: float = Field(
        default=3.0,
        ge=1,
        le=100,
        description="Peak traffic / average traffic; sizes dedicated GPU replicas (ratio).",
    )
    batch_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of calls that can wait and go through the provider's batch API, billed "
        "at its batch prices (fraction 0-1; a model without a batch tier bills them at list).",
    )


class Prompting(_Frozen):
    """Prompting an off-the-shelf model: a long prompt with instructions and few-shot examples."""

    model: Ref = Field(description="Catalog id of the API model that is prompted.")
    input_tokens_per_call: float = Field(
        ge=0, le=2_000_000, description="Input tokens per call: instructions + examples + input."
    )
    output_tokens_per_call: float = Field(ge=0, le=200_000, description="Output tokens per call.")
    build_hours: float = Field(ge=0, le=20_000, description="Engineering hours to build (hours).")
    labeled_examples: int = Field(
        default=50, ge=0, le=1_000_000, description="Few-shot + evaluation examples (count)."
    )
    labeling: Ref = Field(description="Catalog id of the labeling method for those examples.")
    maintenance_hours_per_month: float = Field(
        default=2.0, ge=0, le=730, description="Prompt upkeep and evaluation (hours/month)."
    )
    hours_per_category_change: float = Field(
        default=20 / 60, ge=0, le=2_000, description="Hours to absorb one category change."
    )
    examples_per_new_category: int = Field(
        default=0, ge=0, le=100_000, description="Labeled examples added per new category (count)."
    )
    hours_per_model_migration: float = Field(
        default=4.0,
        ge=0,
        le=2_000,
        description="Hours to re-test the prompt on a successor when the model is retired.",
    )
    accuracy: float = Field(ge=0, le=1, description="Share of correct answers (fraction 0-1).")
    static_prefix_tokens_per_call: float = Field(
        default=0.0,
        ge=0,
        le=2_000_000,
        description="Tokens at the start of every prompt that never change (instructions, schema, "
        "few-shot examples): the part of the input tokens a provider can cache (tokens/call).",
    )
    cache_hit_rate: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of calls that find the static prefix in the prompt cache, billed at "
        "the cached-input price; a miss writes it at the cache-write price (fraction 0-1).",
    )
    input_tokens_per_new_category: float = Field(
        default=0.0,
        ge=0,
        le=100_000,
        description="Prompt tokens each new category adds to every call from the month it "
        "arrives (its description and few-shot examples; cacheable; tokens/call per category).",
    )
    reasoning_tokens_per_call: float | None = Field(
        default=None,
        ge=0,
        le=200_000,
        description="Hidden reasoning tokens per call, billed as output (tokens/call; empty: the "
        "catalog's typical figure for the model, 0 for models that do not reason).",
    )

    @model_validator(mode="after")
    def _prefix_within_prompt(self) -> Prompting:
        if self.static_prefix_tokens_per_call > self.input_tokens_per_call:
            raise ValueError(
                "static_prefix_tokens_per_call is part of input_tokens_per_call: it cannot be "
                f"larger ({self.static_prefix_tokens_per_call:g} > {self.input_tokens_per_call:g})"
            )
        return self


class ProviderTraining(_Frozen):
    """Fine-tuning through a provider's API, billed per training token."""

    kind: Literal["provider_api"] = "provider_api"
    model: Ref = Field(description="Catalog id of the model that is fine-tuned.")
    epochs: float = Field(default=3, gt=0, le=100, description="Passes over the dataset (count).")
    experiment_multiplier: float = Field(
        default=1.0,
        ge=1,
        le=100,
        description="Training runs paid for the first model, sweeps included (x one run).",
    )


class SelfHostedTraining(_Frozen):
    """Fine-tuning an open-weights model on rented GPUs.

    The throughput comes from the model's size, the method and the GPU (see
    :mod:`tcocalc.model.training`) unless a measured one is given, which wins.
    """

    kind: Literal["self_hosted"] = "self_hosted"
    base_model: Ref | None = Field(
        default=None,
        description="Catalog id of the open-weights model trained (empty: the serverless LoRA "
        "base model).",
    )
    gpu: Ref = Field(description="Catalog id of the GPU offer used for training.")
    gpu_count: int = Field(default=1, ge=1, le=1_024, description="GPUs used at once (count).")
    tokens_per_second_per_gpu: float | None = Field(
        default=None,
        gt=0,
        le=1e6,
        description="Measured training throughput (tokens/second/GPU); empty: derived from the "
        "model, method and GPU.",
    )
    method: Literal["lora", "qlora", "full"] = Field(
        default="lora",
        description="LoRA adapter, QLoRA (LoRA on a 4-bit base) or full fine-tune of every weight.",
    )
    precision: Literal["bf16", "fp8"] = Field(
        default="bf16", description="Number format of the training matmuls (FP8 needs H100/L40S)."
    )
    model_flops_utilization: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="Share of the GPU's peak FLOPS the run achieves (fraction 0-1); empty: the "
        "calibrated figure for the method and GPUs.",
    )
    cpu_offload: bool = Field(
        default=False,
        description="Keep the optimizer state in CPU memory: less GPU memory, slower steps.",
    )
    sequence_length_tokens: int = Field(
        default=2048,
        ge=128,
        le=1_000_000,
        description="Tokens per training sequence; sets activation memory (tokens).",
    )
    epochs: float = Field(default=3, gt=0, le=100, description="Passes over the dataset (count).")
    experiment_multiplier: float = Field(
        default=3.0,
        ge=1,
        le=100,
        description="Training runs paid for the first model, sweeps included (x one run).",
    )

    @model_validator(mode="after")
    def _fp8_not_with_qlora(self) -> SelfHostedTraining:
        if self.precision == "fp8" and self.method == "qlora":
            raise ValueError("QLoRA computes in BF16 on its 4-bit base: set precision to bf16")
        return self


class ProviderHostedServing(_Frozen):
    """The provider serves the fine-tuned model at its fine-tuned per-token price."""

    kind: Literal["provider_hosted"] = "provider_hosted"


class ServerlessLoraServing(_Frozen):
    """A provider serves the LoRA adapter at the base model's per-token price."""

    kind: Literal["serverless_lora"] = "serverless_lora"
    model: Ref = Field(description="Catalog id of the base model the adapter runs on.")


class DedicatedServing(_Frozen):
    """Own GPU replicas, billed by the hour whether busy or idle.

    A replica's throughput comes from the model's size and the GPU's bandwidth and FLOPS (see
    :mod:`tcocalc.model.serving`) unless a measured one is given, which wins.
    """

    kind: Literal["dedicated"] = "dedicated"
    gpu: Ref = Field(description="Catalog id of the GPU offer used for serving.")
    gpus_per_replica: int = Field(default=1, ge=1, le=64, description="GPUs per replica (count).")
    calls_per_second_per_replica: float | None = Field(
        default=None,
        gt=0,
        le=1e6,
        description="Measured calls one replica sustains (calls/second); empty: derived from the "
        "model, the GPU and the batch.",
    )
    decode_batch_size: int = Field(
        default=16,
        ge=1,
        le=4_096,
        description="Requests a replica decodes together (count); more: higher throughput, "
        "slower calls.",
    )
    batch_efficiency: float = Field(
        default=0.6,
        gt=0,
        le=1,
        description="Share of the GPU's bandwidth and FLOPS rooflines the serving engine reaches "
        "(fraction 0-1).",
    )
    min_replicas: int = Field(
        default=1, ge=1, le=1_000, description="Replicas kept up at any load (count)."
    )
    redundancy_replicas: int = Field(
        default=0,
        ge=0,
        le=100,
        description="Spare replicas on top of the load, for failures and deploys (count; 1 = N+1).",
    )
    p95_latency_seconds: float | None = Field(
        default=None,
        gt=0,
        le=3_600,
        description="Sizes replicas so 95 % of calls at peak finish within this (seconds); "
        "empty: size for throughput only.",
    )


class FineTuning(_Frozen):
    """A fine-tuned model: its data, its training, its serving and its upkeep."""

    training: ProviderTraining | SelfHostedTraining = Field(discriminator="kind")
    serving: ProviderHostedServing | ServerlessLoraServing | DedicatedServing = Field(
        discriminator="kind"
    )
    training_examples: int = Field(ge=1, le=100_000_000, description="Labeled examples (count).")
    tokens_per_example: float = Field(
        gt=0, le=1_000_000, description="Tokens in one training example (tokens)."
    )
    validation_share: float = Field(
        default=0.0,
        ge=0,
        le=0.5,
        description="Share of the labeled examples held out for validation (fraction 0-0.5).",
    )
    evaluations_per_run: int = Field(
        default=0,
        ge=0,
        le=1_000,
        description="Passes over the validation set during one training run (count).",
    )
    labeling: Ref = Field(description="Catalog id of the labeling method for training data.")
    examples_per_new_category: int = Field(
        default=200, ge=0, le=1_000_000, description="Examples labeled per new category (count)."
    )
    input_tokens_per_call: float = Field(
        ge=0, le=2_000_000, description="Input tokens per call; no instructions needed (tokens)."
    )
    output_tokens_per_call: float = Field(ge=0, le=200_000, description="Output tokens per call.")
    build_hours: float = Field(
        ge=0, le=20_000, description="Engineering hours for data, training and evals (hours)."
    )
    lead_time_weeks: float = Field(
        default=2, ge=0, le=104, description="Weeks before it serves traffic; prompting until then."
    )
    maintenance_hours_per_month: float = Field(
        default=8.0, ge=0, le=730, description="Monitoring, evals, data upkeep (hours/month)."
    )
    hours_per_category_change: float = Field(
        default=24.0, ge=0, le=2_000, description="Hours per category change: data + re-train."
    )
    retrain_every_months: int = Field(
        default=0, ge=0, le=120, description="Scheduled re-training for drift (months; 0 = never)."
    )
    hours_per_retrain: float = Field(
        default=8.0, ge=0, le=2_000, description="Engineering hours of one scheduled re-training."
    )
    accuracy: float = Field(ge=0, le=1, description="Share of correct answers (fraction 0-1).")
    static_prefix_tokens_per_call: float = Field(
        default=0.0,
        ge=0,
        le=2_000_000,
        description="Tokens at the start of every call to the tuned model that never change (a "
        "short instruction or schema): the part of the input tokens its provider can cache "
        "(tokens/call).",
    )
    cache_hit_rate: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of calls to the tuned model that find the static prefix cached, where "
        "its provider caches (fraction 0-1).",
    )

    @model_validator(mode="after")
    def _prefix_within_input(self) -> FineTuning:
        if self.static_prefix_tokens_per_call > self.input_tokens_per_call:
            raise ValueError(
                "static_prefix_tokens_per_call is part of input_tokens_per_call: it cannot be "
                f"larger ({self.static_prefix_tokens_per_call:g} > {self.input_tokens_per_call:g})"
            )
        return self

    @model_validator(mode="after")
    def _lora_for_serverless(self) -> FineTuning:
        if (
            isinstance(self.serving, ServerlessLoraServing)
            and isinstance(self.training, SelfHostedTraining)
            and self.training.method == "full"
        ):
            raise ValueError(
                "serverless LoRA serving needs a LoRA adapter: set training.method to 'lora' or "
                "'qlora'"
            )
        return self


class Hybrid(_Frozen):
    """The fine-tuned model serves known categories; prompting serves categories added since."""

    retrain_every_months: int = Field(
        default=3,
        ge=1,
        le=120,
        description="New categories are batched into a re-train this often (months).",
    )
    traffic_share_per_new_category: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Share of all calls a new category brings (fraction; default 1/categories).",
    )


class CategoryEvent(_Frozen):
    month: int = Field(ge=1, le=120, description="Month the categories arrive (1 = first month).")
    new_categories: int = Field(ge=0, le=10_000, description="Categories added (count).")


class CategoryChanges(_Frozen):
    every_months: int = Field(
        default=0, ge=0, le=120, description="A change arrives every N months (0 = no cadence)."
    )
    new_categories_per_change: int = Field(
        default=0, ge=0, le=10_000, description="Categories each regular change adds (count)."
    )
    events: tuple[CategoryEvent, ...] = Field(
        default=(), description="Extra one-off changes, in addition to the cadence."
    )

    @model_validator(mode="after")
    def _cadence_complete(self) -> CategoryChanges:
        if (self.every_months == 0) != (self.new_categories_per_change == 0):
            raise ValueError("set both every_months and new_categories_per_change, or neither")
        return self


class People(_Frozen):
    engineer_usd_per_hour: float = Field(
        default=100.0, ge=0, le=2_000, description="Loaded cost of an engineer (USD/hour)."
    )
    usd_per_wrong_answer: float = Field(
        default=0.0, ge=0, le=100_000, description="What one wrong answer costs (USD/error)."
    )


class Accounting(_Frozen):
    include_engineering: bool = Field(
        default=True, description="Count people's time (build, changes, maintenance)."
    )
    include_error_cost: bool = Field(
        default=False, description="Count the cost of wrong answers (quality-adjusted TCO)."
    )


class Money(_Frozen):
    """Money over time: what a dollar later is worth today, and where prices are heading."""

    discount_rate_pct_per_year: float = Field(
        default=0.0,
        ge=0,
        le=100,
        description="Discount rate for money over time, in %/year: month m's costs count "
        "(1 + rate)^-((m - 1) / 12) in the discounted totals (month 1 is today's money).",
    )
    prompted_price_change_pct_per_year: float = Field(
        default=0.0,
        ge=-90,
        le=100,
        description="Expected yearly change of the prompted model's token prices, in %/year "
        "(negative: cheaper), applied month by month on top of dated prices.",
    )
    tuned_price_change_pct_per_year: float = Field(
        default=0.0,
        ge=-90,
        le=100,
        description="Expected yearly change of tuned serving prices (per-token and hosting), "
        "in %/year, applied month by month on top of dated prices.",
    )


OverridePrice = Annotated[float | None, Field(default=None, ge=0, le=1_000)]


class TunedPriceOverride(_Frozen):
    """Negotiated prices of a model's fine-tuning (USD per 1M tokens; hosting in USD/hour)."""

    usd_per_1m_training_tokens: OverridePrice = None
    usd_per_1m_input_tokens: OverridePrice = None
    usd_per_1m_output_tokens: OverridePrice = None
    usd_per_1m_cached_input_tokens: OverridePrice = None
    usd_per_1m_cache_write_tokens: OverridePrice = None
    usd_per_1m_batch_input_tokens: OverridePrice = None
    usd_per_1m_batch_output_tokens: OverridePrice = None
    usd_per_hosting_hour: OverridePrice = None


class PriceOverride(_Frozen):
    """Negotiated prices of one model for this scenario only (USD per 1M tokens).

    A price given here replaces the catalog's in every month of the horizon (dated periods
    included); a price left out keeps the catalog's. The shared pricing files are never changed.
    """

    usd_per_1m_input_tokens: OverridePrice = None
    usd_per_1m_output_tokens: OverridePrice = None
    usd_per_1m_cached_input_tokens: OverridePrice = None
    usd_per_1m_cache_write_tokens: OverridePrice = None
    usd_per_1m_batch_input_tokens: OverridePrice = None
    usd_per_1m_batch_output_tokens: OverridePrice = None
    fine_tuning: TunedPriceOverride | None = None
    note: str = Field(
        default="", max_length=500, description="Where the negotiated price comes from."
    )

    def prices(self) -> dict[str, float]:
        """The model's prices this override sets, by field name."""
        data = self.model_dump(exclude={"fine_tuning", "note"}, exclude_none=True)
        return {k: float(v) for k, v in data.items()}

    def tuned_prices(self) -> dict[str, float]:
        """The tuned model's prices this override sets, by field name."""
        if self.fine_tuning is None:
            return {}
        return {k: float(v) for k, v in self.fine_tuning.model_dump(exclude_none=True).items()}


class Scenario(_Frozen):
    """One what-if: a workload, the three strategies, and how the totals are counted."""

    schema_version: Literal[1] = 1
    name: Line = Field(min_length=1, max_length=120, description="What the scenario is called.")
    description: Notes = Field(
        default="", max_length=4_000, description="What the scenario assumes and why (text)."
    )
    start_date: dt.date = Field(
        default=dt.date(2027, 1, 1),
        ge=dt.date(2000, 1, 1),
        le=dt.date(2100, 12, 31),  # the page's date picker; 120 months later is still a date
        description="First day of month 1; maps end-of-availability dates to months.",
    )
    horizon_months: int = Field(ge=1, le=120, description="Months projected (1-120).")
    workload: Workload
    prompting: Prompting
    fine_tuning: FineTuning
    hybrid: Hybrid = Hybrid()
    category_changes: CategoryChanges = CategoryChanges()
    people: People = People()
    accounting: Accounting = Accounting()
    money: Money = Money()
    price_overrides: dict[Ref, PriceOverride] = Field(
        default_factory=dict,
        description="Negotiated prices for this scenario, by catalog model id (marked as "
        "overrides wherever a price is shown; never written into the pricing files).",
    )

    @model_validator(mode="after")
    def _events_within_horizon(self) -> Scenario:
        late = [e.month for e in self.category_changes.events if e.month > self.horizon_months]
        if late:
            raise ValueError(
                f"category_changes.events: month {late[0]} is past the horizon "
                f"({self.horizon_months} months)"
            )
        return self
