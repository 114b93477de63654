"""The sidebar's widget helpers: each reads a value from the flat ``values`` dict, shows a widget
bounded by the scenario field's own limits, and writes what the user set back.

Widget keys are ``in.<query key>`` (:data:`tcocalc_app.state.WIDGET_PREFIX`); every tooltip is the
scenario field's description (it states the unit). Under each control :func:`slot` reserves a
place where :func:`flag` can put a message about it later in the run.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import streamlit as st

from tcocalc.inputs import query
from tcocalc.present import labels
from tcocalc_app import safe, state

Values = dict[str, query.Value]


def wkey(key: str) -> str:
    """The widget key of a query key."""
    return state.WIDGET_PREFIX + key


def prime(key: str, value: Any) -> str:
    """Give the widget its value from ``values`` unless it already holds one."""
    k = wkey(key)
    if k not in st.session_state:
        st.session_state[k] = value
    return k


SLOTS: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("attention_slots")
"""Per script run (each session runs in its own thread, so its own context): an empty element
under each control, and above each group, where :func:`flag` can put a message later in the run."""


def slot(key: str) -> None:
    """Reserve the place under ``key``'s control for a message about it."""
    slots = SLOTS.get(None)
    if slots is not None:
        slots[key] = st.empty()


def flag(attentions: Iterable[labels.Attention]) -> None:
    """Put each message next to the control it is about (or above its group when closed)."""
    slots = SLOTS.get(None) or {}
    for attention in attentions:
        for key in attention.keys:
            if key in slots:
                slots[key].error(safe.text(attention.message), icon=":material/edit:")
            elif "group:" + labels.group(key) in slots:
                slots["group:" + labels.group(key)].error(
                    f"{labels.label(key)}: {safe.text(attention.message)}", icon=":material/edit:"
                )


def field_help(key: str, extra: str = "") -> str:
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
        k = prime(key, int(v[key]))  # type: ignore[arg-type]
        v[key] = st.number_input(
            label,
            min_value=lo_i,
            max_value=hi_i,
            step=int(step),
            key=k,
            help=field_help(key, help_extra),
        )
    else:
        k = prime(key, float(v[key]))  # type: ignore[arg-type]
        v[key] = st.number_input(
            label,
            min_value=None if low is None else float(low),
            max_value=None if high is None else float(high),
            step=float(step),
            format=fmt,
            key=k,
            help=field_help(key, help_extra),
        )
    slot(key)


def slider(
    v: Values, key: str, label: str, step: float, *, fmt: str | None = None, help_extra: str = ""
) -> None:
    """A slider over the field's whole allowed range (so any valid value can be shown)."""
    f = query.FIELDS[key]
    low, high = f.bounds
    assert low is not None and high is not None, key
    if f.kind == "integer":
        k = prime(key, int(v[key]))  # type: ignore[arg-type]
        v[key] = st.slider(
            label,
            int(low),
            int(high),
            step=int(step),
            format=fmt,
            key=k,
            help=field_help(key, help_extra),
        )
    else:
        k = prime(key, float(v[key]))  # type: ignore[arg-type]
        v[key] = st.slider(
            label, low, high, step=float(step), format=fmt, key=k, help=field_help(key, help_extra)
        )
    slot(key)


def pick(
    v: Values,
    key: str,
    label: str,
    options: Sequence[str],
    format_func: Callable[[str], str],
    details: Callable[[str], str],
) -> None:
    """A catalog picker (options: id · price · as_of) with the chosen entry's details under it.

    An id the list lacks (e.g. a model from the genai-prices snapshot) is added to it."""
    current = str(v[key])
    choices = list(options) if current in options or not current else [current, *options]
    k = prime(key, current if current in choices else (choices[0] if choices else None))
    chosen = st.selectbox(label, choices, format_func=format_func, key=k, help=field_help(key))
    v[key] = chosen
    if chosen:
        st.caption(details(chosen))
    slot(key)


KIND_HELP = {
    query.TRAINING_KEY: "Provider API: the provider fine-tunes its model, billed per training "
    "token. Own GPUs: an open-weights model trained on rented GPUs, billed per GPU-hour.",
    query.SERVING_KEY: "Provider-hosted: the provider serves the tuned model at its fine-tuned "
    "token prices. Serverless LoRA: a provider serves the adapter at the base model's token "
    "prices. Dedicated GPUs: own replicas billed by the hour, busy or idle.",
}


def choice(
    v: Values,
    key: str,
    label: str,
    labels: dict[str, str],
    on_change: Callable[..., None] | None = None,
    args: tuple[Any, ...] = (),
) -> None:
    k = prime(key, v[key])
    v[key] = st.radio(
        label,
        list(labels),
        format_func=labels.__getitem__,
        key=k,
        horizontal=True,
        help=KIND_HELP.get(key) or field_help(key),
        on_change=on_change,
        args=args,
    )
    slot(key)


def optional_number(
    v: Values, key: str, label: str, auto_label: str, *, placeholder: float, step: float
) -> None:
    """A number the page derives unless the user unticks ``auto_label`` and enters one."""
    auto_key = f"{wkey(key)}#auto"
    if auto_key not in st.session_state:
        st.session_state[auto_key] = v[key] is None
    auto = st.checkbox(auto_label, key=auto_key, help=field_help(key))
    low, high = query.FIELDS[key].bounds
    k = prime(key, placeholder if v[key] is None else float(v[key]))  # type: ignore[arg-type]
    value = st.number_input(
        label,
        min_value=low,
        max_value=high,
        step=float(step),
        format="%g",
        key=k,
        disabled=auto,
        help=field_help(key, "Untick the box above to enter a measured value."),
    )
    v[key] = None if auto else float(value)
    slot(key)
