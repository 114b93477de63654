"""Where the cumulative curves cross: break-even month, durable break-even, break-even volume.

Conventions: a challenger (fine-tuning or hybrid) has broken even at the end of month m when its
cumulative cost is at or below prompting's (``challenger <= prompting``). The *durable* break-even is
the first month from which that holds to the horizon.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from tcocalc.model import costs as c
from tcocalc.model.engine import AHEAD_TOLERANCE_USD, STRATEGIES, horizon_totals
from tcocalc.model.params import resolve

if TYPE_CHECKING:
    from tcocalc.model.engine import Strategy
    from tcocalc.model.params import Params
    from tcocalc.model.scenario import Scenario
    from tcocalc.pricing.catalog import Catalog

Arr = npt.NDArray[np.float64]
TREND_MONTHS = 6
"""Months at the end of the horizon whose trend is extrapolated when there is no break-even."""
ESTIMATE_CAP_MONTHS = 1200
"""Beyond 100 years an extrapolated break-even is reported as never."""


@dataclass(frozen=True)
class BreakEven:
    """How a challenger's cumulative cost compares with prompting's over the horizon."""

    challenger: str
    horizon_months: int
    first_month: int | None
    """First month at whose end the challenger's cumulative cost is <= prompting's."""
    durable_month: int | None
    """First month from which the challenger stays at or below prompting to the horizon."""
    lead_changes: tuple[int, ...]
    """Months (>= 2) at whose end the cheaper strategy differs from the month before."""
    estimated_month: int | None
    """Without a durable break-even: the month the last months' trend would reach it, if ever."""
    difference_at_horizon_usd: float
    """Challenger minus prompting, cumulative at the horizon (negative: the challenger saves)."""

    @property
    def within_horizon(self) -> bool:
        return self.durable_month is not None

    @property
    def savings_at_horizon_usd(self) -> float:
        """What the challenger saves against prompting by the horizon (negative: it costs more)."""
        return -self.difference_at_horizon_usd

    def describe(self) -> str:
        """One line for people, e.g. ``breaks even in month 7``.

        >>> breakeven(np.array([50.0, 100, 150]), np.array([120.0, 130, 140]), "fine_tuning"
        ...           ).describe()
        'breaks even in month 3'
        """
        if self.durable_month == 1:
            return "is cheaper from month 1"
        if self.durable_month is not None:
            return f"breaks even in month {self.durable_month}"
        if self.estimated_month is not None:
            return (
                f"does not break even by month {self.horizon_months} "
                f"(on the current trend: month {self.estimated_month})"
            )
        return f"does not break even by month {self.horizon_months}, nor on the current trend"


def breakeven(prompting_cum: Arr, challenger_cum: Arr, challenger: str) -> BreakEven:
    """Compare two cumulative series of equal length (USD at the end of months 1..H).

    >>> b = breakeven(np.array([50.0, 100, 150]), np.array([220.0, 240, 260]), "fine_tuning")
    >>> (b.first_month, b.estimated_month)  # gap 170 -> 110 over 2 months: 30/month -> +4
    (None, 7)
    """
    diff = np.asarray(challenger_cum, dtype=np.float64) - np.asarray(prompting_cum)
    horizon = diff.shape[-1]
    # A cent of tolerance: equal plans should not flip on float noise.
    ahead = diff <= AHEAD_TOLERANCE_USD
    first = int(np.argmax(ahead)) + 1 if ahead.any() else None
    behind = np.nonzero(~ahead)[0]
    durable: int | None = None
    if ahead[-1]:
        durable = int(behind[-1]) + 2 if behind.size else 1
    changes = tuple(int(i) + 1 for i in np.nonzero(ahead[1:] != ahead[:-1])[0] + 1)
    estimate: int | None = None
    if durable is None and horizon >= 2:
        k = min(TREND_MONTHS, horizon - 1)
        slope = (diff[-1] - diff[-1 - k]) / k
        if slope < 0:
            months_more = math.ceil(diff[-1] / -slope - 1e-9)
            if horizon + months_more <= ESTIMATE_CAP_MONTHS:
                estimate = horizon + months_more
    return BreakEven(
        challenger=challenger,
        horizon_months=horizon,
        first_month=first,
        durable_month=durable,
        lead_changes=changes,
        estimated_month=estimate,
        difference_at_horizon_usd=float(diff[-1]),
    )


def first_breakeven_months(prompting_cum: Arr, challenger_cum: Arr) -> npt.NDArray[np.int64]:
    """Vectorised first break-even month over leading dimensions; 0 where there is none.

    >>> first_breakeven_months(np.array([[1.0, 2, 3], [1, 2, 3]]), np.array([[2.0, 2, 2], [9, 9, 9]]))
    array([2, 0])
    """
    ahead = (challenger_cum - prompting_cum) <= AHEAD_TOLERANCE_USD
    return np.where(ahead.any(axis=-1), np.argmax(ahead, axis=-1) + 1, 0)


def horizon_difference(params: Params, challenger_index: int = 1) -> Arr:
    """Challenger minus prompting, cumulative USD at the horizon, over the variants of ``params``."""
    totals = horizon_totals(params)
    return totals[..., challenger_index] - totals[..., 0]


@dataclass(frozen=True)
class BreakEvenVolume:
    challenger: str
    monthly_calls: float | None
    """Steady calls/month above which the challenger pays back within the horizon; None: none does.
    0 means it pays back at any volume."""
    horizon_months: int
    searched_up_to_monthly_calls: float


