"""Every input under the name people know it by, with its unit, and its value as people read it.

The page's controls, the messages about inputs that do not fit together, the deck's appendix,
the workbook's inputs sheet and the comparison of scenarios all name inputs through
:data:`LABELS` (one entry per key of :data:`tcocalc.inputs.query.FIELDS`), so no reader ever
meets a dotted field name (``category_changes.every_months``) or a bare float (``0.3333`` hours).

>>> label("cc.every"), unit("cc.every")
('A change every', 'months')
>>> format_input("p.change_hours", 1 / 3), format_input("p.accuracy", 0.885)
('20 minutes', '88.5%')
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tcocalc.inputs import query
from tcocalc.model.scenario import Scenario
from tcocalc.present.summary import HOURS_PER_WORKING_DAY, count, pct, usd

# (label, unit, group). The unit decides the format: "hours" reads as minutes, hours or
# working days; "fraction" as a percentage; "USD" as dollars; "" as a plain count or word.
LABELS: dict[str, tuple[str, str, str]] = {
    "name": ("Scenario name", "", "Scenario details"),
    "description": ("Notes", "", "Scenario details"),
    "start": ("Month 1 starts on", "date", "Scenario details"),
    "horizon": ("Horizon", "months", "Workload"),
    "calls": ("Calls in month 1", "calls/month", "Workload"),
    "growth": ("Monthly growth", "%/month", "Workload"),
    "categories": ("Categories today", "categories", "Workload"),
    "peak": ("Peak / average traffic", "ratio", "Workload"),
    "batch": ("Share of calls through the batch API", "fraction", "Workload"),
    "p.model": ("Prompted model", "model", "Prompting"),
    "p.in_tokens": ("Input tokens per call (prompting)", "tokens", "Prompting"),
    "p.out_tokens": ("Output tokens per call (prompting)", "tokens", "Prompting"),
    "p.build_hours": ("Build effort (prompting)", "hours", "Prompting"),
    "p.examples": ("Labeled examples: few-shot + evals", "examples", "Prompting"),
    "p.labeling": ("Labeling method (prompting)", "method", "Prompting"),
    "p.maint_hours": ("Upkeep (prompting)", "hours/month", "Prompting"),
    "p.change_hours": ("Effort per category change (prompting)", "hours", "Prompting"),
    "p.examples_per_cat": ("Examples per new category (prompting)", "examples", "Prompting"),
    "p.migration_hours": ("Effort to move to a successor model", "hours", "Prompting"),
    "p.accuracy": ("Accuracy (prompting)", "fraction", "Prompting"),
    "p.static_tokens": ("Static prefix tokens per call (cacheable)", "tokens", "Prompting"),
    "p.cache_hits": ("Prompt cache hit rate", "fraction", "Prompting"),
    "p.tokens_per_cat": ("Prompt tokens each new category adds", "tokens", "Prompting"),
    "p.reasoning": ("Reasoning tokens per call (billed as output)", "tokens", "Prompting"),
    "ft.training": ("Train through", "choice", "Fine-tuning"),
    "ft.model": ("Model to fine-tune", "model", "Fine-tuning"),
    "ft.base_model": ("Model trained", "model", "Fine-tuning"),
    "ft.gpu": ("GPU offer for training", "GPU offer", "Fine-tuning"),
    "ft.gpus": ("GPUs used at once", "GPUs", "Fine-tuning"),
    "ft.tokens_per_s": ("Training throughput", "tokens/second/GPU", "Fine-tuning"),
    "ft.method": ("Method", "choice", "Fine-tuning"),
    "ft.precision": ("Precision of the matmuls", "choice", "Fine-tuning"),
    "ft.mfu": ("Model FLOPs utilisation", "fraction of peak", "Fine-tuning"),
    "ft.offload": ("Optimizer state in CPU memory", "yes/no", "Fine-tuning"),
    "ft.seq_len": ("Sequence length", "tokens", "Fine-tuning"),
    "ft.epochs": ("Epochs", "passes over the data", "Fine-tuning"),
    "ft.experiments": ("Runs paid for the first model", "× one run", "Fine-tuning"),
    "ft.serving": ("Serve on", "choice", "Fine-tuning"),
    "ft.serve_model": ("Base model of the adapter", "model", "Fine-tuning"),
    "ft.serve_gpu": ("GPU offer for serving", "GPU offer", "Fine-tuning"),
    "ft.gpus_per_replica": ("GPUs per replica", "GPUs", "Fine-tuning"),
    "ft.calls_per_s": ("Calls one replica sustains", "calls/second", "Fine-tuning"),
    "ft.batch": ("Requests decoded together per replica", "requests", "Fine-tuning"),
    "ft.batch_eff": ("Batch efficiency", "fraction of the rooflines", "Fine-tuning"),
    "ft.min_replicas": ("Replicas kept up at any load", "replicas", "Fine-tuning"),
    "ft.spares": ("Spare replicas on top of the load", "replicas", "Fine-tuning"),
    "ft.p95_s": ("p95 latency target at peak", "seconds", "Fine-tuning"),
    "ft.examples": ("Training examples", "examples", "Fine-tuning"),
    "ft.tokens_per_example": ("Tokens per training example", "tokens", "Fine-tuning"),
    "ft.val_share": ("Held out for validation", "fraction of examples", "Fine-tuning"),
    "ft.evals": ("Evaluation passes per training run", "passes", "Fine-tuning"),
    "ft.labeling": ("Labeling method (fine-tuning)", "method", "Fine-tuning"),
    "ft.examples_per_cat": ("Examples per new category (fine-tuning)", "examples", "Fine-tuning"),
    "ft.in_tokens": ("Input tokens per call (fine-tuned)", "tokens", "Fine-tuning"),
    "ft.out_tokens": ("Output tokens per call (fine-tuned)", "tokens", "Fine-tuning"),
    "ft.build_hours": ("Build effort: data, training, evals", "hours", "Fine-tuning"),
    "ft.lead_weeks": ("Lead time before it serves", "weeks", "Fine-tuning"),
    "ft.maint_hours": ("Upkeep (fine-tuning)", "hours/month", "Fine-tuning"),
    "ft.change_hours": ("Effort per category change (fine-tuning)", "hours", "Fine-tuning"),
    "ft.retrain_months": ("Scheduled re-training every", "months", "Fine-tuning"),
    "ft.retrain_hours": ("Effort per scheduled re-training", "hours", "Fine-tuning"),
    "ft.accuracy": ("Accuracy (fine-tuned)", "fraction", "Fine-tuning"),
    "ft.static_tokens": ("Static prefix tokens per call (fine-tuned)", "tokens", "Fine-tuning"),
    "ft.cache_hits": ("Cache hit rate (fine-tuned)", "fraction", "Fine-tuning"),
    "hy.retrain_months": ("Hybrid re-trains with new categories every", "months", "Hybrid"),
    "hy.share": ("Share of all calls per new category", "fraction", "Hybrid"),
    "cc.every": ("A change every", "months", "Category changes"),
    "cc.per_change": ("New categories per regular change", "categories", "Category changes"),
    "cc.events": ("One-off changes", "events", "Category changes"),
    "people.usd_per_hour": ("Engineer cost", "USD/hour", "People & quality"),
    "people.usd_per_error": ("Cost of one wrong answer", "USD", "People & quality"),
    "eng": ("Include engineering time", "yes/no", "Accounting"),
    "errors": ("Include error cost", "yes/no", "Accounting"),
    "discount": ("Discount rate", "%/year", "Money over time"),
    "p.price_trend": ("Yearly change of prompted prices", "%/year", "Money over time"),
    "ft.price_trend": ("Yearly change of tuned serving prices", "%/year", "Money over time"),
    "prices": ("Negotiated prices (overrides)", "prices", "Money over time"),
}
"""``key: (label, unit, sidebar group)`` for every key of :data:`tcocalc.inputs.query.FIELDS`."""

CHOICE_WORDS = {
    "provider_api": "the provider's API",
    "self_hosted": "own GPUs",
    "provider_hosted": "provider-hosted",
    "serverless_lora": "serverless LoRA",
    "dedicated": "dedicated GPUs",
    "lora": "LoRA adapter",
    "full": "full fine-tune",
}


def label(key: str) -> str:
    return LABELS[key][0]


def unit(key: str) -> str:
    return LABELS[key][1]


def group(key: str) -> str:
    """The sidebar group whose control sets ``key``."""
    return LABELS[key][2]


def duration(hours_: float) -> str:
    """Hours of work as people say them.

    >>> duration(1 / 3), duration(1), duration(6), duration(40), duration(0)
    ('20 minutes', '1 hour', '6 hours', '40 hours (5 working days)', '0 hours')
    """
    if 0 < hours_ < 1:
        minutes = round(hours_ * 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    text = f"{hours_:,.3g}" if hours_ < 1000 else f"{hours_:,.0f}"
    text += " hour" if text == "1" else " hours"
    if hours_ >= HOURS_PER_WORKING_DAY:
        days = hours_ / HOURS_PER_WORKING_DAY
        text += f" ({days:.3g} working day{'s' if days != 1 else ''})"
    return text


def _plural(n: float, word: str) -> str:
    text = f"{n:,.6g}"
    many = word[:-1] + "ies" if word.endswith("y") else word + "s"
    return f"{text} {word if n == 1 else many}"


def format_input(key: str, value: query.Value) -> str:
    """``value`` of ``key`` with its unit, as people read it (never a bare float).

    >>> format_input("calls", 2_400_000.0), format_input("ft.lead_weeks", 2.5)
    ('2.4M calls/month', '2.5 weeks')
    >>> format_input("cc.events", ((2, 3), (9, 1))), format_input("hy.share", None)
    ('month 2: +3 categories; month 9: +1 category', 'even share (1 / categories today)')
    >>> format_input("ft.training", "self_hosted"), format_input("eng", False)
    ('own GPUs', 'no')
    """
    u = unit(key)
    if value is None and key == "p.reasoning":
        return "the catalog's typical figure"
    if value is None:
        return "even share (1 / categories today)"
    if u == "prices":
        return describe_overrides(str(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    if u == "events":
        events: Sequence[tuple[int, int]] = value  # type: ignore[assignment]
        parts = [f"month {m}: +{_plural(n, 'category')}" for m, n in events]
        return "; ".join(parts) or "none"
    if isinstance(value, str):
        return CHOICE_WORDS.get(value, value) if u == "choice" else value
    assert isinstance(value, int | float)
    v = float(value)
    if u == "hours":
        return duration(v)
    if u == "hours/month":
        return duration(v).split(" (")[0] + " a month"
    if u == "fraction":
        return pct(v)
    if u == "USD":
        return usd(v)
    if u == "USD/hour":
        return f"{usd(v)}/hour"
    if u == "calls/month":
        return f"{count(v)} calls/month"
    if u == "%/month":
        return f"{v:g}%/month"
    if u == "%/year":
        return f"{v:g}%/year"
    if u == "ratio":
        return f"{v:g}×"
    if u == "× one run":
        return f"{v:g}× one run"
    if u in ("months", "weeks", "categories", "examples", "tokens", "GPUs", "replicas"):
        return _plural(v, u.removesuffix("ies") + "y" if u.endswith("ies") else u[:-1])
    return f"{v:,.6g} {u}".strip()


_OVERRIDE_WORDS = {
    "in": "input",
    "cached": "cached input",
    "write": "cache write",
    "out": "output",
    "batch_in": "batch input",
    "batch_out": "batch output",
    "ft.train": "training",
    "ft.in": "tuned input",
    "ft.cached": "tuned cached input",
    "ft.write": "tuned cache write",
    "ft.out": "tuned output",
    "ft.batch_in": "tuned batch input",
    "ft.batch_out": "tuned batch output",
    "ft.hosting": "hosting",
}


def _price(v: float) -> str:
    """Dollars with cents, or every digit of a sub-cent price ($0.075, not $0.07)."""
    return f"${v:,.2f}" if round(v, 2) == v else f"${v:,.4g}"


def describe_overrides(text: str) -> str:
    """A ``prices`` line in words: every negotiated price, marked as an override.

    >>> describe_overrides("gpt-4.1-mini:in=0.2,ft.train=2.5,ft.hosting=1")
    'gpt-4.1-mini: input $0.20, training $2.50 per 1M tokens, hosting $1.00/hour (overrides)'
    >>> describe_overrides("")
    'none: catalog prices'
    """
    parts = []
    for model_id, body in (p.partition(":")[::2] for p in text.split(";") if p.strip()):
        items: list[str] = []
        per_token = False
        for item in filter(None, body.split(",")):
            name, _, raw = item.partition("=")
            if name == "note":
                continue
            if name == "ft.hosting":
                if per_token:
                    items[-1] += " per 1M tokens"
                    per_token = False
                items.append(f"hosting {_price(float(raw))}/hour")
            else:
                items.append(f"{_OVERRIDE_WORDS.get(name, name)} {_price(float(raw))}")
                per_token = True
        if per_token:
            items[-1] += " per 1M tokens"
        parts.append(f"{model_id}: {', '.join(items)}")
    return "; ".join(parts) + " (overrides)" if parts else "none: catalog prices"


# --- Inputs that do not fit together ----------------------------------------------------------


@dataclass(frozen=True)
class Attention:
    """What a person must change: the controls to flag and one sentence in plain words."""

    keys: tuple[str, ...]
    """The controls the message sits next to (usually one)."""
    message: str


_SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
_NAME_TO_KEY = {f.path[-1]: k for k, f in query.FIELDS.items()}


def _quote(key: str) -> str:
    return f"“{label(key)}”"


def explain(problem: query.ValueProblem, values: Mapping[str, query.Value]) -> Attention:
    """A scenario rule the inputs break, said in the page's words, pinned to the control to fix.

    >>> p = query.ValueProblem(("cc.every", "cc.per_change", "cc.events"),
    ...     "set both every_months and new_categories_per_change, or neither")
    >>> a = explain(p, {"cc.every": 3, "cc.per_change": 0})
    >>> a.keys
    ('cc.per_change',)
    >>> print(a.message)
    A regular change every 3 months needs “New categories per regular change” above 0 (or set “A change every” to 0 for no cadence).
    """  # noqa: E501
    keys = problem.keys
    msg = problem.message
    if "every_months and new_categories_per_change" in msg:
        every, per = values.get("cc.every", 0), values.get("cc.per_change", 0)
        if every:
            return Attention(
                ("cc.per_change",),
                f"A regular change every {format_input('cc.every', every)} needs "
                f"{_quote('cc.per_change')} above 0 (or set {_quote('cc.every')} to 0 for no "
                "cadence).",
            )
        return Attention(
            ("cc.every",),
            f"{format_input('cc.per_change', per)} per regular change need "
            f"{_quote('cc.every')} above 0 (or set {_quote('cc.per_change')} to 0).",
        )
    if "serverless LoRA serving needs a LoRA adapter" in msg:
        return Attention(
            ("ft.method",),
            "Serverless LoRA serves only LoRA adapters: pick the LoRA method, or serve on "
            "dedicated GPUs.",
        )
    late = re.search(r"month (\d+) is past the horizon \((\d+) months\)", msg)
    if late:
        return Attention(
            ("cc.events",),
            f"The one-off change in month {late[1]} falls after the horizon ({late[2]} months): "
            f"lengthen {_quote('horizon')} or move that change earlier.",
        )
    shown = tuple(k for k in keys if k in LABELS) or ("horizon",)
    text = _SNAKE.sub(
        lambda m: _quote(_NAME_TO_KEY[m[0]]) if m[0] in _NAME_TO_KEY else m[0].replace("_", " "),
        msg,
    )
    text = text.replace("Input should be", "should be")
    first = shown[0]
    return Attention((first,), f"{label(first)}: {text[:1].lower()}{text[1:]}.".replace("..", "."))


def _plain(message: str) -> str:
    """A validation message with field names as the page's labels."""
    text = _SNAKE.sub(
        lambda m: _quote(_NAME_TO_KEY[m[0]]) if m[0] in _NAME_TO_KEY else m[0].replace("_", " "),
        message,
    )
    return text.replace("Input should be", "should be")


