"""The tornado: every driver down and up by a share, one at a time, and each driver's switching
value (where the cheaper strategy changes, every other input held)."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

    from tcocalc.model.projection import Result
    from tcocalc.model.scenario import Scenario
    from tcocalc.pricing.catalog import Catalog


from tcocalc.analytics.basis import (
    Basis,
    _index,
    basis_of,
    cumulative_totals,
    durable_breakeven_months,
)
from tcocalc.analytics.drivers import (
    DEFAULT_TORNADO_SHARE,
    DRIVERS,
    Challenger,
    Driver,
    format_usd,
    format_value,
)
from tcocalc.model.engine import AHEAD_TOLERANCE_USD, STRATEGY_LABELS

Arr = npt.NDArray[np.float64]
IntArr = npt.NDArray[np.int64]

# --- Tornado and switching values -----------------------------------------------------------------


@dataclass(frozen=True)
class TornadoRow:
    driver: str
    label: str
    unit: str
    base_value: float
    low_value: float
    high_value: float
    difference_low_usd: float
    """Challenger - prompting at the horizon with the driver at ``low_value``."""
    difference_high_usd: float
    breakeven_low: int
    """Durable break-even month at ``low_value`` (0: not within the horizon)."""
    breakeven_high: int
    flips_low: bool
    """The cheaper strategy at the horizon differs from the scenario's at ``low_value``."""
    flips_high: bool

    @property
    def flips(self) -> bool:
        return self.flips_low or self.flips_high

    @property
    def swing_usd(self) -> float:
        return abs(self.difference_high_usd - self.difference_low_usd)


@dataclass(frozen=True)
class SwitchingValue:
    """Where one driver, the others held, changes which strategy is cheaper at the horizon."""

    driver: str
    label: str
    unit: str
    base_value: float
    value: float | None
    """The nearest value at which the verdict has flipped; None if none in the searched range."""
    direction: Literal["above", "below"] | None
    searched_low: float
    searched_high: float

    @property
    def change_pct(self) -> float | None:
        """Relative change from today's value (None without a flip or with today at 0)."""
        if self.value is None or self.base_value == 0:
            return None
        return (self.value / self.base_value - 1.0) * 100.0

    def describe(self) -> str:
        """``monthly calls exceeds 1.94M calls/month``, ``engineer rate falls below $2.36/hour``."""
        if self.value is None:
            return (
                f"no {self.label[0].lower() + self.label[1:]} between "
                f"{format_value(self.driver, self.searched_low)} and "
                f"{format_value(self.driver, self.searched_high)} changes it"
            )
        plural = DRIVERS[self.driver].plural
        if self.direction == "above":
            verb = "exceed" if plural else "exceeds"
        else:
            verb = "fall below" if plural else "falls below"
        return f"{_lower_first(self.label)} {verb} {format_value(self.driver, self.value)}"


def _lower_first(label: str) -> str:
    return label if label[:2].isupper() else label[0].lower() + label[1:]


