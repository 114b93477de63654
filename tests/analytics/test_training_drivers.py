"""The tornado and the Monte Carlo vary own-GPU training utilisation and throughput."""

from __future__ import annotations

import numpy as np
import pytest

from tcocalc import analytics as A
from tcocalc.analytics import uncertainty
from tcocalc.inputs.loader import PRICING_DIR, SCENARIOS_DIR, load_catalog, load_scenario
from tcocalc.model.engine import COMPONENTS, compute


@pytest.fixture(scope="module")
def basis() -> A.Basis:
    catalog = load_catalog(PRICING_DIR, use_snapshot=False)
    return A.Basis.build(load_scenario(SCENARIOS_DIR / "high_volume_extraction.yaml"), catalog)


def _training(params: object) -> float:
    """Fine-tuning's training + re-training compute over the horizon (USD)."""
    comp = compute(params)  # type: ignore[arg-type]
    return float(comp[1, COMPONENTS.index("training")].sum()) + float(
        comp[1, COMPONENTS.index("retraining")].sum()
    )


def test_drivers_apply_with_todays_values(basis: A.Basis) -> None:
    # 989 TFLOPS x 0.65 x 0.70 (8 GPUs) / (4 x 8.03e9 FLOPs per token) = 14,009 tokens/s per GPU
    u, tps = A.DRIVERS["f_training_utilization"], A.DRIVERS["f_training_tokens_per_second_per_gpu"]
    assert basis.applies(u) and basis.applies(tps)
    assert basis.value(u) == pytest.approx(0.455)
    assert basis.value(tps) == pytest.approx(989e12 * 0.455 / 3.212e10)


def test_twice_the_throughput_halves_the_training_bill(basis: A.Basis) -> None:
    today = _training(basis.params)
    tps = basis.value("f_training_tokens_per_second_per_gpu")
    faster = basis.params_for({"f_training_tokens_per_second_per_gpu": 2 * tps})
    assert _training(faster) == pytest.approx(today / 2)
    # Utilisation 0.91 instead of 0.455 is the same doubling.
    assert _training(basis.params_for({"f_training_utilization": 0.91})) == pytest.approx(today / 2)


def test_throughput_and_price_compose(basis: A.Basis) -> None:
    # GPUs twice as dear and twice as fast: the same training bill.
    tps = basis.value("f_training_tokens_per_second_per_gpu")
    both = basis.params_for(
        {"training_price": 2.0, "f_training_tokens_per_second_per_gpu": 2 * tps}
    )
    assert _training(both) == pytest.approx(_training(basis.params))


def test_tornado_and_default_ranges_include_utilisation(basis: A.Basis) -> None:
    t = A.tornado(basis, 0.25)
    labels = {row.label for row in t.rows} | {label for label, _ in t.unchanged}
    assert "Training utilisation (share of peak FLOPS)" in labels
    ranges = {u.driver: u for u in uncertainty.default_ranges(basis)}
    u = ranges["f_training_utilization"]
    # The calibration's stated factor: 0.6x to 1.4x of 0.455
    assert (u.low, u.likely, u.high) == pytest.approx((0.273, 0.455, 0.637))
    mc = A.monte_carlo(basis, [u], draws=200, seed=1)
    drawn = mc.inputs["f_training_utilization"]
    assert drawn.min() >= 0.273 and drawn.max() <= 0.637
    # Training is a small part of this scenario's bill: the draws' fine-tuning totals differ by
    # at most the training bill's swing (1 / 0.6 of today's at the slowest draw).
    spread = float(np.ptp(mc.totals_usd[:, 1]))
    assert 0 < spread <= _training(basis.params) * (1 / 0.6 - 1 / 1.4) + 1e-6
