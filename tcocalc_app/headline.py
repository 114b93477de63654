"""The top of the page: break-evens, savings, the cost of a category change and the verdict."""

from __future__ import annotations

import streamlit as st

from tcocalc.model.projection import Result
from tcocalc.present import summary


def render(result: Result, show_hybrid: bool) -> None:
    """Metrics in one row, then the verdict beside the table of cumulative costs."""
    h = summary.headline(result)
    horizon = h.horizon_months
    cols = iter(st.columns(4 if show_hybrid else 3))
    with next(cols):
        st.metric(
            "Fine-tuning breaks even",
            h.fine_tuning.value,
            help="The month from which fine-tuning's cumulative cost stays at or below "
            "prompting's until the horizon.",
        )
        st.caption(h.fine_tuning.detail)
    if show_hybrid:
        with next(cols):
            st.metric(
                "Hybrid breaks even",
                h.hybrid.value,
                help="The same for the hybrid: tuned model for known categories, prompting for "
                "new ones until the next re-train.",
            )
            st.caption(h.hybrid.detail)
    with next(cols):
        saved = h.savings_usd["fine_tuning"][horizon]
        st.metric(
            f"Savings by month {horizon}",
            summary.usd(saved),
            help="Prompting's cumulative cost minus fine-tuning's at the horizon; negative: "
            "fine-tuning costs more.",
        )
        st.caption("fine-tuning vs prompting" if saved >= 0 else "fine-tuning costs more")
    with next(cols):
        change = h.cost_per_category_change_usd
        st.metric(
            "A category change costs",
            summary.usd(change["fine_tuning"]),
            help="For the fine-tuned model: effort, new labels and a re-train on the grown data "
            "set. For prompting: editing the prompt and its examples.",
        )
        st.caption(f"fine-tuned · {summary.usd(change['prompting'])} prompted")

    left, right = st.columns([5, 6])
    with left:
        text = h.verdict
        if show_hybrid:
            text += " " + summary.hybrid_verdict(result)
        st.info(text)
    with right:
        st.table(summary.totals_table(result, show_hybrid, h))
