"""The sidebar: scenario picker and upload, then one widget group per part of the scenario.

Each group is a function that owns its widgets' session-state keys (``in.<query key>``, see
:data:`tcocalc.inputs.query.FIELDS`) and writes what the user set into the flat ``values`` dict. Labels
carry units; every tooltip is the scenario field's own description.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import streamlit as st

from tcocalc.inputs import query
from tcocalc.inputs.loader import dump_scenario
from tcocalc.model.scenario import Scenario
from tcocalc.model.serving import plan_serving
from tcocalc.model.training import TrainingSetupError, plan_training
from tcocalc.present import gpu_summary, summary
from tcocalc.present.charts import slug
from tcocalc.pricing.catalog import Catalog
from tcocalc_app import bill_inputs, safe, state
from tcocalc_app.state import Context
from tcocalc_app.widgets import (
    SLOTS,
    choice,
    number,
    optional_number,
    pick,
    slider,
    slot,
    wkey,
)
from tcocalc_app.widgets import field_help as _help
from tcocalc_app.widgets import flag as flag  # app.py flags problems next to their controls
from tcocalc_app.widgets import prime as _prime

Values = dict[str, query.Value]

EXACT_CALLS = "in.calls#exact"

TRAINING_LABELS = {"provider_api": "Provider API", "self_hosted": "Own GPUs"}
SERVING_LABELS = {
    "provider_hosted": "Provider-hosted",
    "serverless_lora": "Serverless LoRA",
    "dedicated": "Dedicated GPUs",
}
METHOD_LABELS = {"lora": "LoRA adapter", "qlora": "QLoRA (4-bit base)", "full": "Full fine-tune"}
PRECISION_LABELS = {"bf16": "BF16", "fp8": "FP8"}
SERVING_BASE = "(the serving base model)"


# --- The groups -------------------------------------------------------------------------------


def _calls_from_slider() -> None:
    st.session_state[EXACT_CALLS] = st.session_state[wkey("calls")]
    state.values()["calls"] = st.session_state[wkey("calls")]


def _calls_from_number() -> None:
    st.session_state[wkey("calls")] = st.session_state[EXACT_CALLS]
    state.values()["calls"] = st.session_state[EXACT_CALLS]


def workload(v: Values) -> None:
    """Volume, growth, categories, peak and the horizon."""
    calls = float(v["calls"])  # type: ignore[arg-type]
    options = sorted(set(query.CALL_STEPS) | {calls})
    k = _prime("calls", calls)
    st.select_slider(
        "Calls in month 1 (calls/month)",
        options=options,
        format_func=summary.count,
        key=k,
        help=_help("calls", "Drag, or use the arrow keys; type an exact number below."),
        on_change=_calls_from_slider,
    )
    if EXACT_CALLS not in st.session_state:
        st.session_state[EXACT_CALLS] = calls
    st.number_input(
        "Exact calls in month 1 (calls/month)",
        min_value=0.0,
        max_value=query.FIELDS["calls"].bounds[1],
        step=1000.0,
        format="%.0f",
        key=EXACT_CALLS,
        help="Any volume, e.g. 2400000; the slider above jumps to it.",
        on_change=_calls_from_number,
    )
    slot("calls")
    slider(v, "growth", "Monthly growth (%/month)", 0.5, fmt="%.1f%%")
    number(v, "categories", "Categories today (count)", 1)
    number(v, "peak", "Peak / average traffic (ratio)", 0.5, fmt="%.1f")
    slider(v, "batch", "Share of calls through the batch API (% of calls)", 0.05, fmt="percent")
    slider(v, "horizon", "Horizon (months)", 1)


def _models(catalog: Catalog, ref: query.Ref, tuned: bool = False) -> dict[str, Any]:
    def label(model_id: str) -> str:
        return summary.model_choice_label(model_id, catalog, fine_tuned=tuned)

    def details(model_id: str) -> str:
        return summary.model_details(model_id, catalog, fine_tuned=tuned)

    return {"options": query.catalog_ids(catalog, ref), "format_func": label, "details": details}


def _labeling(catalog: Catalog) -> dict[str, Any]:
    def label(method_id: str) -> str:
        return summary.labeling_choice_label(method_id, catalog)

    def details(method_id: str) -> str:
        return summary.labeling_details(method_id, catalog)

    return {
        "options": query.catalog_ids(catalog, "labeling"),
        "format_func": label,
        "details": details,
    }


def _gpus(catalog: Catalog) -> dict[str, Any]:
    def label(offer_id: str) -> str:
        return summary.gpu_choice_label(offer_id, catalog)

    def details(offer_id: str) -> str:
        return summary.gpu_details(offer_id, catalog)

    return {"options": query.catalog_ids(catalog, "gpu"), "format_func": label, "details": details}


def prompting(v: Values, catalog: Catalog) -> None:
    """The prompted off-the-shelf model, its prompt size, effort and accuracy."""
    pick(v, "p.model", "Model (USD per 1M tokens in/out · as of)", **_models(catalog, "model"))
    number(v, "p.in_tokens", "Input tokens per call (tokens)", 50, fmt="%g")
    number(v, "p.out_tokens", "Output tokens per call (tokens)", 5, fmt="%g")
    slider(v, "p.accuracy", "Accuracy (% correct)", 0.005, fmt="percent")
    number(v, "p.build_hours", "Build effort (hours)", 1, fmt="%g")
    number(v, "p.maint_hours", "Upkeep (hours/month)", 0.5, fmt="%g")
    number(v, "p.change_hours", "Effort per category change (hours)", 0.25, fmt="%g")
    number(v, "p.migration_hours", "Effort to move to a successor model (hours)", 1, fmt="%g")
    number(v, "p.examples", "Labeled examples: few-shot + evals (count)", 10)
    number(v, "p.examples_per_cat", "Examples per new category (count)", 5)
    pick(v, "p.labeling", "Labeling method (USD per example · as of)", **_labeling(catalog))
    st.markdown("**The bill: caching, reasoning, a growing prompt**")
    bill_inputs.prompting(v)


def _training_changed(catalog: Catalog) -> None:
    """Own-GPU training cannot be served by the provider: move serving to what can serve it."""
    v = state.values()
    v[query.TRAINING_KEY] = st.session_state[wkey(query.TRAINING_KEY)]
    if v[query.TRAINING_KEY] == "self_hosted" and v[query.SERVING_KEY] == "provider_hosted":
        lora = query.catalog_ids(catalog, "lora_model")
        v[query.SERVING_KEY] = "serverless_lora" if lora else "dedicated"
        st.session_state[wkey(query.SERVING_KEY)] = v[query.SERVING_KEY]


def fine_tuning(v: Values, catalog: Catalog) -> None:
    """Training, serving, data, effort and accuracy of the fine-tuned model."""
    st.markdown("**Training**")
    choice(v, query.TRAINING_KEY, "Train through", TRAINING_LABELS, _training_changed, (catalog,))
    if v[query.TRAINING_KEY] == "provider_api":
        pick(
            v,
            "ft.model",
            "Model to fine-tune (USD per 1M tokens · as of)",
            **_models(catalog, "ft_model", True),
        )
    else:
        _base_model(v, catalog)
        pick(v, "ft.gpu", "GPU offer (USD per GPU-hour · as of)", **_gpus(catalog))
        number(v, "ft.gpus", "GPUs used at once (count)", 1)
        choice(v, "ft.method", "Method", METHOD_LABELS)
        choice(v, "ft.precision", "Precision of the matmuls", PRECISION_LABELS)
        number(v, "ft.seq_len", "Sequence length (tokens)", 512)
        k = _prime("ft.offload", bool(v["ft.offload"]))
        v["ft.offload"] = st.checkbox(
            "Offload the optimizer state to CPU memory", key=k, help=_help("ft.offload")
        )
        optional_number(
            v,
            "ft.tokens_per_s",
            "Training throughput (tokens/second/GPU)",
            "Derive the throughput from the model, method and GPU",
            placeholder=2_500.0,
            step=100,
        )
        optional_number(
            v,
            "ft.mfu",
            "Model FLOPs utilisation (fraction of peak)",
            "Use the calibrated utilisation for the method and GPUs",
            placeholder=0.4,
            step=0.05,
        )
        _sizing(v, catalog, "training")
    number(v, "ft.epochs", "Epochs (passes over the data)", 1, fmt="%g", min_value=0.1)
    number(v, "ft.experiments", "Runs paid for the first model (× one run)", 0.5, fmt="%g")

    st.markdown("**Serving**")
    choice(v, query.SERVING_KEY, "Serve on", SERVING_LABELS)
    if v[query.SERVING_KEY] == "serverless_lora":
        pick(
            v,
            "ft.serve_model",
            "Base model of the adapter (USD per 1M tokens · as of)",
            **_models(catalog, "lora_model"),
        )
    elif v[query.SERVING_KEY] == "dedicated":
        pick(
            v, "ft.serve_gpu", "GPU offer for serving (USD per GPU-hour · as of)", **_gpus(catalog)
        )
        number(v, "ft.gpus_per_replica", "GPUs per replica (count)", 1)
        number(v, "ft.batch", "Requests decoded together per replica (count)", 1)
        number(v, "ft.batch_eff", "Batch efficiency (fraction of the rooflines)", 0.05, fmt="%g")
        optional_number(
            v,
            "ft.calls_per_s",
            "Calls one replica sustains (calls/second)",
            "Derive it from the model, the GPU and the batch",
            placeholder=10.0,
            step=1,
        )
        number(v, "ft.min_replicas", "Replicas kept up at any load (count)", 1)
        number(v, "ft.spares", "Spare replicas on top of the load (count; 1 = N+1)", 1)
        optional_number(
            v,
            "ft.p95_s",
            "p95 latency target at peak (seconds)",
            "No latency target: size for throughput",
            placeholder=2.0,
            step=0.5,
        )
        _sizing(v, catalog, "serving")
    number(v, "ft.in_tokens", "Input tokens per call (tokens)", 10, fmt="%g")
    number(v, "ft.out_tokens", "Output tokens per call (tokens)", 5, fmt="%g")
    slider(v, "ft.accuracy", "Accuracy (% correct)", 0.005, fmt="percent")

    st.markdown("**Data**")
    number(v, "ft.examples", "Training examples (count)", 1000)
    number(v, "ft.tokens_per_example", "Tokens per example (tokens)", 10, fmt="%g", min_value=1)
    slider(v, "ft.val_share", "Held out for validation (% of examples)", 0.01, fmt="percent")
    number(v, "ft.evals", "Evaluation passes per training run (count)", 1)
    number(v, "ft.examples_per_cat", "Examples per new category (count)", 50)
    pick(v, "ft.labeling", "Labeling method (USD per example · as of)", **_labeling(catalog))

    st.markdown("**Effort**")
    number(v, "ft.build_hours", "Build effort: data, training, evals (hours)", 4, fmt="%g")
    slider(v, "ft.lead_weeks", "Lead time before it serves (weeks)", 0.5, fmt="%.1f")
    number(v, "ft.maint_hours", "Upkeep (hours/month)", 0.5, fmt="%g")
    number(v, "ft.change_hours", "Effort per category change (hours)", 1, fmt="%g")
    number(v, "ft.retrain_months", "Scheduled re-training every (months; 0 = never)", 1)
    number(v, "ft.retrain_hours", "Effort per scheduled re-training (hours)", 1, fmt="%g")
    st.markdown("**Prompt caching (where its provider caches)**")
    bill_inputs.fine_tuning(v)


def _sizing(v: Values, catalog: Catalog, part: str) -> None:
    """Under the own-GPU inputs: the derived (or measured) throughput in one line. Inputs that do
    not fit together show nothing here; the page lists their problem above the results."""
    try:
        scenario = query.build(v, catalog)
        if part == "training":
            line = gpu_summary.training_line(plan_training(scenario, catalog))
        else:
            line = gpu_summary.serving_line(plan_serving(scenario, catalog))
    except (query.ScenarioValuesError, TrainingSetupError, LookupError):
        return
    st.caption(line)


def _base_model(v: Values, catalog: Catalog) -> None:
    """The open-weights model trained on own GPUs; empty means the serverless LoRA base."""
    models = _models(catalog, "lora_model")
    current = v["ft.base_model"] or ""
    options = ["", *models["options"]]
    if current not in options:
        options.append(str(current))
    k = _prime("ft.base_model", current)
    chosen = st.selectbox(
        "Model trained (parameters set FLOPs and memory)",
        options,
        format_func=lambda m: SERVING_BASE if not m else models["format_func"](m),
        key=k,
        help=_help("ft.base_model"),
    )
    v["ft.base_model"] = chosen or None
    if chosen:
        st.caption(summary.model_details(chosen, catalog))
    slot("ft.base_model")


AUTO_SHARE = "in.hy.share#auto"
SHARE_PLACEHOLDER = 0.1


def hybrid(v: Values) -> None:
    """How often the hybrid folds new categories into its model, and their traffic."""
    number(v, "hy.retrain_months", "Re-train with new categories every (months)", 1)
    if AUTO_SHARE not in st.session_state:
        st.session_state[AUTO_SHARE] = v["hy.share"] is None
    auto = st.checkbox(
        "New categories bring an even share of traffic",
        key=AUTO_SHARE,
        help="Each new category brings 1 / (categories today) of all calls. "
        "Untick to set the share yourself.",
    )
    k = _prime("hy.share", SHARE_PLACEHOLDER if v["hy.share"] is None else v["hy.share"])
    share = st.slider(
        "Share of all calls per new category (fraction)",
        0.0,
        1.0,
        step=0.01,
        format="percent",
        key=k,
        disabled=auto,
        help=_help("hy.share"),
    )
    v["hy.share"] = None if auto else share
    slot("hy.share")


def category_changes(v: Values) -> None:
    """A regular cadence of new categories, plus one-off changes."""
    number(v, "cc.every", "A change every (months; 0 = no cadence)", 1)
    number(v, "cc.per_change", "New categories per regular change (count)", 1)
    events = v["cc.events"]
    k = _prime("cc.events", query.format_events(events) if events else "")  # type: ignore[arg-type]
    text = st.text_input(
        "One-off changes (month:new categories, …)",
        key=k,
        placeholder="e.g. 2:3, 9:1",
        help="Each item is month:count, e.g. `2:3` adds 3 categories in month 2. "
        + _help("cc.events"),
    )
    try:
        v["cc.events"] = query.parse_events(text)
    except query.QueryValueError as exc:
        st.error(f"Not used: {safe.text(exc)}. The previous changes still count.")
    slot("cc.events")


def people(v: Values) -> None:
    """What people's time and wrong answers cost."""
    number(v, "people.usd_per_hour", "Engineer cost (USD/hour)", 5, fmt="%g")
    number(v, "people.usd_per_error", "Cost of one wrong answer (USD)", 0.05, fmt="%.2f")