@dataclass(frozen=True)
class Tornado:
    challenger: Challenger
    horizon_months: int
    share: float
    """The down/up variation, e.g. 0.25 for ±25 %."""
    base_difference_usd: float
    base_breakeven_month: int
    rows: tuple[TornadoRow, ...]
    """Drivers that move the difference, largest swing first."""
    switching: tuple[SwitchingValue, ...]
    """Switching value of each driver that applies (tornado order, then the rest)."""
    unchanged: tuple[tuple[str, str], ...]
    """(label, reason) of drivers left out of the tornado: 0 today, or no effect here."""

    @property
    def challenger_ahead(self) -> bool:
        return self.base_difference_usd <= AHEAD_TOLERANCE_USD

    @property
    def verdict(self) -> str:
        """The strategy cheaper at the horizon: ``prompting`` or the challenger."""
        return self.challenger if self.challenger_ahead else "prompting"

    @property
    def top(self) -> TornadoRow | None:
        return self.rows[0] if self.rows else None

    def switching_value(self, driver: str) -> SwitchingValue | None:
        return next((s for s in self.switching if s.driver == driver), None)

    @property
    def flip_point(self) -> SwitchingValue | None:
        """The top driver's switching value."""
        return None if self.top is None else self.switching_value(self.top.driver)

    @property
    def nearest_flip(self) -> SwitchingValue | None:
        """The switching value closest to today (relative change), over every driver."""
        found = [s for s in self.switching if s.value is not None and s.base_value != 0]
        if not found:
            return None
        return min(found, key=lambda s: _distance(DRIVERS[s.driver], s.base_value, s.value or 0.0))

    @property
    def sentence(self) -> str:
        """The verdict, its margin, and the top driver's flip point, in one or two sentences."""
        winner = STRATEGY_LABELS[self.verdict]
        loser = STRATEGY_LABELS["prompting" if self.challenger_ahead else self.challenger]
        margin = abs(self.base_difference_usd)
        head = (
            f"{winner} is {format_usd(margin)} cheaper than {loser.lower()} over "
            f"{self.horizon_months} months"
        )
        flip = self.flip_point
        if flip is None:
            return head + "; no input moves the difference."
        if flip.value is not None:
            now = format_value(flip.driver, flip.base_value)
            return f"{head}, and stays cheaper unless {flip.describe()} (today {now})."
        text = f"{head}: {flip.describe()}, though it moves the difference most."
        nearest = self.nearest_flip
        if nearest is not None:
            now = format_value(nearest.driver, nearest.base_value)
            text += f" The nearest flip: {nearest.describe()} (today {now})."
        return text

    def table(self) -> pd.DataFrame:
        """One row per driver: the tornado's values and the switching value."""
        import pandas as pd

        rows = []
        for r in self.rows:
            s = self.switching_value(r.driver)
            rows.append(
                {
                    "driver": r.driver,
                    "label": r.label,
                    "unit": r.unit,
                    "base_value": r.base_value,
                    "low_value": r.low_value,
                    "high_value": r.high_value,
                    "difference_low_usd": round(r.difference_low_usd, 2),
                    "difference_high_usd": round(r.difference_high_usd, 2),
                    "breakeven_month_low": r.breakeven_low or None,
                    "breakeven_month_high": r.breakeven_high or None,
                    "flips": r.flips,
                    "switching_value": None if s is None else s.value,
                    "switching_direction": None if s is None else s.direction,
                }
            )
        in_rows = {r.driver for r in self.rows}
        for s in self.switching:
            if s.driver not in in_rows:
                rows.append(
                    {
                        "driver": s.driver,
                        "label": s.label,
                        "unit": s.unit,
                        "base_value": s.base_value,
                        "switching_value": s.value,
                        "switching_direction": s.direction,
                    }
                )
        return pd.DataFrame(rows).astype(
            {"breakeven_month_low": "Int64", "breakeven_month_high": "Int64"}, errors="ignore"
        )

    def display_rows(self) -> list[dict[str, str]]:
        """Rows for people (page, CLI): every driver in tornado order, values with their units.

        ``Flips when`` is the switching value; ``Change`` how far it is from today.
        """
        pct = round(self.share * 100)
        out = []
        rows = {r.driver: r for r in self.rows}
        for s in self.switching:
            r = rows.get(s.driver)
            if s.value is None:
                hi = format_value(s.driver, s.searched_high)
                if s.searched_low <= max(0.0, DRIVERS[s.driver].lower):
                    flips = f"none up to {hi}"
                else:
                    flips = f"none from {format_value(s.driver, s.searched_low)} to {hi}"
                change = ""
            else:
                word = "above" if s.direction == "above" else "below"
                flips = f"{word} {format_value(s.driver, s.value)}"
                change = _change_text(s.base_value, s.value)
            out.append(
                {
                    "Input": s.label,
                    "Today": format_value(s.driver, s.base_value),
                    f"Difference at −{pct} %": ""
                    if r is None
                    else format_usd(r.difference_low_usd),
                    f"Difference at +{pct} %": ""
                    if r is None
                    else format_usd(r.difference_high_usd),
                    f"Flips the verdict at ±{pct} %": "yes" if r is not None and r.flips else "no",
                    "Flips when": flips,
                    "Change needed": change,
                }
            )
        return out


