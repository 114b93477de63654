"""Training on own GPUs: the derived throughput against published runs, the method in the bill,
the memory check at its boundary, and the lead-time hint."""

from __future__ import annotations

import pytest

from tcocalc.inputs.loader import PRICING_DIR, SCENARIOS_DIR, load_catalog, load_scenario
from tcocalc.model import training as t
from tcocalc.model.params import resolve
from tcocalc.model.scenario import Scenario
from tcocalc.pricing.catalog import Catalog

FACTOR = 0.40
"""Estimates must land within +-40 % of each published figure."""

# Chip figures, dense (datasheets print twice these with 2:4 sparsity).
A6000_BF16 = (
    154.8  # RTX A6000 datasheet, https://www.nvidia.com/en-us/design-visualization/rtx-a6000/
)
A100_BF16 = 312.0  # https://www.nvidia.com/en-us/data-center/a100/
H100_FP8 = 1979.0  # H100 SXM, https://www.nvidia.com/en-us/data-center/h100/
LLAMA_8B, LLAMA_70B = 8.03, 70.6  # https://huggingface.co/meta-llama/Llama-3.1-8B, -70B

TORCHTUNE = "https://github.com/pytorch/torchtune#memory-and-training-speed"
NEMO = (
    "https://docs.nvidia.com/nemo-framework/user-guide/latest/performance/performance_summary.html"
)

PUBLISHED = [
    # (what, source, published tokens/s, in all or per GPU, estimate tokens/s in the same terms)
    (
        "Llama 3.1 8B LoRA, 1x A6000",
        TORCHTUNE,
        4699.0,
        lambda: t.tokens_per_second_per_gpu(
            A6000_BF16,
            t.utilization("lora", "bf16", 1, False),
            t.flops_per_token(LLAMA_8B, "lora"),
        ),
    ),
    (
        "Llama 3.1 8B full, 1x A6000",
        TORCHTUNE,
        2579.0,
        lambda: t.tokens_per_second_per_gpu(
            A6000_BF16,
            t.utilization("full", "bf16", 1, False),
            t.flops_per_token(LLAMA_8B, "full"),
        ),
    ),
    (
        "Llama 3.1 70B LoRA, 8x A100, tokens/s in all",
        TORCHTUNE,
        3497.0,
        lambda: (
            8
            * t.tokens_per_second_per_gpu(
                A100_BF16,
                t.utilization("lora", "bf16", 8, False),
                t.flops_per_token(LLAMA_70B, "lora"),
            )
        ),
    ),
    (
        # torchtune's footnote: CPU offload with a fused optimizer (the state does not fit).
        "Llama 3.1 70B full, 8x A100 with CPU offload, tokens/s in all",
        TORCHTUNE,
        1568.0,
        lambda: (
            8
            * t.tokens_per_second_per_gpu(
                A100_BF16,
                t.utilization("full", "bf16", 8, True),
                t.flops_per_token(LLAMA_70B, "full"),
            )
        ),
    ),
    (
        "Llama 3 8B SFT, 8x H100 FP8, per GPU",
        NEMO,
        14451.0,
        lambda: t.tokens_per_second_per_gpu(
            H100_FP8,
            t.utilization("full", "fp8", 8, False),
            t.flops_per_token(LLAMA_8B, "full"),
        ),
    ),
    (
        "Llama 3 70B SFT, 32x H100 FP8, per GPU",
        NEMO,
        1602.0,
        lambda: t.tokens_per_second_per_gpu(
            H100_FP8,
            t.utilization("full", "fp8", 32, False),
            t.flops_per_token(LLAMA_70B, "full"),
        ),
    ),
]


@pytest.mark.parametrize(("what", "source", "published", "estimate"), PUBLISHED)
def test_estimate_within_the_stated_factor_of_published_throughput(
    what: str, source: str, published: float, estimate: object
) -> None:
    got = estimate()  # type: ignore[operator]
    assert (1 - FACTOR) * published <= got <= (1 + FACTOR) * published, (
        f"{what}: estimated {got:,.0f} tokens/s, published {published:,.0f} ({source})"
    )


