"""The "Analysis" tab: what flips the decision, where, and how sure we are.

Three sections, each a fragment (moving its controls reruns only that section): the tornado with
switching values, the break-even map, and the Monte Carlo. Every number comes from
:mod:`tcocalc.analytics`, every chart from :mod:`tcocalc.present.analytics_charts`; this module reads
widgets and renders. The analyses are cached with ``st.cache_data`` on a fingerprint of the
scenario (its JSON and the prices it uses) and their options, so they are computed again only when
one of those changes.

Session-state keys owned here start with ``an.``; widgets keep their values while another tab is
open (``persist_state="session"``), and so do edited Monte Carlo ranges.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

import streamlit as st

from tcocalc import analytics as A
from tcocalc.model.engine import STRATEGIES, STRATEGY_LABELS
from tcocalc.model.projection import Result
from tcocalc.model.scenario import Scenario
from tcocalc.present import analytics_charts as charts
from tcocalc.present import methods
from tcocalc.present.charts import plotly_config, slug
from tcocalc.pricing.catalog import Catalog
from tcocalc_app import look, safe

PREFIX = "an."
SHARE = "an.share"
CHALLENGER = "an.challenger"
MAP_X = "an.map_x"
MAP_Y = "an.map_y"
DRAWS = "an.draws"
SEED = "an.seed"
DISTRIBUTION = "an.distribution"
RANGES_ROWS = "an.ranges.rows"
"""The Monte Carlo ranges as the editor last returned them (list of row dicts)."""
RANGES_FOR = "an.ranges.for"
"""Fingerprint of the scenario the default ranges were made for."""
RANGES_EDITED = "an.ranges.edited"
RANGES_VERSION = "an.ranges.version"
RANGES_DATA = "an.ranges.data"
"""The rows the mounted editor started from (its edits are relative to them)."""
SHOW_HYBRID = "view.show_hybrid"
"""The page's hybrid switch (read only)."""
PERSIST = "session"


def fingerprint(result: Result) -> str:
    """What the analyses depend on: the scenario and the prices it was resolved with."""
    text = result.scenario.model_dump_json() + repr(result.params)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


# --- Cached analyses (keyed on the fingerprint and the options; _basis is not hashed) ---------


@st.cache_data(show_spinner=False, max_entries=32)
def _tornado(key: str, share: float, challenger: A.Challenger, _basis: A.Basis) -> A.Tornado:
    del key
    return A.tornado(_basis, share, challenger)


@st.cache_data(show_spinner=False, max_entries=32)
def _map(key: str, x: str, y: str, _basis: A.Basis) -> A.BreakEvenMap:
    del key
    return A.breakeven_map(_basis, x, y)


@st.cache_data(show_spinner=False, max_entries=16)
def _monte_carlo(
    key: str,
    ranges: tuple[tuple[str, float, float, float], ...],
    draws: int,
    seed: int,
    distribution: A.Distribution,
    _basis: A.Basis,
) -> A.MonteCarlo:
    del key
    chosen = [A.Uncertain(*r) for r in ranges]
    return A.monte_carlo(_basis, chosen, draws, seed, distribution)


# --- The tab ----------------------------------------------------------------------------------


def render(result: Result, scenario: Scenario, catalog: Catalog) -> None:
    """The Analysis tab for ``result`` (``scenario`` and ``catalog`` are what produced it)."""
    del catalog, scenario  # the result carries both (its params hold the prices)
    basis = A.Basis.from_result(result)
    key = fingerprint(result)
    show_hybrid = bool(st.session_state.get(SHOW_HYBRID, True))
    flips_section(result, basis, key)
    st.divider()
    map_section(result, basis, key)
    st.divider()
    monte_carlo_section(result, basis, key, show_hybrid)


