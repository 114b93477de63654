"""The top of the page: the title and the live verdict, then break-evens, savings and the cost of a
category change, one row of notes (the scenario's own, the engine's warnings, the link's), and the
note that the numbers are stale while inputs conflict.

It fits the break-even chart's plot into a 1280x800 screen: the notes and warnings sit in closed
expanders whose labels say how many there are."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from tcocalc.inputs import query
from tcocalc.model.projection import Result
from tcocalc.present import labels, summary
from tcocalc_app import safe


def title(values: Mapping[str, query.Value], result: Result, show_hybrid: bool) -> None:
    """The scenario's name and the live verdict as the first line under it."""
    st.title(safe.text(values["name"]))
    text = summary.verdict(result)
    if show_hybrid:
        text += " " + summary.hybrid_verdict(result)
    with st.container(key="tco-verdict"):
        st.markdown(f"**{text}**")


def notes(
    description: str,
    warnings: Sequence[str],
    link_warnings: Sequence[str],
    expanded: bool = False,
) -> None:
    """One row of expanders (closed unless ``expanded``): the scenario's own notes (labelled as
    written with the file, not updated with the inputs), then the engine's and the link's warnings,
    counted."""
    shown = [bool(description), bool(warnings or link_warnings)]
    if not any(shown):
        return
    cols = iter(st.columns(2))
    if description:
        with (
            next(cols),
            st.expander(
                "Scenario notes (written with the file, not the inputs)", expanded=expanded
            ),
        ):
            st.text(description)
    if warnings or link_warnings:
        n = len(warnings) + len(link_warnings)
        with (
            next(cols),
            st.expander(
                f"{n} warning{'s' if n != 1 else ''} to read",
                icon=":material/warning:",
                expanded=expanded,
            ),
        ):
            # Warnings quote model names and link values: shown as typed (tcocalc_app.safe).
            if warnings:
                st.markdown(safe.lines(warnings))
            if link_warnings:
                st.caption("Some parts of the link were not used:")
                st.markdown(safe.lines(link_warnings))


def stale(attentions: Sequence[labels.Attention]) -> None:
    """Say that the numbers below are the last ones whose inputs fitted, and what to change."""
    lines = [f"- {labels.group(a.keys[0])}: {safe.text(a.message)}" for a in attentions]
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
