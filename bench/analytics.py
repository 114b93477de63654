"""Decision analytics speed: one projection, the Monte Carlo at the page's size and under stress,
the tornado with switching values, the break-even map; CPU time of this process (medians).

Targets (issue 10), each printed beside its figure with a verdict:
- one projection with both break-evens at 120 months <= 2 ms;
- Monte Carlo with every output: 10,000 draws x 120 months <= 100 ms; 100,000 x 120 <= 0.8 s
  and <= 300 MB peak for ``tcocalc analyze FILE --monte-carlo 100000``, growing linearly;
- tornado with switching values <= 30 ms; map 50 x 50 <= 50 ms, 200 x 200 <= 500 ms.

Baselines a user would pick, measured in the same run:
- the model's own month loop run as plain Python (``engine._walk.py_func``: what a notebook that
  loops over months and draws would do), timed on a few draws and scaled;
- the compiled walk over all draws and all months at once with ``np.percentile`` over the stored
  draws (the straightforward vectorised way, memory growing with draws x months);
- ``np.sort``-based percentiles (sort each month's draws, interpolate) for the percentile step.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import bench
from bench import ALL_COMPONENTS_120_MONTHS, report
from tcocalc import analytics as A
from tcocalc.inputs.loader import DEFAULT_SCENARIO, PROJECT_ROOT, load_catalog, load_scenario
from tcocalc.model import engine
from tcocalc.model.projection import project
from tests.conftest import updated

PAGE_DRAWS = A.DEFAULT_DRAWS
STRESS_DRAWS = 10_000
BIG_DRAWS = 100_000
LOOP_DRAWS = 20


def cpu(fn: Callable[[], object], *, repeat: int = 7, warmup: int = 1) -> float:
    """Median CPU time of ``fn()`` in this process (see :func:`bench.median_seconds`)."""
    return bench.median_seconds(fn, repeat=repeat, warmup=warmup, clock=time.process_time)


def _scenarios(catalog: Any) -> dict[str, Any]:
    article = load_scenario(DEFAULT_SCENARIO, catalog)
    return {
        "article, 120 months": updated(article, {"horizon_months": 120}),
        "all components, 120 months": updated(article, ALL_COMPONENTS_120_MONTHS),
    }


def plain_python_cumulative(p: Any) -> np.ndarray:
    """The engine's month loop, interpreted: cumulative totals (months, 3, n)."""
    inputs, n = engine._prepare(p)
    h = p.horizon_months
    out = np.empty((3, h, n))
    state = np.zeros((engine.STATE_ROWS, n))
    engine._walk.py_func(*inputs, state, 0, h, engine._NO_COMPONENTS, out, engine._NO_DIFFERENCES)
    return np.moveaxis(out, 1, 0)


def sorted_percentiles(x: np.ndarray, pcts: tuple[float, ...]) -> np.ndarray:
    """Percentiles by sorting along the last axis and interpolating (numpy's linear method)."""
    s = np.sort(x, axis=-1)
    n = s.shape[-1]
    virtual = (n - 1) * np.asarray(pcts) / 100.0
    lo = np.floor(virtual).astype(int)
    hi = np.minimum(lo + 1, n - 1)
    g = virtual - lo
    return s[..., lo] * (1 - g) + s[..., hi] * g


def one_pass_monte_carlo(basis: A.Basis, inputs: dict[str, np.ndarray]) -> object:
    """Every draw's every month in one array, then percentiles and break-evens over it."""
    cum = engine.cumulative_totals(basis.params_for(inputs))  # (draws, 3, H)
    diff = cum[:, 1:] - cum[:, :1]
    return (
        np.percentile(diff, A.PERCENTILES, axis=0),
        A.durable_breakeven_months(diff),
        cum[:, :, -1],
    )


def main() -> None:
    print("analytics (median CPU seconds of this process)")
    catalog = load_catalog()
    for name, scenario in _scenarios(catalog).items():
        print(f"  {name}")
        _bench(scenario, catalog)
    print("  the page's size: the article at its own horizon")
    article = load_scenario(DEFAULT_SCENARIO, catalog)
    basis = A.Basis.build(article, catalog)
    ranges = A.default_ranges(basis)
    page = cpu(lambda: A.monte_carlo(basis, ranges, PAGE_DRAWS))
    report(f"Monte Carlo {PAGE_DRAWS:,} draws x {article.horizon_months} months", page, 0.100 / 2)
    _big(catalog)


