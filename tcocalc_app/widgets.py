"""Widget helpers of the sidebar: each input's widget key, its first value, the place under it
for a message, and number inputs and sliders bounded by the field's own limits."""

from __future__ import annotations

import contextvars
from collections.abc import Iterable
from typing import Any

import streamlit as st

from tcocalc.inputs import query
from tcocalc.present import labels
from tcocalc_app import state

Values = dict[str, query.Value]


def wkey(key: str) -> str:
    """The widget key of a query key."""
    return state.WIDGET_PREFIX + key


def _prime(key: str, value: Any) -> str:
    """Give the widget its value from ``values`` unless it already holds one."""
    k = wkey(key)
    if k not in st.session_state:
        st.session_state[k] = value
    return k


_SLOTS: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("attention_slots")
"""Per script run (each session runs in its own thread, so its own context): an empty element
under each control, and above each group, where :func:`flag` can put a message later in the run."""


def _slot(key: str) -> None:
    """Reserve the place under ``key``'s control for a message about it."""
    slots = _SLOTS.get(None)
    if slots is not None:
        slots[key] = st.empty()


def flag(attentions: Iterable[labels.Attention]) -> None:
    """Put each message next to the control it is about (or above its group when closed)."""
    slots = _SLOTS.get(None) or {}
    for attention in attentions:
        for key in attention.keys:
            if key in slots:
                slots[key].error(attention.message, icon=":material/edit:")
            elif "group:" + labels.group(key) in slots:
                slots["group:" + labels.group(key)].error(
                    f"{labels.label(key)}: {attention.message}", icon=":material/edit:"
                )


def _help(key: str, extra: str = "") -> str:
    text = query.FIELDS[key].description
    return f"{text} {extra}".strip()


def number(
    v: Values,
    key: str,
    label: str,
    step: float,
    *,
    fmt: str | None = None,
    min_value: float | None = None,
    help_extra: str = "",
) -> None:
    """A number input bounded by the field's own limits."""
    f = query.FIELDS[key]
    low, high = f.bounds
    low = low if min_value is None else min_value
    if f.kind == "integer":
        lo_i = None if low is None else int(low)
        hi_i = None if high is None else int(high)
        k = _prime(key, int(v[key]))  # type: ignore[arg-type]
        v[key] = st.number_input(
            label,
            min_value=lo_i,
            max_value=hi_i,
            step=int(step),
            key=k,
            help=_help(key, help_extra),
        )
    else:
        k = _prime(key, float(v[key]))  # type: ignore[arg-type]
        v[key] = st.number_input(
            label,
            min_value=None if low is None else float(low),
            max_value=None if high is None else float(high),
            step=float(step),
            format=fmt,
            key=k,
            help=_help(key, help_extra),
        )
    _slot(key)


def slider(
    v: Values, key: str, label: str, step: float, *, fmt: str | None = None, help_extra: str = ""
) -> None:
    """A slider over the field's whole allowed range (so any valid value can be shown)."""
    f = query.FIELDS[key]
    low, high = f.bounds
    assert low is not None and high is not None, key
    if f.kind == "integer":
        k = _prime(key, int(v[key]))  # type: ignore[arg-type]
        v[key] = st.slider(
            label,
            int(low),
            int(high),
            step=int(step),
            format=fmt,
            key=k,
            help=_help(key, help_extra),
        )
    else:
        k = _prime(key, float(v[key]))  # type: ignore[arg-type]
        v[key] = st.slider(
            label, low, high, step=float(step), format=fmt, key=k, help=_help(key, help_extra)
        )
    _slot(key)