def about(v: Values) -> None:
    """The scenario's name (it names the chart files), the date month 1 starts, and notes."""
    k = _prime("name", v["name"])
    v["name"] = st.text_input("Scenario name", key=k, max_chars=120, help="Names the PNG files.")
    k = _prime("start", v["start"])
    v["start"] = st.date_input(
        "Month 1 starts on (date)",
        min_value=dt.date(2000, 1, 1),
        max_value=dt.date(2100, 12, 31),
        key=k,
        help=_help("start"),
    )
    k = _prime("description", v["description"])
    v["description"] = st.text_area(
        "Notes",
        key=k,
        max_chars=4000,
        height=100,
        help="Shown under the title: what this scenario assumes and why.",
    )


def toggles(v: Values) -> bool:
    """The accounting switches and the hybrid view; returns whether the hybrid is shown."""
    cols = st.columns(3)
    with cols[0]:
        k = _prime("eng", v["eng"])
        v["eng"] = st.toggle("Include engineering time", key=k, help=_help("eng"))
    with cols[1]:
        k = _prime("errors", v["errors"])
        v["errors"] = st.toggle(
            "Include error cost",
            key=k,
            help=_help("errors") + " Uses the cost of one wrong answer under People & quality.",
        )
    with cols[2]:
        show: bool = st.toggle(
            "Show hybrid",
            key=state.SHOW_HYBRID,
            help="Hybrid: the tuned model serves known categories, prompting serves new ones "
            "until the next re-train (batch, drift or migration). Off: the deck and the chart "
            "images leave it out too.",
        )
    return show


