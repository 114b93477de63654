"""The pricing catalog: LLM API models, GPU offers and labeling methods, loaded from ``pricing/*.yaml``.

A pricing file is a mapping with the header keys ``schema_version`` and ``currency: USD`` and any of
the sections ``models``, ``gpu_offers`` and ``labeling_methods``; each section maps an id to an
entry. Every entry carries ``source`` (a URL) and ``as_of`` (a date). Ids are unique across all files
of a folder; look-ups return the entry or raise with the closest ids.

For a model id that no YAML file lists, :meth:`Catalog.model` falls back to the ``genai-prices``
snapshot for inference prices (such entries have no fine-tuning prices); the YAML always wins.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from tcocalc.pricing.prices import (
    OPTIONAL_RATES,
    AvailabilityNote,
    PricedRates,
    PricePeriod,
    TokenPrices,
    TunedPeriod,
    TunedPrices,
    in_force,
    resolve,
    sorted_by_date,
)

SCHEMA_VERSION = 2
"""The newest pricing file format; files of version 1 (no cached, batch, tiers or periods) load
unchanged."""

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._:/-]*$", min_length=1, max_length=80)]
UsdPer1M = Annotated[float, Field(ge=0, le=1_000)]
SnapshotId = Annotated[str, Field(pattern=r"^\S+$", min_length=1, max_length=200)]
"""A model id as genai-prices spells it (case kept; no spaces)."""


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    source: AnyHttpUrl = Field(description="Where the price was read (a URL).")
    as_of: dt.date = Field(description="The date the price was read.")
    notes: str = Field(default="", max_length=2_000, description="Free text for humans.")


class FineTuningPrices(PricedRates):
    """A provider's self-serve fine-tuning of one model: training and the tuned model's inference.

    Its cached, batch and tier prices work as the base model's (:mod:`tcocalc.pricing.prices`).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    usd_per_1m_training_tokens: UsdPer1M = Field(
        description="USD per 1M training tokens (dataset tokens x epochs)."
    )
    usd_per_1m_input_tokens: UsdPer1M = Field(
        description="USD per 1M input tokens sent to the fine-tuned model."
    )
    usd_per_1m_output_tokens: UsdPer1M = Field(
        description="USD per 1M output tokens from the fine-tuned model."
    )
    usd_per_hosting_hour: float = Field(
        default=0.0,
        ge=0,
        le=1_000,
        description="USD per hour the fine-tuned model is deployed (0 where hosting is free).",
    )
    training_available_until: dt.date | None = Field(
        default=None, description="Last day new fine-tuning jobs are accepted (None: no end known)."
    )
    # --- schema_version 2 (issue 11): dated prices, tuned serving end, conditions, snapshot id ---
    periods: tuple[TunedPeriod, ...] = Field(
        default=(), description="Full price lists in force from later dates, by ascending date."
    )
    serving_available_until: dt.date | None = Field(
        default=None,
        description="Last day tuned models are served (None: as long as the base model).",
    )
    snapshot_id: SnapshotId | None = Field(
        default=None, description="The tuned model's id in genai-prices (e.g. 'ft:gpt-4o-mini')."
    )
    availability: tuple[AvailabilityNote, ...] = Field(
        default=(), description="Who may still start jobs or call tuned models, from which date."
    )

    @model_validator(mode="after")
    def _periods_ascend(self) -> FineTuningPrices:
        sorted_by_date(self.periods, ())
        return self

    def prices_on(self, day: dt.date) -> TunedPrices:
        """Training, hosting and tuned per-token prices in force on ``day``: those of the last
        period whose ``from`` is on or before ``day``, else the entry's own.

        >>> ft = FineTuningPrices(usd_per_1m_training_tokens=5, usd_per_1m_input_tokens=0.8,
        ...     usd_per_1m_output_tokens=3.2, periods=[{"from": "2027-01-01",
        ...     "usd_per_1m_training_tokens": 6, "usd_per_1m_input_tokens": 1,
        ...     "usd_per_1m_output_tokens": 4}])
        >>> [ft.prices_on(dt.date(*d)).usd_per_1m_training_tokens for d in [(2026, 12, 31),
        ...                                                                  (2027, 1, 1)]]
        [5.0, 6.0]
        """
        chosen = in_force(self, self.periods, day)
        assert isinstance(chosen, FineTuningPrices | TunedPeriod)
        return TunedPrices(
            **resolve(chosen).model_dump(),
            usd_per_1m_training_tokens=chosen.usd_per_1m_training_tokens,
            usd_per_hosting_hour=chosen.usd_per_hosting_hour,
        )

    def price_change_dates(self) -> list[dt.date]:
        """The days a new tuned price list takes effect, ascending."""
        return [p.from_ for p in self.periods]

    def conditions_on(self, day: dt.date) -> list[AvailabilityNote]:
        """The availability conditions in force on ``day`` (``from`` on or before it)."""
        return [n for n in self.availability if n.from_ <= day]