def _change_text(base: float, value: float) -> str:
    """How far a switching value is from today: ``-98 %``, ``+40 %``, or ``x19.4`` when it is more
    than twice today's value.

    >>> _change_text(100.0, 2.36), _change_text(100_000, 1_940_000), _change_text(0.0, 3.0)
    ('-98 %', '×19.4', '')
    """
    if base == 0 or (base < 0) != (value < 0):
        return ""
    ratio = value / base
    return f"×{ratio:.3g}" if ratio >= 2 else f"{(ratio - 1) * 100:+.0f} %"


def _tornado_span(d: Driver, base: float, share: float) -> tuple[float, float]:
    """(low, high) of a driver varied by ``share`` either way, clipped to its bounds.

    >>> _tornado_span(DRIVERS["monthly_calls"], 100_000, 0.25)
    (75000.0, 125000.0)
    >>> [round(x, 4) for x in _tornado_span(DRIVERS["f_accuracy"], 0.94, 0.25)]  # error 6 % +- 25 %
    [0.925, 0.955]
    """
    if d.mode == "accuracy":
        err = 1.0 - base
        lo, hi = 1.0 - err * (1.0 + share), 1.0 - err * (1.0 - share)
    else:
        lo, hi = sorted((base * (1.0 - share), base * (1.0 + share)))
    return max(lo, d.lower), min(hi, d.upper)


@functools.lru_cache(maxsize=256)
def _search_grid(d: Driver, base: float, points: int) -> tuple[Arr, int]:
    """Values to scan for a switching value, sorted, and the index of ``base`` in them
    (read-only, kept for the next slider move: most drivers keep today's value)."""
    half = points // 2
    if d.log_scale and base > 0:
        hi = min(d.upper, base * 100.0, max(base * 10.0, d.search_max or 0.0))
        below = base * np.geomspace(1e-3, 1.0, half)
        above = np.geomspace(base, max(hi, base), half)[1:]
        grid = np.concatenate([[max(d.lower, 0.0)], below, above])
    elif d.mode == "accuracy":
        grid = np.concatenate([np.linspace(0.0, 1.0, points - 1), [base]])
    else:
        top = d.search_max if d.search_max is not None else max(base * 10.0, 1.0)
        lo = d.lower if d.lower < 0 else max(d.lower, 0.0)
        lo = max(lo, -abs(top)) if d.lower < 0 else lo
        hi = min(d.upper, max(top, base * 10.0) if base > 0 else top)
        grid = np.concatenate([np.linspace(lo, hi, points - 1), [base]])
    grid = np.unique(np.clip(grid, d.lower, d.upper))
    grid.setflags(write=False)
    return grid, int(np.searchsorted(grid, base))


