"""A synthetic usage log with known volume, growth, peak ratio and categories (tests, bench, examples)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

START = np.datetime64("2026-01-01T00", "h")


def synthetic_log(
    months: int = 6,
    calls_month1: float = 100_000,
    growth_pct: float = 5.0,
    peak_ratio: float = 2.0,
    categories: tuple[str, ...] = ("billing", "login", "shipping"),
    new_category_months: tuple[int, ...] = (3,),
    seed: int = 7,
) -> pa.Table:
    """One row per call: Poisson calls per hour at ``calls_month1 x (1 + g)^(t / month)``, shaped by
    a daily sine whose peak is ``peak_ratio`` x the mean; input tokens ~ 1,000 + lognormal;
    output tokens 20-30 (``peak_ratio`` at most 2: the sine cannot go below 0). A category
    ``new<k>`` starts in each month of ``new_category_months`` (1-based) and takes an equal share
    from then on."""
    rng = np.random.default_rng(seed)
    end = (np.datetime64("2026-01", "M") + months).astype("datetime64[h]")
    hours = np.arange(START, end)
    month_index = (hours.astype("datetime64[M]") - np.datetime64("2026-01", "M")).astype(int)
    hours_in_month = (
        (hours.astype("datetime64[M]") + 1).astype("datetime64[h]")
        - hours.astype("datetime64[M]").astype("datetime64[h]")
    ).astype(float)
    hour_of_day = (hours - hours.astype("datetime64[D]")).astype(int)
    shape = 1 + (peak_ratio - 1) * np.sin(2 * np.pi * hour_of_day / 24)
    rate = calls_month1 * (1 + growth_pct / 100) ** month_index / hours_in_month * shape
    counts = rng.poisson(rate)
    n = int(counts.sum())
    hour_of_call = np.repeat(hours, counts)
    seconds = rng.integers(0, 3600, n)
    ts = hour_of_call.astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    call_month = np.repeat(month_index, counts) + 1
    names = list(categories) + [f"new{m}" for m in new_category_months]
    starts = np.array([1] * len(categories) + list(new_category_months))
    u = rng.random(n)
    active = (starts[None, :] <= call_month[:, None]).astype(float)
    pick = (active.cumsum(axis=1) / active.sum(axis=1, keepdims=True) > u[:, None]).argmax(axis=1)
    return pa.table(
        {
            "timestamp": pa.array(ts.astype("datetime64[s]").astype(str)),
            "model": pa.array(np.full(n, "gpt-4.1-mini")),
            "input_tokens": 1_000 + rng.lognormal(4.0, 0.5, n).astype(np.int64),
            "output_tokens": rng.integers(20, 31, n),
            "cached_tokens": np.full(n, 1_000),
            "category": pa.array(np.array(names)[pick]),
        }
    )


def to_csv(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pcsv.write_csv(table, sink)
    return sink.getvalue().to_pybytes()
