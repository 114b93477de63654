"""Fine-tuning on own GPUs from first principles: FLOPs, utilisation, tokens/s, GPU-hours, memory.

The training time of a run is ``token passes x FLOPs per token / (peak FLOPS x utilisation)``; its
cost is that time in GPU-hours x the offer's price. A throughput the user measured replaces the
derived one (and is labelled "measured"). The memory a method needs is checked against
``GPUs x memory``; a setup that cannot fit is refused with its numbers (:class:`TrainingSetupError`).

FLOPs per token (``N`` = parameters used per token, the active ones for mixture-of-experts)
    ``full``  6 N: forward 2 N, backward 4 N (gradients of activations and of weights); the "6N"
    rule of Kaplan et al. 2020, *Scaling Laws for Neural Language Models*
    (https://arxiv.org/abs/2001.08361), section 2.1.
    ``lora``  4 N: forward 2 N, backward 2 N through the activations only; the frozen weights get no
    weight-gradient GEMMs, and the adapters (rank r << d) add well under 1 %. Hu et al. 2021, *LoRA*
    (https://arxiv.org/abs/2106.09685); NeMo's published runs count LoRA at 2/3 of SFT FLOPs per
    token (Llama 2 7B on 8 H100: SFT 16,891 tok/s at 673 TFLOPS/GPU, LoRA 24,824 tok/s at 663,
    https://docs.nvidia.com/nemo-framework/user-guide/24.12/nemotoolkit/performance/performance_summary.html).
    ``qlora`` 4 N as LoRA, on a 4-bit base dequantised layer by layer (Dettmers et al. 2023,
    https://arxiv.org/abs/2305.14314): the same FLOPs at a lower utilisation (below).
    An evaluation pass over validation tokens is a forward pass: 2 N per token.

Utilisation (model FLOPs utilisation: useful FLOPs / dense peak of the precision used)
    Calibrated on six published runs (torchtune's README table, batch 2, packed to 2,048 tokens,
    https://github.com/pytorch/torchtune#memory-and-training-speed; NeMo's performance summary,
    H100 FP8, https://docs.nvidia.com/nemo-framework/user-guide/latest/performance/performance_summary.html)
    and checked against each within +-40 % in ``tests/model/test_training.py``:
    one GPU at BF16, full 0.60 and LoRA 0.65; QLoRA x 0.78 of LoRA (torchtune, Llama 3.1 8B on one
    RTX 4090: QLoRA 2,413 / LoRA 3,083 tok/s); FP8 x 0.70 of the FP8 peak (FP8 runs ~1.4x, not 2x,
    the BF16 rate); several GPUs x 0.70 (sharded weights, optimizer state and gradient all-reduce);
    optimizer state offloaded to CPU x 0.60 (torchtune's 70B full fine-tune). A measured throughput
    or a utilisation entered in the scenario replaces these.

Memory (bytes; mixed-precision AdamW, FSDP/ZeRO-3 sharding across the run's GPUs)
    weights 2 per parameter (BF16), 0.5 for QLoRA's 4-bit NF4 base plus ~0.127 bit of quantisation
    constants (QLoRA paper, section 2); gradients 2 per trainable parameter; Adam state 12 per
    trainable parameter (FP32 master copy, first and second moments: 16 bytes per parameter in all
    for a full fine-tune, Rajbhandari et al. 2020, *ZeRO*, https://arxiv.org/abs/1910.02054,
    section 3.1); LoRA/QLoRA train 0.52 % of the parameters (rank 16 on every linear layer of Llama
    3.1 8B: 42 M); activations per GPU with activation checkpointing, one sequence of ``L`` tokens:
    ``L x (2 x hidden x layers + 34 x hidden)`` (the checkpointed layer inputs in BF16, plus one
    layer's working set, Korthikanti et al. 2022, https://arxiv.org/abs/2205.05198, with flash
    attention). 10 % of each GPU is kept for the CUDA context and fragmentation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from tcocalc.model.scenario import Scenario, SelfHostedTraining, ServerlessLoraServing
from tcocalc.pricing.catalog import Catalog

Method = Literal["lora", "qlora", "full"]
Precision = Literal["bf16", "fp8"]

FLOPS_PER_PARAMETER_PER_TOKEN: dict[str, float] = {"full": 6.0, "lora": 4.0, "qlora": 4.0}
"""Training FLOPs per token per active parameter, by method (see the module docstring)."""
EVAL_FLOPS_PER_PARAMETER_PER_TOKEN = 2.0
"""A validation token is a forward pass only."""

UTILIZATION_ONE_GPU_BF16: dict[str, float] = {"full": 0.60, "lora": 0.65, "qlora": 0.65 * 0.78}
"""Model FLOPs utilisation of one GPU at BF16, by method (calibrated; module docstring)."""
FP8_UTILIZATION_FACTOR = 0.70
MULTI_GPU_UTILIZATION_FACTOR = 0.70
CPU_OFFLOAD_UTILIZATION_FACTOR = 0.60
UTILIZATION_SOURCE = (
    "calibrated on torchtune (github.com/pytorch/torchtune) and NeMo (docs.nvidia.com/nemo-"
    "framework) published fine-tuning throughput"
)

WEIGHT_BYTES_PER_PARAMETER: dict[str, float] = {"full": 2.0, "lora": 2.0, "qlora": 0.5 + 0.127 / 8}
GRADIENT_BYTES_PER_TRAINABLE_PARAMETER = 2.0
ADAM_BYTES_PER_TRAINABLE_PARAMETER = 12.0
LORA_TRAINABLE_SHARE = 0.0052
USABLE_MEMORY_SHARE = 0.90
METHOD_LABELS = {"full": "full fine-tune", "lora": "LoRA", "qlora": "QLoRA"}


class TrainingSetupError(ValueError):
    """A self-hosted training setup that cannot be computed or cannot run as described.

    ``field`` is the scenario field to fix, as a dotted path (``fine_tuning.training.gpu_count``).
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def flops_per_token(active_parameters_b: float, method: Method) -> float:
    """Training FLOPs for one token: ``6 N`` (full) or ``4 N`` (LoRA, QLoRA), N in parameters.

    >>> f"{flops_per_token(8.03, 'full'):.3e}", f"{flops_per_token(8.03, 'lora'):.3e}"
    ('4.818e+10', '3.212e+10')
    """
    return FLOPS_PER_PARAMETER_PER_TOKEN[method] * active_parameters_b * 1e9


