"""Decision analytics: what flips the decision, and how sure we are.

Three analyses, each a pure function of a :class:`Basis` (a scenario with its prices looked up):

:func:`tornado`
    Every driver in :data:`DRIVERS` varied down and up by a share (default 25 %), one at a time;
    the change in the horizon difference (challenger - prompting) and in the break-even month,
    sorted by impact. Each driver's *switching value* (the value at which the cheaper strategy
    changes, every other input held) is solved for, and the verdict sentence names the top
    driver's.
:func:`breakeven_map`
    The cheapest strategy at the horizon over a grid of two drivers (default monthly calls x new
    categories per year), with the break-even lines.
:func:`monte_carlo`
    Low / likely / high ranges (PERT or triangular) for uncertain drivers; every draw projected at
    once. Fan of the cumulative difference (P10-P50-P90), probability each challenger is cheaper by
    the horizon, distribution of the break-even month, "never" included.

Everything is vectorised: each analysis turns its variants (tornado rows, grid points, draws) into
``(n, 1)`` parameter arrays. The tornado is one call of :func:`tcocalc.engine.compute_totals` (the
switching values add a grid scan and three bisection rounds); the map runs it in blocks of a few
hundred grid points that stay in the CPU cache. The Monte Carlo walks the months once with every
draw as a vector (:mod:`tcocalc.stepped`, equal to the engine bit for bit). No Python loop runs over
draws or grid points.

Conventions, as in :mod:`tcocalc.breakeven`: the *difference* is the challenger's cumulative cost
minus prompting's (negative: the challenger saves); a challenger is *ahead* when the difference is
at most :data:`~tcocalc.breakeven` 's cent tolerance; the *break-even month* is the durable one (the
first month from which the challenger stays ahead to the horizon), 0 meaning not within the horizon.
"""

from __future__ import annotations

import io
import math
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from tcocalc.engine import STRATEGIES, STRATEGY_LABELS, compute_totals
from tcocalc.params import Params, category_events, resolve
from tcocalc.scenario import CategoryChanges
from tcocalc.stepped import cumulative_totals_by_month

if TYPE_CHECKING:
    import pandas as pd

    from tcocalc.catalog import Catalog
    from tcocalc.engine import Result
    from tcocalc.scenario import Scenario

Arr = npt.NDArray[np.float64]
IntArr = npt.NDArray[np.int64]
Challenger = Literal["fine_tuning", "hybrid"]
CHALLENGERS: tuple[Challenger, ...] = ("fine_tuning", "hybrid")
AHEAD_TOLERANCE_USD = 1e-6
"""A challenger is ahead when its cumulative cost exceeds prompting's by at most this (as in
:func:`tcocalc.breakeven.breakeven`)."""
DEFAULT_TORNADO_SHARE = 0.25
TORNADO_SHARES = (0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50)
"""The variations the page offers (±5 % to ±50 %)."""
DEFAULT_DRAWS = 5_000
DEFAULT_SEED = 20_270_101
MAX_SEED = 2**31 - 1
ASSUMED_CADENCE_MONTHS = 3
"""Cadence used for "new categories per year" when the scenario has no recurring changes."""

Mode = Literal["value", "factor", "accuracy", "categories_per_change", "categories_per_year"]
Applies = Literal["always", "engineering", "errors", "dedicated"]


# --- Drivers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Driver:
    """An input the analyses vary, with the :class:`~tcocalc.params.Params` fields it sets.

    ``mode`` says how a value maps onto the fields:

    ``value``    the value replaces ``fields[0]``; further fields move in proportion to it
    ``factor``   a multiplier of today's value of every field (1 = today, e.g. list prices)
    ``accuracy`` a fraction 0-1; the tornado varies the error rate (1 - accuracy), not accuracy
    ``categories_per_change``  scales every category change of the scenario (one-off and cadence)
    ``categories_per_year``    recurring new categories per year, in whole categories on the
                               scenario's cadence (or a quarterly one), on top of its one-off
                               changes
    """

    key: str
    label: str
    unit: str
    mode: Mode = "value"
    fields: tuple[str, ...] = ()
    lower: float = 0.0
    upper: float = math.inf
    search_max: float | None = None
    """Upper end of the switching-value search and of map ranges when today's value is 0."""
    applies: Applies = "always"
    in_tornado: bool = True
    integer: bool = False
    """Counts (examples, categories): switching values are rounded to whole numbers for display."""
    plural: bool = False
    """The label is plural ("Monthly calls exceed ..."), for the sentences."""

    def __post_init__(self) -> None:
        if self.mode == "value" and not self.fields:
            object.__setattr__(self, "fields", (self.key,))

    @property
    def log_scale(self) -> bool:
        """Whether this driver's ranges are best spread on a log scale (volumes, prices, counts)."""
        return self.mode in ("value", "factor") and self.lower >= 0 and self.key not in _LINEAR


_LINEAR = {"f_lead_time_weeks", "f_experiment_multiplier", "f_epochs"}


