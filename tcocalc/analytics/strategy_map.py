"""The map: the cheapest strategy at the horizon over a grid of two drivers, with break-even lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

    from tcocalc.model.projection import Result
    from tcocalc.model.scenario import Scenario
    from tcocalc.pricing.catalog import Catalog


from tcocalc.analytics.basis import Basis, _blocks, _index, basis_of
from tcocalc.analytics.drivers import DRIVERS
from tcocalc.model.engine import AHEAD_TOLERANCE_USD, STRATEGIES, horizon_totals

Arr = npt.NDArray[np.float64]
IntArr = npt.NDArray[np.int64]

# --- Break-even map ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BreakEvenMap:
    """Cumulative cost of each strategy at the horizon over a grid of two drivers."""

    x_driver: str
    y_driver: str
    x: Arr
    """Values of the x driver, shape (nx,)."""
    y: Arr
    """Values of the y driver, shape (ny,)."""
    totals_usd: Arr
    """Cumulative USD at the horizon, shape (3, ny, nx), strategies in engine order."""
    current: tuple[float, float]
    """The scenario's own (x, y)."""
    horizon_months: int
    note: str | None = None
    """What the map assumes beyond the scenario (e.g. the cadence of new categories)."""
    short_note: str | None = None
    """The same in a few words, for the chart's subtitle."""

    @property
    def points(self) -> int:
        """Grid points, each a full projection."""
        return int(self.x.size * self.y.size)

    @property
    def cheapest(self) -> IntArr:
        """Index of the cheapest strategy at each point, shape (ny, nx); ties go to prompting."""
        return np.argmin(self.totals_usd, axis=0).astype(np.int64)

    def difference(self, challenger: str) -> Arr:
        """Challenger - prompting at the horizon, shape (ny, nx)."""
        return self.totals_usd[_index(challenger)] - self.totals_usd[0]

    def crossing_x(self, challenger: str, row: int) -> float | None:
        """Along row ``row``, the x at which the challenger's difference first reaches 0
        (linear between grid points; exact where the difference is linear in x); None if never."""
        d = self.difference(challenger)[row]
        ahead = d <= AHEAD_TOLERANCE_USD
        if not ahead.any():
            return None
        k = int(np.argmax(ahead))
        if k == 0:
            return float(self.x[0])
        x0, x1, d0, d1 = self.x[k - 1], self.x[k], d[k - 1], d[k]
        return float(x0 + (x1 - x0) * d0 / (d0 - d1))

    def shares(self) -> dict[str, float]:
        """Share of the map's points where each strategy is cheapest."""
        counts = np.bincount(self.cheapest.ravel(), minlength=3) / self.cheapest.size
        return {s: float(c) for s, c in zip(STRATEGIES, counts, strict=True)}

    def table(self) -> pd.DataFrame:
        """Tidy: one row per grid point with each strategy's horizon total and the cheapest."""
        import pandas as pd

        xx, yy = np.meshgrid(self.x, self.y)
        return pd.DataFrame(
            {
                self.x_driver: xx.ravel(),
                self.y_driver: yy.ravel(),
                **{
                    f"{s}_usd": self.totals_usd[i].ravel().round(2)
                    for i, s in enumerate(STRATEGIES)
                },
                "cheapest": np.array(STRATEGIES)[self.cheapest.ravel()],
            }
        )


def default_range(basis: Basis, driver: str, points: int = 50) -> Arr:
    """A sensible axis for a map: log from 1/10 to 10x today (1/100 to 100x for monthly calls), or
    linear over the driver's plausible span when today's value is 0 or the scale is linear."""
    d = DRIVERS[driver]
    base = basis.value(d)
    if d.log_scale and base > 0:
        decades = 2.0 if driver == "monthly_calls" else 1.0
        lo = max(base * 10**-decades, d.lower if d.lower > 0 else 0.0)
        hi = min(base * 10**decades, d.upper)
        return np.geomspace(lo, hi, points)
    if d.mode == "accuracy":
        return np.linspace(max(0.0, base - 0.25), 1.0, points)
    if d.mode == "categories_per_year":
        return np.linspace(0.0, max(24.0, 2.0 * base), points)
    if driver == "monthly_growth_pct":
        return np.linspace(max(d.lower, min(-5.0, base - 5.0)), max(10.0, base + 10.0), points)
    hi = max(base * 3.0, d.search_max or 1.0)
    return np.linspace(max(d.lower, 0.0), min(hi, d.upper), points)


def breakeven_map(
    source: Basis | Result | tuple[Scenario, Catalog],
    x: str = "monthly_calls",
    y: str = "new_categories_per_year",
    *,
    x_values: Sequence[float] | Arr | None = None,
    y_values: Sequence[float] | Arr | None = None,
    points: int = 50,
) -> BreakEvenMap:
    """Each strategy's horizon total over the grid ``x_values`` x ``y_values`` (default
    :func:`default_range` of ``points`` each), in blocks of grid points (:data:`BLOCK_CELLS`)."""
    basis = basis_of(source)
    if x == y:
        raise ValueError("choose two different drivers for the map")
    xs = np.asarray(default_range(basis, x, points) if x_values is None else x_values, float)
    ys = np.asarray(default_range(basis, y, points) if y_values is None else y_values, float)
    xx, yy = np.meshgrid(xs, ys)
    grid = {x: xx.ravel(), y: yy.ravel()}
    at_horizon = np.empty((xx.size, 3))
    for block in _blocks(xx.size, basis.horizon_months):
        at_horizon[block] = horizon_totals(basis.params_for({k: v[block] for k, v in grid.items()}))
    totals = at_horizon.T.reshape(3, ys.size, xs.size)
    note = short = None
    if "new_categories_per_year" in (x, y):
        short = (
            "new categories on a quarterly cadence (assumed)"
            if basis.cadence_assumed
            else f"new categories every {basis.cadence_months} months"
        )
        if basis.cadence_assumed:
            note = (
                "The scenario has no recurring category changes, so a quarterly cadence is "
                "assumed: new categories arrive whole, at the end of a quarter (2 a year = one "
                "every second quarter), on top of the scenario's one-off changes."
            )
        else:
            note = (
                f"New categories arrive whole on the scenario's cadence (every "
                f"{basis.cadence_months} months), on top of its one-off changes."
            )
    return BreakEvenMap(
        x_driver=x,
        y_driver=y,
        x=xs,
        y=ys,
        totals_usd=totals,
        current=(basis.value(x), basis.value(y)),
        horizon_months=basis.horizon_months,
        note=note,
        short_note=short,
    )
