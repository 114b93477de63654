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

SCHEMA_VERSION = 1

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._:/-]*$", min_length=1, max_length=80)]
UsdPer1M = Annotated[float, Field(ge=0, le=1_000)]


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    source: AnyHttpUrl = Field(description="Where the price was read (a URL).")
    as_of: dt.date = Field(description="The date the price was read.")
    notes: str = Field(default="", max_length=2_000, description="Free text for humans.")


class FineTuningPrices(BaseModel):
    """A provider's self-serve fine-tuning of one model: training and the tuned model's inference."""

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


class LlmModel(_Entry):
    """An LLM served by an API provider, billed per token."""

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


class PricingFile(BaseModel):
    """One ``pricing/*.yaml`` file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1] = Field(description="Version of this file format.")
    currency: Literal["USD"] = Field(description="Every amount in the file is in this currency.")
    models: dict[Id, LlmModel] = Field(default_factory=dict)
    gpu_offers: dict[Id, GpuOffer] = Field(default_factory=dict)
    labeling_methods: dict[Id, LabelingMethod] = Field(default_factory=dict)


class UnknownIdError(LookupError):
    """A reference into the catalog that names no entry; the message lists the closest ids."""

    def __init__(self, kind: str, wanted: str, known: Iterable[str]) -> None:
        self.kind = kind
        self.wanted = wanted
        self.suggestions = closest(wanted, known)
        hint = (
            f"; did you mean {', '.join(map(repr, self.suggestions))}?" if self.suggestions else ""
        )
        super().__init__(f"unknown {kind} {wanted!r}{hint}")


class UnknownModelError(UnknownIdError):
    def __init__(self, wanted: str, known: Iterable[str]) -> None:
        super().__init__("model", wanted, known)


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
            snap = self.fallback(model_id)
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
