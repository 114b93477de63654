"""A projection of one scenario: :func:`project` and its :class:`Result` (monthly components,
totals, break-evens, the cost of a category change)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from tcocalc.model import costs as c
from tcocalc.model.bill_notes import bill_warnings
from tcocalc.model.breakeven import (
    BreakEven,
    CategoryChangeCost,
    breakeven,
    category_change_costs,
    category_change_events,
)
from tcocalc.model.engine import COMPONENTS, STRATEGIES, Strategy, component_mask, compute
from tcocalc.model.params import Params, end_of_availability, resolve
from tcocalc.model.training import training_warnings

if TYPE_CHECKING:
    import pandas as pd

    from tcocalc.model.scenario import Scenario
    from tcocalc.pricing.catalog import Catalog

Arr = npt.NDArray[np.float64]
Basis = Literal["plain", "discounted"]


@dataclass(frozen=True)
class Result:
    """A projection: the monthly components of each strategy, their totals and break-evens.

    ``components[s, k, m]`` is USD in month ``m + 1`` of component ``k`` for strategy ``s``.
    Totals count only the components the accounting toggles include (``mask``).
    """

    scenario: Scenario
    params: Params
    components: Arr
    warnings: tuple[str, ...] = ()

    @property
    def horizon_months(self) -> int:
        return self.params.horizon_months

    @property
    def months(self) -> npt.NDArray[np.int64]:
        return np.arange(1, self.horizon_months + 1)

    @cached_property
    def mask(self) -> npt.NDArray[np.bool_]:
        return component_mask(self.params.include_engineering, self.params.include_error_cost)

    @cached_property
    def monthly_totals(self) -> Arr:
        """USD per month per strategy, shape (3, H), included components only."""
        return self.components[:, self.mask, :].sum(axis=1)

    @cached_property
    def cumulative(self) -> Arr:
        """Cumulative USD at the end of each month per strategy, shape (3, H) (plain dollars)."""
        return np.cumsum(self.monthly_totals, axis=-1)

    @property
    def discount_rate_pct_per_year(self) -> float:
        return float(np.mean(self.params.discount_rate_pct_per_year))

    @cached_property
    def discount_factors(self) -> Arr:
        """What a dollar of each month is worth in month 1's money, shape (H,)."""
        return np.asarray(
            c.discount_factor(self.discount_rate_pct_per_year, self.months.astype(np.float64))
        )

    @cached_property
    def discounted_cumulative(self) -> Arr:
        """Cumulative USD in month 1's money (discounted at the scenario's rate), shape (3, H);
        equal to :attr:`cumulative` at a 0 % discount rate."""
        return np.cumsum(self.monthly_totals * self.discount_factors, axis=-1)

    @property
    def basis(self) -> Basis:
        """What the break-evens compare: ``discounted`` totals when the scenario sets a discount
        rate, else ``plain`` dollars (the two are equal at 0 %)."""
        return "discounted" if self.discount_rate_pct_per_year > 0 else "plain"

    def series(self, strategy: Strategy, basis: Basis | None = None) -> Arr:
        """Cumulative USD of ``strategy``: on the break-even basis, or the one asked for."""
        chosen = self.basis if basis is None else basis
        curves = self.discounted_cumulative if chosen == "discounted" else self.cumulative
        return curves[STRATEGIES.index(strategy)]

    def total(self, strategy: Strategy, month: int | None = None) -> float:
        """Cumulative USD of ``strategy`` at the end of ``month`` (default: the horizon)."""
        m = self.horizon_months if month is None else min(month, self.horizon_months)
        return float(self.cumulative[STRATEGIES.index(strategy), m - 1])

    def component_totals(self, strategy: Strategy) -> dict[str, float]:
        """USD per component over the whole horizon (all components, included or not)."""
        sums = self.components[STRATEGIES.index(strategy)].sum(axis=-1)
        return {name: float(v) for name, v in zip(COMPONENTS, sums, strict=True)}

    @cached_property
    def fine_tuning_breakeven(self) -> BreakEven:
        """Fine-tuning against prompting on the break-even :attr:`basis`."""
        return self.breakeven_on("fine_tuning")

    @cached_property
    def hybrid_breakeven(self) -> BreakEven:
        """The hybrid against prompting on the break-even :attr:`basis`."""
        return self.breakeven_on("hybrid")

    def breakeven_on(self, challenger: Strategy, basis: Basis | None = None) -> BreakEven:
        """A challenger's break-even against prompting on ``basis`` (default: :attr:`basis`)."""
        prompting = self.series("prompting", basis)
        return breakeven(prompting, self.series(challenger, basis), challenger)

    @cached_property
    def cost_per_category_change(self) -> dict[str, float]:
        """USD one category change costs each strategy after go-live (one event, all components):
        the first change from go-live on at its real size, or one category in the go-live month.
        """
        return category_change_costs(self.params, self.scenario)

    @cached_property
    def category_changes(self) -> tuple[CategoryChangeCost, ...]:
        """Every category change of the schedule with its real size and cost to each strategy."""
        return tuple(category_change_events(self.params))

    def table(self) -> pd.DataFrame:
        """Tidy monthly table: month, strategy, component, usd, included (all combinations)."""
        import pandas as pd  # (pandas loads only for the first table)

        h, k = self.horizon_months, len(COMPONENTS)
        return pd.DataFrame(
            {
                "month": np.tile(np.arange(1, h + 1), 3 * k),
                "strategy": np.repeat(STRATEGIES, k * h),
                "component": np.tile(np.repeat(COMPONENTS, h), 3),
                "usd": self.components.reshape(-1),
                "included": np.tile(np.repeat(self.mask, h), 3),
            }
        )


def project(scenario: Scenario, catalog: Catalog) -> Result:
    """Project ``scenario`` over its horizon with the prices in ``catalog``.

    >>> from tcocalc.inputs.loader import load_catalog, load_scenario, SCENARIOS_DIR
    >>> result = project(load_scenario(SCENARIOS_DIR / "customer_support.yaml"), load_catalog())
    >>> result.components.shape
    (3, 7, 24)
    """
    params = resolve(scenario, catalog)
    warnings = tuple(
        [
            (f"month {e.month}: " if e.month >= 1 else "before month 1: ") + e.message
            for e in end_of_availability(scenario, catalog)
        ]
        + list(training_warnings(scenario, catalog))
        + bill_warnings(scenario, catalog)
    )
    return Result(scenario=scenario, params=params, components=compute(params), warnings=warnings)
