"""Evidence speed: reading 1 million calls of traffic, and the value of information.

Targets (issue 13): a 1,000,000-row usage log summarised in <= 5 s, against what a user would
write by hand (pandas ``read_csv`` with parsed dates + ``groupby`` for the same monthly, hourly,
token and category figures); EVPI + EVPPI of every input over 10,000 Monte Carlo draws <= 50 ms
on top of the Monte Carlo. CPU time of this process (pyarrow's reader uses threads, whose CPU
time counts too), medians.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable

import bench
from bench import report
from tcocalc import analytics as A
from tcocalc.evidence.traffic import read_traffic
from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_catalog, load_scenario
from tests.evidence_support import synthetic_log, to_csv


def median_seconds(fn: Callable[[], object], *, repeat: int = 5, warmup: int = 1) -> float:
    return bench.median_seconds(fn, repeat=repeat, warmup=warmup, clock=time.process_time)


def pandas_baseline(raw: bytes) -> dict[str, object]:
    """The same figures the way a notebook would compute them."""
    import pandas as pd

    df = pd.read_csv(io.BytesIO(raw), parse_dates=["timestamp"])
    hourly = df.groupby(df["timestamp"].dt.floor("h")).size()
    monthly = df.groupby(df["timestamp"].dt.to_period("M")).size()
    month_of_hour = hourly.index.to_period("M")
    ratio = hourly / hourly.groupby(month_of_hour).transform("mean")
    return {
        "monthly": monthly,
        "peak": ratio.quantile(0.99),
        "input": (df["input_tokens"].mean(), df["input_tokens"].quantile(0.9)),
        "output": (df["output_tokens"].mean(), df["output_tokens"].quantile(0.9)),
        "shares": df["category"].value_counts(normalize=True),
        "first_seen": df.groupby("category")["timestamp"].min(),
    }


def main() -> None:
    print("evidence (median CPU seconds of this process)")
    # 4 months at 250,000 calls a month growing 1 %/month: 1,000,000-odd rows, 59 MB of CSV.
    raw = to_csv(synthetic_log(months=4, calls_month1=246_000, growth_pct=1.0))
    rows = raw.count(b"\n") - 1
    ours = median_seconds(lambda: read_traffic(raw, "log.csv"))
    base = median_seconds(lambda: pandas_baseline(raw), repeat=3)
    report(f"traffic import, {rows:,} rows", ours, 5.0, base, "pandas read_csv + groupby")

    catalog = load_catalog()
    basis = A.Basis.build(load_scenario(DEFAULT_SCENARIO, catalog), catalog)
    mc = A.monte_carlo(basis, A.default_ranges(basis), draws=10_000)
    mc_time = median_seconds(lambda: A.monte_carlo(basis, A.default_ranges(basis), draws=10_000))
    voi = median_seconds(lambda: A.value_of_information(mc), repeat=20, warmup=2)
    report(
        f"EVPI + EVPPI of {len(mc.inputs)} inputs, 10,000 draws", voi, 0.050, mc_time,
        "the Monte Carlo itself",
    )  # fmt: skip


if __name__ == "__main__":
    main()
