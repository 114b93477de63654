"""One line each on how training and a serving replica on own GPUs were sized, for the page."""

from __future__ import annotations

from tcocalc.model.serving import ServingPlan
from tcocalc.model.training import METHOD_LABELS, TrainingPlan, format_gb


def training_line(plan: TrainingPlan) -> str:
    """The throughput (derived or measured), the run's time and the memory check, in words.

    >>> plan = TrainingPlan("g", "H100", 8, 80, 3.6, "lora", "bf16", "m", 8.03, 8.03, 3.212e10,
    ...     989, 0.455, False, 14_009.0, False, 28e6, 84e6, 4.0, None)
    >>> print(training_line(plan))  # doctest: +NORMALIZE_WHITESPACE
    LoRA: 14,009 tokens/s per GPU, derived (4 x 8.03B FLOPs per token at 989 TFLOPS x 0.455)
    · 1.7 GPU-hours, 0.21 h per run on 8 GPUs
    """
    if plan.measured:
        how = "measured"
    else:
        factor = 6 if plan.method == "full" else 4
        how = (
            f"derived ({factor} x {plan.parameters_active_b:g}B FLOPs per token at "
            f"{plan.peak_tflops:g} TFLOPS x {plan.utilization:.3g})"
        )
    gpus = f"{plan.gpu_count} GPU" + ("s" if plan.gpu_count != 1 else "")
    line = (
        f"{METHOD_LABELS[plan.method]}: {plan.tokens_per_second_per_gpu:,.0f} tokens/s per GPU, "
        f"{how} · {plan.gpu_hours_per_run:,.2g} GPU-hours, "
        f"{plan.wall_clock_hours_per_run:,.2g} h per run on {gpus}"
    )
    if plan.memory is not None:
        line += (
            f" · needs {format_gb(plan.memory.total_gb(plan.gpu_count))} of "
            f"{plan.gpu_count} x {plan.gpu_memory_gb:g} GB"
        )
    return line


def serving_line(plan: ServingPlan) -> str:
    """A replica's calls/s (derived or measured) and the latency of one call, in words.

    >>> plan = ServingPlan("m", "g", 1, 16, 0.6, 16.06, 0.008, 2002.0, 36949.0, 6.47, False, 2.03)
    >>> print(serving_line(plan))  # doctest: +NORMALIZE_WHITESPACE
    6.47 calls/s per replica, derived (decode 2,002 tokens/s at a batch of 16, prefill 36,949
    tokens/s) · one call takes 2.03 s
    """
    if plan.measured:
        how = "measured"
    else:
        how = (
            f"derived (decode {plan.decode_tokens_per_second:,.0f} tokens/s at a batch of "
            f"{plan.batch}, prefill {plan.prefill_tokens_per_second:,.0f} tokens/s)"
        )
    return (
        f"{plan.calls_per_second_per_replica:,.3g} calls/s per replica, {how} · one call takes "
        f"{plan.call_seconds:.3g} s"
    )


def format_quantity(value: float) -> str:
    """A derivation's figure as people read it: separators for large ones, 4 digits for small.

    >>> format_quantity(14_009.4), format_quantity(3.212e10), format_quantity(0.455)
    ('14,009', '32,120,000,000', '0.455')
    """
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