MAX_VOLUME = 1e10


def breakeven_volume(
    scenario: Scenario,
    catalog: Catalog,
    challenger: Strategy = "fine_tuning",
    *,
    grid_points: int = 241,
) -> BreakEvenVolume:
    """The steady monthly call volume (no growth) above which the challenger is at or below
    prompting's cumulative cost at the horizon; solved on a log grid, then refined by bisection
    to 0.1 %.
    """
    index = STRATEGIES.index(challenger)
    base = resolve(scenario, catalog).with_values(monthly_growth_pct=0.0)

    def diff_at(volumes: Arr) -> Arr:
        return horizon_difference(base.with_values(monthly_calls=volumes[:, None]), index)

    volumes = np.concatenate([[0.0], np.logspace(0, math.log10(MAX_VOLUME), grid_points)])
    diff = diff_at(volumes)
    ahead = diff <= AHEAD_TOLERANCE_USD
    horizon = scenario.horizon_months
    if not ahead[-1]:
        return BreakEvenVolume(challenger, None, horizon, MAX_VOLUME)
    behind = np.nonzero(~ahead)[0]
    if behind.size == 0:
        return BreakEvenVolume(challenger, 0.0, horizon, MAX_VOLUME)
    lo, hi = float(volumes[behind[-1]]), float(volumes[behind[-1] + 1])
    while hi - lo > 1e-3 * hi:
        probe = np.linspace(lo, hi, 34)[1:-1]
        ok = diff_at(probe) <= AHEAD_TOLERANCE_USD
        first_ok = int(np.argmax(ok)) if ok.any() else probe.size
        lo = float(probe[first_ok - 1]) if first_ok > 0 else lo
        hi = float(probe[first_ok]) if first_ok < probe.size else hi
    return BreakEvenVolume(challenger, hi, horizon, MAX_VOLUME)


@dataclass(frozen=True)
class CategoryChangeCost:
    """What one category change costs each strategy, at its real size (USD)."""

    month: int
    new_categories: float
    live: bool
    """Whether the tuned model serves in that month (the go-live month on)."""
    prompting_usd: float
    fine_tuning_usd: float


def category_change_events(params: Params) -> list[CategoryChangeCost]:
    """Every category change of the schedule with what it costs, by the engine's rules.

    Prompting: its change hours + its examples for the new categories. Fine-tuning, during the
    lead time (before the go-live month): what prompting pays + the tuned model's examples + their
    share of the first model's training runs (the first model learns them). From the go-live month
    on: its change hours + the tuned model's examples + a re-train on the data set grown to that
    month, at that month's price (the successor's after a forced migration). People's time counts
    only when the scenario includes engineering; with varied parameters, their means are used.
    """

    def m(x: c.Num) -> float:
        return float(np.mean(x))

    p = params
    rate = m(p.engineer_usd_per_hour) if p.include_engineering else 0.0
    go = float(c.go_live_month(m(p.f_lead_time_weeks)))
    schedule = np.asarray(p.new_categories, dtype=np.float64)
    schedule = schedule.mean(axis=0) if schedule.ndim == 2 else schedule
    moved = np.maximum.accumulate(np.asarray(p.forced_migration, dtype=bool))
    tokens, epochs = m(p.f_tokens_per_example), m(p.f_epochs)
    f_per_cat, p_per_cat = m(p.f_examples_per_new_category), m(p.p_examples_per_new_category)
    out: list[CategoryChangeCost] = []
    added = 0.0
    for i, k in enumerate(schedule):
        month = i + 1
        added += k * f_per_cat
        if k <= 0:
            continue
        prompting = m(c.people_usd(m(p.p_hours_per_category_change), rate)) + m(
            c.labeling_usd(k * p_per_cat, m(p.p_usd_per_labeled_example))
        )
        tuned_labels = m(c.labeling_usd(k * f_per_cat, m(p.f_usd_per_labeled_example)))
        live = month >= go
        if live:
            price = m(
                p.f_successor_usd_per_training_token if moved[i] else p.f_usd_per_training_token
            )
            retrain = m(
                c.training_run_usd((m(p.f_training_examples) + added) * tokens, epochs, price)
            )
            people = m(c.people_usd(m(p.f_hours_per_category_change), rate))
            fine_tuning = people + tuned_labels + retrain
        else:
            first_runs = m(
                c.training_run_usd(
                    k * f_per_cat * tokens,
                    epochs,
                    m(p.f_usd_per_training_token),
                    m(p.f_experiment_multiplier),
                )
            )
            fine_tuning = prompting + tuned_labels + first_runs
        out.append(CategoryChangeCost(month, float(k), live, prompting, fine_tuning))
    return out


def category_change_costs(params: Params, scenario: Scenario) -> dict[str, float]:
    """USD of one category change for prompting and fine-tuning, as the headline quotes it.

    The first change of the schedule from the go-live month on, at its real size (see
    :func:`category_change_events`); without one, a change of one category in the go-live month
    (the last month when go-live falls after the horizon).
    """
    events = [e for e in category_change_events(params) if e.live]
    if not events:
        go = int(c.go_live_month(float(np.mean(params.f_lead_time_weeks))))
        one = np.zeros(params.horizon_months)
        one[min(go, params.horizon_months) - 1] = 1.0
        # (Go-live after the horizon: that change falls in the lead time.)
        events = category_change_events(params.with_values(new_categories=one))
    first = events[0]
    return {"prompting": first.prompting_usd, "fine_tuning": first.fine_tuning_usd}