@st.fragment
def flips_section(result: Result, basis: A.Basis, key: str) -> None:
    """The tornado, the verdict sentence and every input's switching value."""
    st.subheader("What flips the decision")
    left, right = st.columns([3, 2])
    with left:
        share = st.select_slider(
            "Vary each input by",
            options=A.TORNADO_SHARES,
            value=A.DEFAULT_TORNADO_SHARE,
            format_func="±{:.0%}".format,
            key=SHARE,
            persist_state=PERSIST,
            help="Each input is moved this far down and up, one at a time, the others held.",
        )
    with right:
        challenger = st.segmented_control(
            "Compare with prompting",
            options=list(A.CHALLENGERS),
            default="fine_tuning",
            required=True,
            format_func=STRATEGY_LABELS.__getitem__,
            key=CHALLENGER,
            persist_state=PERSIST,
        )
    name = result.scenario.name
    t = _tornado(key, share, challenger or "fine_tuning", basis)
    st.info(t.sentence, icon="⚖️")
    look.chart(
        charts.tornado_chart(t, name),
        key="an.chart.tornado",
        config=plotly_config(result, f"tornado-{t.challenger}"),
    )
    st.caption(
        "Bars: the difference at the horizon with the input lower (light) or higher (dark). A bar "
        "that crosses the dashed \\$0 line changes which strategy is cheaper (⇄); the axis spans "
        "the bars, so the line shows only when one reaches it. *Flips when*: the input's "
        + methods.SWITCHING_LINE[0].lower()
        + methods.SWITCHING_LINE[1:]
    )
    # A static table: its seven columns wrap instead of scrolling sideways with cut headers.
    st.table(t.display_rows())
    if t.unchanged:
        st.caption(
            "Not in the tornado: "
            + "; ".join(f"{label} ({reason})" for label, reason in t.unchanged)
            + "."
        )
    st.download_button(
        "Tornado and switching values (CSV)",
        functools.partial(A.tornado_csv, t),  # built on click, not on every re-run
        file_name=f"{slug(name)}-tornado.csv",
        mime="text/csv",
        key="an.download.tornado",
        on_click="ignore",
    )


@st.fragment
def map_section(result: Result, basis: A.Basis, key: str) -> None:
    """The cheapest strategy over two chosen drivers, today's scenario marked."""
    st.subheader("Where the decision flips")
    keys = list(A.range_choices(basis).values())
    for widget in (MAP_X, MAP_Y):
        if st.session_state.get(widget) not in (None, *keys):
            del st.session_state[widget]  # an input this scenario does not have
    left, right = st.columns(2)
    with left:
        x = st.selectbox(
            "Across",
            keys,
            index=keys.index("monthly_calls"),
            format_func=A.choice_label,
            key=MAP_X,
            persist_state=PERSIST,
        )
    with right:
        y = st.selectbox(
            "Up",
            keys,
            index=keys.index("new_categories_per_year"),
            format_func=A.choice_label,
            key=MAP_Y,
            persist_state=PERSIST,
        )
    if x == y:
        st.warning("Choose two different inputs for the map.")
        return
    name = result.scenario.name
    m = _map(key, x, y, basis)
    look.chart(
        charts.breakeven_map_chart(m, name),
        key="an.chart.map",
        config=plotly_config(result, "breakeven-map"),
    )
    st.caption(
        f"Each of the {m.points:,} points is a full projection to month "
        f"{m.horizon_months}; the other inputs stay as in the scenario. {m.note or ''}"
    )
    st.download_button(
        "Map grid (CSV)",
        functools.partial(A.map_csv, m),
        file_name=f"{slug(name)}-breakeven-map.csv",
        mime="text/csv",
        key="an.download.map",
        on_click="ignore",
    )


