"""Traffic logs: a synthetic log's known volume, growth, peak and categories come back; provider
layouts are recognised; every bad cell is located."""

from __future__ import annotations

import io
import json

import pytest

from tcocalc.analytics.drivers import DRIVERS
from tcocalc.evidence.changes import EvidenceError, apply_changes
from tcocalc.evidence.layouts import LAYOUTS
from tcocalc.evidence.traffic import read_traffic
from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_scenario
from tests.evidence_support import synthetic_log, to_csv


@pytest.fixture(scope="module")
def log():
    # 300,000 calls in January, +10 %/month for 3 months, peak hour 2x the mean hour; "new3"
    # arrives in March and takes a quarter of the calls from then on.
    return read_traffic(
        to_csv(synthetic_log(months=3, calls_month1=300_000, growth_pct=10.0, peak_ratio=2.0)),
        "log.csv",
    )


def test_recovers_volume_growth_and_peak(log):
    assert [m.month for m in log.months] == ["2026-01", "2026-02", "2026-03"]
    # Expected full-month calls 300,000 x 1.1^m; Poisson noise is ~0.2 % at this volume.
    for m, month in enumerate(log.months):
        assert month.coverage == pytest.approx(1.0, abs=1 / 744)
        assert month.full_month_calls == pytest.approx(300_000 * 1.1**m, rel=0.01)
    assert log.fit is not None
    assert log.fit.growth_pct == pytest.approx(10.0, abs=0.3)
    low, high = log.fit.growth_range_pct
    assert low < log.fit.growth_pct < high
    assert log.fit.level_at_last == pytest.approx(363_000, rel=0.01)
    # The sine peaks at 2x the mean; Poisson noise at ~800 calls in a peak hour adds a few %.
    assert log.peak_to_average == pytest.approx(2.0, rel=0.08)


def test_tokens_categories_and_newcomers(log):
    assert log.tokens["output_tokens"].mean == pytest.approx(25.0, abs=0.05)  # uniform 20..30
    assert log.tokens["output_tokens"].p90 == 29.0  # nearest rank of 11 equally likely values
    assert log.tokens["cached_tokens"].mean == 1_000
    assert set(log.category_shares) == {"billing", "login", "shipping", "new3"}
    assert log.new_categories == 1
    # One category appeared in the 2 months after the first: 1 / (2/12) = 6 a year.
    assert log.new_categories_per_year == pytest.approx(6.0)
    assert log.new_category_share == pytest.approx(0.25, abs=0.01)
    assert log.categories_last_month == 4


def test_changes_apply_to_a_scenario_and_ranges_name_real_drivers(log):
    s = apply_changes(load_scenario(DEFAULT_SCENARIO), log.changes())
    assert s.workload.monthly_calls == round(log.fit.level_at_last)
    assert s.workload.monthly_growth_pct == round(log.fit.growth_pct, 2)
    assert s.workload.categories == 4
    assert (
        s.category_changes.every_months == 2 and s.category_changes.new_categories_per_change == 1
    )
    for r in log.ranges():
        assert r.driver in DRIVERS and r.low <= r.likely <= r.high


def test_openai_usage_buckets_are_recognised():
    rows = [
        "start_time,end_time,num_model_requests,input_tokens,input_cached_tokens,output_tokens,model,project_id"
    ]
    day = 86_400
    t0 = 1_767_225_600  # 2026-01-01T00:00:00Z
    for d in range(59):  # January and February, daily buckets
        rows.append(f"{t0 + d * day},{t0 + (d + 1) * day},1000,1200000,800000,30000,gpt-4.1-mini,")
    s = read_traffic(("\n".join(rows) + "\n").encode(), "openai.csv")
    assert s.layout == "openai"
    assert s.calls == 59_000
    assert s.tokens["input_tokens"].mean == 1_200 and s.tokens["cached_tokens"].mean == 800
    assert s.tokens["input_tokens"].p90 is None  # buckets: no per-call distribution
    assert s.peak_to_average is None and "daily" in " ".join(s.warnings)
    # The last bucket starts on Feb 28 00:00, so February's hours end there: 649 of 672 covered.
    assert s.months[1].calls == 28_000