DRIVERS: dict[str, Driver] = {
    d.key: d
    for d in (
        Driver(
            "monthly_calls", "Monthly calls", "calls/month", upper=1e10, search_max=1e7, plural=True
        ),
        Driver(
            "monthly_growth_pct",
            "Monthly growth of calls",
            "%/month",
            lower=-50.0,
            upper=100.0,
            search_max=30.0,
        ),
        Driver(
            "p_input_tokens_per_call",
            "Prompt length (prompting)",
            "tokens/call",
            upper=2e6,
            search_max=20_000,
        ),
        Driver(
            "f_input_tokens_per_call",
            "Input length (fine-tuned model)",
            "tokens/call",
            upper=2e6,
            search_max=20_000,
        ),
        Driver(
            "output_tokens_per_call",
            "Output tokens per call",
            "tokens/call",
            fields=("p_output_tokens_per_call", "f_output_tokens_per_call"),
            upper=2e5,
            search_max=2_000,
            plural=True,
        ),
        Driver(
            "prompting_price",
            "Prompted model's token prices",
            "× list price",
            "factor",
            fields=("p_usd_per_1m_input_tokens", "p_usd_per_1m_output_tokens"),
            upper=1_000.0,
            plural=True,
        ),
        Driver(
            "fine_tuned_price",
            "Fine-tuned model's token prices",
            "× list price",
            "factor",
            fields=("f_usd_per_1m_input_tokens", "f_usd_per_1m_output_tokens"),
            upper=1_000.0,
            plural=True,
        ),
        Driver(
            "f_hosting_usd_per_hour", "Hosting fee of the tuned model", "USD/hour", search_max=10.0
        ),
        Driver(
            "training_price",
            "Training compute price",
            "× list price",
            "factor",
            fields=("f_usd_per_training_token",),
            upper=1_000.0,
        ),
        Driver(
            "f_usd_per_labeled_example",
            "Labeling cost per example (fine-tuning)",
            "USD/example",
            search_max=10.0,
        ),
        Driver(
            "f_training_examples",
            "Training examples",
            "examples",
            upper=1e8,
            integer=True,
            plural=True,
        ),
        Driver(
            "f_tokens_per_example", "Tokens per training example", "tokens", upper=1e6, plural=True
        ),
        Driver("f_epochs", "Training epochs", "epochs", lower=1e-3, upper=100.0, plural=True),
        Driver(
            "f_experiment_multiplier",
            "Training runs for the first model",
            "runs",
            lower=1.0,
            upper=100.0,
            plural=True,
        ),
        Driver(
            "f_examples_per_new_category",
            "Examples labeled per new category (fine-tuning)",
            "examples",
            upper=1e6,
            search_max=5_000,
            integer=True,
            plural=True,
        ),
        Driver(
            "engineer_usd_per_hour",
            "Engineer rate",
            "USD/hour",
            upper=2_000.0,
            applies="engineering",
        ),
        Driver(
            "p_build_hours",
            "Build effort (prompting)",
            "hours",
            upper=20_000.0,
            applies="engineering",
            search_max=400.0,
        ),
        Driver(
            "f_build_hours",
            "Build effort (fine-tuning)",
            "hours",
            upper=20_000.0,
            applies="engineering",
            search_max=800.0,
        ),
        Driver(
            "p_maintenance_hours_per_month",
            "Upkeep (prompting)",
            "hours/month",
            upper=730.0,
            applies="engineering",
            search_max=80.0,
        ),
        Driver(
            "f_maintenance_hours_per_month",
            "Upkeep (fine-tuning)",
            "hours/month",
            upper=730.0,
            applies="engineering",
            search_max=80.0,
        ),
        Driver(
            "p_hours_per_category_change",
            "Effort per category change (prompting)",
            "hours",
            upper=2_000.0,
            applies="engineering",
            search_max=80.0,
        ),
        Driver(
            "f_hours_per_category_change",
            "Effort per category change (fine-tuning)",
            "hours",
            upper=2_000.0,
            applies="engineering",
            search_max=200.0,
        ),
        Driver(
            "f_hours_per_retrain",
            "Effort per scheduled re-train",
            "hours",
            upper=2_000.0,
            applies="engineering",
            search_max=80.0,
        ),
        Driver(
            "f_lead_time_weeks",
            "Lead time before the tuned model serves",
            "weeks",
            upper=104.0,
            search_max=26.0,
        ),
        Driver(
            "p_accuracy",
            "Accuracy (prompting)",
            "accuracy",
            "accuracy",
            fields=("p_accuracy",),
            upper=1.0,
            applies="errors",
        ),
        Driver(
            "f_accuracy",
            "Accuracy (fine-tuned)",
            "accuracy",
            "accuracy",
            fields=("f_accuracy",),
            upper=1.0,
            applies="errors",
        ),
        Driver(
            "usd_per_wrong_answer",
            "Cost of a wrong answer",
            "USD/error",
            upper=100_000.0,
            applies="errors",
            search_max=20.0,
        ),
        Driver(
            "h_traffic_share_per_new_category",
            "Traffic share of a new category (hybrid)",
            "share",
            upper=1.0,
            search_max=1.0,
        ),
        Driver(
            "f_replica_usd_per_hour",
            "GPU replica price",
            "USD/hour",
            applies="dedicated",
            upper=10_000.0,
        ),
        Driver(
            "f_calls_per_second_per_replica",
            "Throughput per replica",
            "calls/second",
            lower=1e-6,
            upper=1e6,
            applies="dedicated",
        ),
        Driver(
            "peak_to_average_ratio",
            "Peak-to-average traffic",
            "ratio",
            lower=1.0,
            upper=100.0,
            applies="dedicated",
        ),
        Driver(
            "new_categories_per_change",
            "New categories per change",
            "categories",
            "categories_per_change",
            search_max=30.0,
            plural=True,
        ),
        Driver(
            "new_categories_per_year",
            "Recurring new categories per year",
            "categories/year",
            "categories_per_year",
            upper=1_000.0,
            search_max=48.0,
            in_tornado=False,
            plural=True,
        ),
    )
}
"""The curated drivers, in display order. Keys are stable (CLI, URLs, CSV headers)."""