@st.fragment
def monte_carlo_section(result: Result, basis: A.Basis, key: str, show_hybrid: bool) -> None:
    """Ranges for the uncertain inputs, then the odds, the fan and the break-even months."""
    st.subheader("How sure are we")
    st.caption(
        "Give each uncertain input a low, a likely and a high value; every draw picks one value "
        "per input (independently) and projects the whole scenario. Accuracy is in %."
    )
    st.caption(methods.PERT_LINE)
    table, controls = st.columns([3, 1])
    with controls:
        draws = st.number_input(
            "Draws", min_value=500, max_value=50_000, value=A.DEFAULT_DRAWS, step=500,
            key=DRAWS, persist_state=PERSIST,
        )  # fmt: skip
        seed = st.number_input(
            "Seed", min_value=0, max_value=A.MAX_SEED, value=A.DEFAULT_SEED, step=1,
            key=SEED, persist_state=PERSIST,
            help="The same seed and ranges give the same draws, so a shared result can be repeated.",
        )  # fmt: skip
        distribution = st.radio(
            "Distribution",
            ["pert", "triangular"],
            format_func={"pert": "PERT", "triangular": "Triangular"}.__getitem__,
            horizontal=True,
            key=DISTRIBUTION,
            persist_state=PERSIST,
            help="PERT weighs the likely value more (mean (low + 4 likely + high) / 6); "
            "triangular gives the extremes more weight.",
        )
        st.button(
            "Reset ranges", on_click=_reset_ranges, key="an.ranges.reset",
            help="Back to ranges taken from the scenario (volume ±30 %, effort skewed high, …).",
        )  # fmt: skip
    with table:
        rows = ranges_editor(basis, key)
    ranges, problems = A.rows_to_ranges(rows)
    for problem in problems:
        st.warning(safe.text(problem))
    spec = tuple((u.driver, u.low, u.likely, u.high) for u in ranges)
    name = result.scenario.name
    mc = _monte_carlo(key, spec, int(draws), int(seed), distribution or "pert", basis)
    _odds(mc, show_hybrid)
    look.chart(
        charts.fan_chart(mc, name, show_hybrid),
        key="an.chart.fan",
        config=plotly_config(result, "monte-carlo-fan"),
    )
    st.caption(methods.BAND_LINE)
    look.chart(
        charts.breakeven_histogram(mc, name, show_hybrid),
        key="an.chart.breakeven_months",
        config=plotly_config(result, "breakeven-months"),
    )
    if ranges:
        look.chart(
            charts.importance_chart(mc, "fine_tuning", name),
            key="an.chart.importance",
            config=plotly_config(result, "uncertainty-drivers"),
        )
        st.caption(methods.RANK_LINE)
    value_of_information_section(mc, show_hybrid)
    left, right = st.columns(2)
    with left:
        st.download_button(
            f"Every draw (CSV, {mc.draws:,} rows)",
            functools.partial(A.draws_csv, mc),
            file_name=f"{slug(name)}-monte-carlo-draws.csv",
            mime="text/csv",
            key="an.download.draws",
            on_click="ignore",
        )
    with right:
        st.download_button(
            "P10 / P50 / P90 by month (CSV)",
            functools.partial(A.percentiles_csv, mc),
            file_name=f"{slug(name)}-monte-carlo-percentiles.csv",
            mime="text/csv",
            key="an.download.percentiles",
            on_click="ignore",
        )


def value_of_information_section(mc: A.MonteCarlo, show_hybrid: bool) -> None:
    """What knowing each uncertain input before deciding is worth (EVPI, EVPPI)."""
    strategies = STRATEGIES if show_hybrid else STRATEGIES[:2]
    v = A.value_of_information(mc, strategies)
    st.markdown("**What is worth measuring**")
    st.caption(
        v.sentence().replace("$", "\\$"),
        help="Expected saving, over the horizon, from knowing an input's true value before "
        "choosing the strategy (EVPPI; perfect information about everything: EVPI), estimated "
        "from the draws by regression on each input (tcocalc.analytics.value_of_information).",
    )
    if v.evpi_usd > 0:
        # A static table: the ranges editor stays the last data frame of the tab.
        st.table(
            [
                {
                    "Input": r["input"],
                    "Worth knowing": A.format_usd(v.evppi_usd[str(r["driver"])]),
                    "Share of perfect information": f"{r['share_of_evpi']:.0%}",
                }
                for r in v.rows()
            ]
        )


