"""Benchmarks: `make bench` (= python -m bench [NAME ...]). Medians, and ratios against a baseline
measured in the same process, so the figures mean something on a busy or slow machine."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

ALL_COMPONENTS_120_MONTHS: dict[str, Any] = {
    "horizon_months": 120,
    "start_date": "2030-01-01",
    "workload.monthly_growth_pct": 2,
    "category_changes": {"every_months": 3, "new_categories_per_change": 2},
    "fine_tuning.lead_time_weeks": 3,
    "fine_tuning.retrain_every_months": 6,
    "fine_tuning.training": {
        "kind": "self_hosted",
        "gpu": "lambda-h100-sxm",
        "tokens_per_second_per_gpu": 2500,
    },
    "fine_tuning.serving": {
        "kind": "dedicated",
        "gpu": "runpod-l40s",
        "calls_per_second_per_replica": 5,
    },
    "accounting.include_error_cost": True,
}
"""Changes to the article's scenario that turn every component on over 120 months: growth, a
cadence of category changes, drift re-trains, lead time, error cost, self-hosted training and
dedicated GPU replicas."""


def median_seconds(
    fn: Callable[[], object],
    *,
    repeat: int = 50,
    warmup: int = 3,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Median time of ``fn()`` over ``repeat`` runs after ``warmup`` runs: wall time, or CPU
    time with ``clock=time.process_time`` (on a machine shared with other jobs, wall time mostly
    measures the wait for a core; single-threaded work gives the same figure on an idle one)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append(clock() - start)
    return statistics.median(times)


def report(
    name: str,
    seconds: float,
    target: float | None = None,
    baseline: float | None = None,
    baseline_name: str = "baseline",
) -> None:
    """Print one benchmark line: median, target, and ratio against the baseline."""
    parts = [f"{name:<46} median {seconds * 1e3:9.3f} ms"]
    if target is not None:
        verdict = "ok" if seconds <= target else "OVER"
        parts.append(f"target {target * 1e3:7.1f} ms {verdict:>4}")
    if baseline and seconds < 0.1 * baseline:
        parts.append(
            f"{baseline / seconds:7.0f}x faster than {baseline_name} ({baseline * 1e3:.3f} ms)"
        )
    elif baseline:
        parts.append(f"{seconds / baseline:7.1f}x {baseline_name} ({baseline * 1e3:.3f} ms)")
    print("  ".join(parts), flush=True)