def eval_cost_share(method: Method) -> float:
    """Cost of a validation token relative to a training token: ``2 N / (6 N or 4 N)``.

    >>> round(eval_cost_share("full"), 4), eval_cost_share("lora")
    (0.3333, 0.5)
    """
    return EVAL_FLOPS_PER_PARAMETER_PER_TOKEN / FLOPS_PER_PARAMETER_PER_TOKEN[method]


def utilization(method: Method, precision: Precision, gpu_count: int, cpu_offload: bool) -> float:
    """Model FLOPs utilisation of a run (fraction of the dense peak of ``precision``).

    ``one-GPU BF16 figure of the method x 0.70 (FP8) x 0.70 (several GPUs) x 0.60 (CPU offload)``.

    >>> utilization("lora", "bf16", 1, False), round(utilization("full", "fp8", 8, False), 3)
    (0.65, 0.294)
    """
    u = UTILIZATION_ONE_GPU_BF16[method]
    if precision == "fp8":
        u *= FP8_UTILIZATION_FACTOR
    if gpu_count > 1:
        u *= MULTI_GPU_UTILIZATION_FACTOR
    if cpu_offload:
        u *= CPU_OFFLOAD_UTILIZATION_FACTOR
    return u


def tokens_per_second_per_gpu(
    peak_tflops: float, utilization_share: float, flops_per_token_: float
) -> float:
    """Training throughput of one GPU: ``peak x 1e12 x utilisation / FLOPs per token`` (tokens/s).

    Llama 3.1 8B LoRA on one H100 SXM (989 dense BF16 TFLOPS):
    >>> round(tokens_per_second_per_gpu(989, 0.65, flops_per_token(8.03, "lora")))
    20014
    """
    return peak_tflops * 1e12 * utilization_share / flops_per_token_


