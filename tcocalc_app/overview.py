"""The first tab: the two charts and the hidden-cost table."""

from __future__ import annotations

import streamlit as st

from tcocalc import charts, summary
from tcocalc.engine import Result


def render(result: Result, show_hybrid: bool) -> None:
    st.plotly_chart(
        charts.cumulative_cost(result, show_hybrid),
        config=charts.plotly_config(result, "cumulative-cost"),
        theme=None,
        key="chart.cumulative",
    )
    st.plotly_chart(
        charts.monthly_cost(result, show_hybrid),
        config=charts.plotly_config(result, "monthly-cost"),
        theme=None,
        key="chart.monthly",
    )
    st.subheader("The hidden costs, for this scenario")
    st.caption(
        "The comparison from the reference article, with this scenario's numbers. "
        "Dollar amounts follow the toggles above."
    )
    st.table(summary.hidden_cost_table(result))