def link_warning(ignored: query.Ignored) -> str:
    """A part of a link the page did not use, in the page's words: the control's label, the value
    the link gave, and why (never an internal key).

    >>> p = query.ValueProblem(("cc.every", "cc.per_change", "cc.events"),
    ...     "set both every_months and new_categories_per_change, or neither")
    >>> print(link_warning(query.Ignored({"cc.every": "3"}, p.message, problem=p,
    ...     tried={"cc.every": 3, "cc.per_change": 0})))
    “A change every” = 3 from the link was not used: a regular change every 3 months needs “New categories per regular change” above 0 (or set “A change every” to 0 for no cadence).
    >>> print(link_warning(query.Ignored({"calls": "lots"}, "not a number")))
    “Calls in month 1” = lots from the link was not used: not a number.
    >>> print(link_warning(query.Ignored({"colour": "red"}, "unknown parameter", known=False)))
    “colour=red” in the link is not an input of this page; it was left out.
    """  # noqa: E501
    if not ignored.known:
        if not ignored.given:
            return f"Part of the link was not used: {ignored.reason}."
        key, text = next(iter(ignored.given.items()))
        return f"“{key}={text}” in the link is not an input of this page; it was left out."
    given = " and ".join(
        f"{_quote(k)} = {text}" if k in LABELS else f"{k} = {text}"
        for k, text in ignored.given.items()
    )
    verb = "were" if len(ignored.given) > 1 else "was"
    if ignored.problem is not None:
        why = explain(ignored.problem, ignored.tried).message
    else:
        why = _plain(ignored.reason).rstrip(".") + "."
    return f"{given} from the link {verb} not used: {why[:1].lower()}{why[1:]}"


