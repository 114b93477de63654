"""The "Evidence" tab: paste the prompt, upload the traffic export and the eval set, apply.

Each section computes with :mod:`tcocalc.evidence` (pure functions), shows what it found and a
preview of the scenario fields it would change, and applies them only on a click: the whole set
is validated first (:func:`tcocalc.evidence.changes.apply_changes`), so the inputs either all
change or stay as they were. Monte Carlo ranges from the evidence go into the Analysis tab's
ranges editor. File contents and problems are shown as text or in tables (inert), never as
markdown. Session-state keys owned here start with ``ev.``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from tcocalc import analytics as A
from tcocalc.evidence.changes import (
    Change,
    EvidenceError,
    Range,
    apply_changes,
    changes_table,
    page_values,
    ranges_table,
)
from tcocalc.evidence.evals import MAX_EVAL_BYTES, read_eval
from tcocalc.evidence.tokens import MAX_PROMPT_CHARS, cost_of_one_call_usd, count_prompt
from tcocalc.evidence.traffic import read_traffic
from tcocalc.model.projection import Result
from tcocalc.model.scenario import Scenario
from tcocalc.pricing.catalog import Catalog, UnknownIdError
from tcocalc_app import analytics, state

NOTE = "ev.note"


def render(result: Result, scenario: Scenario, catalog: Catalog) -> None:
    """The Evidence tab for the current ``scenario``."""
    del result
    note = st.session_state.pop(NOTE, None)
    if note:
        st.success(inert(note))
    prompt_section(scenario, catalog)
    st.divider()
    traffic_section(scenario)
    st.divider()
    eval_section(scenario)


_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!<>|$~"})


def inert(text: str) -> str:
    """``text`` with markdown's special characters escaped, for st.warning and friends."""
    return text.translate(_MARKDOWN)


def _problems(exc: EvidenceError) -> None:
    st.error(f"{len(exc.problems)} problem(s); nothing was changed.")
    st.code("\n".join(map(str, exc.problems)), language=None)


def _preview(scenario: Scenario, changes: list[Change], ranges: list[Range], key: str) -> None:
    """The fields that would change, the ranges, and the button that applies them."""
    if changes:
        st.dataframe(changes_table(scenario, changes), hide_index=True)
    if ranges:
        st.caption("Monte Carlo ranges (they replace these inputs' ranges on the Analysis tab):")
        st.dataframe(ranges_table(ranges), hide_index=True)
    if changes or ranges:
        st.button(
            "Apply to the scenario", key=f"ev.apply.{key}", type="primary",
            on_click=_apply, args=(scenario, changes, ranges, key),
        )  # fmt: skip


def _apply(scenario: Scenario, changes: list[Change], ranges: list[Range], key: str) -> None:
    try:
        apply_changes(scenario, changes)  # all or nothing: validate before touching the inputs
    except EvidenceError as exc:
        st.session_state[NOTE] = None
        st.session_state[f"ev.error.{key}"] = exc
        return
    current = dict(state.values())
    current.update(page_values(changes))
    state.load_values(current)
    if ranges:
        _push_ranges(ranges)
    st.session_state[NOTE] = (
        f"Applied {len(changes)} field(s)"
        + (f" and {len(ranges)} range(s)" if ranges else "")
        + f" from the {key}."
    )


def _push_ranges(ranges: list[Range]) -> None:
    """Put the evidence's ranges into the Analysis tab's editor (kept as edited ranges)."""
    ss = st.session_state
    existing, _ = A.rows_to_ranges(ss.get(analytics.RANGES_ROWS) or [])
    merged = {u.driver: u for u in existing}
    for r in ranges:
        merged[r.driver] = A.Uncertain(*r.as_tuple())
    rows = A.ranges_to_rows(merged.values())
    ss[analytics.RANGES_ROWS] = rows
    ss[analytics.RANGES_DATA] = rows
    ss[analytics.RANGES_EDITED] = True
    ss[analytics.RANGES_VERSION] = ss.get(analytics.RANGES_VERSION, 0) + 1


# --- prompt -----------------------------------------------------------------------------------