def tornado(
    source: Basis | Result | tuple[Scenario, Catalog],
    share: float = DEFAULT_TORNADO_SHARE,
    challenger: Challenger = "fine_tuning",
    *,
    drivers: Iterable[str] | None = None,
    grid_points: int = 32,
    refinements: int = 3,
) -> Tornado:
    """Vary each driver by ``share`` down and up; solve each one's switching value.

    One vectorised compute for the tornado (1 + 2 x drivers variants), one for the switching-value
    grid (drivers x ``grid_points``), then ``refinements`` bisection rounds of 15 points per bracket
    (each bracket shrinks 16-fold a round).
    """
    if not 0 < share < 1:
        raise ValueError("share must be between 0 and 1 (e.g. 0.25 for ±25 %)")
    basis = basis_of(source)
    keys = list(DRIVERS) if drivers is None else list(drivers)
    applicable = [
        DRIVERS[k] for k in keys if basis.applies(DRIVERS[k]) and basis.varies(DRIVERS[k])
    ]
    bases = {d.key: basis.value(d) for d in applicable}

    # Tornado: row 0 is the scenario, then (low, high) per driver; other drivers stay at today.
    spans = {d.key: _tornado_span(d, bases[d.key], share) for d in applicable if d.in_tornado}
    varied = [k for k, (lo, hi) in spans.items() if hi > lo]
    owners: list[str | None] = [None]
    values = [0.0]
    for k in varied:
        owners += [k, k]
        values += list(spans[k])
    cum = _one_at_a_time(basis, owners, np.array(values))
    i = _index(challenger)
    diff_series = cum[:, i, :] - cum[:, 0, :]
    diff = diff_series[:, -1]
    months = durable_breakeven_months(diff_series)
    base_diff, base_ahead = float(diff[0]), bool(diff[0] <= AHEAD_TOLERANCE_USD)
    scale = max(abs(base_diff), float(np.abs(cum[0, :, -1]).max()), 1.0)

    rows: list[TornadoRow] = []
    unchanged = [(d.label, "0 today") for d in applicable if d.in_tornado and d.key not in varied]
    for j, k in enumerate(varied):
        d, lo_row, hi_row = DRIVERS[k], 1 + 2 * j, 2 + 2 * j
        lo_d, hi_d = float(diff[lo_row]), float(diff[hi_row])
        if max(abs(lo_d - base_diff), abs(hi_d - base_diff)) <= 1e-9 * scale:
            unchanged.append((d.label, "no effect on this comparison"))
            continue
        rows.append(
            TornadoRow(
                driver=k,
                label=d.label,
                unit=d.unit,
                base_value=bases[k],
                low_value=values[lo_row],
                high_value=values[hi_row],
                difference_low_usd=lo_d,
                difference_high_usd=hi_d,
                breakeven_low=int(months[lo_row]),
                breakeven_high=int(months[hi_row]),
                flips_low=(lo_d <= AHEAD_TOLERANCE_USD) != base_ahead,
                flips_high=(hi_d <= AHEAD_TOLERANCE_USD) != base_ahead,
            )
        )
    rows.sort(key=lambda r: -r.swing_usd)

    ordered = [DRIVERS[r.driver] for r in rows]
    ordered += [d for d in applicable if d.key not in {r.driver for r in rows}]
    switching = _switching_values(
        basis, ordered, bases, challenger, base_ahead, grid_points, refinements
    )
    return Tornado(
        challenger=challenger,
        horizon_months=basis.horizon_months,
        share=share,
        base_difference_usd=base_diff,
        base_breakeven_month=int(months[0]),
        rows=tuple(rows),
        switching=tuple(switching),
        unchanged=tuple(unchanged),
    )


def _switching_values(
    basis: Basis,
    drivers: Sequence[Driver],
    bases: Mapping[str, float],
    challenger: str,
    base_ahead: bool,
    grid_points: int,
    refinements: int,
) -> list[SwitchingValue]:
    """Scan each driver's grid (all drivers in one compute), then bisect the nearest brackets."""
    if not drivers:
        return []
    grids = [_search_grid(d, bases[d.key], grid_points) for d in drivers]
    flipped = _flipped_fn(basis, drivers, bases, challenger, base_ahead)

    owner = np.concatenate([np.full(g.size, j) for j, (g, _) in enumerate(grids)])
    values = np.concatenate([g for g, _ in grids])
    flip = flipped(owner, values)

    # Per driver: the bracket (inside, flipped) nearest to today's value, if any.
    brackets: list[
        tuple[int, float, float, Literal["above", "below"]]
    ] = []  # driver index, inside, outside, direction
    start = 0
    for j, (grid, at) in enumerate(grids):
        f = flip[start : start + grid.size]
        start += grid.size
        d = drivers[j]
        up = np.nonzero(f[at:])[0]
        down = np.nonzero(f[:at])[0]
        candidates: list[tuple[float, float, float, Literal["above", "below"]]] = []
        if up.size:
            k = at + int(up[0])
            candidates.append((_distance(d, bases[d.key], grid[k]), grid[k - 1], grid[k], "above"))
        if down.size:
            k = int(down[-1])
            candidates.append((_distance(d, bases[d.key], grid[k]), grid[k + 1], grid[k], "below"))
        if candidates:
            nearest = min(candidates, key=lambda c: c[0])
            brackets.append((j, float(nearest[1]), float(nearest[2]), nearest[3]))

    # Bisection, all brackets at once: 15 interior points each round.
    inner = np.array([b[1] for b in brackets])
    outer = np.array([b[2] for b in brackets])
    who = np.array([b[0] for b in brackets], dtype=np.int64)
    for _ in range(refinements if brackets else 0):
        t = np.linspace(0.0, 1.0, 17)[1:-1]
        probes = inner[:, None] + (outer - inner)[:, None] * t[None, :]
        f = flipped(np.repeat(who, t.size), probes.reshape(-1)).reshape(probes.shape)
        first = np.where(f.any(axis=1), np.argmax(f, axis=1), t.size)
        rows = np.arange(len(brackets))
        new_outer = np.where(first < t.size, probes[rows, np.minimum(first, t.size - 1)], outer)
        new_inner = np.where(first > 0, probes[rows, np.maximum(first - 1, 0)], inner)
        inner, outer = new_inner, new_outer

    found = {int(j): (float(o), b[3]) for j, o, b in zip(who, outer, brackets, strict=True)}
    out = []
    for j, d in enumerate(drivers):
        grid = grids[j][0]
        value: float | None = None
        direction: Literal["above", "below"] | None = None
        if j in found:
            value, direction = found[j]
        out.append(
            SwitchingValue(
                driver=d.key,
                label=d.label,
                unit=d.unit,
                base_value=bases[d.key],
                value=value,
                direction=direction,
                searched_low=float(grid[0]),
                searched_high=float(grid[-1]),
            )
        )
    return out


