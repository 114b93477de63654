"""The offline price list bundled with ``genai-prices``: the fallback for unlisted ids, and the
source of ``tcocalc pricing import`` and ``tcocalc pricing diff``.

``genai-prices`` ships a Python module (``genai_prices.data``) listing every provider and model it
knows, with standard, cached and batch prices, long-context tiers (``TieredPrices``) and dated
prices (``ConditionalPrice`` with a ``start_date``). :func:`entry_fields` turns one of its models
into the fields of a ``schema_version: 2`` entry: the prices in force on a day, and one period per
later dated change. History before that day is not kept.

Only the bundled data is read, and only when a snapshot is actually needed: importing this module
does not import ``genai_prices`` (half a second of CPU), so loading a catalog whose scenario names
only YAML ids never pays for it. ``genai-prices`` can also fetch fresh prices from GitHub
(``UpdatePrices``); this module never starts it and builds its own ``DataSnapshot`` from the
bundled list, so a run gives the same numbers with or without a network.

The fallback takes only first-hand prices
    For an id that no pricing file lists, :func:`snapshot_model` returns the price of the provider
    ``genai-prices`` infers from the id itself (``gpt-*`` OpenAI, ``claude*`` Anthropic,
    ``gemini*`` Google), and only when that provider lists the model at its own USD price. It
    raises :class:`~tcocalc.pricing.catalog.SnapshotRefusal` (which the catalog turns into a clear
    "unknown model" message) when only other hosts list the id (``llama-3.1-8b-instruct`` at
    OVHcloud), when the maker's entry is copied from a reseller (``gpt-oss-20b``: "Imported from
    OpenRouter pricing") or converted from another currency (``glm-5.3-flash``: Zhipu's CNY price
    at a fixed rate). Add such a model to a pricing file with the provider you buy from
    (``tcocalc pricing import ID --provider NAME``).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache
from importlib import metadata
from typing import TYPE_CHECKING, Any

from tcocalc.pricing.catalog import LlmModel, SnapshotRefusal
from tcocalc.pricing.prices import OPTIONAL_RATES

if TYPE_CHECKING:
    from genai_prices.data_snapshot import DataSnapshot
    from genai_prices.types import ModelInfo, ModelPrice, Provider, TieredPrices

if TYPE_CHECKING:  # imported when a look-up needs them: the bundled list costs ~0.8 s at start-up
    from genai_prices.data_snapshot import DataSnapshot
    from genai_prices.types import ModelInfo, Provider, TieredPrices

GENAI_PRICES_URL = "https://github.com/pydantic/genai-prices"
"""``source`` of an entry whose provider lists no pricing page in the snapshot."""

BATCH = {"processing": "batch"}
"""genai-prices' request context of a batch call (its ``PriceVariant.when``)."""

STANDARD_KEYS = {
    "usd_per_1m_input_tokens": "input_mtok",
    "usd_per_1m_output_tokens": "output_mtok",
    "usd_per_1m_cached_input_tokens": "cache_read_mtok",
    "usd_per_1m_cache_write_tokens": "cache_write_mtok",
}
BATCH_KEYS = {
    "usd_per_1m_batch_input_tokens": "input_mtok",
    "usd_per_1m_batch_output_tokens": "output_mtok",
    "usd_per_1m_batch_cached_input_tokens": "cache_read_mtok",
    "usd_per_1m_batch_cache_write_tokens": "cache_write_mtok",
}
_SECOND_HAND = (
    re.compile(r"imported from", re.IGNORECASE),
    re.compile(r"converted to usd", re.IGNORECASE),
    re.compile(r"\b(?:cny|rmb)\b", re.IGNORECASE),
)
"""Words in genai-prices' comments that say a price is not the provider's own USD price."""
_CHECKED = re.compile(r"(?:verified|checked|as of)(?: on| at)? (\d{4}-\d{2}-\d{2})", re.IGNORECASE)


def package_version() -> str:
    """The installed genai-prices version (read from its metadata, not by importing it)."""
    try:
        return metadata.version("genai-prices")
    except metadata.PackageNotFoundError:  # pragma: no cover - it is a locked dependency
        return "unknown"


@lru_cache(maxsize=1)
def _snapshot() -> DataSnapshot:
    """A snapshot of the bundled data only; never replaced by ``UpdatePrices``."""
    from genai_prices import data
    from genai_prices.data_snapshot import DataSnapshot

    return DataSnapshot(providers=data.providers, from_auto_update=False)


def providers() -> list[Provider]:
    """Every provider of the bundled snapshot."""
    return _snapshot().providers


@lru_cache(maxsize=1)
def snapshot_as_of() -> dt.date:
    """The newest day the bundled data says a price was checked ("verified on 2026-10-14",
    "checked on ...", "as of ..." in its comments), so it moves with the installed package.

    >>> snapshot_as_of() >= dt.date(2026, 10, 14)
    True
    """
    texts = [p.price_comments or "" for p in providers()]
    texts += [m.price_comments or "" for p in providers() for m in p.models]
    days = [dt.date.fromisoformat(d) for text in texts for d in _CHECKED.findall(text)]
    return max(days, default=dt.date(2000, 1, 1))


