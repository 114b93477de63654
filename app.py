"""tcocalc's page: pick a scenario, move the inputs, see whether and when fine-tuning pays off.

This file only arranges the page. Inputs live in ``tcocalc_app.inputs`` (one function per sidebar
group), the URL and session state in ``tcocalc_app.state``; numbers come from the engine
(``tcocalc.model.projection.project``), words from ``tcocalc.present.summary``, charts from
``tcocalc.present.charts``.

Tabs "Analysis", "Pricing" and "Export" call ``render(result, scenario, catalog)`` of
``tcocalc_app.analytics``, ``tcocalc_app.pricing`` and ``tcocalc_app.export`` when those modules
exist (see ``tcocalc_app.tabs``).
"""

import importlib

import streamlit as st

from tcocalc.inputs import query
from tcocalc.inputs.loader import InputFileError
from tcocalc.model.projection import project
from tcocalc.present import labels
from tcocalc_app import data, headline, inputs, look, overview, safe, state, tabs

print_view = look.is_print_view()
# plotly and the tables import pandas lazily, from several script threads at once; a half-imported
# pandas raises in the others (the Analysis tab lost its charts). Import it once, here.
importlib.import_module("pandas")

st.set_page_config(
    page_title="tcocalc: fine-tuning vs prompting",
    page_icon="📈",
    layout="wide",
    # px: room for labels with units and the catalog pickers
    initial_sidebar_state="collapsed" if print_view else 360,
)
look.css(print_view)

try:
    catalog, catalog_key = data.catalog()
except InputFileError as exc:
    st.error("The pricing files have errors; fix them and reload:\n\n" + safe.lines(exc.problems))
    st.stop()
ctx = state.context(catalog, catalog_key)
state.init(ctx)
with st.sidebar:
    st.header("Inputs")
    inputs.scenario_source(ctx)
try:
    base = state.base_scenario(ctx)
except InputFileError as exc:
    st.error(
        "This scenario file has errors; pick another one or fix the file:\n\n"
        + safe.lines(exc.problems)
    )
    st.stop()
values = state.values(ctx, base)
with st.sidebar:
    inputs.sidebar(ctx, values)

top = st.container(key="tco-top")  # title, verdict: filled once the result is known
show_hybrid = inputs.toggles(values)
try:
    scenario = query.build(values, catalog)
    problems: list[query.ValueProblem] = []
    state.remember_good(scenario)
except query.ScenarioValuesError as exc:
    problems = exc.problems
    scenario = state.last_good(base)
    inputs.flag(labels.explain(p, values) for p in problems)
shared = state.for_link(values, problems, scenario, catalog) if problems else scenario
state.sync_url(shared, base, catalog)
with st.sidebar:
    inputs.download(scenario)
    look.print_link()
result = project(scenario, catalog)

with top:
    headline.title(values, result, show_hybrid)
    if problems:
        headline.stale([labels.explain(p, values) for p in problems])

headline.render(result, show_hybrid)
headline.notes(
    str(values["description"] or ""),
    result.warnings,
    st.session_state.get(state.URL_WARNINGS) or [],
    expanded=print_view,
)


def render_tab(title: str) -> None:
    if title in overview.TABS:
        overview.TABS[title](result, show_hybrid)
    else:
        tabs.render(title, result, scenario, catalog, print_view)


titles = [*overview.TABS, *tabs.PLUGGABLE]
if print_view:
    # Every tab one after another, under the inputs (tabs that only offer downloads are left out).
    look.print_header(scenario)
    for title in titles:
        if tabs.printed(title) and (
            title != "Compare" or st.session_state.get(state.COMPARE_PARAMS)
        ):
            st.header(title, divider="gray")
            render_tab(title)
else:
    # Tabs run lazily: only the open one renders (its functions are listed in overview.TABS and
    # tabs.PLUGGABLE).
    opened = st.tabs(titles, key="tab", on_change="rerun")
    for title, tab in zip(titles, opened, strict=True):
        if tab.open:
            with tab:
                render_tab(title)
