"""The Compare tab: two to four scenarios side by side (shipped files, saved inputs, the current).

The rows and the chart come from :mod:`tcocalc.present.compare`. The link carries the choice as
``compare=<a>,<b>[,...]``: a shipped file by its stem, the current inputs as ``current``, and a
saved set of inputs by its name, with its differences from its file in ``c.<name>`` (the same
encoding as the page's own inputs, :func:`tcocalc.inputs.query.encode`).
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import streamlit as st

from tcocalc.inputs import query
from tcocalc.inputs.loader import InputFileError, load_scenario
from tcocalc.model.projection import project
from tcocalc.model.scenario import Scenario
from tcocalc.present import compare as cmp
from tcocalc.present import labels
from tcocalc.pricing.catalog import Catalog
from tcocalc_app import data, look, safe, state

PICK = "compare.pick"
SAVED = "compare.saved"
"""``{name: (file stem, Scenario)}`` of inputs saved under a name in this session."""
SELECTED = "compare.selected"
"""The :class:`~tcocalc.present.compare.Comparison` on screen (the Export tab reads it)."""
PARAM = "compare"
SAVED_PREFIX = "c."
CURRENT = "current"


def link_params(params: dict[str, str], catalog: Catalog) -> list[str]:
    """On a session's first run: the choice a link makes (``compare=...``), saved sets decoded.

    Returns warnings for what could not be used."""
    picked = [p for p in params.get(PARAM, "").split(",") if p]
    if not picked:
        return []
    choices = data.scenario_choices()
    saved: dict[str, tuple[str, Scenario]] = {}
    out, warnings = [], []
    for item in picked[: cmp.MAX_SCENARIOS]:
        if item == CURRENT or item in choices:
            out.append(item)
            continue
        encoded = params.get(SAVED_PREFIX + item)
        if encoded is None:
            warnings.append(f"compare: no scenario {item!r}")
            continue
        given = dict(urllib.parse.parse_qsl(encoded))
        stem = given.pop(state.SCENARIO_PARAM, "")
        if stem not in choices:
            warnings.append(f"compare: {item!r} names no scenario file")
            continue
        try:
            base = load_scenario(choices[stem], catalog)
        except InputFileError:
            warnings.append(f"compare: the file behind {item!r} has errors")
            continue
        decoded = query.decode(given, base, catalog)
        warnings.extend(f"Compared “{item}”: {labels.link_warning(i)}" for i in decoded.ignored)
        saved[item] = (stem, decoded.scenario)
        out.append(item)
    st.session_state[SAVED] = saved
    st.session_state[PICK] = out
    st.session_state["tab"] = "Compare"
    st.session_state[state.COMPARE_PARAMS] = _params(out, saved, catalog)
    return warnings


def _params(
    picked: list[str], saved: dict[str, tuple[str, Scenario]], catalog: Catalog
) -> dict[str, str]:
    if not picked:
        return {}
    out = {PARAM: ",".join(picked)}
    choices = data.scenario_choices()
    for name in picked:
        if name in saved:
            stem, scenario = saved[name]
            try:
                base = load_scenario(choices[stem], catalog)
            except (InputFileError, KeyError):
                continue
            diff = {state.SCENARIO_PARAM: stem, **query.encode(scenario, base, catalog)}
            out[SAVED_PREFIX + name] = urllib.parse.urlencode(diff)
    return out


def render(result: Any, scenario: Scenario, catalog: Catalog) -> None:
    """Pick scenarios; the headline table, the overlaid curves and the inputs that differ."""
    choices = data.scenario_choices()
    saved: dict[str, tuple[str, Scenario]] = st.session_state.setdefault(SAVED, {})
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    with left:
        name = st.text_input(
            "Save the current inputs under a name",
            key="compare.name",
            max_chars=60,
            placeholder="e.g. Cheaper model",
            help="Saved inputs can be compared with the shipped scenarios and travel in the link.",
        )
    with right:
        if st.button("Save", key="compare.save", disabled=not name.strip(), width="stretch"):
            saved[name.strip()] = (str(st.session_state[state.PICK]), scenario)
            picked = list(st.session_state.get(PICK, []))
            if name.strip() not in picked and len(picked) < cmp.MAX_SCENARIOS:
                st.session_state[PICK] = [*picked, name.strip()]
    titles = {stem: load_title(path, catalog) for stem, path in choices.items()}
    options = [*choices, *saved, CURRENT]

    def title(item: str) -> str:
        if item == CURRENT:
            return "The current inputs"
        if item in saved:
            return f"{item} (saved)"
        return titles.get(item, item)

    st.session_state[PICK] = [p for p in st.session_state.get(PICK, []) if p in options]
    picked = st.multiselect(
        "Scenarios to compare (2 to 4)",
        options,
        format_func=title,
        max_selections=cmp.MAX_SCENARIOS,
        key=PICK,
        help="Shipped scenario files, inputs you saved above, and the current inputs.",
    )
    st.session_state[state.COMPARE_PARAMS] = _params(picked, saved, catalog)
    if len(picked) < 2:
        st.session_state[SELECTED] = None
        st.caption("Pick two to four scenarios to see them side by side.")
        return
    named = []
    for item in picked:
        if item == CURRENT:
            named.append(("Current inputs", result))
        elif item in saved:
            named.append((item, project(saved[item][1], catalog)))
        else:
            try:
                named.append(
                    (titles[item], project(load_scenario(choices[item], catalog), catalog))
                )
            except InputFileError as exc:
                st.error(
                    f"{safe.text(title(item))} was left out: its file has errors.\n\n{safe.text(exc)}"
                )
    if len(named) < 2:
        return
    c = cmp.compare(named)
    st.session_state[SELECTED] = c
    st.dataframe(c.headline_rows(), hide_index=True)
    look.chart(cmp.overlay_chart(c), key="compare.chart")
    rows = c.differing_inputs()
    if rows:
        st.markdown("**The inputs that differ**")
        st.dataframe(rows, hide_index=True)
    else:
        st.caption("These scenarios have the same inputs.")


def load_title(path: Any, catalog: Catalog) -> str:
    try:
        return load_scenario(path, catalog).name
    except InputFileError:
        return f"{path.name} (has errors)"