# --- Formatting -----------------------------------------------------------------------------------


def _compact(v: float) -> str:
    """A count people read at a glance.

    >>> _compact(1_939_912), _compact(100_000), _compact(2.5), _compact(0.0)
    ('1.94M', '100,000', '2.5', '0')
    """
    a = abs(v)
    if a >= 1e9:
        return f"{v / 1e9:.3g}B"
    if a >= 1e6:
        return f"{v / 1e6:.3g}M"
    if a >= 1_000:
        return f"{v:,.0f}"
    if a == 0:
        return "0"
    return f"{v:.3g}"


def format_usd(v: float) -> str:
    """``$13,247``, ``-$320``, ``$2.36``.

    >>> format_usd(13246.67), format_usd(-320.0), format_usd(2.3571)
    ('$13,247', '-$320', '$2.36')
    """
    sign = "-" if v < 0 else ""
    a = abs(v)
    return f"{sign}${a:,.0f}" if a >= 100 else f"{sign}${a:,.2f}"


def format_value(driver: Driver | str, v: float) -> str:
    """A driver's value with its unit, as the page and the sentences print it.

    >>> format_value("monthly_calls", 1.94e6), format_value("prompting_price", 0.5)
    ('1.94M calls/month', '0.5× list price')
    >>> format_value("f_accuracy", 0.94), format_value("engineer_usd_per_hour", 2.357)
    ('94.0 %', '$2.36/hour')
    >>> format_value("monthly_growth_pct", 2.0), format_value("f_training_examples", 39_999.2)
    ('+2 %/month', '40,000 examples')
    """
    d = DRIVERS[driver] if isinstance(driver, str) else driver
    if d.integer and abs(v) >= 1:
        v = float(math.ceil(v - 1e-9))
    if d.mode == "accuracy" or d.unit == "share":
        return f"{v * 100:.1f} %"
    if d.unit == "%/month":
        return f"{v:+.3g} %/month"
    if d.mode == "factor":
        return f"{v:.3g}× list price"
    if d.unit.startswith("USD/"):
        return f"{format_usd(v)}/{d.unit[4:]}"
    return f"{_compact(v)} {d.unit}"


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
        out: dict[str, object] = {}
        owner: dict[str, str] = {}
        columns = {key: _column(raw) for key, raw in values.items()}
        for key, col in columns.items():
            d = DRIVERS[key]
            if d.mode in ("categories_per_change", "categories_per_year"):
                continue
            for name, value in self._field_values(d, col).items():
                if name in out:
                    raise ValueError(f"drivers {owner[name]!r} and {key!r} both set {name}")
                out[name], owner[name] = value, key
        if "new_categories_per_change" in columns or "new_categories_per_year" in columns:
            out["new_categories"] = self._schedule(
                columns.get("new_categories_per_change"), columns.get("new_categories_per_year")
            )
        return out

    def params_for(self, values: Mapping[str, Arr | float]) -> Params:
        """:class:`Params` with the drivers set (see :meth:`changes`)."""
        return self.params.with_values(**self.changes(values))

    def _field_values(self, d: Driver, col: Arr | float) -> dict[str, object]:
        p = self.params
        if d.mode in ("value", "accuracy"):
            base0 = float(np.asarray(getattr(p, d.fields[0])))
            out: dict[str, object] = {d.fields[0]: col}
            for other in d.fields[1:]:
                base = float(np.asarray(getattr(p, other)))
                out[other] = base * (col / base0) if base0 else col
            return out
        return {f: float(np.asarray(getattr(p, f))) * col for f in d.fields}

    def _schedule(self, per_change: Arr | float | None, per_year: Arr | float | None) -> Arr:
        """New categories per month, ``(n, H)`` or ``(H,)``.

        ``per_year`` sets the recurring changes (the scenario's cadence, or the assumed quarterly
        one), kept on top of the one-off events; ``per_change`` then scales every change.
        """
        schedule: Arr = self.params.new_categories
        if per_year is not None:
            y0 = self.value("new_categories_per_year")
            per_cadence = (
                self.per_change * (per_year / y0) if y0 else per_year * (self.cadence_months / 12.0)
            )
            # Whole categories: the k-th change brings floor(k x rate) - floor((k - 1) x rate), so
            # 2 a year on a quarterly cadence is one every second quarter, not half a category
            # (a change costs its fixed hours however few categories it brings).
            arrived = np.floor(
                np.cumsum(self.cadence)[:, None] * np.reshape(per_cadence, -1) + 1e-9
            )
            # Months first in memory (months x variants), handed out as the (n, H) view: the
            # month-by-month walk of the Monte Carlo reads a month as one contiguous vector.
            recurring = np.empty_like(arrived)
            recurring[0] = arrived[0]
            np.subtract(arrived[1:], arrived[:-1], out=recurring[1:])
            recurring += self.events[:, None]
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
    """Accept a :class:`Basis`, an engine :class:`~tcocalc.engine.Result` or ``(scenario,
    catalog)``."""
    if isinstance(source, Basis):
        return source
    if isinstance(source, tuple):
        return Basis.build(*source)
    return Basis.from_result(source)