def test_anthropic_input_adds_cache_reads_and_writes_jsonl():
    lines = [
        json.dumps({"created_at": f"2026-01-0{d}T10:00:00Z", "model": "claude-haiku-4-5",
                    "usage": {"input_tokens": 100, "cache_read_input_tokens": 900,
                              "cache_creation_input_tokens": 0, "output_tokens": 20}})
        for d in range(1, 10)
    ]  # fmt: skip
    s = read_traffic(("\n".join(lines) + "\n").encode(), "claude.jsonl")
    assert s.layout == "anthropic"
    assert s.tokens["input_tokens"].mean == 1_000  # 100 uncached + 900 read from the cache
    assert s.tokens["cached_tokens"].mean == 900


def test_gateway_log_and_an_explicit_mapping():
    raw = b"startTime,model,prompt_tokens,completion_tokens,request_tags\n"
    raw += b"2026-01-01 10:00:00,gpt-4o,500,10,billing\n2026-01-01 11:00:00,gpt-4o,700,12,login\n"
    s = read_traffic(raw, "litellm.csv")
    assert s.layout == "gateway" and s.tokens["input_tokens"].mean == 600
    assert s.category_shares == {"billing": 0.5, "login": 0.5}
    m = read_traffic(b"when,tok_in\n2026-01-01T00:00:00Z,5\n", "x.csv",
                     mapping={"timestamp": "when", "input_tokens": "tok_in"})  # fmt: skip
    assert m.tokens["input_tokens"].mean == 5


def test_every_bad_cell_located_and_unknown_columns_named():
    raw = (
        b"timestamp,input_tokens,output_tokens,categroy\n"
        b"2026-01-01T00:00:00Z,100,10,a\n"
        b"yesterday,100,10,a\n"
        b"2026-01-01T01:00:00Z,-5,ten,a\n"
        b"2026-02-30T01:00:00Z,1,1,a\n"
    )
    with pytest.raises(EvidenceError) as err:
        read_traffic(raw, "log.csv")
    assert [str(p) for p in err.value.problems] == [
        "log.csv:3:1: timestamp: need a date-time (ISO 8601, e.g. 2026-03-01T12:00:00Z, or Unix "
        "seconds), got 'yesterday'",
        "log.csv:4:2: input_tokens: need a number of 0 or more, got '-5'",
        "log.csv:4:3: output_tokens: need a number of 0 or more, got 'ten'",
        "log.csv:5:1: timestamp: not a real date: '2026-02-30T01:00:00Z'",
    ]
    ok = read_traffic(b"timestamp,categroy\n2026-01-01T00:00:00Z,a\n", "log.csv")
    assert ok.warnings[0] == "column 'categroy' is not used (closest known: category)"


def test_missing_timestamp_names_the_closest_column():
    with pytest.raises(EvidenceError) as err:
        read_traffic(b"tiemstamp,input_tokens\n2026-01-01,1\n", "log.csv")
    (p,) = err.value.problems
    assert "missing column" in p.message and "closest in the file: tiemstamp" in p.message
    with pytest.raises(EvidenceError, match="unknown layout 'azure'"):
        read_traffic(b"timestamp\n2026-01-01\n", "log.csv", layout="azure")
    assert "generic" in LAYOUTS


def test_streams_in_batches_and_reports_progress(monkeypatch):
    import tcocalc.evidence.traffic as traffic

    monkeypatch.setattr(traffic, "BATCH_BYTES", 1 << 12)  # many small batches
    raw = to_csv(synthetic_log(months=2, calls_month1=3_000, growth_pct=0.0))
    seen: list[float] = []
    s = read_traffic(io.BytesIO(raw), "log.csv", size=len(raw), progress=seen.append)
    whole = read_traffic(raw, "log.csv")
    assert s.calls == whole.calls and s.months == whole.months
    assert len(seen) > 10 and seen == sorted(seen) and seen[-1] == 1.0


def test_size_limit_and_empty_file():
    with pytest.raises(EvidenceError, match="the file is empty"):
        read_traffic(b"", "log.csv")
    with pytest.raises(EvidenceError, match="the limit is 500,000,000"):
        read_traffic(b'{"timestamp": 1}\n', "log.jsonl", size=600_000_000)
