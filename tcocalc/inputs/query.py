"""A scenario as flat, readable key/value pairs: the page's inputs and its shareable query string.

Every field of :class:`~tcocalc.model.scenario.Scenario` has one short key (:data:`FIELDS`), e.g.
``calls`` for ``workload.monthly_calls`` or ``ft.lead_weeks`` for ``fine_tuning.lead_time_weeks``.
:func:`flatten` turns a scenario into ``{key: value}``, :func:`build` turns such a mapping back
into a validated scenario, :func:`encode` writes only the values that differ from a base scenario
as text (``calls=2400000&growth=3``) and :func:`decode` reads that text back, checking each value
on its own (type, range, catalog id) and reporting every parameter it had to ignore.

Values are parsed from text by hand: nothing a URL carries is ever passed to ``eval``, ``pickle`` or
a YAML loader. Numbers are written in their shortest exact form, so a decoded URL gives back exactly
the same scenario.

Fields of a training or serving kind that is not selected (``ft.gpu`` while training runs through a
provider's API) still get a value in :func:`flatten` — the pydantic default, or a placeholder
(:data:`PLACEHOLDERS`) or the first fitting catalog entry — so that switching the kind in the page
starts from something sensible. Those values never reach the scenario or the query string.

>>> from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_scenario
>>> base = load_scenario(DEFAULT_SCENARIO)
>>> changed = build({**flatten(base), "calls": 2_400_000.0, "ft.lead_weeks": 2.0})
>>> encode(changed, base)
{'calls': '2400000', 'ft.lead_weeks': '2'}
>>> decode({"calls": "2.4M", "ft.lead_weeks": "2"}, base).scenario == changed
True
>>> for line in decode({"calls": "-5", "colour": "red"}, base).warnings:
...     print(line)
calls=-5 ignored: Input should be greater than or equal to 0
colour=red ignored: unknown parameter
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast, get_args

from pydantic import BaseModel, TypeAdapter, ValidationError

from tcocalc.model.scenario import (
    Accounting,
    CategoryChanges,
    CategoryEvent,
    DedicatedServing,
    FineTuning,
    Hybrid,
    People,
    Prompting,
    ProviderTraining,
    Scenario,
    SelfHostedTraining,
    ServerlessLoraServing,
    Workload,
)

if TYPE_CHECKING:
    from tcocalc.pricing.catalog import Catalog

Kind = Literal[
    "number", "integer", "boolean", "text", "date", "choice", "ref", "events", "share", "optional"
]
"""``share`` and ``optional``: a number that may be left empty (None, written ``auto``) for a
derived value; ``ref`` of an optional field: an id, or None (written as an empty value)."""
Ref = Literal["model", "ft_model", "lora_model", "gpu", "labeling"]
Events = tuple[tuple[int, int], ...]
"""Category events as ``((month, new_categories), ...)``, in the scenario's order."""
Value = float | int | bool | str | dt.date | Events | None


@dataclass(frozen=True)
class QueryField:
    """One scenario field under its short key."""

    key: str
    path: tuple[str, ...]
    """Where the field lives in ``Scenario.model_dump()`` (kind tags not included)."""
    owner: type[BaseModel]
    kind: Kind
    ref: Ref | None = None
    """For ``ref`` fields: which catalog section the id must exist in."""
    when: tuple[str, str] | None = None
    """``(kind key, kind value)``: the field exists only for that training or serving kind."""

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def description(self) -> str:
        """The pydantic ``Field`` description (it states the unit)."""
        return self.owner.model_fields[self.name].description or ""

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """``(lowest, highest)`` allowed value of a numeric field (inclusive; None: unbounded).

        ``gt=0`` is reported as a lowest value of 0 (the widget's floor); :func:`parse_value`
        still refuses 0 itself.
        """
        low = high = None
        for rule in self.owner.model_fields[self.name].metadata:
            for attr in ("ge", "gt"):
                if getattr(rule, attr, None) is not None:
                    low = float(getattr(rule, attr))
            for attr in ("le", "lt"):
                if getattr(rule, attr, None) is not None:
                    high = float(getattr(rule, attr))
        return low, high

    @property
    def choices(self) -> tuple[str, ...]:
        """The allowed values of a ``choice`` field (a ``Literal``)."""
        if self.name == "kind":
            return _KIND_CHOICES[self.path[-2]]
        return tuple(get_args(self.owner.model_fields[self.name].annotation))


