"""The page's short keys for every scenario field, and the scenario <-> flat values mapping.

Every field of :class:`~tcocalc.model.scenario.Scenario` has one short key (:data:`FIELDS`), e.g.
``calls`` for ``workload.monthly_calls`` or ``ft.lead_weeks`` for ``fine_tuning.lead_time_weeks``.
:func:`flatten` turns a scenario into ``{key: value}`` and :func:`build` turns such a mapping back
into a validated scenario. Reading those values from the text of a link is
:mod:`tcocalc.inputs.query`'s job.

Fields of a training or serving kind that is not selected (``ft.gpu`` while training runs through a
provider's API) still get a value in :func:`flatten` — the pydantic default, or a placeholder
(:data:`PLACEHOLDERS`) or the first fitting catalog entry — so that switching the kind in the page
starts from something sensible. Those values never reach the scenario or the query string.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast, get_args

from pydantic import BaseModel, ValidationError

from tcocalc.model.scenario import (
    Accounting,
    CategoryChanges,
    DedicatedServing,
    FineTuning,
    Hybrid,
    Money,
    People,
    PriceOverride,
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
    "number",
    "integer",
    "boolean",
    "text",
    "date",
    "choice",
    "ref",
    "events",
    "share",
    "optional",
    "overrides",
]
"""``share`` and ``optional``: a number that may be left empty (None, written ``auto``) for a
derived value; ``ref`` of an optional field: an id, or None (written as an empty value);
``overrides``: the scenario's negotiated prices as one line (:func:`format_overrides`)."""
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
        _f("batch", ("workload", "batch_share"), Workload),
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
        _f("p.static_tokens", ("prompting", "static_prefix_tokens_per_call"), Prompting),
        _f("p.cache_hits", ("prompting", "cache_hit_rate"), Prompting),
        _f("p.tokens_per_cat", ("prompting", "input_tokens_per_new_category"), Prompting),
        _f("p.reasoning", ("prompting", "reasoning_tokens_per_call"), Prompting, "optional"),
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
        _f("ft.static_tokens", (*_FT, "static_prefix_tokens_per_call"), FineTuning),
        _f("ft.cache_hits", (*_FT, "cache_hit_rate"), FineTuning),
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
        # Money over time, negotiated prices
        _f("discount", ("money", "discount_rate_pct_per_year"), Money),
        _f("p.price_trend", ("money", "prompted_price_change_pct_per_year"), Money),
        _f("ft.price_trend", ("money", "tuned_price_change_pct_per_year"), Money),
        _f("prices", ("price_overrides",), Scenario, "overrides"),
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

PLACEHOLDERS: dict[str, float] = {}
"""Starting values for required fields of a kind the scenario does not use (none today: own-GPU
throughputs are derived from the model and GPU unless the user enters measured ones)."""


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
        elif f.kind == "overrides":
            out[key] = format_overrides(scenario.price_overrides)
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
    if f.kind == "overrides":
        return ""
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
        elif f.kind == "overrides":
            try:
                value = parse_overrides(str(value or ""))
            except OverridesTextError as exc:
                raise ScenarioValuesError([ValueProblem((key,), str(exc))]) from None
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


# --- Negotiated prices as one line of text ---------------------------------------------------

OVERRIDE_KEYS: dict[str, str] = {
    "in": "usd_per_1m_input_tokens",
    "cached": "usd_per_1m_cached_input_tokens",
    "write": "usd_per_1m_cache_write_tokens",
    "out": "usd_per_1m_output_tokens",
    "batch_in": "usd_per_1m_batch_input_tokens",
    "batch_out": "usd_per_1m_batch_output_tokens",
    "ft.train": "fine_tuning.usd_per_1m_training_tokens",
    "ft.in": "fine_tuning.usd_per_1m_input_tokens",
    "ft.cached": "fine_tuning.usd_per_1m_cached_input_tokens",
    "ft.write": "fine_tuning.usd_per_1m_cache_write_tokens",
    "ft.out": "fine_tuning.usd_per_1m_output_tokens",
    "ft.batch_in": "fine_tuning.usd_per_1m_batch_input_tokens",
    "ft.batch_out": "fine_tuning.usd_per_1m_batch_output_tokens",
    "ft.hosting": "fine_tuning.usd_per_hosting_hour",
}
"""Short names of a price override's fields in the ``prices`` key (USD per 1M tokens; hosting in
USD/hour)."""
_FIELD_KEYS = {v: k for k, v in OVERRIDE_KEYS.items()}


class OverridesTextError(ValueError):
    """The ``prices`` text does not read as ``model:key=value,...;model:...``."""


def format_overrides(overrides: Mapping[str, PriceOverride]) -> str:
    """A scenario's negotiated prices as one line (the note percent-encoded).

    >>> format_overrides({"gpt-4.1-mini": PriceOverride(usd_per_1m_input_tokens=0.2,
    ...     fine_tuning={"usd_per_1m_training_tokens": 2.5}, note="2027 deal, 20% off")})
    'gpt-4.1-mini:in=0.2,ft.train=2.5,note=2027%20deal%2C%2020%25%20off'
    """
    from urllib.parse import quote

    parts = []
    for model_id, o in overrides.items():
        items = [f"{_FIELD_KEYS[k]}={_number(v)}" for k, v in o.prices().items()]
        items += [
            f"{_FIELD_KEYS['fine_tuning.' + k]}={_number(v)}" for k, v in o.tuned_prices().items()
        ]
        if o.note:
            items.append(f"note={quote(o.note, safe='')}")
        parts.append(f"{model_id}:{','.join(items)}")
    return ";".join(parts)


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(float(value))


def parse_overrides(text: str) -> dict[str, dict[str, Any]]:
    """The negotiated prices a ``prices`` line describes, as the scenario's ``price_overrides``
    data (validated by the scenario model afterwards).

    >>> parse_overrides("gpt-4.1-mini:in=0.2,ft.train=2.5,note=2027%20deal")["gpt-4.1-mini"]
    ... # doctest: +NORMALIZE_WHITESPACE
    {'usd_per_1m_input_tokens': 0.2, 'fine_tuning': {'usd_per_1m_training_tokens': 2.5},
     'note': '2027 deal'}
    >>> parse_overrides("")
    {}
    """
    from urllib.parse import unquote

    out: dict[str, dict[str, Any]] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        model_id, sep, body = part.partition(":")
        if not sep or not model_id.strip():
            raise OverridesTextError(f"{part[:40]!r}: write model:in=0.2,out=1.6")
        entry: dict[str, Any] = {}
        for item in filter(None, (i.strip() for i in body.split(","))):
            name, eq, raw = item.partition("=")
            if not eq:
                raise OverridesTextError(f"{item[:40]!r}: write key=value")
            if name == "note":
                entry["note"] = unquote(raw)
                continue
            if name not in OVERRIDE_KEYS:
                raise OverridesTextError(
                    f"{name[:20]!r} is not a price; use {', '.join(OVERRIDE_KEYS)}"
                )
            try:
                value = float(raw)
            except ValueError:
                raise OverridesTextError(f"{raw[:20]!r} is not a number") from None
            field = OVERRIDE_KEYS[name]
            if field.startswith("fine_tuning."):
                entry.setdefault("fine_tuning", {})[field.removeprefix("fine_tuning.")] = value
            else:
                entry[field] = value
        out[model_id.strip()] = entry
    return out