def __getattr__(name: str) -> Any:
    if name == "SNAPSHOT_AS_OF":  # computed on first use: it needs the data
        return snapshot_as_of()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- One genai-prices model as pricing-file fields ------------------------------------------------


def _price_at(value: Decimal | TieredPrices | None, start: int) -> float | None:
    """USD per 1M tokens for prompts of more than ``start`` tokens (0: the base price)."""
    from genai_prices.types import TieredPrices

    if value is None:
        return None
    if isinstance(value, TieredPrices):
        price = value.base
        for tier in value.tiers:
            if start and tier.start <= start:
                price = tier.price
        return float(price)
    return float(value)


def _starts(*prices: ModelPrice) -> list[int]:
    from genai_prices.types import TieredPrices

    found = {
        t.start
        for p in prices
        for key in STANDARD_KEYS.values()
        if isinstance(v := getattr(p, key), TieredPrices)
        for t in v.tiers
    }
    return sorted(found)


def _has_batch(model: ModelInfo, day: dt.date) -> bool:
    when = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    return any(
        v.when == BATCH and (v.constraint is None or v.constraint.active(when))
        for v in model.price_variants or ()
    )


def _rates_on(model: ModelInfo, day: dt.date) -> dict[str, Any] | None:
    """The fields of :class:`~tcocalc.pricing.prices.PricedRates` in force on ``day``, with
    only the optional prices that differ from their default; None when not priced per token."""
    when = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    standard = model.get_prices(when)
    batch = model.get_prices(when, BATCH) if _has_batch(model, day) else None
    if standard.input_mtok is None:
        return None
    starts = [0, *_starts(standard, *([batch] if batch else []))]
    table: dict[int, dict[str, float | None]] = {}
    for start in starts:
        row = {k: _price_at(getattr(standard, key), start) for k, key in STANDARD_KEYS.items()}
        row["usd_per_1m_output_tokens"] = row["usd_per_1m_output_tokens"] or 0.0
        if batch is not None:
            row |= {k: _price_at(getattr(batch, key), start) for k, key in BATCH_KEYS.items()}
        table[start] = row

    def differs(name: str, default: str) -> bool:
        return any(
            r.get(name) is not None and r.get(name) != r.get(default) for r in table.values()
        )

    given = {"usd_per_1m_input_tokens", "usd_per_1m_output_tokens"}
    given |= {
        name
        for name, default in (
            ("usd_per_1m_cached_input_tokens", "usd_per_1m_input_tokens"),
            ("usd_per_1m_cache_write_tokens", "usd_per_1m_input_tokens"),
            ("usd_per_1m_batch_cached_input_tokens", "usd_per_1m_cached_input_tokens"),
            ("usd_per_1m_batch_cache_write_tokens", "usd_per_1m_cache_write_tokens"),
        )
        if differs(name, default)
    }
    if batch is not None:
        given |= {"usd_per_1m_batch_input_tokens", "usd_per_1m_batch_output_tokens"}
    order = ["usd_per_1m_input_tokens", "usd_per_1m_output_tokens", *OPTIONAL_RATES]

    def pick(row: dict[str, float | None]) -> dict[str, Any]:
        # a written-but-unknown cached price (None) means "no caching": leave the field out
        out: dict[str, Any] = {}
        for name in order:
            if name not in given:
                continue
            value = row.get(name)
            if value is None:
                value = row[
                    "usd_per_1m_cached_input_tokens"
                    if name == "usd_per_1m_batch_cached_input_tokens"
                    else "usd_per_1m_input_tokens"
                ]
            out[name] = value
        return out

    fields = pick(table[0])
    tiers = [{"start_tokens": s, **pick(table[s])} for s in starts[1:]]
    if tiers:
        fields["tiers"] = tiers
        fields["tier_rule"] = "whole_request"  # genai-prices' TieredPrices: the cliff model
    return fields


def _change_dates(model: ModelInfo, after: dt.date) -> list[dt.date]:
    from genai_prices.types import StartDateConstraint

    constraints = [c.constraint for c in model.prices] if isinstance(model.prices, list) else []
    constraints += [v.constraint for v in model.price_variants or () if v.when == BATCH]
    return sorted(
        {
            c.start_date
            for c in constraints
            if isinstance(c, StartDateConstraint) and c.start_date > after
        }
    )


def entry_fields(model: ModelInfo, day: dt.date) -> dict[str, Any] | None:
    """The price fields of a v2 pricing entry for ``model``: those in force on ``day``, and a
    ``periods`` list with the full prices from each later dated change; None when the model is
    not priced per input token (images, audio by the second)."""
    fields = _rates_on(model, day)
    if fields is None:
        return None
    periods: list[dict[str, Any]] = []
    previous = fields
    for change in _change_dates(model, day):
        rates = _rates_on(model, change)
        if rates is None or rates == previous:
            continue
        periods.append({"from": change, **rates})
        previous = rates
    if periods:
        fields["periods"] = periods
    return fields