def prompt_section(scenario: Scenario, catalog: Catalog) -> None:
    st.subheader("Count the prompt")
    st.caption(
        "Paste the prompt you send. Mark the variable part with {text}; mark few-shot examples "
        'with <example category="NAME">...</example>. OpenAI models are counted exactly '
        "(offline); other providers get a labelled estimate."
    )
    model_id = scenario.prompting.model
    provider = None
    prices = None
    try:
        entry = catalog.model(model_id)
        provider, prices = entry.provider, entry
    except UnknownIdError:
        pass
    text = st.text_area(
        "Prompt template", key="ev.prompt", height=200, max_chars=MAX_PROMPT_CHARS,
        placeholder="You sort support tickets into ...\n\nTicket: {text}\nLabel:",
    )  # fmt: skip
    sample = st.text_area(
        "A typical input (optional)", key="ev.sample", height=68, max_chars=MAX_PROMPT_CHARS,
        help="Counted as the variable part; without it, the fine-tuned model's input size is used.",
    )  # fmt: skip
    if not text.strip():
        return
    try:
        c = count_prompt(text, model_id, provider, sample_input=sample or None, name="prompt")
    except EvidenceError as exc:
        _problems(exc)
        return
    fallback = scenario.fine_tuning.input_tokens_per_call
    total = c.input_tokens_per_call(fallback) or 0.0
    cols = st.columns(4)
    cols[0].metric("Static prefix", f"{c.static_prefix_tokens:,} tokens", help="Cacheable.")
    cols[1].metric("Per category", f"{c.tokens_per_category:,.0f} tokens",
                   help=f"{c.example_tokens:,} tokens in {len(c.categories)} categories.")  # fmt: skip
    cols[2].metric("Input per call", f"{total:,.0f} tokens")
    if prices is not None:
        out_tokens = scenario.prompting.output_tokens_per_call
        usd = cost_of_one_call_usd(prices, total, out_tokens)
        cols[3].metric("One call", f"${usd:.5f}", help=f"{total:,.0f} in + {out_tokens:,.0f} "
                       f"out tokens at {model_id}'s list prices.")  # fmt: skip
    st.caption(f"{model_id}: {c.tokenizer.label}")
    for w in c.warnings:
        st.warning(inert(w))
    if c.categories:
        st.dataframe(
            [{"category": e.category, "examples": e.examples, "tokens": e.tokens}
             for e in c.categories],
            hide_index=True,
        )  # fmt: skip
    _preview(scenario, c.changes(fallback), c.ranges(fallback), "prompt")
    _late_error("prompt")


def _late_error(key: str) -> None:
    exc = st.session_state.pop(f"ev.error.{key}", None)
    if exc is not None:
        _problems(exc)


# --- traffic ----------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=4)
def _traffic(name: str, size: int, file_id: str, _upload: Any) -> Any:
    del file_id
    bar = st.progress(0.0, text=f"Reading {name}")
    try:
        return read_traffic(_upload, name, size=size, progress=lambda f: bar.progress(f))
    finally:
        bar.empty()


def traffic_section(scenario: Scenario) -> None:
    st.subheader("Read the traffic")
    st.caption(
        "A usage export or gateway log, CSV or JSON Lines: OpenAI Usage API buckets, Anthropic or "
        "Gemini usage per response, a LiteLLM / Helicone / Portkey log, or any CSV with a "
        "timestamp column (and input_tokens, output_tokens, category, ...)."
    )
    up = st.file_uploader("Usage export", type=["csv", "jsonl", "json"], key="ev.traffic")
    if up is None:
        return
    try:
        up.seek(0)
        t = _traffic(up.name, up.size, up.file_id, up)
    except EvidenceError as exc:
        _problems(exc)
        return
    st.text(
        f"{up.name}: {t.rows:,} rows ({t.layout} layout), {t.calls:,.0f} calls, "
        f"{t.first} to {t.last}"
    )
    st.dataframe(
        [{"month": m.month, "calls": round(m.calls), "covered": f"{m.coverage:.0%}",
          "full-month calls": round(m.full_month_calls)} for m in t.months],
        hide_index=True,
    )  # fmt: skip
    for w in t.warnings:
        st.warning(inert(w))
    _preview(scenario, t.changes(), t.ranges(), "traffic")
    _late_error("traffic")


# --- eval set ---------------------------------------------------------------------------------


def eval_section(scenario: Scenario) -> None:
    st.subheader("Read the eval set")
    st.caption(
        "Rows of example_id, label, prompting, fine_tuning (and category), or counts of "
        f"strategy, correct, total. Up to {MAX_EVAL_BYTES:,} bytes."
    )
    up = st.file_uploader("Eval set", type=["csv", "jsonl", "json"], key="ev.eval")
    if up is None:
        return
    try:
        e = read_eval(up.getvalue(), up.name)
    except EvidenceError as exc:
        _problems(exc)
        return
    if e.distinguishable:
        st.success(inert(e.verdict()))
    else:
        st.warning(inert(e.verdict()))
    st.dataframe(e.table(), hide_index=True)
    for w in e.warnings:
        st.caption(inert(w))
    _preview(scenario, e.changes(), e.ranges(), "eval set")
    _late_error("eval set")