def gpu_hours(token_passes: float, tokens_per_second_per_gpu_: float) -> float:
    """GPU-hours to push ``token_passes`` training tokens: ``tokens / (tokens/s/GPU x 3600)``.

    >>> gpu_hours(36_000_000, 2_500.0)
    4.0
    """
    return token_passes / (tokens_per_second_per_gpu_ * 3600.0)


def wall_clock_hours(token_passes: float, tokens_per_second_per_gpu_: float, gpus: int) -> float:
    """Hours a run takes on ``gpus`` GPUs at once: ``GPU-hours / GPUs``.

    >>> wall_clock_hours(36_000_000, 2_500.0, 8)
    0.5
    """
    return gpu_hours(token_passes, tokens_per_second_per_gpu_) / gpus


def token_passes_per_run(
    labeled_tokens: float,
    epochs: float,
    validation_share: float,
    evaluations: int,
    eval_share_of_a_training_token: float,
) -> float:
    """Training-token equivalents of one run (the providers' formula, evals at their own cost).

    ``epochs x training tokens + evals x validation tokens x eval cost share``, where the labeled
    tokens split into training ``(1 - share)`` and validation ``share``. Providers bill a validation
    token like a training token (cost share 1); on own GPUs it is a forward pass
    (:func:`eval_cost_share`).

    >>> token_passes_per_run(1_000_000, 3, 0.1, 2, 1.0)  # 3 x 900k + 2 x 100k
    2900000.0
    """
    training = labeled_tokens * (1.0 - validation_share)
    validation = labeled_tokens * validation_share
    return epochs * training + evaluations * validation * eval_share_of_a_training_token


# --- Memory ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemoryNeed:
    """GPU memory a fine-tune needs (GB = 1e9 bytes); state is sharded across the GPUs."""

    method: Method
    parameters_b: float
    weights_gb: float
    gradients_gb: float
    optimizer_gb: float
    """Adam state on the GPUs (0 when it is offloaded to CPU memory)."""
    activations_gb_per_gpu: float
    sequence_length_tokens: int

    @property
    def sharded_gb(self) -> float:
        """Weights, gradients and optimizer state: spread over however many GPUs run it."""
        return self.weights_gb + self.gradients_gb + self.optimizer_gb

    def total_gb(self, gpus: int) -> float:
        """Memory of a run on ``gpus`` GPUs: sharded state + activations on each GPU."""
        return self.sharded_gb + gpus * self.activations_gb_per_gpu

    def fits(self, gpus: int, gpu_memory_gb: float) -> bool:
        return self.total_gb(gpus) <= gpus * gpu_memory_gb * USABLE_MEMORY_SHARE

    def gpus_needed(self, gpu_memory_gb: float) -> int | None:
        """The fewest GPUs of that memory the run fits on (None: not even one sequence fits)."""
        usable = gpu_memory_gb * USABLE_MEMORY_SHARE - self.activations_gb_per_gpu
        if usable <= 0:
            return None
        return max(1, math.ceil(round(self.sharded_gb / usable, 9)))


