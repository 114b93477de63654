"""The bill of one call: tokens x the per-token price that applies to them (the reference formula).

``usd_per_call`` is the one place where a call's tokens meet :class:`~tcocalc.pricing.prices.
TokenPrices`: cached, cache-write and uncached prompt tokens are billed separately, a batch call at
the batch prices, and a long prompt at its tier's prices by the provider's ``tier_rule`` (see
:mod:`tcocalc.pricing.prices`). Reasoning tokens are output tokens: add them to ``output_tokens``.
"""

from __future__ import annotations

from tcocalc.pricing.prices import PriceTier, TokenPrices

TOKENS_PER_PRICE_UNIT = 1_000_000
"""Prices are per 1M tokens."""


class NoBatchTierError(ValueError):
    """A batch call was billed with prices that have no batch tier."""


def _rates(tier: PriceTier, batch: bool) -> tuple[float, float, float, float]:
    """(uncached input, cached input, cache write, output) USD per 1M tokens of ``tier``."""
    if not batch:
        return (
            tier.usd_per_1m_input_tokens,
            tier.usd_per_1m_cached_input_tokens,
            tier.usd_per_1m_cache_write_tokens,
            tier.usd_per_1m_output_tokens,
        )
    b_in, b_out = tier.usd_per_1m_batch_input_tokens, tier.usd_per_1m_batch_output_tokens
    b_cached = tier.usd_per_1m_batch_cached_input_tokens
    b_write = tier.usd_per_1m_batch_cache_write_tokens
    if b_in is None or b_out is None or b_cached is None or b_write is None:
        raise NoBatchTierError("these prices have no batch tier: bill the call with batch=False")
    return b_in, b_cached, b_write, b_out


def tier_for(prices: TokenPrices, prompt_tokens: float) -> PriceTier:
    """The tier a prompt of ``prompt_tokens`` tokens falls in: the last one whose ``start_tokens``
    it exceeds (genai-prices: ``total_input_tokens > tier.start``), else the base prices."""
    chosen: PriceTier = prices
    for tier in prices.tiers:
        if prompt_tokens > tier.start_tokens:
            chosen = tier
    return chosen


def usd_per_call(
    prices: TokenPrices,
    input_tokens: float,
    cached_tokens: float,
    output_tokens: float,
    batch: bool,
    *,
    cache_write_tokens: float = 0.0,
) -> float:
    """USD for one call of ``input_tokens`` prompt tokens, of which ``cached_tokens`` are read from
    the prompt cache and ``cache_write_tokens`` written to it, and ``output_tokens`` output tokens
    (reasoning included); ``batch`` bills it at the batch prices.

    ``whole_request``: with ``T`` the tier the prompt falls in (:func:`tier_for`),
    ``usd = (uncached x T.input + cached x T.cached + written x T.write + output x T.output) / 1e6``
    where ``uncached = input_tokens - cached_tokens - cache_write_tokens``.
    ``above_threshold``: the prompt's tokens are laid out cached first, then written, then
    uncached, and each token costs the price of the tier its position falls in (positions up to
    a tier's ``start_tokens`` at the tier below); output costs ``T.output``.

    gpt-4.1-mini (0.40 in, 0.10 cached, 1.60 out; batch 0.20 / 0.80, cached keeps 0.10): a
    2,000-token prompt of which 1,500 cached, 100 tokens out.

    >>> from tcocalc.pricing.prices import PricedRates, resolve
    >>> mini = resolve(PricedRates(
    ...     usd_per_1m_input_tokens=0.40, usd_per_1m_output_tokens=1.60,
    ...     usd_per_1m_cached_input_tokens=0.10,
    ...     usd_per_1m_batch_input_tokens=0.20, usd_per_1m_batch_output_tokens=0.80))
    >>> round(usd_per_call(mini, 2_000, 1_500, 100, batch=False), 10)  # 500x.40+1500x.10+100x1.60
    0.00051
    >>> round(usd_per_call(mini, 2_000, 1_500, 100, batch=True), 10)  # 500x.20+1500x.10+100x.80
    0.00033

    Claude Haiku 5.5 (0.10 in / 0.50 out; prompts over 100K: 0.50 / 2.50 for the whole request):

    >>> from tcocalc.pricing.prices import LongContextTier
    >>> haiku = resolve(PricedRates(
    ...     usd_per_1m_input_tokens=0.10, usd_per_1m_output_tokens=0.50,
    ...     tiers=[LongContextTier(start_tokens=100_000, usd_per_1m_input_tokens=0.50,
    ...                            usd_per_1m_output_tokens=2.50)]))
    >>> round(usd_per_call(haiku, 100_000, 0, 1_000, False), 10)  # 100000x.10 + 1000x.50: base
    0.0105
    >>> round(usd_per_call(haiku, 120_000, 0, 1_000, False), 10)  # 120000x.50 + 1000x2.50
    0.0625
    >>> graduated = haiku.model_copy(update={"tier_rule": "above_threshold"})
    >>> round(usd_per_call(graduated, 120_000, 0, 1_000, False), 10)  # 1e5x.10+2e4x.50+1e3x2.5
    0.0225
    """
    uncached = input_tokens - cached_tokens - cache_write_tokens
    if min(input_tokens, cached_tokens, cache_write_tokens, output_tokens) < 0 or uncached < 0:
        raise ValueError(
            "token counts must be >= 0 and cached + cache-write tokens at most the input tokens "
            f"(got input {input_tokens}, cached {cached_tokens}, written {cache_write_tokens})"
        )
    top = tier_for(prices, input_tokens)
    usd_out = output_tokens * _rates(top, batch)[3]
    if prices.tier_rule == "whole_request" or not prices.tiers:
        usd_in, usd_cached, usd_write, _ = _rates(top, batch)
        usd = uncached * usd_in + cached_tokens * usd_cached + cache_write_tokens * usd_write
        return (usd + usd_out) / TOKENS_PER_PRICE_UNIT
    # above_threshold: walk the prompt's segments (cached, written, uncached) through the tiers.
    bands: list[tuple[float, PriceTier]] = [(0.0, prices)]
    bands += [(float(t.start_tokens), t) for t in prices.tiers]
    usd = 0.0
    position = 0.0
    for kind, count in ((1, cached_tokens), (2, cache_write_tokens), (0, uncached)):
        end = position + count
        for i, (start, tier) in enumerate(bands):
            stop = bands[i + 1][0] if i + 1 < len(bands) else float("inf")
            overlap = max(0.0, min(end, stop) - max(position, start))
            if overlap:
                usd += overlap * _rates(tier, batch)[kind]
        position = end
    return (usd + usd_out) / TOKENS_PER_PRICE_UNIT
