"""A scenario ready to vary (:class:`Basis`), and the vectorised outcomes every analysis shares:
cumulative totals, durable break-even months, exact percentiles.

Conventions: the *difference* is the challenger's cumulative cost minus prompting's (negative:
the challenger saves); a challenger is *ahead* when the difference is at most
:data:`~tcocalc.analytics.drivers.AHEAD_TOLERANCE_USD`; the *break-even month* is the durable one,
0 meaning not within the horizon.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from tcocalc.model.projection import Result
    from tcocalc.model.scenario import Scenario
    from tcocalc.pricing.catalog import Catalog


from tcocalc.analytics.drivers import (
    ASSUMED_CADENCE_MONTHS,
    CHALLENGERS,
    DRIVERS,
    Driver,
)
from tcocalc.model.engine import AHEAD_TOLERANCE_USD, STRATEGIES
from tcocalc.model.engine import cumulative_totals as engine_cumulative_totals
from tcocalc.model.params import Params, category_events, resolve
from tcocalc.model.scenario import CategoryChanges

Arr = npt.NDArray[np.float64]
IntArr = npt.NDArray[np.int64]

# --- The basis: a scenario ready to vary -------------------------------------------------------


@dataclass(frozen=True)
class Basis:
    """A scenario with its prices looked up, and its category schedule split for varying.

    ``params.new_categories == events + cadence * per_change`` (both (H,) arrays).
    """

    scenario: Scenario
    params: Params
    events: Arr
    """One-off new categories per month (the scenario's ``category_changes.events``)."""
    cadence: Arr
    """1 in the months of the recurring changes (the scenario's, or quarterly if it has none)."""
    per_change: float
    """Categories per recurring change (0 when the scenario has no cadence)."""
    cadence_months: int
    cadence_assumed: bool
    """True when the scenario has no cadence and :data:`ASSUMED_CADENCE_MONTHS` is used."""

    @classmethod
    def build(cls, scenario: Scenario, catalog: Catalog) -> Basis:
        return cls.from_params(scenario, resolve(scenario, catalog))

    @classmethod
    def from_result(cls, result: Result) -> Basis:
        return cls.from_params(result.scenario, result.params)

    @classmethod
    def from_params(cls, scenario: Scenario, params: Params) -> Basis:
        cc = scenario.category_changes
        events = category_events(
            scenario.model_copy(update={"category_changes": CategoryChanges(events=cc.events)})
        )
        assumed = cc.every_months == 0
        every = ASSUMED_CADENCE_MONTHS if assumed else cc.every_months
        cadence = np.zeros(scenario.horizon_months)
        cadence[every - 1 :: every] = 1.0
        return cls(
            scenario=scenario,
            params=params,
            events=events,
            cadence=cadence,
            per_change=float(cc.new_categories_per_change),
            cadence_months=every,
            cadence_assumed=assumed,
        )

    @property
    def horizon_months(self) -> int:
        return self.params.horizon_months

    def applies(self, driver: Driver) -> bool:
        """Whether the driver counts under this scenario's toggles and serving."""
        return {
            "always": True,
            "engineering": self.params.include_engineering,
            "errors": self.params.include_error_cost,
            "dedicated": self.params.is_dedicated,
            "own_gpu_training": bool(
                np.any(np.asarray(self.params.f_training_tokens_per_second_per_gpu) > 0)
            ),
            "derived_training": bool(np.any(np.asarray(self.params.f_training_utilization) > 0)),
        }[driver.applies]

    def value(self, driver: Driver | str) -> float:
        """Today's value of the driver in this scenario."""
        d = DRIVERS[driver] if isinstance(driver, str) else driver
        if d.mode == "factor":
            return 1.0
        if d.mode == "categories_per_change":
            schedule = self.params.new_categories
            changes = int(np.count_nonzero(schedule))
            return float(schedule.sum() / changes) if changes else 0.0
        if d.mode == "categories_per_year":
            return self.per_change * 12.0 / self.cadence_months
        return float(np.asarray(getattr(self.params, d.fields[0])))

    def varies(self, driver: Driver) -> bool:
        """Whether moving this driver can change anything (factor of a zero price cannot)."""
        if driver.needs and not any(
            np.any((a != 0) & np.isfinite(a))
            for a in (np.asarray(getattr(self.params, f)) for f in driver.needs)
        ):
            return False
        if driver.mode == "factor":
            return any(float(np.asarray(getattr(self.params, f))) != 0 for f in driver.fields)
        if driver.mode == "categories_per_change":
            return bool(np.any(self.params.new_categories))
        return True

    def changes(self, values: Mapping[str, Arr | float]) -> dict[str, object]:
        """Params field changes that set each driver to its value(s).

        Values are scalars or 1-D arrays of the same length ``n`` (one per variant); arrays
        become ``(n, 1)`` columns (``(n, H)`` for the category schedule). Two drivers that set the
        same field are refused.
        """
        set_to: dict[str, object] = {}
        owner: dict[str, str] = {}
        scale: dict[str, object] = {}
        columns = {key: _column(raw) for key, raw in values.items()}
        for key, col in columns.items():
            d = DRIVERS[key]
            if d.mode in ("categories_per_change", "categories_per_year"):
                continue
            for name, (how, value) in self._field_effects(d, col).items():
                if how == "times":  # multipliers of today's value compose (price x throughput)
                    scale[name] = value * scale[name] if name in scale else value  # type: ignore[operator]
                    continue
                if name in set_to:
                    raise ValueError(f"drivers {owner[name]!r} and {key!r} both set {name}")
                set_to[name], owner[name] = value, key
        out: dict[str, object] = dict(set_to)
        for name, factor in scale.items():
            base = set_to.get(name, float(np.asarray(getattr(self.params, name))))
            out[name] = base * factor  # type: ignore[operator]
        if "new_categories_per_change" in columns or "new_categories_per_year" in columns:
            out["new_categories"] = self._schedule(
                columns.get("new_categories_per_change"), columns.get("new_categories_per_year")
            )
        return out

    def params_for(self, values: Mapping[str, Arr | float]) -> Params:
        """:class:`Params` with the drivers set (see :meth:`changes`)."""
        return self.params.with_values(**self.changes(values))

    def _field_effects(self, d: Driver, col: Arr | float) -> dict[str, tuple[str, object]]:
        """Per field: ``("set", value)``, or ``("times", factor)`` of today's value."""
        p = self.params
        base0 = float(np.asarray(getattr(p, d.fields[0])))
        if d.mode in ("value", "accuracy"):
            out: dict[str, tuple[str, object]] = {d.fields[0]: ("set", col)}
            for other in d.fields[1:]:
                out[other] = ("times", col / base0) if base0 else ("set", col)
            return out
        if d.mode == "inverse":  # e.g. throughput: cost per token moves as 1 / throughput
            out = {d.fields[0]: ("set", col)}
            if base0:  # (0: the driver does not apply to this scenario, e.g. provider training)
                for other in d.fields[1:]:
                    out[other] = ("times", base0 / col)
            return out
        return {f: ("times", col) for f in d.fields}

    def _schedule(self, per_change: Arr | float | None, per_year: Arr | float | None) -> Arr:
        """New categories per month, ``(n, H)`` or ``(H,)``.

        ``per_year`` sets the recurring changes (the scenario's cadence, or the assumed quarterly
        one), kept on top of the one-off events; ``per_change`` then scales every change.
        """
        schedule: npt.NDArray[Any] = self.params.new_categories
        if per_year is not None:
            y0 = self.value("new_categories_per_year")
            per_cadence = (
                self.per_change * (per_year / y0) if y0 else per_year * (self.cadence_months / 12.0)
            )
            # Whole categories: the k-th change brings floor(k x rate) - floor((k - 1) x rate), so
            # 2 a year on a quarterly cadence is one every second quarter, not half a category
            # (a change costs its fixed hours however few categories it brings).
            rate = np.reshape(per_cadence, -1)
            counted = np.cumsum(self.cadence)
            # Months first in memory (months x variants), handed out as the (n, H) view: the
            # walk reads it month-first. Whole counts are exact in float32 (half the memory of
            # 100,000 draws x 120 months); built a month at a time, with no (H, n) temporaries.
            recurring = np.empty((self.horizon_months, rate.size), dtype=np.float32)
            before = np.zeros(rate.size)
            for m in range(self.horizon_months):
                arrived = np.floor(counted[m] * rate + 1e-9)
                recurring[m] = arrived - before + self.events[m]
                before = arrived
            schedule = recurring.T if np.ndim(per_cadence) else recurring[:, 0]
        if per_change is not None:
            base = self.value("new_categories_per_change")
            schedule = schedule * (per_change / base if base else 0.0 * per_change)
        return schedule


def _column(raw: Arr | float) -> Arr | float:
    """A scalar stays a float; a 1-D array of n variants becomes an (n, 1) column."""
    v = np.asarray(raw, dtype=np.float64)
    if v.ndim == 0:
        return float(v)
    if v.ndim != 1:
        raise ValueError("driver values must be scalars or 1-D arrays (one value per variant)")
    return v[:, None]


def basis_of(source: Basis | Result | tuple[Scenario, Catalog]) -> Basis:
    """Accept a :class:`Basis`, an engine :class:`~tcocalc.model.projection.Result` or ``(scenario,
    catalog)``."""
    if isinstance(source, Basis):
        return source
    if isinstance(source, tuple):
        return Basis.build(*source)
    return Basis.from_result(source)


# --- Vectorised outcomes -----------------------------------------------------------------------


def cumulative_totals(params: Params, *, last_months: int | None = None) -> Arr:
    """Cumulative USD of each strategy at the end of each month: shape ``(..., 3, H)`` (the last
    ``last_months`` months when given)."""
    return engine_cumulative_totals(params, last_months=last_months)


def durable_breakeven_months(difference: Arr, axis: int = -1) -> IntArr:
    """Vectorised durable break-even month of ``difference`` (challenger - prompting, cumulative,
    months along ``axis``); 0 where the challenger is not ahead at the horizon. Agrees with
    :attr:`tcocalc.model.breakeven.BreakEven.durable_month`.

    >>> durable_breakeven_months(np.array([[5.0, -1, 2, -3], [-1, -2, -3, -4], [1, 1, -1, 1]]))
    array([4, 1, 0])
    >>> durable_breakeven_months(np.array([[5.0, -1, 2, -3], [-1, -2, -3, -4]]).T, axis=0)
    array([4, 1])
    """
    behind = difference > AHEAD_TOLERANCE_USD
    horizon = difference.shape[axis]
    last_behind = horizon - 1 - np.argmax(np.flip(behind, axis=axis), axis=axis)
    month = np.where(behind.any(axis=axis), last_behind + 2, 1)
    ahead_at_horizon = ~np.take(behind, -1, axis=axis)
    return np.where(ahead_at_horizon, month, 0).astype(np.int64)


def percentiles_in_place(x: Arr, pcts: Sequence[float]) -> Arr:
    """``np.percentile(x, pcts, axis=-1)`` (linear interpolation) of finite values, equal to it
    bit for bit, about 4x faster; ``x`` is reordered along its last axis.

    numpy partitions around one order statistic fast (a SIMD quickselect on x86) but falls back
    to a slow introselect for several at once, which is what ``np.percentile`` asks for. So each
    lower order statistic is selected on its own, each in the part of the row the previous ones
    left (the median's in the whole row, the 10th's in the part below it, the 90th's in the part
    above); the upper neighbour of each is the smallest value between it and the next one
    selected. Then numpy's own interpolation formula. ``x`` must be C-contiguous.

    >>> x = np.array([[3.0, -1.0, 2.0, 10.0], [0.5, 0.5, 0.5, 0.5]])
    >>> percentiles_in_place(x.copy(), [10, 50, 90]).round(9).tolist()
    [[-0.1, 0.5], [2.5, 0.5], [7.9, 0.5]]
    >>> bool(np.array_equal(percentiles_in_place(x.copy(), [10, 50, 90]),
    ...                     np.percentile(x, [10, 50, 90], axis=-1)))
    True
    """
    if not x.flags.c_contiguous:
        raise ValueError("percentiles_in_place needs a C-contiguous array")
    n = x.shape[-1]
    rows = x.reshape(-1, n)
    q = np.true_divide(np.asarray(pcts, dtype=np.float64), 100)
    virtual = (n - 1) * q  # as numpy's "linear" method
    previous = np.floor(virtual).astype(np.intp)
    following = np.minimum(previous + 1, n - 1)
    gamma = (virtual - previous).reshape(-1, *([1] * (x.ndim - 1)))
    lower = sorted(set(previous.tolist()))
    _select(rows, lower, 0, n)
    upper = {}
    for j, at in enumerate(lower):
        # Everything from the next selected position on is at least its value.
        stop = lower[j + 1] + 1 if j + 1 < len(lower) else n
        upper[at] = rows[:, at] if at + 1 >= stop else rows[:, at + 1 : stop].min(axis=-1)
    picked = np.stack(
        [rows[:, i] for i in previous.tolist()]
        + [
            rows[:, i] if i == j else upper[j]
            for i, j in zip(following.tolist(), previous.tolist(), strict=True)
        ],
        axis=-1,
    )
    values = picked.reshape(*x.shape[:-1], 2, -1)
    a = np.moveaxis(values[..., 0, :], -1, 0)
    b = np.moveaxis(values[..., 1, :], -1, 0)
    # numpy's _lerp: a + (b - a) t, or b - (b - a)(1 - t) from t = 0.5 on.
    diff = b - a
    out = a + diff * gamma
    np.subtract(b, diff * (1 - gamma), out=out, where=np.broadcast_to(gamma >= 0.5, out.shape))
    return out


def _select(rows: Arr, positions: list[int], start: int, stop: int) -> None:
    """Put each row's order statistics ``positions`` (sorted, within ``start .. stop - 1``) in
    place, one ``partition`` call around one position at a time: the middle one first, then
    the ones below it in the part below and the ones above it in the part above."""
    if not positions:
        return
    mid = len(positions) // 2
    at = positions[mid]
    rows[:, start:stop].partition(at - start, axis=-1)
    _select(rows, positions[:mid], start, at)
    _select(rows, positions[mid + 1 :], at + 1, stop)


def _index(challenger: str) -> int:
    if challenger not in CHALLENGERS:
        raise ValueError(f"challenger must be one of {CHALLENGERS}, not {challenger!r}")
    return STRATEGIES.index(challenger)


def _horizon_difference(basis: Basis, values: Mapping[str, Arr | float], challenger: str) -> Arr:
    cum = cumulative_totals(basis.params_for(values))
    i = _index(challenger)
    return cum[..., i, -1] - cum[..., 0, -1]


BLOCK_CELLS = 1_000_000
"""Variant-months per walk in the map: bounds the memory of a varied category schedule (8 MB)."""


def _blocks(n: int, horizon: int, cells: int | None = None) -> list[slice]:
    """Consecutive slices covering ``range(n)``, each about ``cells`` / ``horizon`` long
    (``cells`` defaults to :data:`BLOCK_CELLS`).

    >>> _blocks(20_000, 120)
    [slice(0, 8333, None), slice(8333, 16666, None), slice(16666, 20000, None)]
    """
    size = max(64, (BLOCK_CELLS if cells is None else cells) // max(horizon, 1))
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]
