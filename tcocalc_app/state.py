"""The page's session state: the current inputs, where they came from, and the URL that shares them.

``values`` (a flat ``{key: value}`` dict, see :mod:`tcocalc.inputs.query`) is the one source of truth
for the inputs; widgets (keys ``in.<key>``) are primed from it and write back to it. Loading a
scenario — the picker, the reset button, an upload or a shared URL — replaces ``values`` and drops
the widget keys so every widget shows the new numbers.

The query string holds ``scenario=<file stem>``, the inputs that differ from that file
(:func:`tcocalc.inputs.query.encode`) and the page's view switches (``hybrid=0``).
"""

from __future__ import annotations

import contextlib
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from tcocalc.inputs import query
from tcocalc.inputs.loader import InputFileError, parse_scenario
from tcocalc.model.scenario import Scenario
from tcocalc.present import labels
from tcocalc.pricing.catalog import Catalog
from tcocalc_app import data

WIDGET_PREFIX = "in."
SCENARIO_PARAM = "scenario"
HYBRID_PARAM = "hybrid"
PRINT_PARAM = "print"  # the print view (tcocalc_app.look)
PAGE_PARAMS = (SCENARIO_PARAM, HYBRID_PARAM, PRINT_PARAM)

VALUES = "values"
PICK = "pick"  # the scenario picker's widget key
SHOW_HYBRID = "view.show_hybrid"
URL_WARNINGS = "url_warnings"
UPLOAD = "upload"
UPLOAD_ERRORS = "upload_errors"
UPLOAD_NOTE = "upload_note"
COMPARE_PARAMS = "compare.params"
"""The Compare tab's part of the link (``compare=...``, ``c.<name>=...``), kept by :func:`sync_url`."""
LAST_GOOD = "last_good"
"""The last scenario the inputs formed: shown while the inputs do not fit together."""


@dataclass(frozen=True)
class Context:
    """What the callbacks need to load a scenario."""

    catalog: Catalog
    catalog_key: str
    choices: dict[str, Path]
    """Scenario files by stem."""
    titles: dict[str, str]
    """What the picker shows for each stem: the scenario's name."""


def context(catalog: Catalog, catalog_key: str) -> Context:
    choices = data.scenario_choices()
    titles = {}
    for stem, path in choices.items():
        try:
            titles[stem] = data.load_base(path, catalog, catalog_key).name
        except InputFileError:
            titles[stem] = f"{path.name} (has errors)"
    return Context(catalog, catalog_key, choices, titles)


def values(ctx: Context | None = None, base: Scenario | None = None) -> dict[str, query.Value]:
    """The current inputs; loaded from ``base`` first if there are none yet (a session whose
    starting file had errors until now)."""
    if not st.session_state.get(VALUES) and base is not None and ctx is not None:
        load_values(query.flatten(base, ctx.catalog))
    v: dict[str, query.Value] = st.session_state[VALUES]
    return v


def _drop_widget_state() -> None:
    for key in [k for k in st.session_state if str(k).startswith(WIDGET_PREFIX)]:
        del st.session_state[key]


def load_values(new: MutableMapping[str, query.Value]) -> None:
    """Make ``new`` the current inputs and let every widget show them."""
    st.session_state[VALUES] = dict(new)
    _drop_widget_state()


def base_scenario(ctx: Context) -> Scenario:
    """The scenario file chosen in the picker (raises ``ScenarioFileError`` if it is invalid)."""
    return data.load_base(ctx.choices[st.session_state[PICK]], ctx.catalog, ctx.catalog_key)