def test_qlora_factor_is_torchtunes_4090_ratio() -> None:
    # torchtune, Llama 3.1 8B on one RTX 4090: QLoRA 2,413 / LoRA 3,083 tokens/s = 0.78.
    ratio = t.UTILIZATION_ONE_GPU_BF16["qlora"] / t.UTILIZATION_ONE_GPU_BF16["lora"]
    assert ratio == pytest.approx(2413 / 3083, abs=0.005)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(PRICING_DIR, use_snapshot=False)


def _own_gpus(**training: object) -> Scenario:
    """high_volume_extraction trained on own GPUs with the given training fields."""
    s = load_scenario(SCENARIOS_DIR / "high_volume_extraction.yaml")
    base = s.fine_tuning.training.model_dump()
    base.update({"tokens_per_second_per_gpu": None, **training})
    data = s.model_dump()
    data["fine_tuning"]["training"] = base
    if training.get("method") == "full":
        data["fine_tuning"]["serving"] = {
            "kind": "dedicated",
            "gpu": "lambda-h100-sxm",
            "calls_per_second_per_replica": 10,
        }
    return Scenario.model_validate(data)


def test_method_changes_the_bill_lora_cheaper_than_full(catalog: Catalog) -> None:
    lora = _own_gpus(method="lora", base_model="llama-3.1-8b-instruct", gpu_count=8)
    full = _own_gpus(method="full", base_model="llama-3.1-8b-instruct", gpu_count=8)
    p_lora, p_full = resolve(lora, catalog), resolve(full, catalog)
    # Same model, data and GPUs: full needs 6N FLOPs per token against 4N, at 0.60 / 0.65
    # utilisation: USD per token x (6 / 4) x (0.65 / 0.60) = x 1.625.
    assert p_full.f_usd_per_training_token / p_lora.f_usd_per_training_token == pytest.approx(1.625)


def test_measured_throughput_wins_and_is_labelled(catalog: Catalog) -> None:
    s = _own_gpus(tokens_per_second_per_gpu=1800.0, method="lora")
    plan = t.plan_training(s, catalog)
    assert plan.measured and plan.tokens_per_second_per_gpu == 1800.0 and plan.utilization is None
    # $4.29 per GPU-hour / (1,800 tokens/s x 3,600 s) = $0.662 per 1M tokens
    assert plan.usd_per_token_pass * 1e6 == pytest.approx(4.29 / (1800 * 3600) * 1e6)


def test_derived_plan_by_hand(catalog: Catalog) -> None:
    s = _own_gpus(method="lora", gpu_count=8)  # the serverless base llama-3.1-8b-instruct
    plan = t.plan_training(s, catalog)
    # 4 x 8.03e9 = 3.212e10 FLOPs/token; 989 TFLOPS x 0.65 x 0.70 (8 GPUs) = 450.0 TFLOPS
    # -> 450.0e12 / 3.212e10 = 14,009 tokens/s per GPU.
    assert plan.flops_per_token == pytest.approx(3.212e10)
    assert plan.tokens_per_second_per_gpu == pytest.approx(989e12 * 0.65 * 0.70 / 3.212e10)
    # 20,000 examples x 1,400 tokens x 3 epochs = 84M token passes; / (14,009 x 3,600) GPU-hours
    assert plan.token_passes_per_run == 84_000_000
    assert plan.gpu_hours_per_run == pytest.approx(84e6 / (plan.tokens_per_second_per_gpu * 3600))
    assert plan.wall_clock_hours_per_run == pytest.approx(plan.gpu_hours_per_run / 8)