# --- The sidebar as a whole -------------------------------------------------------------------


def scenario_source(ctx: Context) -> None:
    """Picker, reset and upload (with the upload's errors, if any)."""
    choices = ctx.choices
    st.selectbox(
        "Starting scenario",
        list(choices),
        key=state.PICK,
        format_func=ctx.titles.__getitem__,
        on_change=state.reset_to_pick,
        args=(ctx,),
        help="Every file in scenarios/. Changing it resets all inputs to that file.",
    )
    st.button(
        "Reset inputs to this scenario",
        on_click=state.reset_to_pick,
        args=(ctx,),
        width="stretch",
    )
    st.file_uploader(
        "Load a scenario file (YAML)",
        type=["yaml", "yml"],
        key=state.UPLOAD,
        on_change=state.on_upload,
        args=(ctx,),
        help="Replaces the inputs with the file's values. An invalid file changes nothing.",
    )
    errors = st.session_state.get(state.UPLOAD_ERRORS) or []
    if errors:
        st.error("This file was not loaded; your inputs are unchanged. What to fix:")
        # A code block keeps the file's text inert; wrapped, so long lines stay readable.
        st.code(safe.public("\n".join(errors)), language=None, wrap_lines=True)
    note = st.session_state.get(state.UPLOAD_NOTE)
    if note and not errors:
        st.success(safe.text(note))