_KIND_CHOICES = {
    "training": ("provider_api", "self_hosted"),
    "serving": ("provider_hosted", "serverless_lora", "dedicated"),
}
TRAINING_KEY = "ft.training"
SERVING_KEY = "ft.serving"
_FT = ("fine_tuning",)
_TR = ("fine_tuning", "training")
_SV = ("fine_tuning", "serving")
_SELF = (TRAINING_KEY, "self_hosted")
_API = (TRAINING_KEY, "provider_api")
_LORA = (SERVING_KEY, "serverless_lora")
_DED = (SERVING_KEY, "dedicated")


def _f(
    key: str,
    path: tuple[str, ...],
    owner: type[BaseModel],
    kind: Kind = "number",
    ref: Ref | None = None,
    when: tuple[str, str] | None = None,
) -> QueryField:
    return QueryField(key, path, owner, kind, ref, when)


FIELDS: dict[str, QueryField] = {
    f.key: f
    for f in (
        _f("name", ("name",), Scenario, "text"),
        _f("description", ("description",), Scenario, "text"),
        _f("start", ("start_date",), Scenario, "date"),
        _f("horizon", ("horizon_months",), Scenario, "integer"),
        # Workload
        _f("calls", ("workload", "monthly_calls"), Workload),
        _f("growth", ("workload", "monthly_growth_pct"), Workload),
        _f("categories", ("workload", "categories"), Workload, "integer"),
        _f("peak", ("workload", "peak_to_average_ratio"), Workload),
        # Prompting
        _f("p.model", ("prompting", "model"), Prompting, "ref", "model"),
        _f("p.in_tokens", ("prompting", "input_tokens_per_call"), Prompting),
        _f("p.out_tokens", ("prompting", "output_tokens_per_call"), Prompting),
        _f("p.build_hours", ("prompting", "build_hours"), Prompting),
        _f("p.examples", ("prompting", "labeled_examples"), Prompting, "integer"),
        _f("p.labeling", ("prompting", "labeling"), Prompting, "ref", "labeling"),
        _f("p.maint_hours", ("prompting", "maintenance_hours_per_month"), Prompting),
        _f("p.change_hours", ("prompting", "hours_per_category_change"), Prompting),
        _f("p.examples_per_cat", ("prompting", "examples_per_new_category"), Prompting, "integer"),
        _f("p.migration_hours", ("prompting", "hours_per_model_migration"), Prompting),
        _f("p.accuracy", ("prompting", "accuracy"), Prompting),
        # Fine-tuning: training
        _f(TRAINING_KEY, (*_TR, "kind"), ProviderTraining, "choice"),
        _f("ft.model", (*_TR, "model"), ProviderTraining, "ref", "ft_model", _API),
        _f("ft.base_model", (*_TR, "base_model"), SelfHostedTraining, "ref", "lora_model", _SELF),
        _f("ft.gpu", (*_TR, "gpu"), SelfHostedTraining, "ref", "gpu", _SELF),
        _f("ft.gpus", (*_TR, "gpu_count"), SelfHostedTraining, "integer", when=_SELF),
        _f(
            "ft.tokens_per_s",
            (*_TR, "tokens_per_second_per_gpu"),
            SelfHostedTraining,
            "optional",
            when=_SELF,
        ),
        _f("ft.method", (*_TR, "method"), SelfHostedTraining, "choice", when=_SELF),
        _f("ft.precision", (*_TR, "precision"), SelfHostedTraining, "choice", when=_SELF),
        _f("ft.mfu", (*_TR, "model_flops_utilization"), SelfHostedTraining, "optional", when=_SELF),
        _f("ft.offload", (*_TR, "cpu_offload"), SelfHostedTraining, "boolean", when=_SELF),
        _f(
            "ft.seq_len",
            (*_TR, "sequence_length_tokens"),
            SelfHostedTraining,
            "integer",
            when=_SELF,
        ),
        _f("ft.epochs", (*_TR, "epochs"), ProviderTraining),
        _f("ft.experiments", (*_TR, "experiment_multiplier"), ProviderTraining),
        # Fine-tuning: serving
        _f(SERVING_KEY, (*_SV, "kind"), ServerlessLoraServing, "choice"),
        _f("ft.serve_model", (*_SV, "model"), ServerlessLoraServing, "ref", "lora_model", _LORA),
        _f("ft.serve_gpu", (*_SV, "gpu"), DedicatedServing, "ref", "gpu", _DED),
        _f(
            "ft.gpus_per_replica",
            (*_SV, "gpus_per_replica"),
            DedicatedServing,
            "integer",
            when=_DED,
        ),
        _f(
            "ft.calls_per_s",
            (*_SV, "calls_per_second_per_replica"),
            DedicatedServing,
            "optional",
            when=_DED,
        ),
        _f("ft.batch", (*_SV, "decode_batch_size"), DedicatedServing, "integer", when=_DED),
        _f("ft.batch_eff", (*_SV, "batch_efficiency"), DedicatedServing, when=_DED),
        _f("ft.min_replicas", (*_SV, "min_replicas"), DedicatedServing, "integer", when=_DED),
        _f("ft.spares", (*_SV, "redundancy_replicas"), DedicatedServing, "integer", when=_DED),
        _f("ft.p95_s", (*_SV, "p95_latency_seconds"), DedicatedServing, "optional", when=_DED),
        # Fine-tuning: data, calls, people
        _f("ft.examples", (*_FT, "training_examples"), FineTuning, "integer"),
        _f("ft.tokens_per_example", (*_FT, "tokens_per_example"), FineTuning),
        _f("ft.val_share", (*_FT, "validation_share"), FineTuning),
        _f("ft.evals", (*_FT, "evaluations_per_run"), FineTuning, "integer"),
        _f("ft.labeling", (*_FT, "labeling"), FineTuning, "ref", "labeling"),
        _f("ft.examples_per_cat", (*_FT, "examples_per_new_category"), FineTuning, "integer"),
        _f("ft.in_tokens", (*_FT, "input_tokens_per_call"), FineTuning),
        _f("ft.out_tokens", (*_FT, "output_tokens_per_call"), FineTuning),
        _f("ft.build_hours", (*_FT, "build_hours"), FineTuning),
        _f("ft.lead_weeks", (*_FT, "lead_time_weeks"), FineTuning),
        _f("ft.maint_hours", (*_FT, "maintenance_hours_per_month"), FineTuning),
        _f("ft.change_hours", (*_FT, "hours_per_category_change"), FineTuning),
        _f("ft.retrain_months", (*_FT, "retrain_every_months"), FineTuning, "integer"),
        _f("ft.retrain_hours", (*_FT, "hours_per_retrain"), FineTuning),
        _f("ft.accuracy", (*_FT, "accuracy"), FineTuning),
        # Hybrid
        _f("hy.retrain_months", ("hybrid", "retrain_every_months"), Hybrid, "integer"),
        _f("hy.share", ("hybrid", "traffic_share_per_new_category"), Hybrid, "share"),
        # Category changes
        _f("cc.every", ("category_changes", "every_months"), CategoryChanges, "integer"),
        _f(
            "cc.per_change",
            ("category_changes", "new_categories_per_change"),
            CategoryChanges,
            "integer",
        ),
        _f("cc.events", ("category_changes", "events"), CategoryChanges, "events"),
        # People and accounting
        _f("people.usd_per_hour", ("people", "engineer_usd_per_hour"), People),
        _f("people.usd_per_error", ("people", "usd_per_wrong_answer"), People),
        _f("eng", ("accounting", "include_engineering"), Accounting, "boolean"),
        _f("errors", ("accounting", "include_error_cost"), Accounting, "boolean"),
    )
}
"""Every scenario field by its short key, in the order the page shows them."""

