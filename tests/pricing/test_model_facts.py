"""The shipped catalog's model and chip facts: present where own-GPU training needs them, plausible.

Failure messages say how to fix the data (see the header comments of ``pricing/llm_apis.yaml`` and
``pricing/gpus.yaml``).
"""

from __future__ import annotations

import pytest

from tcocalc.inputs.loader import PRICING_DIR, load_catalog
from tcocalc.pricing.catalog import Catalog, GpuOffer, LlmModel

CATALOG: Catalog = load_catalog(PRICING_DIR, use_snapshot=False)
OPEN = {k: m for k, m in CATALOG.models.items() if m.open_weights}


def test_there_are_open_weight_models_and_gpus() -> None:
    assert len(OPEN) >= 4 and len(CATALOG.gpu_offers) >= 4


@pytest.mark.parametrize("model_id", sorted(OPEN))
def test_every_open_weight_model_has_its_size(model_id: str) -> None:
    m: LlmModel = OPEN[model_id]
    assert m.parameters_total_b is not None and m.hidden_size and m.layers, (
        f"pricing/llm_apis.yaml: models.{model_id} is open_weights but lacks parameters_total_b, "
        "hidden_size or layers; read them from the model card and config.json"
    )
    assert m.active_parameters_b is not None
    # A dense transformer has ~12 x layers x hidden^2 parameters in its blocks; embeddings and
    # experts add to that, so the total is at least ~0.5x (MoE, shared blocks) of it.
    blocks_b = 12 * m.layers * m.hidden_size**2 / 1e9
    assert 0.5 * blocks_b <= m.parameters_total_b <= 60 * blocks_b, (
        f"models.{model_id}: {m.parameters_total_b}B parameters do not fit layers={m.layers}, "
        f"hidden_size={m.hidden_size} (~{blocks_b:.1f}B in the blocks); check the config.json"
    )


@pytest.mark.parametrize("offer_id", sorted(CATALOG.gpu_offers))
def test_every_gpu_offer_has_its_chip_figures(offer_id: str) -> None:
    g: GpuOffer = CATALOG.gpu_offers[offer_id]
    assert g.bf16_dense_tflops and g.memory_bandwidth_tb_per_s, (
        f"pricing/gpus.yaml: gpu_offers.{offer_id} lacks bf16_dense_tflops or "
        "memory_bandwidth_tb_per_s; copy them from the chip's datasheet (dense, not sparse)"
    )
    # Data-centre GPUs of 2020-2026: 100-2,500 dense BF16 TFLOPS, 0.3-8 TB/s.
    assert 100 <= g.bf16_dense_tflops <= 2_500, (
        f"gpu_offers.{offer_id}: {g.bf16_dense_tflops} BF16 TFLOPS is outside 100-2,500; a "
        "datasheet's sparsity figure is twice the dense one"
    )
    assert 0.3 <= g.memory_bandwidth_tb_per_s <= 8
    if g.fp8_dense_tflops is not None:
        # FP8 tensor cores run at twice the BF16 rate on Hopper and Ada.
        assert g.fp8_dense_tflops == pytest.approx(2 * g.bf16_dense_tflops, rel=0.02)


def test_same_chip_same_figures() -> None:
    by_chip: dict[str, set[tuple[float | None, ...]]] = {}
    for g in CATALOG.gpu_offers.values():
        chip = g.gpu.split()[0]
        figures = (g.bf16_dense_tflops, g.fp8_dense_tflops, g.memory_bandwidth_tb_per_s)
        by_chip.setdefault(chip, set()).add(figures)
    assert {chip: len(f) for chip, f in by_chip.items()} == dict.fromkeys(by_chip, 1)