class LlmModel(PricedRates, _Entry):
    """An LLM served by an API provider, billed per token.

    Its cached, batch and long-context prices, and what a missing one means, are described in
    :mod:`tcocalc.pricing.prices`; :meth:`prices_on` gives them filled in for one day.
    """

    provider: str = Field(min_length=1, max_length=80)
    name: str = Field(default="", max_length=120)
    usd_per_1m_input_tokens: UsdPer1M = Field(description="USD per 1M input (prompt) tokens.")
    usd_per_1m_output_tokens: UsdPer1M = Field(description="USD per 1M output tokens.")
    open_weights: bool = Field(
        default=False,
        description="Weights are public, so LoRA adapters can be trained on own GPUs.",
    )
    serverless_lora: bool = Field(
        default=False,
        description="The provider serves LoRA adapters of this model at the base per-token price.",
    )
    fine_tuning: FineTuningPrices | None = None
    available_until: dt.date | None = Field(
        default=None, description="Last day the model is served (None: no end announced)."
    )
    successor: str | None = Field(
        default=None, description="Id of the model to migrate to when this one ends."
    )
    from_snapshot: bool = Field(
        default=False, description="True when the entry came from genai-prices, not from YAML."
    )
    # --- schema_version 2 (issue 11): dated prices, reasoning, snapshot id, conditions ---------
    periods: tuple[PricePeriod, ...] = Field(
        default=(), description="Full price lists in force from later dates, by ascending date."
    )
    reasoning_tokens_per_call: float = Field(
        default=0,
        ge=0,
        le=100_000,
        description="Hidden reasoning tokens a typical call bills as output (0: the model does "
        "not reason by default).",
    )
    reasoning_source: AnyHttpUrl | None = Field(
        default=None, description="Where the reasoning_tokens_per_call figure comes from (a URL)."
    )
    snapshot_id: SnapshotId | None = Field(
        default=None,
        description="The model's id at the same provider in genai-prices, when it differs from "
        "this entry's id (e.g. 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo').",
    )
    availability: tuple[AvailabilityNote, ...] = Field(
        default=(), description="Who may still call the model, from which date, in words."
    )

    @model_validator(mode="after")
    def _v2_rules(self) -> LlmModel:
        sorted_by_date(self.periods, ())
        if self.reasoning_tokens_per_call > 0 and self.reasoning_source is None:
            raise ValueError("reasoning_tokens_per_call needs reasoning_source (a URL)")
        return self

    def prices_on(self, day: dt.date) -> TokenPrices:
        """Every per-token price in force on ``day``, filled in: those of the last period whose
        ``from`` is on or before ``day``, else the entry's own (periods restate every price).

        gemini-3.8-flash doubles on 2027-01-01 (0.75 -> 1.50 input):

        >>> m = LlmModel(source="https://ai.google.dev/gemini-api/docs/pricing",
        ...     as_of="2026-12-01", provider="Google", usd_per_1m_input_tokens=0.75,
        ...     usd_per_1m_output_tokens=3.75, usd_per_1m_cached_input_tokens=0.075,
        ...     periods=[{"from": "2027-01-01", "usd_per_1m_input_tokens": 1.5,
        ...               "usd_per_1m_output_tokens": 7.5, "usd_per_1m_cached_input_tokens": 0.15}])
        >>> [m.prices_on(dt.date(*d)).usd_per_1m_input_tokens for d in [(2026, 12, 31),
        ...                                                             (2027, 1, 1)]]
        [0.75, 1.5]
        >>> m.prices_on(dt.date(2026, 12, 1)).usd_per_1m_cache_write_tokens  # no extra: input
        0.75
        >>> m.price_change_dates()
        [datetime.date(2027, 1, 1)]
        """
        return resolve(in_force(self, self.periods, day))

    def price_change_dates(self) -> list[dt.date]:
        """The days a new price list takes effect, ascending: the model's periods and, where
        it has fine-tuning, its tuned periods."""
        days = {p.from_ for p in self.periods}
        if self.fine_tuning is not None:
            days.update(self.fine_tuning.price_change_dates())
        return sorted(days)

    def conditions_on(self, day: dt.date) -> list[AvailabilityNote]:
        """The availability conditions in force on ``day`` (``from`` on or before it)."""
        return [n for n in self.availability if n.from_ <= day]

    # --- Model facts for training and serving it on own GPUs (not prices) ---
    parameters_total_b: float | None = Field(
        default=None,
        gt=0,
        le=10_000,
        description="Parameters of the model, every expert included (billions); sets weight memory.",
    )
    parameters_active_b: float | None = Field(
        default=None,
        gt=0,
        le=10_000,
        description="Parameters used for one token (billions); fewer than the total for a "
        "mixture-of-experts model, omitted (= total) for a dense one; sets FLOPs per token.",
    )
    hidden_size: int | None = Field(
        default=None, ge=1, le=1_000_000, description="Width of the residual stream (count)."
    )
    layers: int | None = Field(
        default=None, ge=1, le=10_000, description="Transformer blocks (count)."
    )
    parameters_source: AnyHttpUrl | None = Field(
        default=None, description="Where the parameter counts and shape were read (a URL)."
    )

    @model_validator(mode="after")
    def _facts_complete(self) -> LlmModel:
        shape = (self.parameters_active_b, self.hidden_size, self.layers)
        if self.parameters_total_b is None and any(x is not None for x in shape):
            raise ValueError("give parameters_total_b with parameters_active_b/hidden_size/layers")
        if self.parameters_total_b is not None and self.parameters_source is None:
            raise ValueError("parameters_total_b needs parameters_source (the model card's URL)")
        if (
            self.parameters_active_b is not None
            and self.parameters_total_b is not None
            and self.parameters_active_b > self.parameters_total_b
        ):
            raise ValueError("parameters_active_b cannot exceed parameters_total_b")
        return self

    @property
    def active_parameters_b(self) -> float | None:
        """Parameters used per token (billions): the active count, else the total (dense model).

        >>> LlmModel(provider="x", usd_per_1m_input_tokens=0, usd_per_1m_output_tokens=0,
        ...          parameters_total_b=8.03, parameters_source="https://example.com",
        ...          source="https://example.com", as_of="2026-11-01").active_parameters_b
        8.03
        """
        return (
            self.parameters_active_b
            if self.parameters_active_b is not None
            else (self.parameters_total_b)
        )


