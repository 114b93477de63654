"""The top of the page: the title and the live verdict, then break-evens, savings and the cost of a
category change, and the note that the numbers are stale while inputs conflict."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from tcocalc.inputs import query
from tcocalc.model.projection import Result
from tcocalc.present import labels, summary
from tcocalc_app import safe

COMPACT_CSS = """
.block-container { padding-top: 2.2rem; }
h1 { font-size: 2rem !important; padding-bottom: 0.2rem !important; }
[data-testid="stMetricValue"] { font-size: 1.35rem; }
[data-testid="stMetricLabel"] p { white-space: normal; }
"""
"""Room for the headline, the verdict and the break-even chart in one 1280x800 screen."""


def title(values: Mapping[str, query.Value], result: Result, show_hybrid: bool) -> None:
    """The scenario's name, the live verdict as the first line under it, then the scenario's own
    notes, labelled as such (they were written for the file's numbers, not the inputs' now)."""
    st.html(f"<style>{COMPACT_CSS}</style>")
    st.title(safe.text(values["name"]))
    text = summary.verdict(result)
    if show_hybrid:
        text += " " + summary.hybrid_verdict(result)
    st.markdown(f"**{text}**")  # the page's own words (model ids cannot hold Markdown)
    if values["description"]:
        with st.expander("Scenario notes (written with the file, not updated with the inputs)"):
            st.text(str(values["description"]))


def stale(attentions: Sequence[labels.Attention]) -> None:
    """Say that the numbers below are the last ones whose inputs fitted, and what to change."""
    lines = [f"- {labels.group(a.keys[0])}: {a.message}" for a in attentions]
    st.warning(
        "These results are from your last inputs that fitted together; they update once you "
        "change the input marked in the sidebar:\n\n" + "\n".join(lines),
        icon=":material/history:",
    )


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
            f"Fine-tuning by month {horizon}",
            summary.difference(saved),
            help="Prompting's cumulative cost minus fine-tuning's at the horizon.",
        )
        st.caption(summary.difference_sentence("fine_tuning", saved, horizon))
    with next(cols):
        change = h.cost_per_category_change_usd
        st.metric(
            "A category change costs",
            summary.usd(change["fine_tuning"]),
            help="For the fine-tuned model: effort, new labels and a re-train on the grown data "
            "set. For prompting: editing the prompt and its examples.",
        )
        st.caption(f"fine-tuned · {summary.usd(change['prompting'])} prompted")
