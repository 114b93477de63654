"""One pure function per cost quantity, each returning a monthly series in USD (or the count it names).

Every function broadcasts: a scalar input is one scenario; an input of shape ``(n, 1)`` is ``n``
scenarios at once (Monte Carlo draws, grid points), against ``months`` of shape ``(H,)``. Nothing here
knows about strategies, pydantic or the catalog; :mod:`tcocalc.model.engine` assembles the strategies.

Conventions (see :mod:`tcocalc.model.units`): month 1 is the first month; 730 hours a month; USD.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from tcocalc.model.units import (
    HOURS_PER_MONTH,
    SECONDS_PER_MONTH,
    TOKENS_PER_PRICE_UNIT,
    WEEKS_PER_MONTH,
)

Arr = npt.NDArray[np.float64]
Num = float | Arr


def months_of(horizon_months: int) -> Arr:
    """Month numbers 1..H as floats.

    >>> months_of(3)
    array([1., 2., 3.])
    """
    return np.arange(1, horizon_months + 1, dtype=np.float64)


def calls_per_month(monthly_calls: Num, monthly_growth_pct: Num, months: Arr) -> Arr:
    """Calls in each month: ``monthly_calls x (1 + growth)^(month - 1)`` (calls/month).

    >>> calls_per_month(1000.0, 10.0, months_of(3)).round(2)
    array([1000., 1100., 1210.])
    """
    return np.asarray(monthly_calls) * growth_factor(monthly_growth_pct) ** (months - 1.0)


def growth_factor(monthly_growth_pct: Num) -> Arr:
    """Month-over-month multiplier of the call volume: ``1 + growth / 100``.

    >>> float(growth_factor(2.5))
    1.025
    """
    return 1.0 + np.asarray(monthly_growth_pct) / 100.0


def live_fraction(lead_time_weeks: Num, months: Arr) -> Arr:
    """Share of each month a model that needs ``lead_time_weeks`` to build serves traffic (0-1).

    Month m covers the interval [m - 1, m) in months; the model goes live at
    ``lead_time_weeks / WEEKS_PER_MONTH`` months.

    >>> live_fraction(0.0, months_of(2))
    array([1., 1.])
    >>> live_fraction(WEEKS_PER_MONTH * 1.5, months_of(3))
    array([0. , 0.5, 1. ])
    """
    go_live = np.asarray(lead_time_weeks) / WEEKS_PER_MONTH
    return np.clip(months - go_live, 0.0, 1.0)


def go_live_month(lead_time_weeks: Num) -> Arr:
    """The month in which a model with this lead time starts serving (1 = from the first day).

    >>> int(go_live_month(0.0)), int(go_live_month(2.0)), int(go_live_month(WEEKS_PER_MONTH))
    (1, 1, 2)
    """
    return np.floor(np.asarray(lead_time_weeks, dtype=np.float64) / WEEKS_PER_MONTH + 1e-9) + 1.0


def token_inference_usd(
    calls: Arr,
    input_tokens_per_call: Num,
    output_tokens_per_call: Num,
    usd_per_1m_input_tokens: Num,
    usd_per_1m_output_tokens: Num,
) -> Arr:
    """Per-token API bill: ``calls x (in x price_in + out x price_out) / 1M`` (USD/month).

    >>> round(float(token_inference_usd(np.array(100_000.0), 1150, 25, 0.40, 1.60)[()]), 9)
    50.0
    """
    usd_per_call = (
        np.asarray(input_tokens_per_call) * usd_per_1m_input_tokens
        + np.asarray(output_tokens_per_call) * usd_per_1m_output_tokens
    ) / TOKENS_PER_PRICE_UNIT
    return calls * usd_per_call


def replicas_needed(
    calls: Arr,
    peak_to_average_ratio: Num,
    calls_per_second_per_replica: Num,
    min_replicas: Num,
    redundancy_replicas: Num = 0.0,
    p95_latency_seconds: Num = 0.0,
    slots_per_replica: Num = 1.0,
) -> Arr:
    """Dedicated replicas for the peak: the most of three sizes, plus the spares (count).

    ``max(min, ceil(peak calls/s / per replica), latency size) + redundancy``, where the peak is
    ``calls / seconds in the month x peak-to-average``. With a p95 target (``> 0``) the latency
    size is :func:`servers_for_p95` M/M/c servers of ``slots_per_replica`` each.

    >>> replicas_needed(np.array([2_628_000.0, 0.0]), 3.0, 1.0, 1)
    array([3., 1.])
    >>> replicas_needed(np.array([2_628_000.0]), 3.0, 1.0, 1, redundancy_replicas=1)  # N+1
    array([4.])
    """
    peak_calls_per_second = calls / SECONDS_PER_MONTH * peak_to_average_ratio
    # Rounding guards ceil() against float noise (3.0000000001 replicas is 3, not 4).
    needed = np.ceil(np.round(peak_calls_per_second / calls_per_second_per_replica, 9))
    if np.any(np.asarray(p95_latency_seconds) > 0):
        slots = np.asarray(slots_per_replica, dtype=np.float64)
        servers = servers_for_p95(
            peak_calls_per_second,
            np.asarray(calls_per_second_per_replica) / slots,
            p95_latency_seconds,
        )
        needed = np.maximum(
            needed,
            np.where(
                np.asarray(p95_latency_seconds) > 0, np.ceil(np.round(servers / slots, 9)), 0.0
            ),
        )
    return np.maximum(needed, min_replicas) + redundancy_replicas


def servers_for_p95(arrival_per_second: Num, service_per_second: Num, p95_seconds: Num) -> Arr:
    """The fewest M/M/c servers such that 95 % of calls finish within ``p95_seconds`` (count).

    Calls arrive at rate λ (Poisson) and each server serves one at a time at rate μ. A call
    waits longer than ``t`` with probability ``C(c, a) x exp(-(c μ - λ) t)`` (Erlang C, offered
    load ``a = λ / μ``); the target holds when that is at most 5 % for ``t = p95 - 1 / μ``
    (the wait left once the mean service time is spent). ``C`` comes from the Erlang B recurrence
    ``B(k) = a B(k-1) / (k + a B(k-1))``, ``C = k B / (k - a (1 - B))``, which is stable for large
    ``c`` (Kleinrock, *Queueing Systems* vol. 1, 1975, section 3.5). A target below the mean
    service time cannot be met: ``inf``.

    Two calls/s served at one call/s each, within 2 s: a = 2; c = 3 gives C = 4/9 and
    P(wait > 1 s) = 4/9 x e^-1 = 0.16; c = 4 gives C = 4/23 and 4/23 x e^-2 = 0.024 <= 5 %.
    >>> servers_for_p95(2.0, 1.0, 2.0)
    array(4.)
    >>> servers_for_p95(np.array([0.0, 2.0]), 1.0, 0.5)
    array([ 0., inf])
    """
    lam = np.asarray(arrival_per_second, dtype=np.float64)
    mu = np.asarray(service_per_second, dtype=np.float64)
    lam, mu, target = np.broadcast_arrays(lam, mu, np.asarray(p95_seconds, dtype=np.float64))
    a = lam / mu
    wait = target - 1.0 / mu
    out = np.where(lam <= 0, 0.0, np.where(wait <= 0, np.inf, np.nan))
    todo = np.isnan(out)
    b = np.ones(a.shape)
    k = 0
    limit = int(np.ceil(np.max(a, initial=0.0) + 10 * np.sqrt(np.max(a, initial=0.0)) + 100))
    while todo.any() and k < limit:
        k += 1
        b = a * b / (k + a * b)
        stable = k > a
        with np.errstate(divide="ignore", invalid="ignore"):
            c = np.where(stable, k * b / (k - a * (1 - b)), 1.0)
            late = c * np.exp(-(k * mu - lam) * np.where(wait > 0, wait, 0.0))
        met = todo & stable & (late <= 0.05)
        out = np.where(met, float(k), out)
        todo &= ~met
    return np.where(np.isnan(out), float(limit), out)


def hourly_usd(usd_per_hour: Num, live: Arr) -> Arr:
    """Something billed by the hour while live: ``usd_per_hour x 730 x live share`` (USD/month).

    >>> hourly_usd(2.0, np.array([0.5, 1.0]))
    array([ 730., 1460.])
    """
    return np.asarray(usd_per_hour) * HOURS_PER_MONTH * live


def people_usd(hours: Num, engineer_usd_per_hour: Num) -> Arr:
    """People's time: ``hours x USD/hour`` (USD).

    >>> float(people_usd(24, 100.0))
    2400.0
    """
    return np.asarray(hours, dtype=np.float64) * engineer_usd_per_hour


def labeling_usd(examples: Num, usd_per_labeled_example: Num) -> Arr:
    """Labeling: ``examples x USD per labeled example (QA included)`` (USD).

    >>> float(labeling_usd(10_000, 0.6))
    6000.0
    """
    return np.asarray(examples, dtype=np.float64) * usd_per_labeled_example


def training_run_usd(
    dataset_tokens: Num, epochs: Num, usd_per_training_token: Num, runs: Num = 1.0
) -> Arr:
    """Training compute: ``dataset tokens x epochs x USD per token-pass x runs`` (USD).

    ``usd_per_training_token`` is the provider's price per 1M training tokens / 1M, or for own
    GPUs ``usd_per_gpu_hour / (tokens_per_second_per_gpu x 3600)`` (see
    :func:`usd_per_training_token_on_gpus`).

    >>> round(float(training_run_usd(10_000_000, 4, 5.0 / 1e6)), 9)
    200.0
    """
    return np.asarray(dataset_tokens, dtype=np.float64) * epochs * usd_per_training_token * runs


def usd_per_training_token_on_gpus(usd_per_gpu_hour: Num, tokens_per_second_per_gpu: Num) -> Num:
    """USD to push one token through one epoch on rented GPUs (the GPU count only sets wall time).

    >>> round(float(usd_per_training_token_on_gpus(3.6, 1000.0)) * 1e6, 6)
    1.0
    """
    return np.asarray(usd_per_gpu_hour) / (np.asarray(tokens_per_second_per_gpu) * 3600.0)


def error_usd(calls: Arr, accuracy: Num, usd_per_wrong_answer: Num) -> Arr:
    """Wrong answers: ``calls x (1 - accuracy) x USD per wrong answer`` (USD/month).

    >>> round(float(error_usd(np.array(1000.0), 0.88, 2.0)[()]), 9)
    240.0
    """
    return calls * (1.0 - np.asarray(accuracy)) * usd_per_wrong_answer