def memory_need(
    parameters_total_b: float,
    method: Method,
    hidden_size: int,
    layers: int,
    sequence_length_tokens: int,
    cpu_offload: bool = False,
) -> MemoryNeed:
    """The memory a method needs for a model (module docstring: the bytes and their sources).

    A full fine-tune of Llama 3.1 70B (70.6 B, hidden 8,192, 80 layers) at 2,048 tokens:
    16 bytes per parameter = 1,130 GB of state, 3.3 GB of activations per GPU.
    >>> need = memory_need(70.6, "full", 8192, 80, 2048)
    >>> round(need.sharded_gb), round(need.activations_gb_per_gpu, 1), need.gpus_needed(80)
    (1130, 3.3, 17)
    """
    params = parameters_total_b * 1e9
    trainable = params if method == "full" else params * LORA_TRAINABLE_SHARE
    weights = params * WEIGHT_BYTES_PER_PARAMETER[method]
    if method != "full":
        weights += trainable * WEIGHT_BYTES_PER_PARAMETER["lora"]  # the adapters, in BF16
    gradients = trainable * GRADIENT_BYTES_PER_TRAINABLE_PARAMETER
    optimizer = 0.0 if cpu_offload else trainable * ADAM_BYTES_PER_TRAINABLE_PARAMETER
    activations = sequence_length_tokens * (2 * hidden_size * layers + 34 * hidden_size)
    return MemoryNeed(
        method=method,
        parameters_b=parameters_total_b,
        weights_gb=weights / 1e9,
        gradients_gb=gradients / 1e9,
        optimizer_gb=optimizer / 1e9,
        activations_gb_per_gpu=activations / 1e9,
        sequence_length_tokens=sequence_length_tokens,
    )


def format_gb(gb: float) -> str:
    """A memory size in GB, or in TB from 1,000 GB.

    >>> format_gb(1130.2), format_gb(80), format_gb(3.27)
    ('1.1 TB', '80 GB', '3.3 GB')
    """
    if gb >= 1000:
        return f"{gb / 1000:.1f} TB"
    return f"{gb:,.0f} GB" if gb >= 10 else f"{gb:.1f} GB"


def memory_refusal(
    need: MemoryNeed,
    gpus: int,
    gpu_memory_gb: float,
    fits_with: list[str],
) -> str:
    """The words refusing a setup that cannot fit: the need, what is there, and what would fit.

    >>> need = memory_need(70.6, "full", 8192, 80, 2048)
    >>> print(memory_refusal(need, 1, 80, ["QLoRA"]))  # doctest: +NORMALIZE_WHITESPACE
    a full fine-tune of a 70.6B model needs ~1.1 TB of GPU memory (weights 141 GB, gradients 141 GB,
    Adam state 847 GB, activations 3.3 GB per GPU at 2,048 tokens); 1 x 80 GB is not enough (90 %
    usable) - use >= 17 GPUs, or QLoRA
    """
    need_gb = need.total_gb(gpus)
    parts = (
        f"weights {format_gb(need.weights_gb)}, gradients {format_gb(need.gradients_gb)}, "
        + (f"Adam state {format_gb(need.optimizer_gb)}, " if need.optimizer_gb else "")
        + f"activations {format_gb(need.activations_gb_per_gpu)} per GPU at "
        + f"{need.sequence_length_tokens:,} tokens"
    )
    n = need.gpus_needed(gpu_memory_gb)
    options = ([f">= {n} GPUs"] if n is not None else []) + fits_with
    advice = ", or ".join([", ".join(options[:-1]), options[-1]] if len(options) > 1 else options)
    return (
        f"a {METHOD_LABELS[need.method]} of a {need.parameters_b:g}B model needs "
        f"~{format_gb(need_gb)} of GPU memory ({parts}); {gpus} x {gpu_memory_gb:g} GB is not "
        f"enough ({USABLE_MEMORY_SHARE * 100:.0f} % usable)"
        + (f" - use {advice}" if advice else "")
    )


