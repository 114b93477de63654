"""Dedicated serving: a replica's throughput from the model and GPU, spares and the p95 target."""

from __future__ import annotations

import numpy as np
import pytest

from tcocalc.inputs.loader import PRICING_DIR, SCENARIOS_DIR, load_catalog, load_scenario
from tcocalc.model import costs as c
from tcocalc.model.params import resolve
from tcocalc.model.scenario import Scenario
from tcocalc.model.serving import plan_serving
from tcocalc.model.training import TrainingSetupError
from tcocalc.model.units import SECONDS_PER_MONTH
from tcocalc.pricing.catalog import Catalog


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(PRICING_DIR, use_snapshot=False)


def _dedicated(model: str = "llama-3.1-8b-instruct", **serving: object) -> Scenario:
    """high_volume_extraction served on one-H100 replicas of the model it trains."""
    s = load_scenario(SCENARIOS_DIR / "high_volume_extraction.yaml")
    data = s.model_dump()
    data["fine_tuning"]["training"]["base_model"] = model
    data["fine_tuning"]["serving"] = {"kind": "dedicated", "gpu": "lambda-h100-sxm", **serving}
    return Scenario.model_validate(data)


def test_replica_throughput_by_hand(catalog: Catalog) -> None:
    plan = plan_serving(_dedicated(), catalog)
    # Llama 3.1 8B (8.03B) on one H100 SXM (3.35 TB/s, 989 TFLOPS), batch 16, efficiency 0.6:
    # step = 8.03e9 x 2 B / (3.35e12 x 0.6) = 7.990 ms -> decode 16 / 7.990 ms = 2,002 tokens/s;
    # prefill = 989e12 x 0.6 / (2 x 8.03e9) = 36,949 tokens/s.
    step = 8.03e9 * 2 / (3.35e12 * 0.6)
    assert plan.decode_step_seconds == pytest.approx(step)
    assert plan.decode_tokens_per_second == pytest.approx(16 / step)
    assert plan.prefill_tokens_per_second == pytest.approx(989e12 * 0.6 / (2 * 8.03e9))
    # A call: 1,100 in + 250 out -> 1,100 / 36,949 + 250 / 2,002 = 0.0298 + 0.1249 = 0.1546
    # replica-seconds -> 6.47 calls/s; one call alone: 0.0298 + 250 x 7.99 ms = 2.03 s.
    per_call = 1100 / plan.prefill_tokens_per_second + 250 / (16 / step)
    assert plan.calls_per_second_per_replica == pytest.approx(1 / per_call)
    assert plan.call_seconds == pytest.approx(1100 / plan.prefill_tokens_per_second + 250 * step)
    assert not plan.measured


def test_measured_calls_per_second_wins(catalog: Catalog) -> None:
    plan = plan_serving(_dedicated(calls_per_second_per_replica=12.0), catalog)
    assert plan.measured and plan.calls_per_second_per_replica == 12.0
    assert (
        resolve(
            _dedicated(calls_per_second_per_replica=12.0), catalog
        ).f_calls_per_second_per_replica
        == 12.0
    )


def test_bigger_model_serves_fewer_calls(catalog: Catalog) -> None:
    small = plan_serving(_dedicated(), catalog)
    big = plan_serving(_dedicated("llama-3.1-70b-instruct", gpus_per_replica=2), catalog)
    assert big.calls_per_second_per_replica < small.calls_per_second_per_replica


def test_weights_that_do_not_fit_a_replica_are_refused(catalog: Catalog) -> None:
    with pytest.raises(TrainingSetupError) as err:
        plan_serving(_dedicated("llama-3.1-70b-instruct", gpus_per_replica=1), catalog)
    # 70.6e9 x 2 B = 141 GB > 80 GB x 0.9 = 72 GB; 141.2 / 72 = 1.96 -> 2 GPUs
    assert err.value.field == "fine_tuning.serving.gpus_per_replica"
    assert "take 141 GB" in str(err.value) and "gpus_per_replica >= 2" in str(err.value)


def test_redundancy_adds_spares_on_top_of_the_load() -> None:
    calls = np.array([0.0, SECONDS_PER_MONTH * 1.0])  # 1 call/s on average
    # peak 3 calls/s at 1 call/s per replica = 3 replicas; min 2; +1 spare (N+1)
    assert c.replicas_needed(calls, 3.0, 1.0, 2, redundancy_replicas=1).tolist() == [3.0, 4.0]


def test_p95_target_sizes_more_replicas_than_throughput() -> None:
    calls = np.array([SECONDS_PER_MONTH * 2.0 / 3.0])  # peak 2 calls/s at peak/average 3
    # Throughput alone: 2 calls/s / 1 call/s per replica = 2 replicas (utilisation 100 %).
    assert c.replicas_needed(calls, 3.0, 1.0, 1).tolist() == [2.0]
    # One slot per replica, p95 within 2 s: M/M/c needs 4 servers (servers_for_p95's example).
    got = c.replicas_needed(calls, 3.0, 1.0, 1, p95_latency_seconds=2.0, slots_per_replica=1.0)
    assert got.tolist() == [4.0]
    # No target (0): throughput sizing again.
    assert c.replicas_needed(calls, 3.0, 1.0, 1, p95_latency_seconds=0.0).tolist() == [2.0]


def test_p95_target_below_one_call_is_refused(catalog: Catalog) -> None:
    with pytest.raises(TrainingSetupError, match="below the 2 s one call takes") as err:
        resolve(_dedicated(p95_latency_seconds=1.0), catalog)
    assert err.value.field == "fine_tuning.serving.p95_latency_seconds"


def test_serving_options_reach_params(catalog: Catalog) -> None:
    p = resolve(_dedicated(redundancy_replicas=1, p95_latency_seconds=5.0), catalog)
    assert (p.f_redundancy_replicas, p.f_p95_latency_seconds, p.f_slots_per_replica) == (1, 5, 16)
