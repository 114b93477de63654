"""Scenarios side by side: a headline table, the inputs that differ, overlaid cumulative curves.

Pure functions of projections (one per scenario), so the page's Compare tab, the deck's comparison
slide and the workbook's ``Comparison`` sheet show the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from tcocalc.inputs import query
from tcocalc.model.engine import STRATEGY_LABELS, Strategy
from tcocalc.model.projection import Result
from tcocalc.present import style
from tcocalc.present.charts import base_layout, figure
from tcocalc.present.inert import plotly_text
from tcocalc.present.labels import LABELS, SKIPPED, format_input, label
from tcocalc.present.summary import answer, breakeven_value, difference, usd

MAX_SCENARIOS = 4
DASHES = ("solid", "dash", "dot", "dashdot")
"""One line style per scenario; the colour stays the strategy's."""
CURVES: tuple[Strategy, ...] = ("prompting", "fine_tuning")


@dataclass(frozen=True)
class Comparison:
    """Two to four projections under the names the reader chose."""

    names: tuple[str, ...]
    results: tuple[Result, ...]

    def headline_rows(self) -> list[dict[str, str]]:
        """One row per scenario: the answer, break-evens and totals at its horizon."""
        rows = []
        for name, r in zip(self.names, self.results, strict=True):
            h = r.horizon_months
            saving = r.fine_tuning_breakeven.savings_at_horizon_usd
            rows.append(
                {
                    "Scenario": name,
                    "Answer": answer(r),
                    "Fine-tuning breaks even": breakeven_value(r.fine_tuning_breakeven),
                    "Hybrid breaks even": breakeven_value(r.hybrid_breakeven),
                    "Horizon": f"{h} months",
                    "Prompting": usd(r.total("prompting")),
                    "Fine-tuning": usd(r.total("fine_tuning")),
                    "Hybrid": usd(r.total("hybrid")),
                    "Fine-tuning vs prompting": difference(saving),
                }
            )
        return rows

    def differing_inputs(self) -> list[dict[str, str]]:
        """One row per input whose value differs between the scenarios, each formatted."""
        flat = [query.flatten(r.scenario) for r in self.results]
        rows = []
        for key, f in query.FIELDS.items():
            if key in SKIPPED or key not in LABELS:
                continue
            shown = [format_input(key, v[key]) if query.active(f, v) else "—" for v in flat]
            if len(set(shown)) > 1:
                rows.append({"Input": label(key), **dict(zip(self.names, shown, strict=True))})
        return rows


def compare(named: Sequence[tuple[str, Result]]) -> Comparison:
    """A :class:`Comparison` of 2 to :data:`MAX_SCENARIOS` named projections (names made unique)."""
    if not 2 <= len(named) <= MAX_SCENARIOS:
        raise ValueError(f"compare 2 to {MAX_SCENARIOS} scenarios, not {len(named)}")
    names: list[str] = []
    for name, _ in named:
        unique, n = name, 2
        while unique in names:
            unique, n = f"{name} ({n})", n + 1
        names.append(unique)
    return Comparison(tuple(names), tuple(r for _, r in named))


def overlay_chart(c: Comparison) -> go.Figure:
    """Cumulative cost of prompting and fine-tuning for each scenario on one chart: the colour
    says the strategy, the line style the scenario."""
    data: list[dict[str, Any]] = []
    for i, (name, r) in enumerate(zip(c.names, c.results, strict=True)):
        for s in CURVES:
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": list(range(r.horizon_months + 1)),
                    "y": [0.0, *r.series(s).tolist()],
                    "name": f"{plotly_text(name)}: {STRATEGY_LABELS[s].lower()}",
                    "line": {"color": style.STRATEGY_COLORS[s], "width": 3, "dash": DASHES[i]},
                    "hovertemplate": f"{plotly_text(name)}, {STRATEGY_LABELS[s].lower()}: "
                    "%{y:$,.0f}<extra></extra>",
                }
            )
    layout = base_layout(
        "Cumulative cost, scenarios side by side",
        "USD · colour: strategy · line style: scenario",
        xaxis={"title": {"text": "Month"}},
        yaxis={"title": {"text": "Cumulative cost"}, "tickprefix": "$", "tickformat": ",.0f"},
        hovermode="x unified",
    )  # fmt: skip
    return figure({"data": data, "layout": layout})