class GpuOffer(_Entry):
    """A GPU rented by the hour."""

    provider: str = Field(min_length=1, max_length=80)
    gpu: str = Field(min_length=1, max_length=80, description="GPU model, e.g. 'H100 80GB SXM'.")
    gpu_memory_gb: float = Field(gt=0, le=1_024, description="Memory of one GPU in GB.")
    usd_per_gpu_hour: float = Field(gt=0, le=200, description="USD per GPU per hour, on demand.")
    # --- The chip's datasheet figures (dense, i.e. without 2:4 sparsity) ---
    bf16_dense_tflops: float | None = Field(
        default=None,
        gt=0,
        le=100_000,
        description="Peak dense BF16 tensor throughput of one GPU (TFLOPS, no sparsity).",
    )
    fp8_dense_tflops: float | None = Field(
        default=None,
        gt=0,
        le=100_000,
        description="Peak dense FP8 tensor throughput of one GPU (TFLOPS; omitted: no FP8).",
    )
    memory_bandwidth_tb_per_s: float | None = Field(
        default=None, gt=0, le=1_000, description="Memory bandwidth of one GPU (TB/s)."
    )
    chip_source: AnyHttpUrl | None = Field(
        default=None, description="The chip's datasheet, where those figures were read (a URL)."
    )

    @model_validator(mode="after")
    def _chip_sourced(self) -> GpuOffer:
        given = (self.bf16_dense_tflops, self.fp8_dense_tflops, self.memory_bandwidth_tb_per_s)
        if any(x is not None for x in given) and self.chip_source is None:
            raise ValueError("the chip's TFLOPS and bandwidth need chip_source (its datasheet)")
        if self.fp8_dense_tflops is not None and self.bf16_dense_tflops is None:
            raise ValueError("give bf16_dense_tflops together with fp8_dense_tflops")
        return self


