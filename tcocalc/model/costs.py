"""One pure function per cost quantity, each returning a monthly series in USD (or the count it names).

Each function is plain arithmetic that works on numbers and on numpy arrays alike (an input of shape
``(n, 1)`` is ``n`` scenarios, against ``months`` of shape ``(H,)``), and is
``numba.extending.register_jitable``: Python callers run it as written, and the compiled month walk
of :mod:`tcocalc.model.engine` calls the same function on one variant's numbers. Nothing here knows
about strategies, pydantic or the catalog.

Conventions (see :mod:`tcocalc.model.units`): month 1 is the first month; 730 hours a month; USD.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba.extending import register_jitable

from tcocalc.model.units import (
    HOURS_PER_MONTH,
    SECONDS_PER_MONTH,
    TOKENS_PER_PRICE_UNIT,
    WEEKS_PER_MONTH,
)

Arr = npt.NDArray[np.float64]
Num = float | Arr

jitable = register_jitable(inline="always")
"""Runs as plain Python for Python callers; compiled when the month walk calls it."""


def months_of(horizon_months: int) -> Arr:
    """Month numbers 1..H as floats.

    >>> months_of(3)
    array([1., 2., 3.])
    """
    return np.arange(1, horizon_months + 1, dtype=np.float64)


@jitable
def calls_per_month(monthly_calls: Num, monthly_growth_pct: Num, months: Num) -> Num:
    """Calls in each month: ``monthly_calls x (1 + growth)^(month - 1)`` (calls/month).

    >>> calls_per_month(1000.0, 10.0, months_of(3)).round(2)
    array([1000., 1100., 1210.])
    """
    return monthly_calls * growth_factor(monthly_growth_pct) ** (months - 1.0)


@jitable
def growth_factor(monthly_growth_pct: Num) -> Num:
    """Month-over-month multiplier of the call volume: ``1 + growth / 100``.

    >>> float(growth_factor(2.5))
    1.025
    """
    return 1.0 + monthly_growth_pct / 100.0


@jitable
def live_fraction(lead_time_weeks: Num, months: Num) -> Num:
    """Share of each month a model that needs ``lead_time_weeks`` to build serves traffic (0-1).

    Month m covers the interval [m - 1, m) in months; the model goes live at
    ``lead_time_weeks / WEEKS_PER_MONTH`` months.

    >>> live_fraction(0.0, months_of(2))
    array([1., 1.])
    >>> live_fraction(WEEKS_PER_MONTH * 1.5, months_of(3))
    array([0. , 0.5, 1. ])
    """
    go_live = lead_time_weeks / WEEKS_PER_MONTH
    return np.minimum(np.maximum(months - go_live, 0.0), 1.0)


@jitable
def go_live_month(lead_time_weeks: Num) -> Num:
    """The month in which a model with this lead time starts serving (1 = from the first day).

    >>> int(go_live_month(0.0)), int(go_live_month(2.0)), int(go_live_month(WEEKS_PER_MONTH))
    (1, 1, 2)
    """
    return np.floor(lead_time_weeks / WEEKS_PER_MONTH + 1e-9) + 1.0


@jitable
def token_inference_usd(
    calls: Num,
    input_tokens_per_call: Num,
    output_tokens_per_call: Num,
    usd_per_1m_input_tokens: Num,
    usd_per_1m_output_tokens: Num,
) -> Num:
    """Per-token API bill: ``calls x (in x price_in + out x price_out) / 1M`` (USD/month).

    >>> round(float(token_inference_usd(np.array(100_000.0), 1150, 25, 0.40, 1.60)[()]), 9)
    50.0
    """
    usd_per_call = (
        input_tokens_per_call * usd_per_1m_input_tokens
        + output_tokens_per_call * usd_per_1m_output_tokens
    ) / TOKENS_PER_PRICE_UNIT
    return calls * usd_per_call


@jitable
def replicas_needed(
    calls: Num,
    peak_to_average_ratio: Num,
    calls_per_second_per_replica: Num,
    min_replicas: Num,
    redundancy_replicas: float = 0.0,
    p95_latency_seconds: float = 0.0,
    slots_per_replica: float = 1.0,
    call_seconds: float = 1.0,
) -> Num:
    """Dedicated replicas for the peak: the most of three sizes, plus the spares (count).

    ``max(min, ceil(peak calls/s / per replica), latency size) + redundancy``, where ``calls``
    is the month's rate while the replicas run (calls/month) and the peak is ``calls / seconds
    in a month x peak-to-average``. With a p95 target (``> 0``; one variant's numbers) the latency
    size is ``ceil(servers / slots)`` replicas for the :func:`servers_for_p95` M/M/c servers, each
    a slot of a replica's decode batch serving a call in ``call_seconds``.

    >>> replicas_needed(np.array([2_628_000.0, 0.0]), 3.0, 1.0, 1)
    array([3., 1.])
    >>> float(replicas_needed(2_628_000.0, 3.0, 1.0, 1, redundancy_replicas=1.0))  # N+1
    4.0
    """
    peak_calls_per_second = calls / SECONDS_PER_MONTH * peak_to_average_ratio
    # Rounding guards ceil() against float noise (3.0000000001 replicas is 3, not 4).
    # (numpy's round to 9 decimals, written out: rint(x * 1e9) / 1e9.)
    needed = np.ceil(np.rint(peak_calls_per_second / calls_per_second_per_replica * 1e9) / 1e9)
    if p95_latency_seconds > 0.0:
        servers = servers_for_p95(
            peak_calls_per_second,  # type: ignore[arg-type]  # one variant's number here
            1.0 / call_seconds,
            p95_latency_seconds,
        )
        needed = np.maximum(needed, np.ceil(np.rint(servers / slots_per_replica * 1e9) / 1e9))
    return np.maximum(needed, min_replicas) + redundancy_replicas


@jitable
def servers_for_p95(
    arrival_per_second: float, service_per_second: float, p95_seconds: float
) -> float:
    """The fewest M/M/c servers such that 95 % of calls finish within ``p95_seconds`` (count).

    Calls arrive at rate λ (Poisson) and each server serves one at a time at rate μ. A call
    waits longer than ``t`` with probability ``C(c, a) x exp(-(c μ - λ) t)`` (Erlang C, offered
    load ``a = λ / μ``); the target holds when that is at most 5 % for ``t = p95 - 1 / μ``
    (the wait left once the mean service time is spent). ``C`` comes from the Erlang B recurrence
    ``B(k) = a B(k-1) / (k + a B(k-1))``, ``C = k B / (k - a (1 - B))``, which is stable for large
    ``c`` (Kleinrock, *Queueing Systems* vol. 1, 1975, section 3.5). A target at or below the
    mean service time cannot be met: ``inf`` (the inputs refuse it first).

    Two calls/s served at one call/s each, within 2 s: a = 2; c = 3 gives C = 4/9 and
    P(wait > 1 s) = 4/9 x e^-1 = 0.16; c = 4 gives C = 4/23 and 4/23 x e^-2 = 0.024 <= 5 %.
    >>> servers_for_p95(2.0, 1.0, 2.0), servers_for_p95(0.0, 1.0, 2.0), servers_for_p95(2.0, 1.0, 1.0)
    (4.0, 0.0, inf)
    """
    if arrival_per_second <= 0.0:
        return 0.0
    wait = p95_seconds - 1.0 / service_per_second
    if wait <= 0.0:
        return np.inf
    a = arrival_per_second / service_per_second
    limit = np.ceil(a + 10.0 * np.sqrt(a) + 100.0)
    b = 1.0
    k = 0.0
    while k < limit:
        k += 1.0
        b = a * b / (k + a * b)
        if k > a:
            erlang_c = k * b / (k - a * (1.0 - b))
            if erlang_c * np.exp(-(k * service_per_second - arrival_per_second) * wait) <= 0.05:
                return k
    return limit


@jitable
def hourly_usd(usd_per_hour: Num, live: Num) -> Num:
    """Something billed by the hour while live: ``usd_per_hour x 730 x live share`` (USD/month).

    >>> hourly_usd(2.0, np.array([0.5, 1.0]))
    array([ 730., 1460.])
    """
    return usd_per_hour * HOURS_PER_MONTH * live


@jitable
def people_usd(hours: Num, engineer_usd_per_hour: Num) -> Num:
    """People's time: ``hours x USD/hour`` (USD).

    >>> float(people_usd(24, 100.0))
    2400.0
    """
    return hours * engineer_usd_per_hour


@jitable
def labeling_usd(examples: Num, usd_per_labeled_example: Num) -> Num:
    """Labeling: ``examples x USD per labeled example (QA included)`` (USD).

    >>> float(labeling_usd(10_000, 0.6))
    6000.0
    """
    return examples * usd_per_labeled_example


@jitable
def training_run_usd(
    dataset_tokens: Num, epochs: Num, usd_per_training_token: Num, runs: Num = 1.0
) -> Num:
    """Training compute: ``dataset tokens x epochs x USD per token-pass x runs`` (USD).

    ``usd_per_training_token`` is the provider's price per 1M training tokens / 1M, or for own
    GPUs ``usd_per_gpu_hour / (tokens_per_second_per_gpu x 3600)`` (see
    :func:`usd_per_training_token_on_gpus`).

    >>> round(float(training_run_usd(10_000_000, 4, 5.0 / 1e6)), 9)
    200.0
    """
    return dataset_tokens * epochs * usd_per_training_token * runs


@jitable
def usd_per_training_token_on_gpus(usd_per_gpu_hour: Num, tokens_per_second_per_gpu: Num) -> Num:
    """USD to push one token through one epoch on rented GPUs (the GPU count only sets wall time).

    >>> round(float(usd_per_training_token_on_gpus(3.6, 1000.0)) * 1e6, 6)
    1.0
    """
    return usd_per_gpu_hour / (tokens_per_second_per_gpu * 3600.0)


@jitable
def error_usd(calls: Num, accuracy: Num, usd_per_wrong_answer: Num) -> Num:
    """Wrong answers: ``calls x (1 - accuracy) x USD per wrong answer`` (USD/month).

    >>> round(float(error_usd(np.array(1000.0), 0.88, 2.0)[()]), 9)
    240.0
    """
    return calls * (1.0 - accuracy) * usd_per_wrong_answer


@jitable
def retrain_due(every_months: int, month: Num, go_live: Num) -> Num:
    """Whether a schedule every ``every_months`` from go-live falls in ``month``: months
    ``go_live + k x every`` for k >= 1; never when ``every_months`` is 0.

    >>> [bool(retrain_due(3, m, 1.0)) for m in (1.0, 4.0, 5.0, 7.0)]
    [False, True, False, True]
    """
    since = month - go_live
    # Whole months, so "since is a multiple of every" is "since / every has no fraction" (exact
    # for these small integers; cheaper than a modulo in the compiled walk).
    quotient = since / max(every_months, 1)
    return (every_months > 0) & (since > 0) & (quotient == np.floor(quotient))


# --- What the bill really says: caching, batch, long-context tiers, trends, discounting -------

RATE_COLUMNS: tuple[str, ...] = (
    "usd_per_1m_input_tokens",
    "usd_per_1m_cached_input_tokens",
    "usd_per_1m_cache_write_tokens",
    "usd_per_1m_output_tokens",
    "usd_per_1m_batch_input_tokens",
    "usd_per_1m_batch_cached_input_tokens",
    "usd_per_1m_batch_cache_write_tokens",
    "usd_per_1m_batch_output_tokens",
)
"""The eight per-token prices of one price list, in the order of a row of rates (USD per 1M)."""
TIER_START = len(RATE_COLUMNS)
"""Column of a row of rates holding the long-context tier's ``start_tokens`` (inf: no tier)."""
TIER_RATES = TIER_START + 1
"""First column of the tier's eight prices (same order as :data:`RATE_COLUMNS`)."""
ABOVE_THRESHOLD = TIER_RATES + len(RATE_COLUMNS)
"""Column holding 1.0 when the tier bills only the tokens past its start (``above_threshold``)."""
RATE_ROW = ABOVE_THRESHOLD + 1
"""Length of a row of rates: base prices, tier start, tier prices, tier rule."""


@jitable
def prompt_tokens_per_call(
    input_tokens_per_call: Num, input_tokens_per_new_category: Num, categories_added: Num
) -> Num:
    """A prompt that grows with the categories it covers: ``input + per category x added``
    (tokens/call). Each new category's description and few-shot examples join every call.

    >>> float(prompt_tokens_per_call(2_000.0, 40.0, 3.0))  # 2,000 + 40 x 3
    2120.0
    """
    return input_tokens_per_call + input_tokens_per_new_category * categories_added


@jitable
def cached_tokens_per_call(static_prefix_tokens_per_call: Num, cache_hit_rate: Num) -> Num:
    """Prompt tokens read from the cache, on average per call: ``static prefix x hit rate``
    (tokens/call); the rest of the prefix, ``static x (1 - hit rate)``, is written on a miss.

    >>> float(cached_tokens_per_call(1_000.0, 0.9))
    900.0
    """
    return static_prefix_tokens_per_call * cache_hit_rate


@jitable
def usd_per_call(
    rates: Arr,
    prompt_tokens: float,
    static_prefix_tokens: float,
    cache_hit_rate: float,
    output_tokens: float,
    batch_share: float,
) -> float:
    """USD of one call under a row of rates (see :data:`RATE_COLUMNS`), on average over the calls.

    The prompt's ``static_prefix_tokens`` are read from the cache on ``cache_hit_rate`` of calls
    (cached-input price) and written on the others (cache-write price, the input price where
    writes cost no extra); the rest of the prompt is billed at the input price; ``output_tokens``
    (reasoning included) at the output price. ``batch_share`` of calls pay the batch prices.
    A prompt longer than the tier's start pays the tier's prices: for every token of the call
    (``whole_request``), or only for the prompt tokens past the start, cached ones first, output
    at the tier's price (``above_threshold``). The same bill as
    :func:`tcocalc.pricing.billing.usd_per_call`, averaged over hits, misses and batch calls.

    gpt-4.1-mini (0.40 in, 0.10 cached, 0.40 write, 1.60 out; batch 0.20 / 0.10 / 0.40 / 0.80), a
    1,150-token prompt of which 1,000 static, 90 % of calls hitting the cache, 25 tokens out:

    >>> r = np.array([0.40, 0.10, 0.40, 1.60, 0.20, 0.10, 0.40, 0.80, np.inf, *[0.0] * 8, 0.0])
    >>> def micro(*a): return round(float(usd_per_call(*a)) * 1e6, 6)  # USD per million calls
    >>> micro(r, 1_150.0, 1_000.0, 0.9, 25.0, 0.0)  # 150 x .4 + 900 x .1 + 100 x .4 + 25 x 1.6
    230.0
    >>> micro(r, 1_150.0, 0.0, 0.0, 25.0, 0.0)  # 1150 x .40 + 25 x 1.60: no caching
    500.0
    >>> micro(r, 1_150.0, 0.0, 0.0, 25.0, 1.0)  # 1150 x .20 + 25 x .80: all through batch
    250.0

    A tier at 1,000 tokens at twice the prices, billed on the whole request and above the start:

    >>> t = r.copy(); t[8] = 1_000.0; t[9:17] = 2 * r[:8]
    >>> micro(t, 1_150.0, 0.0, 0.0, 25.0, 0.0)  # 1150 x .80 + 25 x 3.20
    1000.0
    >>> t[17] = 1.0
    >>> micro(t, 1_150.0, 0.0, 0.0, 25.0, 0.0)  # 1000 x .40 + 150 x .80 + 25 x 3.20
    600.0
    """
    cached = cached_tokens_per_call(static_prefix_tokens, cache_hit_rate)
    written = static_prefix_tokens - cached
    uncached = prompt_tokens - static_prefix_tokens
    start = rates[TIER_START]
    if prompt_tokens <= start:
        standard = (
            uncached * rates[0] + cached * rates[1] + written * rates[2] + output_tokens * rates[3]
        )
        batch = (
            uncached * rates[4] + cached * rates[5] + written * rates[6] + output_tokens * rates[7]
        )
    elif rates[ABOVE_THRESHOLD] == 0.0:
        t = TIER_RATES
        standard = (
            uncached * rates[t]
            + cached * rates[t + 1]
            + written * rates[t + 2]
            + output_tokens * rates[t + 3]
        )
        batch = (
            uncached * rates[t + 4]
            + cached * rates[t + 5]
            + written * rates[t + 6]
            + output_tokens * rates[t + 7]
        )
    else:
        # Positions: cached [0, c), written [c, static), uncached [static, prompt).
        cached_low = min(cached, start)
        written_low = min(max(start - cached, 0.0), written)
        uncached_low = min(max(start - static_prefix_tokens, 0.0), uncached)
        low = (uncached_low, cached_low, written_low)
        high = (uncached - uncached_low, cached - cached_low, written - written_low)
        t = TIER_RATES
        standard = output_tokens * rates[t + 3]
        batch = output_tokens * rates[t + 7]
        for k in range(3):
            standard += low[k] * rates[k] + high[k] * rates[t + k]
            batch += low[k] * rates[4 + k] + high[k] * rates[t + 4 + k]
    usd = (1.0 - batch_share) * standard + batch_share * batch
    return usd / TOKENS_PER_PRICE_UNIT


@jitable
def yearly_change_per_month(pct_per_year: Num) -> Num:
    """The monthly multiplier of a yearly change: ``(1 + pct / 100)^(1 / 12)`` (ratio).

    >>> round(float(yearly_change_per_month(-20.0)) ** 12, 12)  # twelve months: -20 %
    0.8
    >>> float(yearly_change_per_month(0.0))
    1.0
    """
    return (1.0 + pct_per_year / 100.0) ** (1.0 / 12.0)


@jitable
def price_trend_factor(pct_per_year: Num, months: Num) -> Num:
    """Prices after a yearly trend, relative to month 1: ``(1 + pct / 100)^((month - 1) / 12)``.

    >>> price_trend_factor(-20.0, np.array([1.0, 13.0])).round(6)  # month 13: a year later
    array([1. , 0.8])
    """
    return yearly_change_per_month(pct_per_year) ** (months - 1.0)


@jitable
def discount_factor(discount_rate_pct_per_year: Num, months: Num) -> Num:
    """What a dollar spent in ``month`` is worth in month 1's money:
    ``(1 + rate / 100)^-((month - 1) / 12)`` (ratio; month 1 is today's money).

    >>> discount_factor(10.0, np.array([1.0, 13.0, 25.0])).round(6)  # 1, 1/1.1, 1/1.21
    array([1.      , 0.909091, 0.826446])
    """
    return 1.0 / price_trend_factor(discount_rate_pct_per_year, months)