# --- Vectorised outcomes -----------------------------------------------------------------------


def cumulative_totals(params: Params) -> Arr:
    """Cumulative USD of each strategy at the end of each month: shape ``(..., 3, H)``."""
    return np.cumsum(compute_totals(params), axis=-1)


def durable_breakeven_months(difference: Arr, axis: int = -1) -> IntArr:
    """Vectorised durable break-even month of ``difference`` (challenger - prompting, cumulative,
    months along ``axis``); 0 where the challenger is not ahead at the horizon. Agrees with
    :attr:`tcocalc.breakeven.BreakEven.durable_month`.

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


_MAGNITUDE_BITS = np.int64(0x7FFF_FFFF_FFFF_FFFF)


def percentiles_in_place(x: Arr, pcts: Sequence[float]) -> Arr:
    """``np.percentile(x, pcts, axis=-1)`` (linear interpolation) of finite values, equal to it
    bit for bit, about 1.5x faster; ``x`` is reordered along its last axis.

    The order statistics are selected on integer keys that sort like the floats (partitioning
    int64 is faster than float64 in numpy), then interpolated with numpy's own formula. ``x``
    must be C-contiguous; afterwards it holds those keys, not the values.

    >>> x = np.array([[3.0, -1.0, 2.0, 10.0], [0.5, 0.5, 0.5, 0.5]])
    >>> percentiles_in_place(x.copy(), [10, 50, 90]).round(9).tolist()
    [[-0.1, 0.5], [2.5, 0.5], [7.9, 0.5]]
    >>> bool(np.array_equal(percentiles_in_place(x.copy(), [10, 50, 90]),
    ...                     np.percentile(x, [10, 50, 90], axis=-1)))
    True
    """
    x = np.ascontiguousarray(x)
    n = x.shape[-1]
    q = np.true_divide(np.asarray(pcts, dtype=np.float64), 100)
    virtual = (n - 1) * q  # as numpy's "linear" method
    previous = np.floor(virtual).astype(np.intp)
    following = np.minimum(previous + 1, n - 1)
    gamma = (virtual - previous).reshape(-1, *([1] * (x.ndim - 1)))
    # IEEE floats order as sign-magnitude integers: flip the magnitude bits of negatives (a
    # few rows at a time, so the temporary stays in the cache).
    keys = x.view(np.int64).reshape(-1, n)
    step = max(1, 32_768 // n)
    for start in range(0, keys.shape[0], step):
        rows = keys[start : start + step]
        flip = rows >> 63
        flip &= _MAGNITUDE_BITS
        rows ^= flip
    keys.partition(np.unique(np.concatenate([previous, following])), axis=-1)
    picked = keys[:, np.concatenate([previous, following])]
    picked ^= (picked >> 63) & _MAGNITUDE_BITS  # back to floats, for the picked ones only
    values = picked.view(np.float64).reshape(*x.shape[:-1], 2, -1)
    a = np.moveaxis(values[..., 0, :], -1, 0)
    b = np.moveaxis(values[..., 1, :], -1, 0)
    # numpy's _lerp: a + (b - a) t, or b - (b - a)(1 - t) from t = 0.5 on.
    diff = b - a
    out = a + diff * gamma
    np.subtract(b, diff * (1 - gamma), out=out, where=np.broadcast_to(gamma >= 0.5, out.shape))
    return out


def _index(challenger: str) -> int:
    if challenger not in CHALLENGERS:
        raise ValueError(f"challenger must be one of {CHALLENGERS}, not {challenger!r}")
    return STRATEGIES.index(challenger)


def _horizon_difference(basis: Basis, values: Mapping[str, Arr | float], challenger: str) -> Arr:
    cum = cumulative_totals(basis.params_for(values))
    i = _index(challenger)
    return cum[..., i, -1] - cum[..., 0, -1]


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
                    "Flips the verdict": "yes" if r is not None and r.flips else "",
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


def _search_grid(d: Driver, base: float, points: int) -> tuple[Arr, int]:
    """Values to scan for a switching value, sorted, and the index of ``base`` in them."""
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
        cum = _one_at_a_time(basis, [drivers[j].key for j in owner], values)
        diff = cum[:, i, -1] - cum[:, 0, -1]
        return (diff <= AHEAD_TOLERANCE_USD) != base_ahead

    return flipped


_SCHEDULE_DRIVERS = frozenset({"new_categories_per_change", "new_categories_per_year"})


def _one_at_a_time(basis: Basis, owners: Sequence[str | None], values: Arr) -> Arr:
    """Cumulative totals ``(m, 3, H)`` of ``m`` variants, variant ``r`` with driver ``owners[r]``
    at ``values[r]`` and everything else as today (``None``: the scenario itself).

    Variants that move the category schedule need an ``(m, H)`` schedule, which makes the hybrid's
    bookkeeping per variant; they are computed apart from the others, so the others keep the
    scenario's ``(H,)`` schedule.
    """
    out = np.empty((len(owners), 3, basis.horizon_months))
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
            out[rows] = cumulative_totals(basis.params)
            continue
        out[rows] = cumulative_totals(basis.params_for(columns))
    return out


def _distance(d: Driver, base: float, v: float) -> float:
    """How far ``v`` is from today's value: log ratio for positive values, else relative gap."""
    if base > 0 and v > 0:
        return abs(math.log(v / base))
    if base > 0:
        return math.inf if d.log_scale else abs(v - base) / base
    span = d.search_max or 1.0
    return abs(v - base) / span


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
    :func:`default_range` of ``points`` each), vectorised in cache-sized blocks of grid points."""
    basis = basis_of(source)
    if x == y:
        raise ValueError("choose two different drivers for the map")
    xs = np.asarray(default_range(basis, x, points) if x_values is None else x_values, float)
    ys = np.asarray(default_range(basis, y, points) if y_values is None else y_values, float)
    xx, yy = np.meshgrid(xs, ys)
    grid = {x: xx.ravel(), y: yy.ravel()}
    at_horizon = np.empty((xx.size, 3))
    for block in _blocks(xx.size, basis.horizon_months):
        cum = cumulative_totals(basis.params_for({k: v[block] for k, v in grid.items()}))
        at_horizon[block] = cum[:, :, -1]
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


# --- Monte Carlo ---------------------------------------------------------------------------------

Distribution = Literal["pert", "triangular"]
PERCENTILES = (10.0, 50.0, 90.0)


@dataclass(frozen=True)
class Uncertain:
    """A driver's range: ``low <= likely <= high`` in the driver's unit (accuracy as 0-1)."""

    driver: str
    low: float
    likely: float
    high: float

    def __post_init__(self) -> None:
        if self.driver not in DRIVERS:
            raise ValueError(f"unknown driver {self.driver!r}; known: {', '.join(DRIVERS)}")
        d = DRIVERS[self.driver]
        values = (self.low, self.likely, self.high)
        if not all(math.isfinite(v) for v in values):
            raise ValueError(f"{d.label}: low, likely and high must be numbers")
        if not self.low <= self.likely <= self.high:
            raise ValueError(f"{d.label}: need low <= likely <= high, got {values}")
        if self.low < d.lower or self.high > d.upper:
            raise ValueError(
                f"{d.label}: the range must stay within {format_value(d, d.lower)} .. "
                f"{format_value(d, d.upper)}"
            )

    @property
    def width(self) -> float:
        return self.high - self.low


def sample(u: Uncertain, draws: int, seed: int, distribution: Distribution = "pert") -> Arr:
    """``draws`` values of one uncertain driver, reproducible from ``seed``.

    Each driver draws from its own stream (seeded by ``seed`` and the driver key), so adding or
    removing one input leaves the others' draws unchanged. PERT: ``low + (high - low) x
    Beta(1 + 4 (likely - low) / (high - low), 1 + 4 (high - likely) / (high - low))``, mean
    ``(low + 4 likely + high) / 6``. A zero-width range gives ``likely`` exactly.

    >>> x = sample(Uncertain("monthly_calls", 70_000, 100_000, 130_000), 100_000, seed=1)
    >>> round(float(x.mean()), -2), bool(x.min() >= 70_000 and x.max() <= 130_000)
    (100000.0, True)
    """
    if u.width == 0:
        return np.full(draws, u.likely)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_stream(u.driver),)))
    if distribution == "triangular":
        return rng.triangular(u.low, u.likely, u.high, size=draws)
    if distribution != "pert":
        raise ValueError(f"distribution must be 'pert' or 'triangular', not {distribution!r}")
    a = 1.0 + 4.0 * (u.likely - u.low) / u.width
    b = 1.0 + 4.0 * (u.high - u.likely) / u.width
    return u.low + u.width * rng.beta(a, b, size=draws)


def _stream(key: str) -> int:
    return zlib.crc32(key.encode())


def default_ranges(source: Basis | Result | tuple[Scenario, Catalog]) -> tuple[Uncertain, ...]:
    """Honest starting ranges from the scenario: volume ±30 %, growth -1/+2 points a month, effort
    estimates skewed high (build 0.8-1.5x, category changes 0.5-2x), token prices that may fall by
    half, new categories per year from none to twice today's (0-4 if none recur), and, when wrong
    answers are priced, accuracies a few points either way."""
    basis = basis_of(source)
    out: list[Uncertain] = []

    def add(key: str, low: float, likely: float, high: float) -> None:
        d = DRIVERS[key]
        if not (basis.applies(d) and basis.varies(d)):
            return
        out.append(Uncertain(key, max(low, d.lower), likely, min(high, d.upper)))

    calls = basis.value("monthly_calls")
    add("monthly_calls", 0.7 * calls, calls, 1.3 * calls)
    g = basis.value("monthly_growth_pct")
    add("monthly_growth_pct", g - 1.0, g, g + 2.0)
    add("prompting_price", 0.5, 1.0, 1.0)
    add("fine_tuned_price", 0.5, 1.0, 1.0)
    for key in ("f_build_hours", "f_hours_per_category_change"):
        v = basis.value(key)
        if v > 0:
            low, high = (0.8, 1.5) if key == "f_build_hours" else (0.5, 2.0)
            add(key, low * v, v, high * v)
    label = basis.value("f_usd_per_labeled_example")
    if label > 0:
        add("f_usd_per_labeled_example", 0.8 * label, label, 1.5 * label)
    y = basis.value("new_categories_per_year")
    add("new_categories_per_year", 0.0 if y == 0 else 0.5 * y, y, 4.0 if y == 0 else 2.0 * y)
    for key, down, up in (("p_accuracy", 0.03, 0.02), ("f_accuracy", 0.03, 0.02)):
        a = basis.value(key)
        add(key, max(0.0, a - down), a, min(1.0, a + up))
    return tuple(out)


@dataclass(frozen=True)
class MonteCarlo:
    """Summary of ``draws`` projections with the uncertain drivers sampled."""

    ranges: tuple[Uncertain, ...]
    distribution: Distribution
    draws: int
    seed: int
    horizon_months: int
    inputs: dict[str, Arr]
    """The sampled value of each uncertain driver, shape (draws,)."""
    totals_usd: Arr
    """Cumulative USD at the horizon per draw and strategy, shape (draws, 3)."""
    breakeven_months: IntArr
    """Durable break-even month per draw and challenger, shape (draws, 2); 0 = not within H."""
    percentiles_usd: Arr
    """P10, P50, P90 of the cumulative difference (challenger - prompting) per month, shape
    (2 challengers, 3 percentiles, H)."""
    cumulative_usd: Arr | None = field(default=None, repr=False)
    """Every draw's cumulative series (draws, 3, H), kept only with ``keep_series=True``."""

    def differences_usd(self, challenger: str) -> Arr:
        """Challenger - prompting at the horizon per draw."""
        return self.totals_usd[:, _index(challenger)] - self.totals_usd[:, 0]

    def probability_cheaper(self, challenger: str) -> float:
        """Share of draws in which the challenger costs at most prompting's by the horizon."""
        return float(np.mean(self.differences_usd(challenger) <= AHEAD_TOLERANCE_USD))

    def standard_error(self, challenger: str) -> float:
        """Monte Carlo standard error of :meth:`probability_cheaper`: sqrt(p (1 - p) / n)."""
        p = self.probability_cheaper(challenger)
        return math.sqrt(p * (1.0 - p) / self.draws)

    def probability_cheapest(self) -> dict[str, float]:
        """Share of draws in which each strategy is the cheapest of the three at the horizon."""
        counts = np.bincount(np.argmin(self.totals_usd, axis=1), minlength=3) / self.draws
        return {s: float(c) for s, c in zip(STRATEGIES, counts, strict=True)}

    def breakeven_distribution(self, challenger: str) -> dict[int, float]:
        """Share of draws breaking even (durably) in each month 1..H; key 0 = not within H."""
        months = self.breakeven_months[:, CHALLENGERS.index(challenger)]
        counts = np.bincount(months, minlength=self.horizon_months + 1) / self.draws
        return {m: float(c) for m, c in enumerate(counts)}

    def breakeven_percentile(self, challenger: str, pct: float) -> int | None:
        """The month by which ``pct`` % of draws have durably broken even; None if fewer do by H."""
        months = self.breakeven_months[:, CHALLENGERS.index(challenger)]
        ordered = np.sort(np.where(months == 0, self.horizon_months + 1, months))
        k = min(self.draws - 1, max(0, math.ceil(pct / 100.0 * self.draws) - 1))
        m = int(ordered[k])
        return None if m > self.horizon_months else m

    def savings_percentiles(self, challenger: str) -> dict[str, float]:
        """P10/P50/P90 of what the challenger saves by the horizon (prompting - challenger)."""
        s = -self.differences_usd(challenger)
        return {
            f"p{int(q)}": float(v)
            for q, v in zip(PERCENTILES, np.percentile(s, PERCENTILES), strict=True)
        }

    def importance(self, challenger: str = "fine_tuning") -> dict[str, float]:
        """Rank correlation of each sampled input with the challenger's horizon difference (-1..1):
        which uncertainty drives the spread. 0 for inputs without width."""
        target = _ranks(self.differences_usd(challenger))
        out = {}
        for key, values in self.inputs.items():
            if np.ptp(values) == 0 or np.ptp(target) == 0:
                out[key] = 0.0
            else:
                out[key] = float(np.corrcoef(_ranks(values), target)[0, 1])
        return dict(sorted(out.items(), key=lambda kv: -abs(kv[1])))

    def draws_table(self) -> pd.DataFrame:
        """One row per draw: inputs, horizon totals, differences, break-even months, cheapest."""
        import pandas as pd

        data: dict[str, object] = {"draw": np.arange(1, self.draws + 1)}
        data.update(self.inputs)
        for i, s in enumerate(STRATEGIES):
            data[f"{s}_usd"] = self.totals_usd[:, i].round(2)
        for j, c in enumerate(CHALLENGERS):
            data[f"{c}_minus_prompting_usd"] = self.differences_usd(c).round(2)
            months = self.breakeven_months[:, j]
            # Blank where the challenger has not durably broken even within the horizon.
            data[f"{c}_breakeven_month"] = pd.array(
                [int(m) if m else None for m in months], dtype="Int64"
            )
        data["cheapest"] = np.array(STRATEGIES)[np.argmin(self.totals_usd, axis=1)]
        return pd.DataFrame(data)

    def percentiles_table(self) -> pd.DataFrame:
        """Tidy fan-chart data: month, challenger, p10, p50, p90 of challenger - prompting."""
        import pandas as pd

        h = self.horizon_months
        frames = []
        for j, c in enumerate(CHALLENGERS):
            frames.append(
                pd.DataFrame(
                    {
                        "month": np.arange(1, h + 1),
                        "challenger": c,
                        **{
                            f"p{int(q)}_usd": self.percentiles_usd[j, k].round(2)
                            for k, q in enumerate(PERCENTILES)
                        },
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    def summary(self) -> dict[str, object]:
        """Machine-readable headline figures (used by ``tcocalc analyze --json``)."""
        out: dict[str, object] = {
            "draws": self.draws,
            "seed": self.seed,
            "distribution": self.distribution,
            "ranges": [
                {"driver": u.driver, "low": u.low, "likely": u.likely, "high": u.high}
                for u in self.ranges
            ],
            "probability_cheapest": {
                k: round(v, 4) for k, v in self.probability_cheapest().items()
            },
        }
        for c in CHALLENGERS:
            out[c] = {
                "probability_cheaper_at_horizon": round(self.probability_cheaper(c), 4),
                "standard_error": round(self.standard_error(c), 4),
                "savings_at_horizon_usd": {
                    k: round(v, 2) for k, v in self.savings_percentiles(c).items()
                },
                "breakeven_month": {f"p{q}": self.breakeven_percentile(c, q) for q in (10, 50, 90)},
                "probability_no_breakeven": round(self.breakeven_distribution(c)[0], 4),
            }
        return out


def _ranks(x: Arr) -> Arr:
    """Ranks 0..n-1 (ties broken by order; enough for a correlation of continuous draws)."""
    r = np.empty(x.size)
    r[np.argsort(x, kind="stable")] = np.arange(x.size)
    return r


def monte_carlo(
    source: Basis | Result | tuple[Scenario, Catalog],
    ranges: Iterable[Uncertain] | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    distribution: Distribution = "pert",
    *,
    keep_series: bool = False,
) -> MonteCarlo:
    """Sample every uncertain driver ``draws`` times and project every draw, vectorised.

    ``ranges`` defaults to :func:`default_ranges`. Inputs are drawn independently (no
    correlation between them). The draws are projected month by month with every draw as a
    vector (:func:`tcocalc.stepped.cumulative_totals_by_month`, equal to the engine bit for bit),
    in blocks of at most :data:`DRAW_BLOCK_CELLS` draw-months to bound memory.
    """
    if draws < 1:
        raise ValueError("draws must be at least 1")
    basis = basis_of(source)
    chosen = tuple(default_ranges(basis) if ranges is None else ranges)
    keys = [u.driver for u in chosen]
    if len(set(keys)) != len(keys):
        raise ValueError("each driver may have one range only")
    inputs = {u.driver: sample(u, draws, seed, distribution) for u in chosen}
    h = basis.horizon_months
    totals = np.empty((draws, 3))
    months = np.empty((draws, 2), dtype=np.int64)
    series = np.empty((draws, 3, h)) if keep_series else None
    fixed = None if inputs else cumulative_totals(basis.params)[:, :, None]
    blocks = _blocks(draws, h, DRAW_BLOCK_CELLS)
    # Challenger - prompting, draws last: the percentiles run along contiguous rows.
    diff_by_month = np.empty((2, h, draws)) if len(blocks) > 1 else None
    for block in blocks:
        if fixed is None:
            cum = cumulative_totals_by_month(
                basis.params_for({k: v[block] for k, v in inputs.items()})
            )  # (3, H, draws in the block)
        else:
            cum = np.broadcast_to(fixed, (3, h, block.stop - block.start)).copy()
        totals[block] = cum[:, -1, :].T
        if series is not None:
            series[block] = cum.transpose(2, 0, 1)
        diff = np.subtract(cum[1:], cum[:1], out=cum[1:])  # in place: no second large array
        months[block] = durable_breakeven_months(diff, axis=1).T
        if diff_by_month is None:
            diff_by_month = diff
        else:
            diff_by_month[:, :, block] = diff
    assert diff_by_month is not None
    pct = percentiles_in_place(diff_by_month, PERCENTILES)  # (3 percentiles, 2, H)
    return MonteCarlo(
        ranges=chosen,
        distribution=distribution,
        draws=draws,
        seed=seed,
        horizon_months=h,
        inputs=inputs,
        totals_usd=totals,
        breakeven_months=months,
        percentiles_usd=np.ascontiguousarray(pct.transpose(1, 0, 2)),
        cumulative_usd=series,
    )


BLOCK_CELLS = 64 * 1024
"""Variant-months per vectorised compute in the map (see :func:`_blocks`)."""
DRAW_BLOCK_CELLS = 4 * 1024 * 1024
"""Draw-months per month-by-month walk in the Monte Carlo: 34,952 draws at 120 months, 100 MB of
cumulative totals. Longer vectors make each month's arithmetic cheaper; this bounds the memory."""


def _blocks(n: int, horizon: int, cells: int | None = None) -> list[slice]:
    """Consecutive slices covering ``range(n)``, each about ``cells`` / ``horizon`` long
    (``cells`` defaults to :data:`BLOCK_CELLS`).

    >>> _blocks(1_200, 120)
    [slice(0, 546, None), slice(546, 1092, None), slice(1092, 1200, None)]
    """
    size = max(64, (BLOCK_CELLS if cells is None else cells) // max(horizon, 1))
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


# --- Ranges as table rows (the page's editor, the CLI) ----------------------------------------

RANGE_COLUMNS = ("input", "low", "likely", "high")


def display_scale(driver: Driver | str) -> float:
    """Factor from a driver's value to what people type: 100 for fractions shown in %."""
    d = DRIVERS[driver] if isinstance(driver, str) else driver
    return 100.0 if d.mode == "accuracy" or d.unit == "share" else 1.0


def choice_label(driver: Driver | str) -> str:
    """``Monthly calls, calls/month``, ``Accuracy (fine-tuned), %``: a driver in a list."""
    d = DRIVERS[driver] if isinstance(driver, str) else driver
    unit = "%" if display_scale(d) == 100.0 else d.unit
    return f"{d.label}, {unit}"


def range_choices(source: Basis | Result | tuple[Scenario, Catalog]) -> dict[str, str]:
    """``choice_label -> driver key`` of every driver that applies to the scenario."""
    basis = basis_of(source)
    return {
        choice_label(d): d.key for d in DRIVERS.values() if basis.applies(d) and basis.varies(d)
    }


def ranges_to_rows(ranges: Iterable[Uncertain]) -> list[dict[str, object]]:
    """Ranges as rows ``{input, low, likely, high}`` in the units people type (accuracy in %)."""
    rows: list[dict[str, object]] = []
    for u in ranges:
        k = display_scale(u.driver)
        rows.append(
            {"input": choice_label(u.driver), "low": u.low * k, "likely": u.likely * k,
             "high": u.high * k}
        )  # fmt: skip
    return rows


def rows_to_ranges(rows: Iterable[Mapping[str, object]]) -> tuple[list[Uncertain], list[str]]:
    """Rows typed by people back into ranges, and one message per row that is not usable.

    Rows without an input are skipped silently (a row being added); later rows for the same input
    are refused.

    >>> ranges, problems = rows_to_ranges([
    ...     {"input": "Monthly calls, calls/month", "low": 1, "likely": 2, "high": 3},
    ...     {"input": "Accuracy (fine-tuned), %", "low": 90, "likely": 94, "high": 97},
    ...     {"input": "Monthly calls, calls/month", "low": 1, "likely": 2, "high": 3},
    ...     {"input": "Training epochs, epochs", "low": 3, "likely": None, "high": 5}])
    >>> [(u.driver, u.likely) for u in ranges]
    [('monthly_calls', 2.0), ('f_accuracy', 0.94)]
    >>> for p in problems: print(p)
    Row 3, Monthly calls: a second range for the same input
    Row 4, Training epochs: fill in low, likely and high
    """
    by_label = {choice_label(d): d.key for d in DRIVERS.values()}
    out: list[Uncertain] = []
    problems: list[str] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, start=1):
        label = row.get("input")
        if not label:
            continue
        key = by_label.get(str(label))
        if key is None:
            problems.append(f"Row {n}: unknown input {label!r}")
            continue
        name = DRIVERS[key].label
        if key in seen:
            problems.append(f"Row {n}, {name}: a second range for the same input")
            continue
        try:
            values = [float(row[c]) for c in RANGE_COLUMNS[1:]]  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError):
            values = []
        if len(values) != 3 or any(math.isnan(v) for v in values):
            problems.append(f"Row {n}, {name}: fill in low, likely and high")
            continue
        k = display_scale(key)
        try:
            out.append(Uncertain(key, *(v / k for v in values)))
        except ValueError as exc:
            problems.append(f"Row {n}, {exc}")
            continue
        seen.add(key)
    return out, problems


# --- Exports ----------------------------------------------------------------------------------


def _csv(frame: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    frame.to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")


def tornado_csv(t: Tornado) -> bytes:
    """The tornado and switching values as CSV (UTF-8)."""
    return _csv(t.table())


def map_csv(m: BreakEvenMap) -> bytes:
    """The break-even map grid as CSV."""
    return _csv(m.table())


def draws_csv(mc: MonteCarlo) -> bytes:
    """One row per Monte Carlo draw as CSV."""
    return _csv(mc.draws_table())


def percentiles_csv(mc: MonteCarlo) -> bytes:
    """The fan chart's P10/P50/P90 per month as CSV."""
    return _csv(mc.percentiles_table())
