"""Serving a tuned open-weights model on dedicated GPU replicas: throughput and latency per replica.

A replica decodes ``batch`` requests together. Decoding is bound by memory bandwidth: every step
reads the weights once (``min(total, active x batch)`` parameters for a mixture-of-experts model,
2 bytes each in BF16) and yields one token per request. Prefill (the input tokens) is bound by
compute: ``2 N`` FLOPs per token (N active parameters). Both run at ``batch_efficiency``, the share
of the bandwidth and compute rooflines a serving engine reaches (vLLM and TensorRT-LLM report
60-80 % of the bandwidth roofline on large batches; Kwon et al. 2023, *PagedAttention*,
https://arxiv.org/abs/2309.06180, and NVIDIA's LLM inference guide
https://developer.nvidia.com/blog/mastering-llm-techniques-inference-optimization/):

    step time (s)         = weight bytes read / (bandwidth x GPUs x efficiency)
    decode (tokens/s)     = min(batch / step time, peak x GPUs x efficiency / 2 N)
    prefill (tokens/s)    = peak x GPUs x efficiency / 2 N
    replica-s per call    = input tokens / prefill + output tokens / decode
    calls/s per replica   = 1 / replica-s per call
    latency of one call   = input tokens / prefill + output tokens x step time  (no queueing)

A measured calls/s per replica replaces the derived one. Sizing for a p95 latency target treats
the replicas as an M/M/c queue (:func:`tcocalc.model.costs.replicas_needed`).
"""

from __future__ import annotations

from dataclasses import dataclass

from tcocalc.model.scenario import DedicatedServing, Scenario, SelfHostedTraining
from tcocalc.model.training import TrainingSetupError, format_gb
from tcocalc.pricing.catalog import Catalog

WEIGHT_BYTES_PER_PARAMETER = 2.0
"""BF16 weights."""
USABLE_MEMORY_SHARE = 0.90


def decode_step_seconds(
    parameters_total_b: float,
    parameters_active_b: float,
    batch: int,
    bandwidth_tb_per_s: float,
    gpus: int,
    efficiency: float,
) -> float:
    """Seconds of one decode step of the batch: weight bytes read / effective bandwidth.

    Llama 3.1 8B on one H100 (3.35 TB/s) at 60 %: 16.06 GB / 2.01 TB/s = 8.0 ms.
    >>> round(decode_step_seconds(8.03, 8.03, 16, 3.35, 1, 0.6) * 1000, 2)
    7.99
    """
    read_b = min(parameters_total_b, parameters_active_b * batch)
    return (
        read_b * 1e9 * WEIGHT_BYTES_PER_PARAMETER / (bandwidth_tb_per_s * 1e12 * gpus * efficiency)
    )


def prefill_tokens_per_second(
    parameters_active_b: float, peak_tflops: float, gpus: int, efficiency: float
) -> float:
    """Input tokens a replica processes per second: ``peak x GPUs x efficiency / 2 N``.

    >>> round(prefill_tokens_per_second(8.03, 989, 1, 0.6))
    36949
    """
    return peak_tflops * 1e12 * gpus * efficiency / (2.0 * parameters_active_b * 1e9)


@dataclass(frozen=True)
class ServingPlan:
    """How one dedicated replica's throughput and latency are derived (units in the names)."""

    model_id: str | None
    gpu_id: str
    gpus_per_replica: int
    batch: int
    batch_efficiency: float
    weights_gb: float | None
    decode_step_seconds: float | None
    decode_tokens_per_second: float | None
    prefill_tokens_per_second: float | None
    calls_per_second_per_replica: float
    measured: bool
    call_seconds: float
    """Latency of one call on an idle slot (seconds; prefill + decode)."""


def plan_serving(scenario: Scenario, catalog: Catalog) -> ServingPlan:
    """The dedicated replica of a scenario: derived from the model and GPU, or measured.

    The model is the one trained on own GPUs (``training.base_model``). Raises
    :class:`~tcocalc.model.training.TrainingSetupError` naming the field to fix when the
    throughput cannot be derived or the weights do not fit in a replica.
    """
    ft = scenario.fine_tuning
    sv = ft.serving
    assert isinstance(sv, DedicatedServing)
    where = "fine_tuning.serving"
    gpu = catalog.gpu_offer(sv.gpu)
    model_id = ft.training.base_model if isinstance(ft.training, SelfHostedTraining) else None
    model = catalog.model(model_id) if model_id else None
    total_b = model.parameters_total_b if model else None
    active_b = model.active_parameters_b if model else None
    n = sv.gpus_per_replica
    weights_gb = None if total_b is None else total_b * WEIGHT_BYTES_PER_PARAMETER
    if weights_gb is not None and weights_gb > n * gpu.gpu_memory_gb * USABLE_MEMORY_SHARE:
        need = int(-(-weights_gb // (gpu.gpu_memory_gb * USABLE_MEMORY_SHARE)))
        raise TrainingSetupError(
            f"{where}.gpus_per_replica",
            f"the weights of a {total_b:g}B model take {format_gb(weights_gb)} in BF16; a "
            f"replica of {n} x {gpu.gpu_memory_gb:g} GB cannot hold them "
            f"({USABLE_MEMORY_SHARE * 100:.0f} % usable) - use gpus_per_replica >= {need}",
        )
    step = decode = prefill = None
    if total_b is not None and active_b is not None and gpu.memory_bandwidth_tb_per_s:
        step = decode_step_seconds(
            total_b,
            active_b,
            sv.decode_batch_size,
            gpu.memory_bandwidth_tb_per_s,
            n,
            sv.batch_efficiency,
        )
        decode = sv.decode_batch_size / step
        if gpu.bf16_dense_tflops:
            prefill = prefill_tokens_per_second(
                active_b, gpu.bf16_dense_tflops, n, sv.batch_efficiency
            )
            decode = min(decode, prefill)
    inp, out = ft.input_tokens_per_call, ft.output_tokens_per_call
    measured = sv.calls_per_second_per_replica is not None
    if sv.calls_per_second_per_replica is not None:
        per_replica = sv.calls_per_second_per_replica
        call_s = sv.decode_batch_size / per_replica
    else:
        if decode is None or prefill is None or step is None:
            raise TrainingSetupError(
                f"{where}.calls_per_second_per_replica",
                "to derive a replica's throughput, train on own GPUs with a base_model whose "
                "parameter count the catalog has, on a GPU with its TFLOPS and bandwidth; or "
                "enter a measured calls_per_second_per_replica",
            )
        per_replica = 1.0 / (inp / prefill + out / decode)
        call_s = inp / prefill + out * step
    return ServingPlan(
        model_id=model_id,
        gpu_id=sv.gpu,
        gpus_per_replica=n,
        batch=sv.decode_batch_size,
        batch_efficiency=sv.batch_efficiency,
        weights_gb=weights_gb,
        decode_step_seconds=step,
        decode_tokens_per_second=decode,
        prefill_tokens_per_second=prefill,
        calls_per_second_per_replica=per_replica,
        measured=measured,
        call_seconds=call_s,
    )