def test_validation_and_evaluations_count(catalog: Catalog) -> None:
    s = _own_gpus(method="lora", gpu_count=8)
    data = s.model_dump()
    data["fine_tuning"].update(validation_share=0.1, evaluations_per_run=4)
    plan = t.plan_training(Scenario.model_validate(data), catalog)
    # 28M labeled tokens: 3 epochs x 25.2M training + 4 evals x 2.8M validation x 0.5 (a forward
    # pass, 2N, against LoRA's 4N) = 75.6M + 5.6M = 81.2M
    assert plan.token_passes_per_run == pytest.approx(81_200_000)
    assert resolve(Scenario.model_validate(data), catalog).f_epochs == pytest.approx(81.2 / 28)


# --- Memory ---------------------------------------------------------------------------------


def test_memory_refusal_at_the_boundary() -> None:
    need = t.memory_need(70.6, "full", 8192, 80, 2048)
    # 16 bytes x 70.6e9 = 1,129.6 GB of state; activations 2,048 x (2 x 8,192 x 80 + 34 x 8,192)
    # = 3.255 GB per GPU; 80 GB x 0.9 = 72 GB usable: n >= 1,129.6 / (72 - 3.255) = 16.43 -> 17
    assert need.sharded_gb == pytest.approx(1129.6)
    assert need.activations_gb_per_gpu == pytest.approx(2048 * (2 * 8192 * 80 + 34 * 8192) / 1e9)
    assert need.gpus_needed(80) == 17
    assert need.fits(17, 80) and not need.fits(16, 80)


def test_full_70b_on_one_gpu_is_refused_with_the_numbers(catalog: Catalog) -> None:
    s = _own_gpus(method="full", base_model="llama-3.1-70b-instruct", gpu_count=1)
    with pytest.raises(t.TrainingSetupError) as err:
        t.plan_training(s, catalog)
    assert err.value.field == "fine_tuning.training.gpu_count"
    message = str(err.value)
    assert message.startswith("a full fine-tune of a 70.6B model needs ~1.1 TB of GPU memory")
    assert "1 x 80 GB is not enough" in message and "use >= 17 GPUs, or QLoRA" in message


def test_refusal_is_a_located_error_in_the_scenario_file(catalog: Catalog) -> None:
    from tcocalc.inputs.loader import ScenarioFileError, dump_scenario, parse_scenario

    s = _own_gpus(method="full", base_model="llama-3.1-70b-instruct", gpu_count=2)
    with pytest.raises(ScenarioFileError) as err:
        parse_scenario(dump_scenario(s), "big.yaml", catalog)
    (problem,) = err.value.problems
    assert problem.path == "fine_tuning.training.gpu_count" and problem.line > 1
    assert str(problem).startswith(f"big.yaml:{problem.line}:{problem.column}: fine_tuning.")
    assert "2 x 80 GB is not enough" in problem.message


def test_qlora_fits_70b_on_one_h100(catalog: Catalog) -> None:
    s = _own_gpus(method="qlora", base_model="llama-3.1-70b-instruct", gpu_count=1)
    plan = t.plan_training(s, catalog)
    assert plan.memory is not None and plan.memory.total_gb(1) < 72


def test_fp8_refused_on_a100(catalog: Catalog) -> None:
    s = _own_gpus(method="lora", gpu="runpod-a100-80gb", precision="fp8")
    with pytest.raises(t.TrainingSetupError, match="no FP8 tensor cores") as err:
        t.plan_training(s, catalog)
    assert err.value.field == "fine_tuning.training.precision"


def test_lead_time_hint(catalog: Catalog) -> None:
    s = _own_gpus(method="qlora", base_model="llama-3.1-70b-instruct", gpu_count=1)
    data = s.model_dump()
    data["fine_tuning"].update(training_examples=2_000_000, lead_time_weeks=1)
    plan = t.plan_training(Scenario.model_validate(data), catalog)
    hint = t.lead_time_hint(plan, 1)
    assert hint is not None and "longer than the lead time of 1 week" in hint
    weeks_of_training = plan.runs_first_model * plan.wall_clock_hours_per_run / (7 * 24)
    assert weeks_of_training > 1
    assert t.lead_time_hint(plan, weeks_of_training * 1.01) is None