def _flipped_fn(
    basis: Basis,
    drivers: Sequence[Driver],
    bases: Mapping[str, float],
    challenger: str,
    base_ahead: bool,
) -> Callable[[IntArr, Arr], npt.NDArray[np.bool_]]:
    """A function (driver index per variant, value per variant) -> verdict flipped, vectorised."""

    i = _index(challenger)

    def flipped(owner: IntArr, values: Arr) -> npt.NDArray[np.bool_]:
        cum = _one_at_a_time(basis, [drivers[j].key for j in owner], values, last_months=1)
        diff = cum[:, i, -1] - cum[:, 0, -1]
        return (diff <= AHEAD_TOLERANCE_USD) != base_ahead

    return flipped


_SCHEDULE_DRIVERS = frozenset({"new_categories_per_change", "new_categories_per_year"})


def _one_at_a_time(
    basis: Basis, owners: Sequence[str | None], values: Arr, *, last_months: int | None = None
) -> Arr:
    """Cumulative totals ``(m, 3, H)`` of ``m`` variants, variant ``r`` with driver ``owners[r]``
    at ``values[r]`` and everything else as today (``None``: the scenario itself); only the last
    ``last_months`` months when given (the switching-value search needs the horizon only).

    Variants that move the category schedule need an ``(m, H)`` schedule, which makes the hybrid's
    bookkeeping per variant; they are computed apart from the others, so the others keep the
    scenario's ``(H,)`` schedule.
    """
    h = basis.horizon_months
    out = np.empty((len(owners), 3, h if last_months is None else max(1, min(h, last_months))))
    keys = np.array([k or "" for k in owners])
    moves_schedule = np.isin(keys, list(_SCHEDULE_DRIVERS))
    for group in (~moves_schedule, moves_schedule):
        rows = np.nonzero(group)[0]
        if rows.size == 0:
            continue
        columns: dict[str, Arr | float] = {}
        for key in dict.fromkeys(keys[rows]):
            if key:
                mine = keys[rows] == key
                columns[key] = np.where(mine, values[rows], basis.value(key))
        if not columns:
            out[rows] = cumulative_totals(basis.params, last_months=last_months)
            continue
        out[rows] = cumulative_totals(basis.params_for(columns), last_months=last_months)
    return out


def _distance(d: Driver, base: float, v: float) -> float:
    """How far ``v`` is from today's value: log ratio for positive values, else relative gap."""
    if base > 0 and v > 0:
        return abs(math.log(v / base))
    if base > 0:
        return math.inf if d.log_scale else abs(v - base) / base
    span = d.search_max or 1.0
    return abs(v - base) / span
