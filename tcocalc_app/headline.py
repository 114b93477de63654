"""The top of the page: break-evens, savings, the cost of a category change and the verdict."""

from __future__ import annotations

import streamlit as st

from tcocalc import summary
from tcocalc.engine import Result


def render(result: Result, show_hybrid: bool) -> None:
    """Metrics in one row, then the verdict beside the table of cumulative costs."""
    h = summary.headline(result)
    horizon = h.horizon_months
    cols = st.columns(4 if show_hybrid else 3)
    with cols[0]:
        st.metric(
            "Fine-tuning breaks even",
            h.fine_tuning.value,
            help="First month from which fine-tuning's cumulative cost stays at or below "
            "prompting's. " + h.fine_tuning.detail.capitalize() + ".",
        )
        st.caption(h.fine_tuning.detail)
    i = 1
    if show_hybrid:
        with cols[1]:
            st.metric("Hybrid breaks even", h.hybrid.value)
            st.caption(h.hybrid.detail)
        i = 2
    with cols[i]:
        saved = h.savings_usd["fine_tuning"][horizon]
        st.metric(
            f"Fine-tuning saves by month {horizon}",
            summary.usd(saved),
            help="Prompting's cumulative cost minus fine-tuning's; "
            "negative: fine-tuning costs more.",
        )
        st.caption("vs prompting, cumulative" if saved >= 0 else "it costs more than prompting")
    with cols[i + 1]:
        change = h.cost_per_category_change_usd
        st.metric(
            "One category change costs",
            summary.usd(change["fine_tuning"]),
            help="Fine-tuning: effort, new labels and a re-train on the grown data set. "
            "Prompting: editing the prompt and its examples.",
        )
        st.caption(f"fine-tuning · {summary.usd(change['prompting'])} with prompting")

    left, right = st.columns([5, 6])
    with left:
        text = h.verdict
        if show_hybrid:
            text += " " + summary.hybrid_verdict(result)
        st.info(text)
    with right:
        st.dataframe(summary.totals_table(result, show_hybrid), width="stretch")
