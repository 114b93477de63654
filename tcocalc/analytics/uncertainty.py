"""The Monte Carlo: low / likely / high ranges sampled (PERT or triangular) and every draw projected."""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
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
    percentiles_in_place,
)
from tcocalc.analytics.drivers import (
    CHALLENGERS,
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    DRIVERS,
    format_value,
)
from tcocalc.model.engine import AHEAD_TOLERANCE_USD, STRATEGIES, walk
from tcocalc.model.walk_inputs import variant_count

Arr = npt.NDArray[np.float64]
IntArr = npt.NDArray[np.int64]

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
    half, new categories per year from none to twice today's (0-4 if none recur), own-GPU training
    utilisation within the calibration's ±40 % (a measured throughput ±20 %), when wrong answers
    are priced, accuracies a few points either way, and the cache hit rate, batch share, discount
    rate and price trends the scenario sets."""
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
    u = basis.value("f_training_utilization")
    if u > 0:  # derived throughput: the calibration's stated factor
        add("f_training_utilization", 0.6 * u, u, 1.4 * u)
    else:
        tps = basis.value("f_training_tokens_per_second_per_gpu")
        if tps > 0:  # a measured throughput
            add("f_training_tokens_per_second_per_gpu", 0.8 * tps, tps, 1.2 * tps)
    y = basis.value("new_categories_per_year")
    add("new_categories_per_year", 0.0 if y == 0 else 0.5 * y, y, 4.0 if y == 0 else 2.0 * y)
    for key, down, up in (("p_accuracy", 0.03, 0.02), ("f_accuracy", 0.03, 0.02)):
        a = basis.value(key)
        add(key, max(0.0, a - down), a, min(1.0, a + up))
    # What the scenario expects of the bill, when it sets it: hit rates that may disappoint,
    # batch shares and discount rates half to 1.5x, price trends 20 points lower to 10 higher.
    hit = basis.value("p_cache_hit_rate")
    if hit > 0:
        add("p_cache_hit_rate", max(0.0, hit - 0.2), hit, min(1.0, hit + 0.05))
    for key in ("batch_share", "discount_rate_pct_per_year"):
        x = basis.value(key)
        if x > 0:
            add(key, 0.5 * x, x, 1.5 * x)
    for key in ("p_price_change_pct_per_year", "f_price_change_pct_per_year"):
        t = basis.value(key)
        if t != 0:
            add(key, t - 20.0, t, t + 10.0)
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
    correlation between them). Every draw goes through the engine's one month walk
    (:func:`tcocalc.model.engine.walk`), a few months at a time (:data:`MONTHS_PER_STEP_CELLS`
    draw-months per step), so memory grows with the draws, not with draws x months: the
    percentiles, break-even months and totals are taken from each step as it passes.
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
    params = basis.params_for(inputs) if inputs else basis.params
    fixed = variant_count(params) == 1  # nothing varies: every draw is the same projection
    totals = np.empty((draws, 3))
    series = np.empty((draws, 3, h)) if keep_series else None
    pct = np.empty((3, 2, h))  # (percentile, challenger, month)
    step_months = max(1, MONTHS_PER_STEP_CELLS // max(1, variant_count(params)))
    last_behind = np.zeros((2, 1))
    for step in walk(params, months_per_step=step_months, with_cumulative=keep_series):
        m0, k = step.first_month - 1, step.months
        diff = step.differences  # (2 challengers, months, draws): challenger - prompting
        if fixed:  # a writable copy: the percentiles reorder it in place
            diff = np.broadcast_to(diff, (2, k, draws)).copy()
        if series is not None and step.cumulative is not None:
            series[:, :, m0 : m0 + k] = np.broadcast_to(
                step.cumulative.transpose(2, 0, 1), (draws, 3, k)
            )
        if m0 + k == h:
            totals[:] = step.totals.T
            last_behind = step.last_behind_month
        pct[:, :, m0 : m0 + k] = percentiles_in_place(diff, PERCENTILES)
    # Durable break-even: the month after the last one behind; 0 when behind at the horizon.
    months = np.where(last_behind == h, 0, last_behind + 1).T.astype(np.int64)
    months = np.ascontiguousarray(np.broadcast_to(months, (draws, 2)))
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


MONTHS_PER_STEP_CELLS = 1_200_000
"""Draw-months walked per step of the Monte Carlo (10 MB of differences per challenger, one buffer
for every step): 10,000 draws x 120 months in one step, 100,000 draws 12 months at a time; a step
is at least a month. (Each step sets up every draw's constants again: lost in the noise at 12
months a step, a fifth of the walk at 5.)"""