class LabelingMethod(_Entry):
    """A way to get one labeled example: priced per example, or by time spent per label."""

    name: str = Field(default="", max_length=120)
    usd_per_example: float | None = Field(
        default=None, ge=0, le=1_000, description="USD per labeled example, where billed per item."
    )
    seconds_per_label: float | None = Field(
        default=None, ge=0, le=86_400, description="Seconds a person spends on one label."
    )
    usd_per_hour: float | None = Field(
        default=None, ge=0, le=2_000, description="USD per hour of the person labeling."
    )
    qa_overhead_pct: float = Field(
        default=0.0, ge=0, le=500, description="Review/QA on top of labeling, in % of its cost."
    )

    @model_validator(mode="after")
    def _one_pricing_rule(self) -> LabelingMethod:
        per_item = self.usd_per_example is not None
        per_time = self.seconds_per_label is not None or self.usd_per_hour is not None
        if per_item == per_time:
            raise ValueError(
                "give either usd_per_example, or seconds_per_label together with usd_per_hour"
            )
        if per_time and (self.seconds_per_label is None or self.usd_per_hour is None):
            raise ValueError("seconds_per_label and usd_per_hour go together")
        return self

    @property
    def usd_per_labeled_example(self) -> float:
        """Cost of one example including QA, in USD.

        >>> LabelingMethod(source="https://example.com", as_of="2026-11-01",
        ...                seconds_per_label=36, usd_per_hour=50, qa_overhead_pct=20
        ...                ).usd_per_labeled_example
        0.6
        """
        if self.usd_per_example is not None:
            base = self.usd_per_example
        else:
            assert self.seconds_per_label is not None and self.usd_per_hour is not None
            base = self.seconds_per_label / 3600 * self.usd_per_hour
        return round(base * (1 + self.qa_overhead_pct / 100), 10)


V2_MODEL_FIELDS = (
    *OPTIONAL_RATES,
    "tiers",
    "tier_rule",
    "periods",
    "reasoning_tokens_per_call",
    "reasoning_source",
    "snapshot_id",
    "availability",
)
V2_TUNING_FIELDS = (
    *OPTIONAL_RATES,
    "tiers",
    "tier_rule",
    "periods",
    "serving_available_until",
    "snapshot_id",
    "availability",
)
NEEDS_V2 = "needs_schema_version_2"
"""Error type of a version-2 field in a version-1 file; its ``ctx["loc"]`` locates the field."""


def _v2_fields_used(models: Mapping[str, LlmModel]) -> list[tuple[str, ...]]:
    """Where (``models.<id>.<field>``) entries use fields of schema version 2, in file order."""
    used: list[tuple[str, ...]] = []
    for key, m in models.items():
        used += [("models", key, f) for f in V2_MODEL_FIELDS if f in m.model_fields_set]
        if m.fine_tuning is not None:
            ft_set = m.fine_tuning.model_fields_set
            used += [("models", key, "fine_tuning", f) for f in V2_TUNING_FIELDS if f in ft_set]
    return used


class PricingFile(BaseModel):
    """One ``pricing/*.yaml`` file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1, 2] = Field(
        description="Version of this file format: 2 adds cached, batch and long-context prices, "
        "dated periods, reasoning tokens, snapshot ids and availability notes."
    )
    currency: Literal["USD"] = Field(description="Every amount in the file is in this currency.")
    models: dict[Id, LlmModel] = Field(default_factory=dict)
    gpu_offers: dict[Id, GpuOffer] = Field(default_factory=dict)
    labeling_methods: dict[Id, LabelingMethod] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _fields_of_its_version(self) -> PricingFile:
        if self.schema_version == 1:
            used = _v2_fields_used(self.models)
            if used:
                raise PydanticCustomError(
                    NEEDS_V2,
                    "a field of schema_version 2: set schema_version: 2 at the top of the file "
                    "(version 1 has no cached, batch, tier or dated prices)",
                    {"field": ".".join(used[0]), "loc": used[0]},
                )
        return self


class UnknownIdError(LookupError):
    """A reference into the catalog that names no entry; the message lists the closest ids."""

    def __init__(self, kind: str, wanted: str, known: Iterable[str], reason: str = "") -> None:
        self.kind = kind
        self.wanted = wanted
        self.suggestions = closest(wanted, known)
        hint = (
            f"; did you mean {', '.join(map(repr, self.suggestions))}?" if self.suggestions else ""
        )
        why = f" ({reason})" if reason else ""
        super().__init__(f"unknown {kind} {wanted!r}{why}{hint}")


class UnknownModelError(UnknownIdError):
    def __init__(self, wanted: str, known: Iterable[str], reason: str = "") -> None:
        super().__init__("model", wanted, known, reason)


class SnapshotRefusal(LookupError):
    """The genai-prices snapshot lists an id, but not at its maker's own USD price (the message
    says why); :meth:`Catalog.model` reports it as an unknown model with that reason."""


class UnknownGpuOfferError(UnknownIdError):
    def __init__(self, wanted: str, known: Iterable[str]) -> None:
        super().__init__("GPU offer", wanted, known)


class UnknownLabelingMethodError(UnknownIdError):
    def __init__(self, wanted: str, known: Iterable[str]) -> None:
        super().__init__("labeling method", wanted, known)


def closest(wanted: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The ids most like ``wanted``, best first.

    >>> closest("gpt4o-mini", ["gpt-4o-mini", "gpt-4o", "claude-haiku-4-5"])
    ['gpt-4o-mini', 'gpt-4o']
    """
    known = list(known)
    hits = difflib.get_close_matches(wanted, known, n=n, cutoff=0.5)
    if not hits:
        hits = [k for k in known if wanted.lower() in k.lower() or k.lower() in wanted.lower()][:n]
    return hits