def _odds(mc: A.MonteCarlo, show_hybrid: bool) -> None:
    """The headline figures of the Monte Carlo in one row of metrics."""
    h = mc.horizon_months
    challengers = A.CHALLENGERS if show_hybrid else A.CHALLENGERS[:1]
    cols = iter(st.columns(4 if show_hybrid else 2))
    for c in challengers:
        label = STRATEGY_LABELS[c]
        with next(cols):
            # The month goes in the caption: "... cheaper by month 24" does not fit four columns.
            st.metric(
                f"{label} cheaper",
                f"{mc.probability_cheaper(c):.0%}",
                help=f"Share of the {mc.draws:,} draws in which {label.lower()}'s cumulative cost "
                f"is at or below prompting's at month {h}. Monte Carlo error ±"
                f"{mc.standard_error(c):.1%} (one standard error).",
            )
            month = mc.breakeven_percentile(c, 50)
            st.caption(
                f"of draws, by month {h}; "
                + (
                    f"half break even by month {month}"
                    if month
                    else "fewer than half break even by then"
                )
            )
        with next(cols):
            s = mc.savings_percentiles(c)
            st.metric(
                f"{label} saves (median)",
                A.format_usd(s["p50"]),
                help="Prompting's cumulative cost minus this strategy's at the horizon; "
                "negative: it costs more.",
            )
            st.caption(f"P10 {A.format_usd(s['p10'])} · P90 {A.format_usd(s['p90'])}")


# --- The ranges editor ------------------------------------------------------------------------


def _reset_ranges() -> None:
    st.session_state[RANGES_EDITED] = False
    st.session_state[RANGES_FOR] = None


def ranges_editor(basis: A.Basis, key: str) -> list[dict[str, Any]]:
    """The editable table of ranges; returns its rows (in the units shown).

    Until someone edits them, the ranges follow the scenario (volume ±30 % of today's, …). Edited
    ranges are kept when the scenario changes, and across tab switches.
    """
    state = st.session_state
    if state.get(RANGES_FOR) != key and not state.get(RANGES_EDITED, False):
        rows = A.ranges_to_rows(A.default_ranges(basis))
        state[RANGES_ROWS] = rows
        state[RANGES_DATA] = rows
        state[RANGES_FOR] = key
        state[RANGES_VERSION] = state.get(RANGES_VERSION, 0) + 1
    editor_key = f"an.ranges.editor.{state.get(RANGES_VERSION, 0)}"
    if editor_key not in state:
        # A fresh editor (first run, or back from another tab): start from the last rows.
        state[RANGES_DATA] = state[RANGES_ROWS]
    if look.is_print_view():  # on paper, the ranges as a table (an editor would print cut)
        rows_now: list[dict[str, Any]] = state[RANGES_ROWS]
        st.table(
            [
                {"Uncertain input": r["input"],
                 **{c.title(): f"{r[c]:,.6g}" for c in ("low", "likely", "high")}}
                for r in rows_now
                if r.get("input")
            ]
        )  # fmt: skip
        return rows_now
    options = list(A.range_choices(basis))
    # Without rows the editor would not know its columns: start from one blank row.
    data = state[RANGES_DATA] or [dict.fromkeys(A.RANGE_COLUMNS)]
    edited = st.data_editor(
        data,
        key=editor_key,
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "input": st.column_config.SelectboxColumn(
                "Uncertain input", options=options, required=True, width="large"
            ),
            "low": st.column_config.NumberColumn("Low", format="localized"),
            "likely": st.column_config.NumberColumn("Likely", format="localized"),
            "high": st.column_config.NumberColumn("High", format="localized"),
        },
    )
    rows: list[dict[str, Any]] = [dict(row) for row in edited]
    if rows != state[RANGES_ROWS]:
        state[RANGES_EDITED] = True
    state[RANGES_ROWS] = rows
    if state.get(RANGES_EDITED):
        st.caption("Your ranges are kept when the scenario changes; *Reset ranges* starts over.")
    return rows