# --- A scenario's training run --------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingPlan:
    """How one self-hosted training run is derived, every figure with its unit (for the reports)."""

    gpu_id: str
    gpu_name: str
    gpu_count: int
    gpu_memory_gb: float
    usd_per_gpu_hour: float
    method: Method
    precision: Precision
    model_id: str | None
    parameters_total_b: float | None
    parameters_active_b: float | None
    flops_per_token: float | None
    """Training FLOPs per token (None when the throughput is measured and the model unknown)."""
    peak_tflops: float | None
    """Dense peak of one GPU at ``precision`` (TFLOPS)."""
    utilization: float | None
    utilization_entered: bool
    """True when the scenario gave the utilisation, False for the calibrated figure."""
    tokens_per_second_per_gpu: float
    measured: bool
    """True when the scenario gave the throughput (it wins over the derivation)."""
    labeled_tokens: float
    """Tokens of the labeled examples at the start (training + validation)."""
    token_passes_per_run: float
    """Training-token equivalents of one run (:func:`token_passes_per_run`)."""
    runs_first_model: float
    memory: MemoryNeed | None

    @property
    def passes_per_labeled_token(self) -> float:
        """Token passes per run / labeled tokens: the epochs, evaluations included (count)."""
        return self.token_passes_per_run / self.labeled_tokens

    @property
    def gpu_hours_per_run(self) -> float:
        return gpu_hours(self.token_passes_per_run, self.tokens_per_second_per_gpu)

    @property
    def wall_clock_hours_per_run(self) -> float:
        return self.gpu_hours_per_run / self.gpu_count

    @property
    def usd_per_token_pass(self) -> float:
        """USD for one training token on these GPUs: ``USD/GPU-hour / (tokens/s/GPU x 3600)``."""
        return self.usd_per_gpu_hour / (self.tokens_per_second_per_gpu * 3600.0)


def _trained_model_id(scenario: Scenario) -> str | None:
    ft = scenario.fine_tuning
    assert isinstance(ft.training, SelfHostedTraining)
    if ft.training.base_model is not None:
        return ft.training.base_model
    if isinstance(ft.serving, ServerlessLoraServing):
        return ft.serving.model
    return None


def plan_training(scenario: Scenario, catalog: Catalog) -> TrainingPlan:
    """The training run of a scenario trained on own GPUs, derived (or measured) and checked.

    Raises :class:`TrainingSetupError` naming the field to fix when the throughput cannot be
    derived (no model, a model or GPU without its figures, FP8 on a chip without it) or when the
    method does not fit in the GPUs' memory. Raises ``UnknownIdError`` for ids the catalog lacks.
    """
    ft = scenario.fine_tuning
    t = ft.training
    assert isinstance(t, SelfHostedTraining)
    where = "fine_tuning.training"
    gpu = catalog.gpu_offer(t.gpu)
    model_id = _trained_model_id(scenario)
    model = catalog.model(model_id) if model_id is not None else None
    total_b = model.parameters_total_b if model is not None else None
    active_b = model.active_parameters_b if model is not None else None

    flops: float | None = None
    if active_b is not None:
        flops = flops_per_token(active_b, t.method)
    peak = gpu.fp8_dense_tflops if t.precision == "fp8" else gpu.bf16_dense_tflops
    if t.precision == "fp8" and gpu.fp8_dense_tflops is None:
        raise TrainingSetupError(
            f"{where}.precision",
            f"{gpu.gpu} ({t.gpu}) has no FP8 tensor cores in the catalog: set precision to bf16 "
            "or pick an H100 or L40S offer",
        )
    u = t.model_flops_utilization
    entered = u is not None
    if u is None:
        u = utilization(t.method, t.precision, t.gpu_count, t.cpu_offload)
    measured = t.tokens_per_second_per_gpu is not None
    if t.tokens_per_second_per_gpu is not None:
        tps = t.tokens_per_second_per_gpu
    else:
        if model_id is None:
            raise TrainingSetupError(
                f"{where}.base_model",
                "name the open-weights model trained (training.base_model), or enter a measured "
                "tokens_per_second_per_gpu",
            )
        if flops is None:
            raise TrainingSetupError(
                f"{where}.base_model",
                f"the catalog has no parameter count for {model_id}: add parameters_total_b to "
                "it, or enter a measured tokens_per_second_per_gpu",
            )
        if peak is None:
            raise TrainingSetupError(
                f"{where}.gpu",
                f"the catalog has no bf16_dense_tflops for {t.gpu}: add the chip's datasheet "
                "figures, or enter a measured tokens_per_second_per_gpu",
            )
        tps = tokens_per_second_per_gpu(peak, u, flops)

    need: MemoryNeed | None = None
    if model is not None and total_b is not None and model.hidden_size and model.layers:
        need = memory_need(
            total_b,
            t.method,
            model.hidden_size,
            model.layers,
            t.sequence_length_tokens,
            t.cpu_offload,
        )
        if not need.fits(t.gpu_count, gpu.gpu_memory_gb):
            raise TrainingSetupError(
                f"{where}.gpu_count",
                memory_refusal(
                    need,
                    t.gpu_count,
                    gpu.gpu_memory_gb,
                    _what_else_fits(total_b, model.hidden_size, model.layers, t, gpu.gpu_memory_gb),
                ),
            )

    labeled_tokens = ft.training_examples * ft.tokens_per_example
    passes = token_passes_per_run(
        labeled_tokens,
        t.epochs,
        ft.validation_share,
        ft.evaluations_per_run,
        eval_cost_share(t.method),
    )
    return TrainingPlan(
        gpu_id=t.gpu,
        gpu_name=gpu.gpu,
        gpu_count=t.gpu_count,
        gpu_memory_gb=gpu.gpu_memory_gb,
        usd_per_gpu_hour=gpu.usd_per_gpu_hour,
        method=t.method,
        precision=t.precision,
        model_id=model_id,
        parameters_total_b=total_b,
        parameters_active_b=active_b,
        flops_per_token=flops,
        peak_tflops=peak,
        utilization=None if measured else u,
        utilization_entered=entered,
        tokens_per_second_per_gpu=tps,
        measured=measured,
        labeled_tokens=labeled_tokens,
        token_passes_per_run=passes,
        runs_first_model=t.experiment_multiplier,
        memory=need,
    )