def second_hand(provider: Provider, model: ModelInfo) -> str | None:
    """The sentence of the snapshot's comments saying that ``model``'s price is not
    ``provider``'s own USD price (copied from a reseller, converted from another currency), or
    None."""
    texts = [t for t in (model.price_comments, provider.price_comments) if t]
    for pattern in _SECOND_HAND:
        for text in texts:
            for sentence in re.split(r"(?<=\.)\s+", text):
                if pattern.search(sentence):
                    return sentence.strip()
    return None


def to_llm_model(provider: Provider, model: ModelInfo, day: dt.date) -> LlmModel | None:
    """The snapshot's model as a catalog entry (``from_snapshot=True``, no fine-tuning)."""
    fields = entry_fields(model, day)
    if fields is None:
        return None
    notes = (
        f"From the genai-prices {package_version()} snapshot ({provider.id}/{model.id}); "
        "no fine-tuning prices."
    )
    if model.deprecated:
        notes += " Marked deprecated by the provider."
    return LlmModel(
        source=(provider.pricing_urls or [GENAI_PRICES_URL])[0],
        as_of=snapshot_as_of(),
        notes=notes,
        provider=provider.name,
        name=model.name or model.id,
        snapshot_id=model.id,
        from_snapshot=True,
        **fields,
    )


def find_at(provider: Provider, model_id: str) -> ModelInfo | None:
    """``provider``'s own entry for ``model_id``: the model genai-prices files under that id,
    else the one its match rules give for an API reference (``accounts/fireworks/models/...``);
    never another provider's."""
    key = model_id.lower()
    exact = next((m for m in provider.models if m.id.lower() == key), None)
    return exact or provider.find_model(model_id)


@lru_cache(maxsize=512)
def _holders(model_id: str) -> tuple[tuple[Provider, ModelInfo], ...]:
    return tuple((p, m) for p in providers() if (m := find_at(p, model_id)) is not None)


def _maker(model_id: str) -> Provider | None:
    """The provider genai-prices infers from the id itself (``gpt-4o`` -> OpenAI), or None."""
    try:
        return _snapshot().find_provider(model_id, None, None)
    except LookupError:
        return None


@lru_cache(maxsize=512)
def snapshot_model(model_id: str, *, day: dt.date | None = None) -> LlmModel | None:
    """The first-hand snapshot entry for ``model_id``; None when no provider lists it.

    Raises :class:`SnapshotRefusal` when it is listed only at a price that is not its maker's own
    (see the module docstring).

    >>> snapshot_model("gpt-4o").usd_per_1m_input_tokens
    2.5
    >>> snapshot_model("no-such-model") is None
    True
    >>> snapshot_model("gpt-oss-20b")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    tcocalc.pricing.catalog.SnapshotRefusal: ... not OpenAI's own ("Imported from OpenRouter ...
    """
    key = model_id.strip().lower()
    if not key:
        return None
    holders = _holders(key)
    if not holders:
        return None
    maker = _maker(key)
    mine = next(((p, m) for p, m in holders if maker is not None and p.id == maker.id), None)
    others = ", ".join(p.name for p, _ in holders if mine is None or p.id != mine[0].id)
    if mine is None:
        who = (
            f"{maker.name}, the provider the id names, does not list it"
            if maker
            else ("the id names no provider")
        )
        raise SnapshotRefusal(f"{who}; genai-prices has it only at other hosts ({others})")
    provider, model = mine
    reason = second_hand(provider, model)
    if reason:
        also = f"; also at {others}" if others else ""
        raise SnapshotRefusal(
            f"genai-prices lists it at {provider.name} only at a price that is not "
            f'{provider.name}\'s own ("{reason}"){also}'
        )
    return to_llm_model(provider, model, day or dt.datetime.now(dt.UTC).date())


def snapshot_models(day: dt.date | None = None) -> dict[str, LlmModel]:
    """Every first-hand, per-token model of the snapshot, keyed by its id in lower case (what
    :func:`snapshot_model` would return for that id).

    >>> snapshot_models()["gpt-4o"].provider
    'OpenAI'
    """
    day = day or dt.datetime.now(dt.UTC).date()
    found: dict[str, LlmModel] = {}
    for provider in providers():
        for model in provider.models:
            key = model.id.lower()
            if key in found:
                continue
            maker = _maker(key)
            if maker is None or maker.id != provider.id or second_hand(provider, model):
                continue
            try:
                entry = to_llm_model(provider, model, day)
            except ValueError:  # a price tcocalc's bounds refuse (over $1,000 per 1M tokens)
                continue
            if entry is not None:
                found[key] = entry
    return found
