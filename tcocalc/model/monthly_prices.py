"""The prices in force in each month of a scenario: dated periods, negotiated overrides, warnings.

Month ``m`` (1-based) is billed at the prices in force on its first day, ``start_date`` plus
``m - 1`` calendar months (:func:`month_days`): a price change dated inside a month applies from
the next month on. Per-token prices become one row of rates per month (the columns of
:data:`tcocalc.model.costs.RATE_COLUMNS`, then one long-context tier and its rule), which the month
walk bills with :func:`tcocalc.model.costs.usd_per_call`.

What a reader of the bill should be told about these prices is :mod:`tcocalc.model.bill_notes`.

A scenario's ``price_overrides`` replace catalog prices in every month (see
:class:`~tcocalc.model.scenario.PriceOverride`). A cached-input or cache-write price that equals the
input price in the catalog (the provider has no caching, or bills writes at the input price)
follows an overridden input price; a batch price that equals the catalog's list price likewise.
Long-context tiers keep the catalog's prices.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
from collections.abc import Callable, Mapping
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from tcocalc.model.costs import ABOVE_THRESHOLD, RATE_COLUMNS, RATE_ROW, TIER_RATES, TIER_START
from tcocalc.pricing.prices import PriceTier, TokenPrices

Arr = npt.NDArray[np.float64]
P = TypeVar("P", bound=TokenPrices)

MAX_TIERS_BILLED = 1
"""Long-context tiers the month walk bills: the first one (every shipped model has at most one)."""


def month_days(start: dt.date, horizon_months: int) -> list[dt.date]:
    """The first day of each month 1..H: ``start`` plus ``m - 1`` calendar months (the day is
    kept, or the month's last day when it is shorter).

    >>> month_days(dt.date(2026, 11, 30), 4)  # doctest: +NORMALIZE_WHITESPACE
    [datetime.date(2026, 11, 30), datetime.date(2026, 12, 30), datetime.date(2027, 1, 30),
     datetime.date(2027, 2, 28)]
    """
    out = []
    for m in range(horizon_months):
        months = start.month - 1 + m
        year, month = start.year + months // 12, months % 12 + 1
        day = start.day if start.day <= 28 else min(start.day, calendar.monthrange(year, month)[1])
        out.append(dt.date(year, month, day))
    return out


def _follow(base: Mapping[str, float | None], overrides: Mapping[str, float]) -> dict[str, float]:
    """The overrides, plus the prices that equal the overridden one in the catalog (``base``) and so
    follow it (in order: a batch input price that followed the input price leads its own)."""
    out = dict(overrides)
    pairs = {
        "usd_per_1m_input_tokens": (
            "usd_per_1m_cached_input_tokens",
            "usd_per_1m_cache_write_tokens",
            "usd_per_1m_batch_input_tokens",
        ),
        "usd_per_1m_output_tokens": ("usd_per_1m_batch_output_tokens",),
        "usd_per_1m_batch_input_tokens": (
            "usd_per_1m_batch_cached_input_tokens",
            "usd_per_1m_batch_cache_write_tokens",
        ),
    }
    for source, followers in pairs.items():
        if source not in out:
            continue
        for name in followers:
            if name not in overrides and base.get(name) == base.get(source):
                out[name] = out[source]
    return out


def overridden(prices: P, overrides: Mapping[str, float]) -> P:
    """``prices`` with a scenario's negotiated prices in place (see the module docstring).

    >>> from tcocalc.pricing.prices import PricedRates, resolve
    >>> p = resolve(PricedRates(usd_per_1m_input_tokens=0.4, usd_per_1m_output_tokens=1.6))
    >>> q = overridden(p, {"usd_per_1m_input_tokens": 0.3})
    >>> q.usd_per_1m_input_tokens, q.usd_per_1m_cached_input_tokens  # no caching: cached = input
    (0.3, 0.3)
    """
    if not overrides:
        return prices
    base = prices.model_dump()
    update = _follow(base, {k: v for k, v in overrides.items() if k in base})
    if not prices.has_batch:  # no batch tier to negotiate: batch calls bill at list
        update = {k: v for k, v in update.items() if "batch" not in k}
    return prices.model_copy(update=update)


def _rates(tier: PriceTier) -> list[float]:
    """A price list's eight rates in :data:`RATE_COLUMNS` order; batch falls back to list.

    Where writing the cache costs the input price (no write premium: OpenAI, Google), a write
    is an uncached input token, so a batch call's write pays the batch input price.

    >>> from tcocalc.pricing.prices import PricedRates, resolve
    >>> _rates(resolve(PricedRates(usd_per_1m_input_tokens=0.4, usd_per_1m_output_tokens=1.6,
    ...     usd_per_1m_cached_input_tokens=0.1, usd_per_1m_batch_input_tokens=0.2,
    ...     usd_per_1m_batch_output_tokens=0.8)))
    [0.4, 0.1, 0.4, 1.6, 0.2, 0.1, 0.2, 0.8]
    """
    values = [getattr(tier, name) for name in RATE_COLUMNS]
    out = [v if v is not None else values[k - 4] for k, v in enumerate(values)]
    if values[2] == values[0] and out[6] == values[2]:
        out[6] = out[4]
    return out


def rate_row(prices: TokenPrices) -> Arr:
    """One month's row of rates: the base prices, the first tier (start, prices), its rule.

    >>> from tcocalc.pricing.prices import PricedRates, resolve
    >>> row = rate_row(resolve(PricedRates(usd_per_1m_input_tokens=0.4,
    ...                                   usd_per_1m_output_tokens=1.6)))
    >>> row[:8].tolist(), float(row[8])  # batch billed at list; no tier
    ([0.4, 0.4, 0.4, 1.6, 0.4, 0.4, 0.4, 1.6], inf)
    """
    row = np.zeros(RATE_ROW)
    row[:TIER_START] = _rates(prices)
    row[TIER_START] = np.inf
    if prices.tiers:
        tier = prices.tiers[0]
        row[TIER_START] = tier.start_tokens
        row[TIER_RATES:ABOVE_THRESHOLD] = _rates(tier)
        row[ABOVE_THRESHOLD] = 1.0 if prices.tier_rule == "above_threshold" else 0.0
    return row


def by_month(
    prices_on: Callable[[dt.date], P],
    change_dates: list[dt.date],
    days: list[dt.date],
) -> list[P]:
    """``prices_on`` for each month's first day, asked once per distinct price list."""
    if not change_dates or change_dates[0] > days[-1]:
        return [prices_on(days[0])] * len(days)  # one price list all along
    cache: dict[int, P] = {}
    out = []
    for day in days:
        k = bisect.bisect_right(change_dates, day)
        if k not in cache:
            cache[k] = prices_on(day)
        out.append(cache[k])
    return out


def rate_table(prices: list[TokenPrices]) -> Arr:
    """Month-first table ``(H, RATE_ROW)`` of the rates in force each month."""
    if all(p is prices[0] for p in prices):
        return np.tile(rate_row(prices[0]), (len(prices), 1))
    distinct: dict[int, int] = {}
    rows: list[Arr] = []
    index = []
    for p in prices:
        k = distinct.get(id(p))
        if k is None:
            k = distinct[id(p)] = len(rows)
            rows.append(rate_row(p))
        index.append(k)
    return np.ascontiguousarray(np.array(rows)[index])


def no_token_table(horizon_months: int) -> Arr:
    """The table of a model that bills no tokens (dedicated GPUs): every rate 0, no tier."""
    table = np.zeros((horizon_months, RATE_ROW))
    table[:, TIER_START] = np.inf
    return table


def ratio_to_first(values: list[float]) -> Arr:
    """Each month's value relative to month 1's (exactly 1.0 where unchanged or month 1 is 0).

    >>> ratio_to_first([5.0, 5.0, 6.0]).tolist()
    [1.0, 1.0, 1.2]
    """
    first = values[0]
    return np.array([1.0 if v == first or first == 0 else v / first for v in values])


def change_from_first(values: list[float]) -> Arr:
    """Each month's value minus month 1's (exactly 0.0 where unchanged).

    >>> change_from_first([2.0, 2.0, 3.5]).tolist()
    [0.0, 0.0, 1.5]
    """
    return np.array([v - values[0] for v in values])
