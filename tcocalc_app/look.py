"""How the page looks: its CSS (a compact top, phone rules, print rules), the theme the browser
asked for, charts drawn in that theme, and the print view (``?print=1``: the inputs and every
tab's content one after another, no sidebar, ready for the browser's Print / Save as PDF).

The theme follows the browser's light/dark preference (or the choice in the page's settings menu):
``.streamlit/config.toml`` defines both, and :func:`chart` draws plotly figures with the matching
template of :mod:`tcocalc.present.style`.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from tcocalc.model.scenario import Scenario
from tcocalc.present import charts, labels, style
from tcocalc_app.state import PRINT_PARAM

PAGE_CSS = """
.block-container { padding-top: 1.2rem; }
h1 { font-size: 1.7rem !important; padding: 0 0 0.1rem 0 !important; }
.st-key-tco-verdict p { font-size: 0.95rem; line-height: 1.45; margin-bottom: 0.3rem; }
[data-testid="stMetricValue"] { font-size: 1.35rem; }
[data-testid="stMetricLabel"] p { white-space: normal; }
[data-testid="stElementContainer"]:has([data-testid="stMetric"]) + [data-testid="stElementContainer"] {
  margin-top: -0.8rem;
}
@media (max-width: 640px) {
  /* A phone: every tab's name in view (wrapped rows, not a row that scrolls sideways), and no
     plotly toolbar over a chart's title (the Export tab has the images). */
  [data-testid="stTabs"] [role="tablist"] { flex-wrap: wrap; row-gap: 0.25rem; }
  [data-testid="stPlotlyChart"] .modebar-container { display: none; }
}
"""
"""Room for the headline, the verdict and the break-even chart's plot in one 1280x800 screen; on a
phone, a tab row that wraps and charts without plotly's toolbar."""

PRINT_CSS = """
@media print {
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stExpandSidebarButton"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDownloadButton"], [data-testid="stBaseButton-secondary"],
  .modebar-container, .st-key-print-link { display: none !important; }
  /* Streamlit scrolls inside a fixed-height box; paper needs the whole length. */
  [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"],
  [data-testid="stMainBlockContainer"] {
    overflow: visible !important; height: auto !important; position: static !important;
  }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: none !important; }
  [data-testid="stPlotlyChart"], [data-testid="stMetric"] { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  /* A box that scrolls cannot be split across pages: let long tables run on. */
  [data-testid="stTable"], [data-testid="stTable"] * { overflow: visible !important; }
  [data-testid="stTable"] table { display: table !important; }  /* inline-table never splits */
}
"""
"""On paper (the print view, or Print from the page): no sidebar, toolbar or buttons, every page."""

PRINT_VIEW_CSS = """
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 700px !important; }
@page { size: A4; margin: 12mm; }
"""
"""The print view on screen: the inputs are listed in the page, so the sidebar goes; one A4
column wide (186 mm is 703 px), because plotly draws its charts at the width they had on screen."""


def css(print_view: bool = False) -> None:
    st.html(f"<style>{PAGE_CSS}{PRINT_CSS}{PRINT_VIEW_CSS if print_view else ''}</style>")


def is_print_view() -> bool:
    return st.query_params.get(PRINT_PARAM) == "1"


def print_link() -> None:
    """A button that opens this page's print view (same inputs, from the link) in a new tab."""
    params = {**st.query_params.to_dict(), PRINT_PARAM: "1"}
    with st.container(key="print-link"):
        st.link_button(
            "Print view (save as PDF)",
            "?" + urllib.parse.urlencode(params),
            width="stretch",
            help="The inputs and every tab's content on one page, without the sidebar: use the "
            "browser's Print, then Save as PDF.",
        )


def print_header(scenario: Scenario) -> None:
    """The print view's note on how to print, then every input under its label, with its unit."""
    st.caption(
        "Print view: the inputs, then every tab of the page. Print it from the browser "
        "(Ctrl+P or ⌘P, then Save as PDF)."
    )
    st.subheader("Inputs")
    st.table(
        [
            {"Group": r.group, "Input": r.label, "Value": r.value}
            for r in labels.input_rows(scenario)
        ]
    )


def theme() -> style.Theme:
    """The page's theme as the browser reports it (light until it has said)."""
    return "dark" if st.context.theme.type == "dark" else "light"


def chart(fig: go.Figure, key: str, config: dict[str, Any] | None = None) -> None:
    """``fig`` on the page, in the page's theme, with plotly's own styling (not Streamlit's)."""
    st.plotly_chart(charts.themed(fig, theme()), config=config, theme=None, key=key)