class Catalog(BaseModel):
    """Every price tcocalc knows, merged from the files of one or more pricing folders."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    models: dict[str, LlmModel] = Field(default_factory=dict)
    gpu_offers: dict[str, GpuOffer] = Field(default_factory=dict)
    labeling_methods: dict[str, LabelingMethod] = Field(default_factory=dict)
    files: tuple[str, ...] = Field(default=(), description="The files it was loaded from.")
    fallback: Callable[[str], LlmModel | None] | None = Field(
        default=None,
        exclude=True,
        repr=False,
        description="Where a model no YAML file lists is looked up (the genai-prices snapshot, "
        "given by the loader), or None.",
    )

    @property
    def use_snapshot(self) -> bool:
        """Whether a model no YAML file lists falls back to :attr:`fallback`."""
        return self.fallback is not None

    def model(self, model_id: str) -> LlmModel:
        """The model ``model_id``: from YAML, else from the genai-prices snapshot, else raise."""
        found = self.models.get(model_id)
        if found is not None:
            return found
        if self.fallback is not None:
            try:
                snap = self.fallback(model_id)
            except SnapshotRefusal as exc:
                reason = (
                    f"no pricing file lists it, and {exc}; add it to a pricing file with the "
                    f"provider you buy from: tcocalc pricing import {model_id} --provider NAME"
                )
                raise UnknownModelError(model_id, self.models, reason) from None
            if snap is not None:
                return snap
        raise UnknownModelError(model_id, self.models)

    def gpu_offer(self, offer_id: str) -> GpuOffer:
        try:
            return self.gpu_offers[offer_id]
        except KeyError:
            raise UnknownGpuOfferError(offer_id, self.gpu_offers) from None

    def labeling_method(self, method_id: str) -> LabelingMethod:
        try:
            return self.labeling_methods[method_id]
        except KeyError:
            raise UnknownLabelingMethodError(method_id, self.labeling_methods) from None

    def as_of_range(self) -> tuple[dt.date, dt.date] | None:
        """Oldest and newest ``as_of`` date of the YAML entries, or None for an empty catalog."""
        dates = [
            e.as_of
            for section in (self.models, self.gpu_offers, self.labeling_methods)
            for e in section.values()
        ]
        return (min(dates), max(dates)) if dates else None

    @classmethod
    def merge(
        cls,
        files: Mapping[str, PricingFile],
        *,
        fallback: Callable[[str], LlmModel | None] | None = None,
    ) -> tuple[Catalog, list[tuple[str, str, str]]]:
        """Merge files into one catalog; returns it and ``(file, section.id, message)`` clashes.

        An id that two files define is a clash: the first file (in the given order) keeps it.
        """
        models: dict[str, LlmModel] = {}
        gpus: dict[str, GpuOffer] = {}
        labeling: dict[str, LabelingMethod] = {}
        owner: dict[tuple[str, str], str] = {}
        clashes: list[tuple[str, str, str]] = []
        for name, pf in files.items():
            for section, target, entries in (
                ("models", models, pf.models),
                ("gpu_offers", gpus, pf.gpu_offers),
                ("labeling_methods", labeling, pf.labeling_methods),
            ):
                for key, entry in entries.items():
                    if key in target:
                        first = owner[(section, key)]
                        clashes.append(
                            (name, f"{section}.{key}", f"duplicate id, already in {first}")
                        )
                        continue
                    target[key] = entry  # type: ignore[assignment]
                    owner[(section, key)] = name
        catalog = cls(
            models=models,
            gpu_offers=gpus,
            labeling_methods=labeling,
            files=tuple(files),
            fallback=fallback,
        )
        return catalog, clashes
