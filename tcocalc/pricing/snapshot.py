"""The offline fallback for inference prices: the snapshot bundled with ``genai-prices``.

``genai-prices`` ships a Python module (``genai_prices.data``) that lists every provider and model it
knows, with prices per million tokens. This module turns that list into :class:`LlmModel` entries
(``from_snapshot=True``, no fine-tuning prices) for model ids that no ``pricing/*.yaml`` file lists.

Only the bundled data is read. ``genai-prices`` can also fetch fresh prices from GitHub
(``UpdatePrices``, which replaces its process-wide snapshot); this module never starts it and builds
its own :class:`~genai_prices.data_snapshot.DataSnapshot` from the bundled list, so a run gives the
same numbers with or without a network, and whatever another library does to ``genai-prices``.

Prices are those in force now (``genai-prices`` dates some changes); for a tiered price
(e.g. a dearer rate above 200K prompt tokens) the base tier is used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from tcocalc.pricing.catalog import LlmModel

if TYPE_CHECKING:  # imported when a look-up needs them: the bundled list costs ~0.8 s at start-up
    from genai_prices.data_snapshot import DataSnapshot
    from genai_prices.types import ModelInfo, Provider, TieredPrices

GENAI_PRICES_URL = "https://github.com/pydantic/genai-prices"
"""``source`` of an entry whose provider lists no pricing page in the snapshot."""

SNAPSHOT_AS_OF = dt.date(2026, 11, 10)
"""The bundled data carries no date of its own: this is the day genai-prices 0.2.3 (the locked
version) was uploaded to PyPI (wheel upload time 2026-11-10 21:51 UTC). Update it with the lock."""


@lru_cache(maxsize=1)
def _snapshot() -> DataSnapshot:
    """A snapshot of the bundled data only; never replaced by ``UpdatePrices``."""
    from genai_prices import data as bundled
    from genai_prices.data_snapshot import DataSnapshot

    return DataSnapshot(providers=bundled.providers, from_auto_update=False)


def _usd(price: Decimal | TieredPrices | None) -> float | None:
    """USD per 1M tokens; the base tier of a tiered price.

    >>> _usd(Decimal("2.5")), _usd(None)
    (2.5, None)
    """
    from genai_prices.types import TieredPrices

    if price is None:
        return None
    if isinstance(price, TieredPrices):
        return float(price.base)
    return float(price)


def _to_llm_model(provider: Provider, model: ModelInfo, now: dt.datetime) -> LlmModel | None:
    """The model as a catalog entry, or None when it is not priced per input token."""
    prices = model.get_prices(now)
    usd_in = _usd(prices.input_mtok)
    if usd_in is None:
        return None
    usd_out = _usd(prices.output_mtok)
    notes = f"From the genai-prices snapshot ({provider.id}/{model.id}); no fine-tuning prices."
    if usd_out is None:
        notes += " No output price in the snapshot (e.g. an embedding model): output counted at 0."
    if model.deprecated:
        notes += " Marked deprecated by the provider."
    return LlmModel(
        source=(provider.pricing_urls or [GENAI_PRICES_URL])[0],
        as_of=SNAPSHOT_AS_OF,
        notes=notes,
        provider=provider.name,
        name=model.name or model.id,
        usd_per_1m_input_tokens=usd_in,
        usd_per_1m_output_tokens=usd_out or 0.0,
        from_snapshot=True,
    )


def _original_provider(model_id: str, holders: list[Provider]) -> Provider:
    """Of the providers listing ``model_id``, the one genai-prices itself infers from the id.

    That is the provider whose model pattern matches the id (``gpt-*`` is OpenAI's, ``claude*``
    Anthropic's), as ``calc_price`` picks it when no provider is given; otherwise the first one
    listed.
    """
    try:
        inferred = _snapshot().find_provider(model_id, None, None)
    except LookupError:
        return holders[0]
    return next((p for p in holders if p.id == inferred.id), holders[0])


@lru_cache(maxsize=1)
def _all_models() -> Mapping[str, LlmModel]:
    now = dt.datetime.now(dt.UTC)
    holders: dict[str, list[tuple[Provider, ModelInfo]]] = {}
    for provider in _snapshot().providers:
        for model in provider.models:
            holders.setdefault(model.id.lower(), []).append((provider, model))
    result: dict[str, LlmModel] = {}
    for model_id, pairs in sorted(holders.items()):
        chosen = _original_provider(model_id, [p for p, _ in pairs])
        model = next(m for p, m in pairs if p is chosen)
        entry = _to_llm_model(chosen, model, now)
        if entry is not None:
            result[model_id] = entry
    return result


def snapshot_models() -> dict[str, LlmModel]:
    """Every model of the snapshot priced per token, keyed by its id in lower case.

    An id that several providers list (``claude-haiku-4-5`` is sold by Anthropic and Google)
    maps to its original provider. The result is a copy: changing it changes nothing here.

    >>> snapshot_models()["gpt-4o"].provider
    'OpenAI'
    """
    return dict(_all_models())


@lru_cache(maxsize=512)
def snapshot_model(model_id: str) -> LlmModel | None:
    """The snapshot's entry for ``model_id``, or None when the snapshot does not know it.

    An exact id is looked up first; otherwise genai-prices' own matching is used, which also knows
    dated and aliased names (``gpt-4o-2024-08-06``).

    >>> snapshot_model("gpt-4o").usd_per_1m_input_tokens
    2.5
    >>> snapshot_model("no-such-model") is None
    True
    """
    key = model_id.strip().lower()
    found = _all_models().get(key)
    if found is not None:
        return found
    try:
        provider, model = _snapshot().find_provider_model(key, None, None, None)
    except LookupError:
        return None
    return _to_llm_model(provider, model, dt.datetime.now(dt.UTC))