CALL_STEPS: tuple[float, ...] = (
    *(m * 10.0**e for e in range(3, 8) for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5)),
    1e8,
)
"""Stops of the page's call-volume slider: 1k to 100M calls/month, nine per decade (1-1.5-2-...).

>>> len(CALL_STEPS), CALL_STEPS[:4], CALL_STEPS[-1]
(46, (1000.0, 1500.0, 2000.0, 2500.0), 100000000.0)
"""

PLACEHOLDERS: dict[str, float] = {
    # Shown only when the user switches to own GPUs; the page labels them as values to check.
}
"""Starting values for required fields of a kind the scenario does not use."""


class QueryValueError(ValueError):
    """One value that cannot be used; the message says why, in words a person can act on."""


@dataclass(frozen=True)
class ValueProblem:
    """Scenario-level validation failure pinned to the keys that take part in it."""

    keys: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        return f"{', '.join(self.keys) or 'scenario'}: {self.message}"


class ScenarioValuesError(ValueError):
    """The flat values do not form a valid scenario; ``problems`` names the keys involved."""

    def __init__(self, problems: Sequence[ValueProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(map(str, self.problems)))


# --- Scenario <-> flat values -----------------------------------------------------------------


def active(f: QueryField, values: Mapping[str, Any]) -> bool:
    """Whether ``f`` belongs to the training/serving kinds selected in ``values``."""
    return f.when is None or values.get(f.when[0]) == f.when[1]


def _dig(data: Mapping[str, Any], path: Sequence[str]) -> Any:
    node: Any = data
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node


_MISSING = object()


def flatten(scenario: Scenario, catalog: Catalog | None = None) -> dict[str, Value]:
    """Every key of :data:`FIELDS` with its value in ``scenario`` (placeholders for unused kinds).

    ``catalog`` picks sensible ids for the GPU and model pickers of kinds the scenario does not
    use; without it they are empty strings.
    """
    data = scenario.model_dump(mode="python")
    out: dict[str, Value] = {}
    for key, f in FIELDS.items():
        raw = _dig(data, f.path)
        if raw is _MISSING:
            out[key] = _default(f, scenario, catalog)
        elif f.kind == "events":
            out[key] = tuple((int(e["month"]), int(e["new_categories"])) for e in raw)
        else:
            out[key] = _coerce(f, raw)
    return out


def _coerce(f: QueryField, raw: Any) -> Value:
    if f.kind == "number":
        return float(raw)
    if f.kind == "integer":
        return int(raw)
    if f.kind in ("share", "optional"):
        return None if raw is None else float(raw)
    return cast(Value, raw)


def _default(f: QueryField, scenario: Scenario, catalog: Catalog | None) -> Value:
    info = f.owner.model_fields[f.name]
    if not info.is_required():
        return _coerce(f, info.get_default(call_default_factory=True))
    if f.key in PLACEHOLDERS:
        return PLACEHOLDERS[f.key]
    if catalog is None or f.ref is None:
        return ""
    candidates = catalog_ids(catalog, f.ref)
    return candidates[0] if candidates else ""


def catalog_ids(catalog: Catalog, ref: Ref) -> list[str]:
    """Ids of the catalog's YAML entries that fit a reference, best candidates first."""
    if ref == "gpu":
        return sorted(catalog.gpu_offers)
    if ref == "labeling":
        return sorted(catalog.labeling_methods)
    models = sorted(catalog.models.items())
    if ref == "ft_model":
        return [k for k, m in models if m.fine_tuning is not None]
    if ref == "lora_model":
        return [k for k, m in models if m.serverless_lora] + [
            k for k, m in models if m.open_weights and not m.serverless_lora
        ]
    return [k for k, _ in models]


def build(values: Mapping[str, Value], catalog: Catalog | None = None) -> Scenario:
    """The scenario the flat ``values`` describe (every key of :data:`FIELDS` must be present).

    With ``catalog``, ids are checked too (and a provider-trained model must offer fine-tuning).
    Raises :class:`ScenarioValuesError` naming the keys of each problem.
    """
    data: dict[str, Any] = {}
    for key, f in FIELDS.items():
        if not active(f, values):
            continue
        value: Any = values[key]
        if f.kind == "events":
            value = [{"month": m, "new_categories": n} for m, n in value]
        node = data
        for part in f.path[:-1]:
            node = node.setdefault(part, {})
        node[f.path[-1]] = value
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioValuesError(
            [
                ValueProblem(keys_at(err["loc"]), str(err["msg"]).removeprefix("Value error, "))
                for err in exc.errors(include_url=False)
            ]
        ) from None
    if catalog is not None:
        from tcocalc.inputs.loader import reference_problems

        problems = reference_problems(scenario, catalog, None)
        if problems:
            raise ScenarioValuesError(
                [ValueProblem(keys_at(tuple(p.path.split("."))), p.message) for p in problems]
            )
    return scenario


_TAGS = frozenset(_KIND_CHOICES["training"] + _KIND_CHOICES["serving"])


def keys_at(loc: Sequence[int | str]) -> tuple[str, ...]:
    """The keys whose fields lie at or under a pydantic error location.

    >>> keys_at(("workload", "monthly_calls"))
    ('calls',)
    >>> keys_at(("category_changes",))
    ('cc.every', 'cc.per_change', 'cc.events')
    >>> keys_at(("fine_tuning", "training", "self_hosted", "gpu"))
    ('ft.gpu',)
    """
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            break  # an event's index: the whole events list is one key
        if part in _TAGS:
            continue
        parts.append(part)
    if not parts:  # a scenario-wide rule: only the events-vs-horizon rule exists
        return ("horizon", "cc.events")
    n = len(parts)
    return tuple(k for k, f in FIELDS.items() if f.path[:n] == tuple(parts))


# --- Text <-> values -------------------------------------------------------------------------


_SUFFIX = {"k": 3, "m": 6, "b": 9, "g": 9}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def parse_number(text: str) -> float:
    """A number from a person or a URL: ``2400000``, ``2,400,000``, ``2.4M``, ``1.5k``, ``1e6``.

    >>> parse_number("2.4M"), parse_number("1_500"), parse_number("0.3333")
    (2400000.0, 1500.0, 0.3333)
    >>> try:
    ...     parse_number("nan")
    ... except ValueError as exc:
    ...     print(exc)
    'nan' is not a number
    """
    s = text.strip().lower().replace(",", "").replace("_", "")
    scale = 0
    if s and s[-1] in _SUFFIX:
        scale, s = _SUFFIX[s[-1]], s[:-1]
    if not _NUMBER.match(s):
        raise QueryValueError(f"{text!r} is not a number")
    try:
        value = float(Decimal(s).scaleb(scale))
    except (InvalidOperation, OverflowError):
        raise QueryValueError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise QueryValueError(f"{text!r} is not a finite number")
    return value


def parse_bool(text: str) -> bool:
    """``1``/``0`` (also ``true``/``false``, ``yes``/``no``, ``on``/``off``).

    >>> parse_bool("1"), parse_bool("False")
    (True, False)
    """
    low = text.strip().lower()
    if low not in _TRUE | _FALSE:
        raise QueryValueError(f"{text!r} is not 1 or 0")
    return low in _TRUE


def parse_events(text: str) -> Events:
    """Category events written ``month:new_categories``, comma-separated; ``none`` or empty: none.

    >>> parse_events("2:3, 6:1")
    ((2, 3), (6, 1))
    >>> parse_events("none")
    ()
    """
    s = text.strip()
    if s.lower() in {"", "none", "-"}:
        return ()
    out = []
    for item in s.replace(";", ",").split(","):
        month, sep, count = item.partition(":")
        if not sep:
            raise QueryValueError(f"{item.strip()!r} is not month:new_categories (e.g. 2:3)")
        try:
            event = (int(parse_number(month)), int(parse_number(count)))
            if event != (parse_number(month), parse_number(count)):
                raise QueryValueError("whole numbers only")
            CategoryEvent(month=event[0], new_categories=event[1])
        except QueryValueError:
            raise QueryValueError(
                f"{item.strip()!r} is not month:new_categories in whole numbers"
            ) from None
        except ValidationError as exc:
            raise QueryValueError(f"{item.strip()!r}: {_first_message(exc)}") from None
        out.append(event)
    return tuple(out)


def format_events(events: Events) -> str:
    """The text :func:`parse_events` reads.

    >>> format_events(((2, 3), (6, 1))), format_events(())
    ('2:3,6:1', 'none')
    """
    return ",".join(f"{m}:{n}" for m, n in events) or "none"


def format_number(value: float) -> str:
    """The shortest text that reads back as exactly ``value``.

    >>> format_number(2400000.0), format_number(0.3333), format_number(1e-7)
    ('2400000', '0.3333', '1e-07')
    """
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def format_value(key: str, value: Value) -> str:
    """``value`` of ``key`` as query-string text (see :func:`parse_value`)."""
    f = FIELDS[key]
    if f.kind == "boolean":
        return "1" if value else "0"
    if f.kind in ("share", "optional") and value is None:
        return "auto"
    if f.kind == "ref" and value is None:
        return ""
    if f.kind in ("number", "share", "optional"):
        return format_number(float(value))  # type: ignore[arg-type]
    if f.kind == "date":
        return value.isoformat()  # type: ignore[union-attr]
    if f.kind == "events":
        return format_events(value)  # type: ignore[arg-type]
    return str(value)


@cache
def _adapter(key: str) -> TypeAdapter[Any]:
    f = FIELDS[key]
    info = f.owner.model_fields[f.name]
    annotation: Any = info.annotation
    if info.metadata:
        annotation = Annotated[annotation, *info.metadata]
    return TypeAdapter(annotation)


def _first_message(exc: ValidationError) -> str:
    return str(exc.errors(include_url=False)[0]["msg"]).removeprefix("Value error, ")


def parse_value(key: str, text: str, catalog: Catalog | None = None) -> Value:
    """Read one value of ``key`` from text and check it alone: type, range and catalog id.

    Raises :class:`QueryValueError` (an unknown key raises ``KeyError``).

    >>> parse_value("calls", "2.4M"), parse_value("eng", "0"), parse_value("hy.share", "auto")
    (2400000.0, False, None)
    >>> try:
    ...     parse_value("p.accuracy", "1.2")
    ... except ValueError as exc:
    ...     print(exc)
    Input should be less than or equal to 1
    """
    f = FIELDS[key]
    raw: Any
    if f.kind in ("number", "integer"):
        raw = parse_number(text)
        if f.kind == "integer":
            if raw != int(raw):
                raise QueryValueError(f"{text!r} is not a whole number")
            raw = int(raw)
    elif f.kind in ("share", "optional"):
        raw = None if text.strip().lower() in {"auto", "default", ""} else parse_number(text)
    elif f.kind == "ref" and not text and not f.owner.model_fields[f.name].is_required():
        return None
    elif f.kind == "boolean":
        raw = parse_bool(text)
    elif f.kind == "date":
        try:
            raw = dt.date.fromisoformat(text.strip())
        except ValueError:
            raise QueryValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None
    elif f.kind == "events":
        return parse_events(text)
    elif f.kind == "choice":
        if text not in f.choices:
            raise QueryValueError(f"{text!r} is not one of {', '.join(f.choices)}")
        return text
    else:
        raw = text
    if f.kind != "choice":
        try:
            raw = _adapter(key).validate_python(raw)
        except ValidationError as exc:
            raise QueryValueError(_first_message(exc)) from None
    if f.ref is not None and catalog is not None:
        _check_ref(f.ref, raw, catalog)
    return _coerce(f, raw)


def _check_ref(ref: Ref, value: str, catalog: Catalog) -> None:
    from tcocalc.pricing.catalog import UnknownIdError

    lookup: Callable[[str], Any] = {
        "gpu": catalog.gpu_offer,
        "labeling": catalog.labeling_method,
    }.get(ref, catalog.model)
    try:
        entry = lookup(value)
    except UnknownIdError as exc:
        raise QueryValueError(str(exc)) from None
    if ref == "ft_model" and entry.fine_tuning is None:
        raise QueryValueError(f"model {value!r} has no fine-tuning prices in the catalog")


# --- Scenario <-> query string ----------------------------------------------------------------


def encode(scenario: Scenario, base: Scenario, catalog: Catalog | None = None) -> dict[str, str]:
    """The query parameters that turn ``base`` into ``scenario``: only the keys that differ.

    Pass the same ``catalog`` to :func:`decode`.
    """
    now, then = flatten(scenario, catalog), flatten(base, catalog)
    return {
        key: format_value(key, now[key])
        for key, f in FIELDS.items()
        if active(f, now) and now[key] != then[key]
    }


@dataclass(frozen=True)
class Decoded:
    """What a query string made of a base scenario."""

    scenario: Scenario
    values: dict[str, Value]
    applied: dict[str, str] = field(default_factory=dict)
    """The parameters that were used, as given."""
    warnings: list[str] = field(default_factory=list)
    """One line per parameter that was ignored, naming it and saying why."""


def decode(
    params: Mapping[str, str | Sequence[str]],
    base: Scenario,
    catalog: Catalog | None = None,
    *,
    reserved: Collection[str] = (),
) -> Decoded:
    """Apply query parameters to ``base``; never raises for anything a URL can contain.

    Each parameter is checked alone (:func:`parse_value`), then together: a combination that breaks
    a scenario rule drops the parameters involved (back to ``base``'s values) with a warning.
    Keys in ``reserved`` belong to the page (e.g. the scenario picker) and are skipped silently.
    """
    base_values = flatten(base, catalog)
    values = dict(base_values)
    applied: dict[str, str] = {}
    warnings: list[str] = []
    for key, given in params.items():
        if key in reserved:
            continue
        text = given if isinstance(given, str) else (list(given)[-1] if given else "")
        if key not in FIELDS:
            warnings.append(f"{key}={_short(text)} ignored: unknown parameter")
            continue
        try:
            values[key] = parse_value(key, text, catalog)
        except QueryValueError as exc:
            warnings.append(f"{key}={_short(text)} ignored: {exc}")
            continue
        applied[key] = text
    while True:
        try:
            scenario = build(values, catalog)
            break
        except ScenarioValuesError as exc:
            culprits = [k for p in exc.problems for k in p.keys if k in applied]
            if not culprits:  # a rule only base values break: nothing a URL can fix
                culprits = list(applied)
            for problem in exc.problems:
                named = [k for k in problem.keys if k in applied] or culprits
                shown = ", ".join(f"{k}={_short(applied[k])}" for k in named if k in applied)
                warnings.append(f"{shown} ignored: {problem.message}")
            for k in dict.fromkeys(culprits):
                values[k] = base_values[k]
                applied.pop(k, None)
            if not culprits:
                scenario = base
                values = dict(base_values)
                break
    return Decoded(scenario, values, applied, warnings)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
