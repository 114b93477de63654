"""Decision analytics speed: Monte Carlo, tornado with switching values, break-even map.

Targets (issue 6): 10,000 draws x 120 months <= 150 ms and >= 50x faster than projecting each draw
in a Python loop; the full tornado <= 50 ms; a 50 x 50 map <= 200 ms. The loop is timed on a few
hundred draws and scaled to 10,000, in the same run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

import bench
from bench import ALL_COMPONENTS_120_MONTHS, report
from tcocalc import analytics as A
from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_catalog, load_scenario
from tcocalc.model.breakeven import breakeven
from tcocalc.model.engine import component_mask, compute
from tcocalc.model.projection import project
from tcocalc.model.stepped import cumulative_totals_by_month
from tests.conftest import updated

DRAWS = 10_000
LOOP_DRAWS = 300


def median_seconds(fn: Callable[[], object], *, repeat: int = 7, warmup: int = 1) -> float:
    """Median CPU time of ``fn()`` in this process (see :func:`bench.median_seconds`)."""
    return bench.median_seconds(fn, repeat=repeat, warmup=warmup, clock=time.process_time)


def _scenarios(catalog: Any) -> dict[str, Any]:
    article = load_scenario(DEFAULT_SCENARIO, catalog)
    return {
        # The article's provider-hosted fine-tune, over 10 years.
        "article, 120 months": updated(article, {"horizon_months": 120}),
        # Every component active (as bench/engine.py): growth, a cadence of changes, drift
        # re-trains, lead time, error cost, self-hosted training and dedicated GPU replicas.
        "all components, 120 months": updated(article, ALL_COMPONENTS_120_MONTHS),
    }


def main() -> None:
    print("analytics (median CPU seconds of this process)")
    catalog = load_catalog()
    for name, scenario in _scenarios(catalog).items():
        print(f"  {name}")
        _bench(scenario, catalog)


def _bench(scenario: Any, catalog: Any) -> None:
    basis = A.Basis.build(scenario, catalog)
    ranges = A.default_ranges(basis)
    inputs = {u.driver: A.sample(u, DRAWS, A.DEFAULT_SEED) for u in ranges}
    mask = component_mask(basis.params.include_engineering, basis.params.include_error_cost)

    # The baseline: the deterministic engine once per draw, in a Python loop, giving what the
    # Monte Carlo gives per draw (cumulative totals and both break-evens).
    few = {k: v[:LOOP_DRAWS] for k, v in inputs.items()}

    def loop() -> object:
        out = []
        for n in range(LOOP_DRAWS):
            p = basis.params_for({k: float(v[n]) for k, v in few.items()})
            cum = np.cumsum(compute(p)[:, mask, :].sum(axis=1), axis=-1)
            out.append([breakeven(cum[0], cum[i], "x") for i in (1, 2)])
        return out

    looped = median_seconds(loop, repeat=3) / LOOP_DRAWS * DRAWS
    one = median_seconds(lambda: project(scenario, catalog), repeat=50)
    report(f"loop: engine per draw x {DRAWS:,} (from {LOOP_DRAWS})", looped, None, one * DRAWS,
           f"{DRAWS:,} x project()")  # fmt: skip

    mc = median_seconds(lambda: A.monte_carlo(basis, ranges, DRAWS))
    report(f"Monte Carlo {DRAWS:,} draws, all outputs", mc, 0.150, looped, "the loop")
    params = basis.params_for(inputs)
    walk = median_seconds(lambda: cumulative_totals_by_month(params))
    report("  projecting the draws month by month", walk, None, mc, "all")
    dense = median_seconds(lambda: A.cumulative_totals(params), repeat=3)
    report("  the same with the engine over all months", dense, None, walk, "month by month")
    diff = np.random.default_rng(0).normal(size=(2, basis.horizon_months, DRAWS))
    pct = median_seconds(lambda: A.percentiles_in_place(diff.copy(), A.PERCENTILES))
    report(f"  P10/P50/P90 of 2 x {basis.horizon_months} months", pct, None, mc, "all")
    numpy_pct = median_seconds(lambda: np.percentile(diff, A.PERCENTILES, axis=-1))
    report("  the same with np.percentile", numpy_pct, None, pct, "int64 keys")
    speedup = looped / mc
    verdict = "ok" if speedup >= 50 else "SHORT"
    print(f"  -> the Monte Carlo is {speedup:.0f}x faster than the loop (target >= 50x) {verdict}")

    tornado = median_seconds(lambda: A.tornado(basis), repeat=15)
    report("tornado + switching values (all drivers)", tornado, 0.050, one, "one projection")
    grid = median_seconds(lambda: A.breakeven_map(basis), repeat=15)
    report("break-even map 50 x 50", grid, 0.200, one * 2500, "2,500 x project()")


if __name__ == "__main__":
    main()
