"""The page's own tabs: cumulative cost (break-even), monthly cost, hidden costs.

Each tab is one function; only the open tab runs, which keeps a slider move light.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from tcocalc.model.projection import Result
from tcocalc.present import charts, summary
from tcocalc.present import hidden_costs as hidden
from tcocalc_app import look


def breakeven(result: Result, show_hybrid: bool) -> None:
    look.chart(
        charts.cumulative_cost(result, show_hybrid),
        key="chart.cumulative",
        config=charts.plotly_config(result, "cumulative-cost"),
    )
    st.caption(
        "Cumulative cost at the end of each month. Dots: where a challenger becomes cheaper "
        "for good. Diamonds: re-training runs. Triangles and dotted lines: new categories. "
        "Shaded: the fine-tuned model's lead time, when prompting still serves the traffic. "
        "The camera icon saves a 16:9 PNG for slides."
    )
    st.table(summary.totals_table(result, show_hybrid))


def monthly(result: Result, show_hybrid: bool) -> None:
    look.chart(
        charts.monthly_cost(result, show_hybrid),
        key="chart.monthly",
        config=charts.plotly_config(result, "monthly-cost"),
    )
    st.caption("What each strategy spends each month, by component, on the same scale.")


def hidden_costs(result: Result, show_hybrid: bool) -> None:
    st.caption(
        "The reference article's comparison of hidden costs, with this scenario's numbers. "
        "Dollar amounts follow the toggles above."
    )
    st.table(hidden.hidden_cost_table(result))


TABS: dict[str, Callable[[Result, bool], None]] = {
    "Break-even": breakeven,
    "Monthly cost": monthly,
    "Hidden costs": hidden_costs,
}
"""The page's own tabs, in order, before the pluggable ones (see :mod:`tcocalc_app.tabs`)."""