def _what_else_fits(
    total_b: float, hidden: int, layers: int, t: SelfHostedTraining, gpu_memory_gb: float
) -> list[str]:
    """Labels of the other methods (and CPU offload) that fit on the run's GPUs."""
    out: list[str] = []
    others: list[Method] = [m for m in ("lora", "qlora") if m != t.method and t.method != "qlora"]
    for m in others:
        alt = memory_need(total_b, m, hidden, layers, t.sequence_length_tokens, t.cpu_offload)
        if alt.fits(t.gpu_count, gpu_memory_gb):
            out.append(METHOD_LABELS[m])
    if not t.cpu_offload:
        alt = memory_need(total_b, t.method, hidden, layers, t.sequence_length_tokens, True)
        if alt.fits(t.gpu_count, gpu_memory_gb):
            out.append("cpu_offload of the optimizer state")
    return out


def lead_time_hint(plan: TrainingPlan, lead_time_weeks: float) -> str | None:
    """A warning when training the first model takes longer than the scenario's lead time.

    >>> plan = TrainingPlan("g", "H100", 1, 80, 3.6, "lora", "bf16", None, None, None, None,
    ...     None, None, False, 1000.0, True, 1e9, 3e9, 2.0, None)
    >>> print(lead_time_hint(plan, 1))  # doctest: +NORMALIZE_WHITESPACE
    training the first model takes 69 days of wall-clock time (2 runs x 833 h on 1 GPU), longer
    than the lead time of 1 week: go-live will come later, or use more GPUs
    """
    hours = plan.runs_first_model * plan.wall_clock_hours_per_run
    if hours <= lead_time_weeks * 7 * 24:
        return None
    gpus = f"{plan.gpu_count} GPU" + ("s" if plan.gpu_count != 1 else "")
    weeks = f"{lead_time_weeks:g} week" + ("s" if lead_time_weeks != 1 else "")
    return (
        f"training the first model takes {hours / 24:,.0f} days of wall-clock time "
        f"({plan.runs_first_model:g} runs x {plan.wall_clock_hours_per_run:,.0f} h on {gpus}), "
        f"longer than the lead time of {weeks}: go-live will come later, or use more GPUs"
    )


def training_warnings(scenario: Scenario, catalog: Catalog) -> list[str]:
    """The hints about own-GPU training a report should show (none for provider training)."""
    if not isinstance(scenario.fine_tuning.training, SelfHostedTraining):
        return []
    hint = lead_time_hint(plan_training(scenario, catalog), scenario.fine_tuning.lead_time_weeks)
    return [hint] if hint else []