# --- Every input of a scenario, for people ----------------------------------------------------

SKIPPED = frozenset({"name", "description"})
"""Keys that label the scenario rather than feed the numbers (shown on the title)."""


@dataclass(frozen=True)
class InputRow:
    """One input as an appendix or a sheet lists it."""

    key: str
    group: str
    label: str
    value: str
    """With its unit: ``20 minutes``, ``2.4M calls/month``."""
    meaning: str


def input_rows(scenario: Scenario) -> list[InputRow]:
    """Every input of ``scenario`` that feeds the numbers, in the page's order, for people.

    >>> from tcocalc.model.params import _example
    >>> [(r.label, r.value) for r in input_rows(_example())][1:3]
    [('Horizon', '12 months'), ('Calls in month 1', '1k calls/month')]
    """
    values = query.flatten(scenario)
    rows = []
    for key, f in query.FIELDS.items():
        if key in SKIPPED or not query.active(f, values):
            continue
        meaning = f.description or KIND_MEANINGS.get(key, "")
        rows.append(InputRow(key, group(key), label(key), format_input(key, values[key]), meaning))
    return rows


KIND_MEANINGS = {
    "ft.training": "How the model is tuned: through the provider's API, or on rented GPUs.",
    "ft.serving": "Who serves it: the provider, a serverless LoRA host, or dedicated GPUs.",
}
