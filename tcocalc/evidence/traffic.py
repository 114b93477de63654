"""Read the real traffic: a usage export or gateway log turned into volume, growth, peaks and mix.

The file (CSV, streamed in batches of :data:`BATCH_BYTES`, or JSON Lines) is read with pyarrow;
each batch is reduced to sums per (hour, category, model) and to counts per token value with
pyarrow's group-by, so memory stays small and no Python loop runs over rows. The layouts
(:data:`LAYOUTS`) name the columns of the usage exports people have: a generic one, OpenAI's Usage
API buckets, Anthropic's and Google's per-response usage fields, and an LLM gateway's request log
(LiteLLM, Helicone, Portkey); ``mapping`` overrides any column.

What comes out (:class:`TrafficSummary`):

* **monthly calls**, each month scaled to a full month by the hours the log covers in it;
* **growth**: a log-linear least-squares fit ``ln(calls_m) = a + b m`` over months covered at least
  half; growth = ``exp(b) - 1`` per month, with ``b``'s standard error (3+ months) giving a 95 %
  range (Student t, n - 2 degrees of freedom); volume's range is the fit's 95 % prediction
  interval at the last month;
* **peak-to-average**: the 99th percentile of each hour's calls over its month's mean hourly calls
  (so growth does not count as a peak), for logs with one row per call or hourly buckets (the
  busiest 1 % of hours: the single busiest hour is one outlier away from any value);
* **tokens per call**: mean (total / calls) and, for per-call logs, the P90 (nearest rank);
* **category shares**, and **new categories** per year: categories first seen after the first
  month, per month of log after it, times 12 (Garwood's exact Poisson 95 % range).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tcocalc.evidence import tables as T
from tcocalc.evidence.changes import Change, EvidenceError, Range
from tcocalc.evidence.layouts import LAYOUTS, Layout, detect_layout
from tcocalc.inputs.loader import Problem

MAX_CSV_BYTES = 20_000_000_000
"""CSV is streamed: 20 GB (some 200 million calls) is read batch by batch."""
MAX_JSONL_BYTES = 500_000_000
"""JSON Lines is read whole: above 500 MB, export CSV instead."""
BATCH_BYTES = 1 << 25
US_PER_HOUR = 3_600_000_000
MIN_MONTH_COVERAGE = 0.5
FIELDS = ("timestamp", "calls", "input_tokens", "output_tokens", "cached_tokens", "model",
          "category")  # fmt: skip


@dataclass(frozen=True)
class MonthCalls:
    month: str
    """``YYYY-MM``."""
    calls: float
    """Calls in the log that month."""
    coverage: float
    """Share of the month's hours inside the log's time span (0-1)."""

    @property
    def full_month_calls(self) -> float:
        return self.calls / self.coverage if self.coverage > 0 else 0.0


@dataclass(frozen=True)
class Fit:
    """``ln(calls) = a + b month``: growth per month and its standard error."""

    months: int
    slope: float
    slope_se: float | None
    level_at_last: float
    """Fitted calls in the last month used."""
    level_range: tuple[float, float] | None
    slope_range: tuple[float, float] | None

    @property
    def growth_pct(self) -> float:
        return 100.0 * math.expm1(self.slope)

    @property
    def growth_range_pct(self) -> tuple[float, float] | None:
        if self.slope_range is None:
            return None
        return (100.0 * math.expm1(self.slope_range[0]), 100.0 * math.expm1(self.slope_range[1]))


@dataclass(frozen=True)
class TokenStats:
    mean: float
    p90: float | None


@dataclass(frozen=True)
class TrafficSummary:
    """What a usage log says about the workload."""

    file: str
    layout: str
    rows: int
    calls: float
    first: str
    last: str
    months: tuple[MonthCalls, ...]
    fit: Fit | None
    peak_to_average: float | None
    tokens: dict[str, TokenStats]
    category_shares: dict[str, float]
    categories_last_month: int
    new_categories: int
    new_categories_per_year: float | None
    new_categories_per_year_range: tuple[float, float] | None
    new_category_share: float | None
    models: dict[str, float]
    warnings: tuple[str, ...] = field(default=())

    def changes(self) -> list[Change]:
        out: list[Change] = []
        f = self.fit
        if f is not None:
            out.append(
                Change(
                    ("workload", "monthly_calls"),
                    round(f.level_at_last),
                    f"growth fit at {self.months[-1].month}, {f.months} months",
                )
            )
            if f.months >= 2:
                out.append(
                    Change(
                        ("workload", "monthly_growth_pct"),
                        round(max(-50.0, min(100.0, f.growth_pct)), 2),
                        f"log-linear fit over {f.months} months",
                    )
                )
        if self.peak_to_average is not None:
            out.append(
                Change(
                    ("workload", "peak_to_average_ratio"),
                    round(max(1.0, self.peak_to_average), 2),
                    "P99 of hourly calls / the month's mean hour",
                )
            )
        if self.category_shares:
            out.append(
                Change(
                    ("workload", "categories"),
                    max(1, self.categories_last_month),
                    f"categories seen in {self.months[-1].month}",
                )
            )
        for key, paths in (
            ("input_tokens", [("prompting", "input_tokens_per_call")]),
            (
                "output_tokens",
                [
                    ("prompting", "output_tokens_per_call"),
                    ("fine_tuning", "output_tokens_per_call"),
                ],
            ),
        ):
            if key in self.tokens:
                for path in paths:
                    out.append(Change(path, round(self.tokens[key].mean), f"mean {key} per call"))
        y = self.new_categories_per_year
        if y is not None and y > 0:
            every = 1 if y >= 12 else max(1, round(12 / y))
            per_change = max(1, round(y * every / 12))
            out += [
                Change(("category_changes", "every_months"), every, f"{y:.1f} new categories/year"),
                Change(
                    ("category_changes", "new_categories_per_change"),
                    per_change,
                    f"{y:.1f} new categories/year",
                ),
            ]
            if self.new_category_share is not None:
                out.append(
                    Change(
                        ("hybrid", "traffic_share_per_new_category"),
                        round(self.new_category_share, 4),
                        "mean share of the categories that appeared",
                    )
                )
        return out

    def ranges(self) -> list[Range]:
        out: list[Range] = []
        f = self.fit
        if f is not None and f.level_range is not None:
            low, high = f.level_range
            out.append(
                Range("monthly_calls", low, f.level_at_last, high, "95 % prediction of the fit")
            )
        g = f.growth_range_pct if f is not None else None
        if f is not None and g is not None:
            out.append(
                Range(
                    "monthly_growth_pct",
                    max(-50.0, g[0]),
                    max(-50.0, min(100.0, f.growth_pct)),
                    min(100.0, g[1]),
                    "95 % interval of the fitted growth",
                )
            )
        r = self.new_categories_per_year_range
        if r is not None and self.new_categories_per_year is not None:
            out.append(
                Range(
                    "new_categories_per_year",
                    r[0],
                    self.new_categories_per_year,
                    min(1_000.0, r[1]),
                    f"Poisson 95 % of {self.new_categories} new categories",
                )
            )
        return out

    def summary(self) -> dict[str, Any]:
        f = self.fit
        return {
            "file": self.file,
            "layout": self.layout,
            "rows": self.rows,
            "calls": self.calls,
            "first": self.first,
            "last": self.last,
            "months": [
                {
                    "month": m.month,
                    "calls": m.calls,
                    "coverage": round(m.coverage, 4),
                    "full_month_calls": round(m.full_month_calls, 1),
                }
                for m in self.months
            ],
            "growth": None
            if f is None
            else {
                "months": f.months,
                "monthly_growth_pct": round(f.growth_pct, 4),
                "growth_range_pct": f.growth_range_pct,
                "slope_per_month": f.slope,
                "slope_standard_error": f.slope_se,
                "monthly_calls_at_last_month": round(f.level_at_last, 1),
                "monthly_calls_range": f.level_range,
            },
            "peak_to_average_ratio": self.peak_to_average,
            "tokens_per_call": {k: {"mean": v.mean, "p90": v.p90} for k, v in self.tokens.items()},
            "category_shares": self.category_shares,
            "new_categories": self.new_categories,
            "new_categories_per_year": self.new_categories_per_year,
            "models": self.models,
            "warnings": list(self.warnings),
        }


class _Counting(io.RawIOBase):
    """A file wrapper that counts the bytes read (pyarrow reads on its own threads; the progress
    is reported from the caller's thread, between batches)."""

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner, self.done = inner, 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self.inner.read(len(b))
        n = len(data)
        b[:n] = data
        self.done += n
        return n


def read_traffic(
    source: bytes | IO[bytes],
    name: str,
    *,
    size: int | None = None,
    layout: str | None = None,
    mapping: Mapping[str, str] | None = None,
    progress: Callable[[float], None] | None = None,
) -> TrafficSummary:
    """Summarise a usage log (CSV streamed, or JSON Lines); raise :class:`EvidenceError` with
    every problem (up to :data:`tables.MAX_PROBLEMS`) located by line and column."""
    stream: IO[bytes] = io.BytesIO(source) if isinstance(source, bytes) else source
    total = size if size is not None else (len(source) if isinstance(source, bytes) else 0)
    head = stream.read(1 << 16)
    stream.seek(0)
    T.check_bytes(head + (b" " if total > len(head) else b""), name, MAX_CSV_BYTES)
    fmt = T.sniff(head)
    limit = MAX_JSONL_BYTES if fmt == "jsonl" else MAX_CSV_BYTES
    if total > limit:
        raise EvidenceError(
            [Problem(name, 1, 1, "", f"file is {total:,} bytes; the limit is {limit:,}")]
        )
    if fmt == "jsonl":
        table = T.jsonl_table(stream.read(), name)
        header = list(table.column_names)
        batches: Any = [(0, b) for b in table.to_batches()]
        first_line = 1
    else:
        header = T.csv_header(head, name)
        first_line = 2
    if layout is not None and layout not in LAYOUTS:
        raise EvidenceError(
            [
                Problem(
                    name, 1, 1, "layout", f"unknown layout {layout!r}; known: {', '.join(LAYOUTS)}"
                )
            ]
        )
    lay = LAYOUTS[layout] if layout else detect_layout(header)
    cols = T.match_columns(
        header, lay.names, ("timestamp",), name, (*lay.known, *lay.extra_input), mapping
    )
    by_norm = {T.norm(h): h for h in header}
    extras = [by_norm[T.norm(c)] for c in lay.extra_input if T.norm(c) in by_norm]
    extras = [c for c in extras if c != cols.found.get("input_tokens")]
    needed = list(dict.fromkeys([*cols.found.values(), *extras]))
    if fmt == "csv":
        counter = _Counting(stream)
        batches = T.csv_batches(counter, needed, name, BATCH_BYTES)
    problems = T.Problems(name)
    parts: list[pa.Table] = []
    values: dict[str, list[pa.Table]] = {"input_tokens": [], "output_tokens": []}
    rows = 0
    for start, batch in batches:
        rows += batch.num_rows
        reduced, counts = _reduce(batch, cols, extras, first_line + start, problems)
        if len(problems.items) >= T.MAX_PROBLEMS:
            break
        parts.append(reduced)
        for k, v in counts.items():
            values[k].append(v)
        if progress and fmt == "csv" and total:
            progress(min(1.0, counter.done / total))
    if rows == 0:
        problems.add(first_line, 1, "", "no rows after the header")
    problems.raise_if_any()
    if progress:
        progress(1.0)
    return _summarise(name, lay, cols, rows, parts, values)


def _reduce(
    batch: pa.RecordBatch,
    cols: T.Columns,
    extras: list[str],
    first_line: int,
    problems: T.Problems,
) -> tuple[pa.Table, dict[str, pa.Table]]:
    """One batch as sums per (hour, category, model), and counts per token value."""
    f = cols.found

    def column(field_name: str) -> Any:
        return batch.column(batch.schema.get_field_index(f[field_name]))

    def pos(field_name: str) -> int:
        return cols.positions[f[field_name]]

    ts = T.timestamps_us(column("timestamp"), "timestamp", pos("timestamp"), first_line, problems)
    n = batch.num_rows
    data: dict[str, Any] = {"hour": ts // US_PER_HOUR}
    data["calls"] = (
        T.numbers(column("calls"), "calls", pos("calls"), first_line, problems)
        if "calls" in f
        else np.ones(n)
    )
    for key in ("input_tokens", "output_tokens", "cached_tokens"):
        if key in f:
            data[key] = T.numbers(
                column(key), key, pos(key), first_line, problems, required=key != "cached_tokens"
            )
    for c in extras:
        extra = batch.column(batch.schema.get_field_index(c))
        more = T.numbers(extra, c, cols.positions[c], first_line, problems, required=False)
        data["input_tokens"] = data.get("input_tokens", 0) + more
    for key in ("category", "model"):
        data[key] = (
            pc.fill_null(pc.utf8_trim_whitespace(pc.cast(column(key), pa.string())), "")
            if key in f
            else pa.nulls(n, pa.string()).fill_null("")
        )
    table = pa.table(data)
    sums = [
        (k, "sum") for k in ("calls", "input_tokens", "output_tokens", "cached_tokens") if k in data
    ]
    reduced = table.group_by(["hour", "category", "model"]).aggregate(sums)
    counts = {}
    if "calls" not in f:  # one row per call: the token distributions are exact
        for key in ("input_tokens", "output_tokens"):
            if key in data:
                counts[key] = table.group_by(key).aggregate([(key, "count")])
    return reduced, counts


def _p90(parts: list[pa.Table], key: str) -> float | None:
    if not parts:
        return None
    t = pa.concat_tables(parts).group_by(key).aggregate([(f"{key}_count", "sum")])
    v = t[key].to_numpy()
    c = t[f"{key}_count_sum"].to_numpy()
    order = np.argsort(v)
    v, c = v[order], np.cumsum(c[order])
    return float(v[np.searchsorted(c, 0.9 * c[-1])])


def _month_label(m: Any) -> str:
    return str(np.datetime64(int(m), "M"))


def _summarise(
    name: str,
    lay: Layout,
    cols: T.Columns,
    rows: int,
    parts: list[pa.Table],
    values: dict[str, list[pa.Table]],
) -> TrafficSummary:
    keys = ["hour", "category", "model"]
    cats = pa.concat_tables(parts)
    sums = [c for c in cats.column_names if c.endswith("_sum")]
    cats = cats.group_by(keys).aggregate([(c, "sum") for c in sums])
    cats = cats.rename_columns([c.removesuffix("_sum_sum") for c in cats.column_names])
    hour = cats["hour"].to_numpy()
    calls = cats["calls"].to_numpy().astype(float)
    total = float(calls.sum())
    warnings = list(cols.unknown)
    h0, h1 = int(hour.min()), int(hour.max())
    hourly = np.bincount(hour - h0, weights=calls, minlength=h1 - h0 + 1)
    hours_all = np.arange(h0, h1 + 1, dtype=np.int64)
    month_of = (hours_all * US_PER_HOUR).astype("datetime64[us]").astype("datetime64[M]")
    month_of = month_of.astype(np.int64)
    m0 = int(month_of[0])
    monthly = np.bincount(month_of - m0, weights=hourly)
    covered = np.bincount(month_of - m0)
    span = np.arange(m0, m0 + monthly.size)
    in_month = (
        (span + 1).astype("datetime64[M]").astype("datetime64[h]")
        - span.astype("datetime64[M]").astype("datetime64[h]")
    ).astype(np.int64)
    months = tuple(
        MonthCalls(_month_label(m), float(c), float(k / h))
        for m, c, k, h in zip(span, monthly, covered, in_month, strict=True)
    )
    fit = _fit(months, warnings)
    # Peak: per-call logs and hourly buckets only (daily buckets hide the hours).
    distinct = np.unique(hour)
    hourly_ok = "calls" not in cols.found or (distinct.size > 1 and np.min(np.diff(distinct)) == 1)
    peak = None
    if hourly_ok and hourly.size >= 24:
        # Each hour against its own month's mean hour, so growth does not pass for a peak.
        month_mean = monthly / np.maximum(covered, 1)
        peak = float(np.percentile(hourly / month_mean[month_of - m0], 99))
    elif not hourly_ok:
        warnings.append("the rows are daily (or longer) buckets: no peak-to-average from them")
    tokens = {}
    for key in ("input_tokens", "output_tokens", "cached_tokens"):
        if key in cats.column_names:
            p90 = _p90(values.get(key, []), key) if key in values else None
            tokens[key] = TokenStats(float(pc.sum(cats[key]).as_py()) / total, p90)
    shares: dict[str, float] = {}
    first_month: dict[str, int] = {}
    last_month_categories = 0
    new_share = None
    if "category" in cols.found:
        by_cat = cats.group_by("category").aggregate([("calls", "sum"), ("hour", "min")])
        shares = {
            str(c): float(v) / total
            for c, v in sorted(
                zip(by_cat["category"].to_pylist(), by_cat["calls_sum"].to_pylist(), strict=True),
                key=lambda kv: -kv[1],
            )
        }
        first_hour = dict(
            zip(by_cat["category"].to_pylist(), by_cat["hour_min"].to_pylist(), strict=True)
        )
        first_month = {
            c: int(
                np.datetime64(int(h) * US_PER_HOUR, "us").astype("datetime64[M]").astype(np.int64)
            )
            for c, h in first_hour.items()
        }
        last = int(month_of[-1])
        hm = (hour * US_PER_HOUR).astype("datetime64[us]").astype("datetime64[M]").astype(np.int64)
        in_last = cats.filter(pa.array(hm == last))
        last_month_categories = len(set(in_last["category"].to_pylist()))
        newcomers = [c for c, m in first_month.items() if m > m0]
        if newcomers and in_last.num_rows:
            last_calls = float(pc.sum(in_last["calls"]).as_py())
            mask = pc.is_in(in_last["category"], pa.array(newcomers))
            new_calls = float(pc.sum(in_last.filter(mask)["calls"]).as_py() or 0.0)
            new_share = new_calls / last_calls / len(newcomers) if last_calls else None
    new = sum(1 for m in first_month.values() if m > m0)
    per_year = rng = None
    if first_month and len(months) >= 2:
        exposure_years = (len(months) - 1) / 12
        per_year = new / exposure_years
        rng = _garwood(new, exposure_years)
    by_model = cats.group_by("model").aggregate([("calls", "sum")])
    models = {
        str(m) or "(none)": float(c) / total
        for m, c in zip(
            by_model["model"].to_pylist(), by_model["calls_sum"].to_pylist(), strict=True
        )
    }
    first = str(np.datetime64(h0 * US_PER_HOUR, "us").astype("datetime64[h]"))
    lastt = str(np.datetime64(h1 * US_PER_HOUR, "us").astype("datetime64[h]"))
    return TrafficSummary(
        file=name, layout=lay.key, rows=rows, calls=total, first=first, last=lastt,
        months=months, fit=fit, peak_to_average=peak, tokens=tokens, category_shares=shares,
        categories_last_month=last_month_categories, new_categories=new,
        new_categories_per_year=per_year, new_categories_per_year_range=rng,
        new_category_share=new_share, models=models, warnings=tuple(warnings),
    )  # fmt: skip


def _fit(months: tuple[MonthCalls, ...], warnings: list[str]) -> Fit | None:
    """Least squares of ln(full-month calls) on the month index, months covered >= half."""
    from scipy.stats import t as student_t

    used = [
        (i, m) for i, m in enumerate(months) if m.coverage >= MIN_MONTH_COVERAGE and m.calls > 0
    ]
    if not used:
        warnings.append("no month is covered at least half: no monthly volume")
        return None
    x = np.array([i for i, _ in used], dtype=float)
    y = np.log([m.full_month_calls for _, m in used])
    n = x.size
    if n == 1:
        warnings.append("one month of traffic: no growth fit (give two months or more)")
        return Fit(1, 0.0, None, float(np.exp(y[0])), None, None)
    xm = x.mean()
    sxx = float(((x - xm) ** 2).sum())
    b = float(((x - xm) * (y - y.mean())).sum() / sxx)
    a = float(y.mean() - b * xm)
    x0 = float(x[-1])
    level = math.exp(a + b * x0)
    if n < 3:
        warnings.append("two months of traffic: growth without an uncertainty (give three or more)")
        return Fit(2, b, None, level, None, None)
    resid = y - (a + b * x)
    s = math.sqrt(float((resid**2).sum()) / (n - 2))
    se_b = s / math.sqrt(sxx)
    tq = float(student_t.ppf(0.975, n - 2))
    se_pred = s * math.sqrt(1 + 1 / n + (x0 - xm) ** 2 / sxx)
    return Fit(
        n,
        b,
        se_b,
        level,
        (math.exp(a + b * x0 - tq * se_pred), math.exp(a + b * x0 + tq * se_pred)),
        (b - tq * se_b, b + tq * se_b),
    )


def _garwood(k: int, exposure: float) -> tuple[float, float]:
    """Exact 95 % Poisson interval of a rate: chi-square quantiles / (2 x exposure)."""
    from scipy.stats import chi2

    low = 0.0 if k == 0 else float(chi2.ppf(0.025, 2 * k)) / 2
    high = float(chi2.ppf(0.975, 2 * k + 2)) / 2
    return (low / exposure, high / exposure)