def download(current: Scenario) -> None:
    """The current inputs as a scenario file, to keep or to upload later."""
    st.download_button(
        "Download these inputs (YAML)",
        data=functools.partial(dump_scenario, current),  # written on click, not on every re-run
        file_name=f"{slug(current.name)}.yaml",
        mime="application/x-yaml",
        width="stretch",
        help="A scenario file with every input as set now; edit it or load it again later.",
    )


GROUPS: tuple[tuple[str, str, bool], ...] = (
    ("workload", "Workload", True),
    ("prompting", "Prompting", False),
    ("fine_tuning", "Fine-tuning", False),
    ("hybrid", "Hybrid", False),
    ("category_changes", "Category changes", False),
    ("people", "People & quality", False),
    ("money", "Money over time", False),
    ("about", "Scenario details", False),
)
"""``(key, title, open at start)`` of each sidebar group; the group's expander key is
``group.<key>``."""


def group_key(key: str) -> str:
    return f"group.{key}"


def sidebar(ctx: Context, v: Values) -> None:
    """Every input group in its own expander. Only open groups run their widgets (a closed
    group's values stay in ``values``), which keeps each re-run light."""
    renderers: dict[str, Callable[[], None]] = {
        "workload": lambda: workload(v),
        "prompting": lambda: prompting(v, ctx.catalog),
        "fine_tuning": lambda: fine_tuning(v, ctx.catalog),
        "hybrid": lambda: hybrid(v),
        "category_changes": lambda: category_changes(v),
        "people": lambda: people(v),
        "money": lambda: bill_inputs.money(v),
        "about": lambda: about(v),
    }
    slots: dict[str, Any] = {}
    SLOTS.set(slots)
    for key, title, expanded in GROUPS:
        slots["group:" + title] = st.empty()
        box = st.expander(title, expanded=expanded, key=group_key(key), on_change="rerun")
        if box.open:
            with box:
                renderers[key]()
