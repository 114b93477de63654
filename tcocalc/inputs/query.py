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
from decimal import Decimal, DecimalException
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import TypeAdapter, ValidationError

from tcocalc.inputs.link_keys import (
    CALL_STEPS,
    FIELDS,
    PLACEHOLDERS,
    SERVING_KEY,
    TRAINING_KEY,
    Events,
    Kind,
    OverridesTextError,
    QueryField,
    QueryValueError,
    Ref,
    ScenarioValuesError,
    Value,
    ValueProblem,
    _coerce,
    active,
    build,
    catalog_ids,
    flatten,
    format_overrides,
    keys_at,
    parse_overrides,
)
from tcocalc.model.scenario import CategoryEvent

if TYPE_CHECKING:
    from tcocalc.model.scenario import Scenario
    from tcocalc.pricing.catalog import Catalog

__all__ = [
    "CALL_STEPS",
    "FIELDS",
    "PLACEHOLDERS",
    "SERVING_KEY",
    "TRAINING_KEY",
    "Decoded",
    "Events",
    "Kind",
    "QueryField",
    "QueryValueError",
    "Ref",
    "ScenarioValuesError",
    "Value",
    "ValueProblem",
    "active",
    "build",
    "catalog_ids",
    "decode",
    "encode",
    "flatten",
    "format_events",
    "format_number",
    "format_value",
    "keys_at",
    "parse_bool",
    "parse_events",
    "parse_number",
    "parse_value",
]

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
        raise QueryValueError(f"{_short(text)!r} is not a number")
    try:
        value = float(Decimal(s).scaleb(scale))
    except (DecimalException, OverflowError):  # 1e9999999999: past Decimal's exponent range
        raise QueryValueError(f"{_short(text)!r} is not a finite number") from None
    if not math.isfinite(value):
        raise QueryValueError(f"{_short(text)!r} is not a finite number")
    return value


def parse_bool(text: str) -> bool:
    """``1``/``0`` (also ``true``/``false``, ``yes``/``no``, ``on``/``off``).

    >>> parse_bool("1"), parse_bool("False")
    (True, False)
    """
    low = text.strip().lower()
    if low not in _TRUE | _FALSE:
        raise QueryValueError(f"{_short(text)!r} is not 1 or 0")
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
            raise QueryValueError(
                f"{_short(item.strip())!r} is not month:new_categories (e.g. 2:3)"
            )
        try:
            event = (int(parse_number(month)), int(parse_number(count)))
            if event != (parse_number(month), parse_number(count)):
                raise QueryValueError("whole numbers only")
            CategoryEvent(month=event[0], new_categories=event[1])
        except QueryValueError:
            raise QueryValueError(
                f"{_short(item.strip())!r} is not month:new_categories in whole numbers"
            ) from None
        except ValidationError as exc:
            raise QueryValueError(f"{_short(item.strip())!r}: {_first_message(exc)}") from None
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
                raise QueryValueError(f"{_short(text)!r} is not a whole number")
            raw = int(raw)
    elif f.kind == "ref" and not text and not f.owner.model_fields[f.name].is_required():
        return None
    elif f.kind in ("share", "optional"):
        raw = None if text.strip().lower() in {"auto", "default", ""} else parse_number(text)
    elif f.kind == "boolean":
        raw = parse_bool(text)
    elif f.kind == "date":
        try:
            raw = dt.date.fromisoformat(text.strip())
        except ValueError:
            raise QueryValueError(f"{_short(text)!r} is not a date (YYYY-MM-DD)") from None
    elif f.kind == "events":
        return parse_events(text)
    elif f.kind == "overrides":
        try:
            data = parse_overrides(text)
            overrides = _adapter(key).validate_python(data)
        except OverridesTextError as exc:
            raise QueryValueError(str(exc)) from None
        except ValidationError as exc:
            raise QueryValueError(_first_message(exc)) from None
        if catalog is not None:
            for model_id in overrides:
                if model_id not in catalog_ids(catalog, "model"):
                    raise QueryValueError(f"{_short(model_id)!r} is not a model of the catalog")
        return format_overrides(overrides)
    elif f.kind == "choice":
        if text not in f.choices:
            raise QueryValueError(f"{_short(text)!r} is not one of {', '.join(f.choices)}")
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


MAX_PARAMS = 2 * len(FIELDS)
"""Parameters a link may carry (each input once, with room for the page's own)."""
MAX_VALUE_CHARS = 4_000
"""The longest value a field takes (the scenario's notes)."""


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
    ignored: list[Ignored] = field(default_factory=list)
    """The same, structured, for words that name the page's controls (``labels.link_warning``)."""


@dataclass(frozen=True)
class Ignored:
    """Link parameters that were not used: as given, why, and the scenario rule they broke."""

    given: dict[str, str]
    """``{parameter: text}`` as the link gave them (shortened)."""
    reason: str
    known: bool = True
    """False for a parameter that is no input of the page."""
    problem: ValueProblem | None = None
    tried: dict[str, Value] = field(default_factory=dict)
    """The values the link asked for, for wording a broken rule."""


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
    At most :data:`MAX_PARAMS` parameters of at most :data:`MAX_VALUE_CHARS` characters are read,
    so a hostile link costs no more than a long honest one.
    """
    base_values = flatten(base, catalog)
    values = dict(base_values)
    applied: dict[str, str] = {}
    warnings: list[str] = []
    ignored: list[Ignored] = []
    items = [(k, v) for k, v in params.items() if k not in reserved]
    if len(items) > MAX_PARAMS:
        warnings.append(
            f"{len(items) - MAX_PARAMS:,} more parameters ignored: a link holds at most "
            f"{MAX_PARAMS} (one per input)"
        )
        ignored.append(Ignored({}, warnings[-1], known=False))
        items = items[:MAX_PARAMS]
    for key, given in items:
        text = given if isinstance(given, str) else (list(given)[-1] if given else "")
        if key not in FIELDS:
            warnings.append(f"{_short(key)}={_short(text)} ignored: unknown parameter")
            ignored.append(Ignored({_short(key): _short(text)}, "unknown parameter", known=False))
            continue
        if len(text) > MAX_VALUE_CHARS:
            warnings.append(
                f"{key}={_short(text)} ignored: {len(text):,} characters; at most "
                f"{MAX_VALUE_CHARS:,}"
            )
            ignored.append(
                Ignored(
                    {key: _short(text)}, f"{len(text):,} characters; at most {MAX_VALUE_CHARS:,}"
                )
            )
            continue
        try:
            values[key] = parse_value(key, text, catalog)
        except QueryValueError as exc:
            warnings.append(f"{key}={_short(text)} ignored: {exc}")
            ignored.append(Ignored({key: _short(text)}, str(exc)))
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
                ignored.append(
                    Ignored(
                        {k: _short(applied[k]) for k in named if k in applied},
                        problem.message,
                        problem=problem,
                        tried=dict(values),
                    )
                )
            for k in dict.fromkeys(culprits):
                values[k] = base_values[k]
                applied.pop(k, None)
            if not culprits:
                scenario = base
                values = dict(base_values)
                break
    return Decoded(scenario, values, applied, warnings, ignored)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