def init(ctx: Context) -> None:
    """On a session's first run: read the URL into the inputs, collecting warnings."""
    if VALUES in st.session_state:
        return
    params = st.query_params.to_dict()
    warnings: list[str] = []
    stem = params.get(SCENARIO_PARAM) or next(iter(ctx.choices))
    if stem not in ctx.choices:
        fallback = next(iter(ctx.choices))
        warnings.append(
            f"The link asks for the scenario “{stem}”, which is not one of the scenario files "
            f"({', '.join(ctx.choices)}); showing {fallback}."
        )
        stem = fallback
    show_hybrid = True
    if HYBRID_PARAM in params:
        try:
            show_hybrid = query.parse_bool(params[HYBRID_PARAM])
        except query.QueryValueError as exc:
            warnings.append(
                f"“Show hybrid” = {params[HYBRID_PARAM]} from the link was not used: {exc}."
            )
    st.session_state[PICK] = stem
    st.session_state[SHOW_HYBRID] = show_hybrid
    st.session_state[URL_WARNINGS] = warnings
    st.session_state[UPLOAD_ERRORS] = []
    st.session_state[VALUES] = {}
    try:
        base = base_scenario(ctx)
    except InputFileError:
        return  # the page shows the file's errors; the inputs load once a valid file is picked
    from tcocalc_app import compare  # the Compare tab reads its own part of the link

    warnings.extend(compare.link_params(params, ctx.catalog))
    params = {k: v for k, v in params.items() if k != compare.PARAM}
    params = {k: v for k, v in params.items() if not k.startswith(compare.SAVED_PREFIX)}
    decoded = query.decode(params, base, ctx.catalog, reserved=PAGE_PARAMS)
    warnings.extend(labels.link_warning(i) for i in decoded.ignored)
    load_values(decoded.values)


def reset_to_pick(ctx: Context) -> None:
    """Callback of the picker and the reset button: the chosen file's values, unchanged.

    A file with errors leaves the inputs as they are (the page lists its errors)."""
    with contextlib.suppress(InputFileError):
        load_values(query.flatten(base_scenario(ctx), ctx.catalog))
    st.session_state[URL_WARNINGS] = []
    st.session_state[UPLOAD_ERRORS] = []
    st.session_state[UPLOAD_NOTE] = ""


def on_upload(ctx: Context) -> None:
    """Callback of the uploader: load a valid file; for an invalid one keep the inputs as they are
    and list its problems (``file:line:col: field: message``)."""
    uploaded = st.session_state.get(UPLOAD)
    if uploaded is None:
        return
    try:
        scenario = parse_scenario(uploaded.getvalue(), uploaded.name, ctx.catalog)
    except InputFileError as exc:
        st.session_state[UPLOAD_ERRORS] = [str(p) for p in exc.problems]
        st.session_state[UPLOAD_NOTE] = ""
        return
    load_values(query.flatten(scenario, ctx.catalog))
    st.session_state[UPLOAD_ERRORS] = []
    st.session_state[UPLOAD_NOTE] = f"Loaded {uploaded.name}: {scenario.name}"


def sync_url(scenario: Scenario, base: Scenario, catalog: Catalog) -> None:
    """Write the inputs that differ from the picked file (and the view switches) to the URL."""
    params = {SCENARIO_PARAM: str(st.session_state[PICK])}
    params.update(query.encode(scenario, base, catalog))
    if not st.session_state.get(SHOW_HYBRID, True):
        params[HYBRID_PARAM] = "0"
    params.update(st.session_state.get(COMPARE_PARAMS) or {})
    if st.query_params.get(PRINT_PARAM) == "1":
        params[PRINT_PARAM] = "1"
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


def remember_good(scenario: Scenario) -> None:
    st.session_state[LAST_GOOD] = scenario


def last_good(base: Scenario) -> Scenario:
    """The scenario of the last inputs that fitted together (``base`` before any did)."""
    good = st.session_state.get(LAST_GOOD)
    return good if isinstance(good, Scenario) else base


def for_link(
    v: MutableMapping[str, query.Value],
    problems: list[query.ValueProblem],
    good: Scenario,
    catalog: Catalog,
) -> Scenario:
    """The scenario the link shares while inputs conflict: every input as set, except those of a
    broken rule, which keep their last good values (the last good scenario if even that fails)."""
    kept = query.flatten(good, catalog)
    merged = dict(v)
    for problem in problems:
        for key in problem.keys:
            merged[key] = kept[key]
    try:
        return query.build(merged, catalog)
    except query.ScenarioValuesError:
        return good
