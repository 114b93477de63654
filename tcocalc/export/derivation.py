"""How own-GPU training and dedicated serving are derived, row by row, for the workbook's
Derivation sheet and the Pricing tab (moved out of :mod:`tcocalc.export.assumptions`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tcocalc.export.assumptions import format_number
from tcocalc.model.scenario import DedicatedServing, Scenario, SelfHostedTraining
from tcocalc.model.serving import plan_serving
from tcocalc.model.training import (
    METHOD_LABELS,
    UTILIZATION_SOURCE,
    TrainingPlan,
    format_gb,
    plan_training,
)
from tcocalc.pricing.catalog import Catalog

# --- How own-GPU training is derived (issue 12) ---------------------------------------------------


@dataclass(frozen=True)
class DerivationRow:
    """One step of a derivation: a quantity, its value and unit, and how it was obtained."""

    quantity: str
    value: float
    unit: str
    how: str
    """The formula, or where the figure was read (a URL or "measured")."""


def training_derivation(scenario: Scenario, catalog: Catalog) -> list[DerivationRow]:
    """How the training time and cost on own GPUs follow from the model, method and GPUs.

    Rows: parameters, FLOPs per token, peak, utilisation, tokens/s per GPU, token passes, GPU-hours,
    wall-clock time, cost of the first model and the memory check; none for provider training.
    Raises like :func:`tcocalc.model.training.plan_training` for a setup it refuses.
    """
    if not isinstance(scenario.fine_tuning.training, SelfHostedTraining):
        return []
    plan = plan_training(scenario, catalog)
    return list(_derivation_rows(plan, scenario, catalog))


def _derivation_rows(
    plan: TrainingPlan, scenario: Scenario, catalog: Catalog
) -> Iterator[DerivationRow]:
    gpu = catalog.gpu_offer(plan.gpu_id)
    model = catalog.model(plan.model_id) if plan.model_id else None
    model_src = str(model.parameters_source) if model and model.parameters_source else ""
    method = METHOD_LABELS[plan.method]
    if plan.parameters_total_b is not None:
        yield DerivationRow(
            "Parameters", plan.parameters_total_b, "billion", f"{plan.model_id}: {model_src}"
        )
    if plan.parameters_active_b is not None and plan.parameters_active_b != plan.parameters_total_b:
        yield DerivationRow(
            "Active parameters per token", plan.parameters_active_b, "billion", "mixture-of-experts"
        )
    if plan.flops_per_token is not None:
        factor = {"full": 6, "lora": 4, "qlora": 4}[plan.method]
        yield DerivationRow(
            "Training FLOPs per token",
            plan.flops_per_token,
            "FLOPs/token",
            f"{factor} x active parameters ({method}; Kaplan et al. 2020, Hu et al. 2021)",
        )
    if plan.peak_tflops is not None:
        yield DerivationRow(
            f"Peak {plan.precision.upper()} of one {plan.gpu_name}",
            plan.peak_tflops,
            "TFLOPS (dense)",
            str(gpu.chip_source or ""),
        )
    if plan.utilization is not None:
        yield DerivationRow(
            "Model FLOPs utilisation",
            plan.utilization,
            "fraction of peak",
            "entered in the scenario" if plan.utilization_entered else UTILIZATION_SOURCE,
        )
    yield DerivationRow(
        "Training throughput",
        plan.tokens_per_second_per_gpu,
        "tokens/s per GPU",
        "measured (entered in the scenario)"
        if plan.measured
        else "peak x 1e12 x utilisation / FLOPs per token",
    )
    ft = scenario.fine_tuning
    yield DerivationRow(
        "Token passes per run",
        plan.token_passes_per_run,
        "tokens",
        f"{format_number(ft.training.epochs)} epochs x training tokens + "
        f"{ft.evaluations_per_run} evaluations x validation tokens x eval cost "
        f"(validation share {format_number(ft.validation_share)})",
    )
    yield DerivationRow(
        "GPU-hours per run",
        plan.gpu_hours_per_run,
        "GPU-hours",
        "token passes / (tokens/s per GPU x 3,600)",
    )
    yield DerivationRow(
        "Wall-clock time per run",
        plan.wall_clock_hours_per_run,
        "hours",
        f"GPU-hours / {plan.gpu_count} GPUs at once",
    )
    yield DerivationRow(
        "Training compute of the first model",
        plan.runs_first_model * plan.gpu_hours_per_run * plan.usd_per_gpu_hour,
        "USD",
        f"{format_number(plan.runs_first_model)} runs x GPU-hours x "
        f"${format_number(plan.usd_per_gpu_hour)}/GPU-hour",
    )
    if plan.memory is not None:
        need = plan.memory
        yield DerivationRow(
            "GPU memory needed",
            need.total_gb(plan.gpu_count),
            "GB",
            f"weights {format_gb(need.weights_gb)} + gradients {format_gb(need.gradients_gb)} + "
            f"Adam state {format_gb(need.optimizer_gb)} + activations "
            f"{format_gb(need.activations_gb_per_gpu)}/GPU at {need.sequence_length_tokens:,} "
            f"tokens; {plan.gpu_count} x {plan.gpu_memory_gb:g} GB available",
        )


def serving_derivation(scenario: Scenario, catalog: Catalog) -> list[DerivationRow]:
    """How a dedicated replica's throughput and latency follow from the model and GPU; none for
    other serving. Raises like :func:`tcocalc.model.serving.plan_serving`."""
    sv = scenario.fine_tuning.serving
    if not isinstance(sv, DedicatedServing):
        return []
    plan = plan_serving(scenario, catalog)
    rows: list[DerivationRow] = []
    if plan.weights_gb is not None:
        rows.append(
            DerivationRow(
                "Weights per replica",
                plan.weights_gb,
                "GB",
                f"{plan.model_id}: parameters x 2 bytes (BF16) on {plan.gpus_per_replica} GPU(s)",
            )
        )
    if plan.decode_step_seconds is not None:
        rows.append(
            DerivationRow(
                "Decode step",
                plan.decode_step_seconds,
                "seconds",
                f"weight bytes / (bandwidth x GPUs x batch efficiency {plan.batch_efficiency:g})",
            )
        )
    if plan.decode_tokens_per_second is not None:
        rows.append(
            DerivationRow(
                "Decode throughput",
                plan.decode_tokens_per_second,
                "tokens/s per replica",
                f"{plan.batch} requests per step / step time (at most the prefill rate)",
            )
        )
    if plan.prefill_tokens_per_second is not None:
        rows.append(
            DerivationRow(
                "Prefill throughput",
                plan.prefill_tokens_per_second,
                "tokens/s per replica",
                "peak BF16 x GPUs x batch efficiency / (2 x active parameters)",
            )
        )
    rows.append(
        DerivationRow(
            "Calls per replica",
            plan.calls_per_second_per_replica,
            "calls/s",
            "measured (entered in the scenario)"
            if plan.measured
            else "1 / (input tokens / prefill + output tokens / decode)",
        )
    )
    rows.append(
        DerivationRow(
            "Latency of one call",
            plan.call_seconds,
            "seconds",
            "input / prefill + output x step time; replicas sized as an M/M/c queue for the p95 "
            "target"
            if sv.p95_latency_seconds
            else "input / prefill + output x step time",
        )
    )
    return rows
