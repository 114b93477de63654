"""The sidebar's inputs for what the bill really says: prompt caching, reasoning tokens, the prompt
that grows with its categories, and the "Money over time" group (discount rate, price trends,
negotiated prices). Each function owns its widgets' session-state keys (``in.<query key>``)."""

from __future__ import annotations

import streamlit as st

from tcocalc.inputs import query
from tcocalc.present import labels
from tcocalc_app import safe
from tcocalc_app import widgets as inputs


def prompting(v: inputs.Values) -> None:
    """Caching of the prompt's static prefix, its growth per category, reasoning tokens."""
    inputs.number(v, "p.static_tokens", "Static prefix tokens per call (cacheable)", 50, fmt="%g")
    inputs.slider(v, "p.cache_hits", "Prompt cache hit rate (% of calls)", 0.01, fmt="percent")
    inputs.number(
        v, "p.tokens_per_cat", "Prompt tokens each new category adds (tokens)", 10, fmt="%g"
    )
    inputs.optional_number(
        v,
        "p.reasoning",
        "Reasoning tokens per call (billed as output)",
        "Reasoning tokens: the catalog's typical figure (0 for models that do not reason)",
        placeholder=0.0,
        step=50.0,
    )


def fine_tuning(v: inputs.Values) -> None:
    """Caching of the tuned model's static prefix, where its provider caches."""
    inputs.number(v, "ft.static_tokens", "Static prefix tokens per call (tuned)", 10, fmt="%g")
    inputs.slider(
        v, "ft.cache_hits", "Cache hit rate, tuned model (% of calls)", 0.01, fmt="percent"
    )


def money(v: inputs.Values) -> None:
    """Discount rate, expected yearly price changes and negotiated prices."""
    inputs.number(v, "discount", "Discount rate (%/year)", 1, fmt="%g")
    inputs.number(v, "p.price_trend", "Yearly change of prompted prices (%/year)", 5, fmt="%g")
    inputs.number(
        v, "ft.price_trend", "Yearly change of tuned serving prices (%/year)", 5, fmt="%g"
    )
    k = inputs.prime("prices", v["prices"] or "")
    text = st.text_input(
        "Negotiated prices (overrides, USD per 1M tokens)",
        key=k,
        placeholder="e.g. gpt-4.1-mini:in=0.3,out=1.2,ft.train=4",
        help="Per model id: in, cached, write, out, batch_in, batch_out, and for its fine-tuning "
        "ft.train, ft.in, ft.cached, ft.write, ft.out, ft.batch_in, ft.batch_out (USD per 1M "
        "tokens), ft.hosting (USD/hour); models separated by ';'. These replace the catalog's "
        "prices for this scenario only and are marked as overrides wherever prices are shown. "
        + inputs.field_help("prices"),
    )
    try:
        v["prices"] = query.parse_value("prices", text) if text.strip() else ""
    except ValueError as exc:
        st.error(f"Negotiated prices not used: {safe.text(exc)}", icon=":material/edit:")
    else:
        if v["prices"]:
            st.caption(safe.text(labels.describe_overrides(str(v["prices"]))))
    inputs.slot("prices")