def _bench(scenario: Any, catalog: Any) -> None:
    basis = A.Basis.build(scenario, catalog)
    ranges = A.default_ranges(basis)
    h = basis.horizon_months

    params = basis.params
    loop_one = cpu(lambda: plain_python_cumulative(params), repeat=3)
    one = cpu(
        lambda: (lambda r: (r.fine_tuning_breakeven, r.hybrid_breakeven))(
            project(scenario, catalog)
        ),
        repeat=200,
    )
    report(f"projection + both break-evens, {h} months", one, 0.002, loop_one, "plain-Python loop")

    inputs = {u.driver: A.sample(u, STRESS_DRAWS, A.DEFAULT_SEED) for u in ranges}
    few = basis.params_for({k: v[:LOOP_DRAWS] for k, v in inputs.items()})
    looped = cpu(lambda: plain_python_cumulative(few), repeat=3) / LOOP_DRAWS * STRESS_DRAWS
    mc = cpu(lambda: A.monte_carlo(basis, ranges, STRESS_DRAWS))
    report(f"Monte Carlo {STRESS_DRAWS:,} x {h}, all outputs", mc, 0.100, looped, "Python loop")
    one_pass = cpu(lambda: one_pass_monte_carlo(basis, inputs), repeat=5)
    report("  vs the walk in one pass + np.percentile", mc, None, one_pass, "one pass")
    varied = basis.params_for(inputs)
    walk = cpu(lambda: [None for _ in engine.walk(varied, months_per_step=100)])
    report("  of which the month walk", walk, None, mc, "all")
    diff = np.random.default_rng(0).normal(size=(2, h, STRESS_DRAWS))
    pct = cpu(lambda: A.percentiles_in_place(diff.copy(), A.PERCENTILES))
    sort_pct = cpu(lambda: sorted_percentiles(diff, A.PERCENTILES))
    report(f"  of which P10/P50/P90 of 2 x {h} months", pct, None, sort_pct, "np.sort")

    tornado = cpu(lambda: A.tornado(basis), repeat=15)
    drivers = sum(1 for d in A.DRIVERS.values() if basis.applies(d))
    report("tornado + switching values", tornado, 0.030, one * 2 * drivers, "2/driver x project")
    grid = cpu(lambda: A.breakeven_map(basis), repeat=15)
    report("break-even map 50 x 50", grid, 0.050, one * 2500, "2,500 x project()")
    big_grid = cpu(lambda: A.breakeven_map(basis, points=200), repeat=5)
    report("break-even map 200 x 200", big_grid, 0.500, grid * 16, "16 x the 50 x 50 map")


CHILD = """
import json, sys, time
from tcocalc import analytics as A
from tcocalc.cli.main import main
draws = int(sys.argv[2])
t = time.process_time()
code = main(["analyze", sys.argv[1], "--monte-carlo", str(draws), "--json"])
cpu = time.process_time() - t
# The peak of this process's own memory (VmHWM). Not ru_maxrss: on Linux a child started by
# posix_spawn/vfork inherits the parent's peak there, so every run read >= the bench's own size.
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
print(json.dumps({"code": code, "cpu_s": cpu, "peak_mb": peak}), file=sys.stderr)
"""


def _cli_run(path: Path, draws: int) -> dict[str, float]:
    """``tcocalc analyze FILE --monte-carlo N --json`` in a fresh process: its CPU time for the
    command (imports excluded) and its peak resident memory (imports included)."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(draws)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=True,
    )
    return json.loads(done.stderr.strip().splitlines()[-1])


def _big(catalog: Any) -> None:
    print("  the CLI under stress: all components, 120 months (fresh process per run)")
    scenario = updated(load_scenario(DEFAULT_SCENARIO, catalog), ALL_COMPONENTS_120_MONTHS)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stress.yaml"
        from tcocalc.export.data import scenario_yaml

        path.write_bytes(scenario_yaml(scenario))
        runs = {n: _cli_run(path, n) for n in (1, 10_000, 30_000, 50_000, BIG_DRAWS)}
    start = runs.pop(1)
    print(
        f"  analyze --monte-carlo       1: CPU {start['cpu_s'] * 1e3:7.0f} ms, peak "
        f"{start['peak_mb']:5.0f} MB (the fixed part: pricing files, numba's start, one draw)",
        flush=True,
    )
    base = runs[10_000]
    for n, r in runs.items():
        per_draw = r["cpu_s"] / n / (base["cpu_s"] / 10_000)
        # Linear growth: the CPU each further draw adds, against the first 10,000 draws'.
        extra = (r["cpu_s"] - start["cpu_s"]) / n / ((base["cpu_s"] - start["cpu_s"]) / 10_000)
        print(
            f"  analyze --monte-carlo {n:>7,}: CPU {r['cpu_s'] * 1e3:7.0f} ms, peak "
            f"{r['peak_mb']:5.0f} MB, CPU per draw {per_draw:4.2f}x the 10,000-draw run "
            f"({extra:4.2f}x without the fixed part)",
            flush=True,
        )
    big = runs[BIG_DRAWS]
    report(f"analyze --monte-carlo {BIG_DRAWS:,} (CPU)", big["cpu_s"], 0.8)
    verdict = "ok" if big["peak_mb"] <= 300 else "OVER"
    print(f"  peak memory {big['peak_mb']:.0f} MB  target 300 MB {verdict}", flush=True)


if __name__ == "__main__":
    main()
