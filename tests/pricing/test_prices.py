"""Pricing schema 2: filled-in prices per day, tier rules, batch, and where bad fields are reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tcocalc.inputs.loader import PricingFileError, parse_pricing
from tcocalc.pricing.billing import NoBatchTierError, usd_per_call
from tcocalc.pricing.catalog import FineTuningPrices, LlmModel
from tcocalc.pricing.prices import LongContextTier, PricedRates, resolve

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pricing"

ENTRY = """\
    provider: Example
    source: https://example.com/pricing
    as_of: 2026-11-01
"""


def v2(models: str) -> str:
    return f"schema_version: 2\ncurrency: USD\nmodels:\n  m:\n{ENTRY}{models}"


def problems(text: str) -> list[str]:
    with pytest.raises(PricingFileError) as exc:
        parse_pricing(text, "p.yaml")
    return [str(p) for p in exc.value.problems]


GEMINI = LlmModel(
    source="https://ai.google.dev/gemini-api/docs/pricing",
    as_of="2026-12-01",
    provider="Google",
    usd_per_1m_input_tokens=0.75,
    usd_per_1m_output_tokens=3.75,
    usd_per_1m_cached_input_tokens=0.075,
    usd_per_1m_batch_input_tokens=0.375,
    usd_per_1m_batch_output_tokens=1.875,
    usd_per_1m_batch_cached_input_tokens=0.0375,
    periods=[
        {
            "from": "2027-01-01",
            "usd_per_1m_input_tokens": 1.50,
            "usd_per_1m_output_tokens": 7.50,
            "usd_per_1m_cached_input_tokens": 0.15,
            "usd_per_1m_batch_input_tokens": 0.75,
            "usd_per_1m_batch_output_tokens": 3.75,
            "usd_per_1m_batch_cached_input_tokens": 0.075,
        },
        {"from": "2027-07-01", "usd_per_1m_input_tokens": 1.0, "usd_per_1m_output_tokens": 5.0},
    ],
)


# --- prices_on ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "usd_in", "usd_cached", "usd_batch_in"),
    [
        (dt.date(2026, 1, 1), 0.75, 0.075, 0.375),  # before any period: the entry's own prices
        (dt.date(2026, 12, 31), 0.75, 0.075, 0.375),  # last day before the doubling
        (dt.date(2027, 1, 1), 1.50, 0.15, 0.75),  # the doubling's first day
        (dt.date(2027, 6, 30), 1.50, 0.15, 0.75),
        # 2027-07-01 restates input/output only: no caching, no batch (nothing is inherited)
        (dt.date(2027, 7, 1), 1.0, 1.0, None),
        (dt.date(2030, 1, 1), 1.0, 1.0, None),
    ],
)
def test_prices_on_takes_the_period_in_force(
    day: dt.date, usd_in: float, usd_cached: float, usd_batch_in: float | None
) -> None:
    p = GEMINI.prices_on(day)
    assert (p.usd_per_1m_input_tokens, p.usd_per_1m_cached_input_tokens) == (usd_in, usd_cached)
    assert p.usd_per_1m_batch_input_tokens == usd_batch_in
    assert p.usd_per_1m_cache_write_tokens == usd_in  # no write price given: the input price


def test_price_change_dates_include_the_tuned_periods() -> None:
    ft = FineTuningPrices(
        usd_per_1m_training_tokens=5,
        usd_per_1m_input_tokens=0.3,
        usd_per_1m_output_tokens=2.5,
        periods=[
            {
                "from": "2027-03-01",
                "usd_per_1m_training_tokens": 4,
                "usd_per_1m_input_tokens": 0.3,
                "usd_per_1m_output_tokens": 2.5,
            }
        ],
    )
    model = GEMINI.model_copy(update={"fine_tuning": ft})
    assert model.price_change_dates() == [
        dt.date(2027, 1, 1),
        dt.date(2027, 3, 1),
        dt.date(2027, 7, 1),
    ]
    assert ft.prices_on(dt.date(2027, 2, 28)).usd_per_1m_training_tokens == 5
    assert ft.prices_on(dt.date(2027, 3, 1)).usd_per_1m_training_tokens == 4


def test_a_model_without_v2_fields_bills_everything_at_input_and_output() -> None:
    p = LlmModel(
        source="https://example.com",
        as_of="2026-11-01",
        provider="X",
        usd_per_1m_input_tokens=2,
        usd_per_1m_output_tokens=8,
    ).prices_on(dt.date(2027, 1, 1))
    assert p.usd_per_1m_cached_input_tokens == p.usd_per_1m_cache_write_tokens == 2
    assert p.usd_per_1m_batch_input_tokens is None and p.usd_per_1m_batch_output_tokens is None
    assert p.tiers == () and p.tier_rule == "whole_request"
    # 1,000 in (half of them "cached", but caching is not billed lower) + 100 out:
    # 1000 x 2 / 1e6 + 100 x 8 / 1e6 = 0.002 + 0.0008
    assert usd_per_call(p, 1_000, 500, 100, batch=False) == pytest.approx(0.0028)
    with pytest.raises(NoBatchTierError):
        usd_per_call(p, 1_000, 0, 100, batch=True)


# --- Billing by hand ------------------------------------------------------------------------

TIERED = resolve(
    PricedRates(
        usd_per_1m_input_tokens=1.0,
        usd_per_1m_output_tokens=4.0,
        usd_per_1m_cached_input_tokens=0.1,
        usd_per_1m_cache_write_tokens=1.25,
        usd_per_1m_batch_input_tokens=0.5,
        usd_per_1m_batch_output_tokens=2.0,
        tiers=[
            LongContextTier(
                start_tokens=200_000,
                usd_per_1m_input_tokens=2.0,
                usd_per_1m_output_tokens=6.0,
                usd_per_1m_cached_input_tokens=0.2,
                usd_per_1m_cache_write_tokens=2.5,
                usd_per_1m_batch_input_tokens=1.0,
                usd_per_1m_batch_output_tokens=3.0,
            )
        ],
    )
)


def test_whole_request_rule_reprices_every_token_past_the_threshold() -> None:
    # 200,000 tokens is not *more than* the start: base prices.
    # 100,000 cached x 0.1 + 100,000 uncached x 1.0 + 1,000 out x 4.0 = 0.01 + 0.1 + 0.004
    assert usd_per_call(TIERED, 200_000, 100_000, 1_000, False) == pytest.approx(0.114)
    # 200,001 tokens: all at the tier. 100,000 x 0.2 + 100,001 x 2.0 + 1,000 x 6.0
    # = 0.02 + 0.200002 + 0.006
    assert usd_per_call(TIERED, 200_001, 100_000, 1_000, False) == pytest.approx(0.226002)


def test_above_threshold_rule_reprices_only_the_tokens_past_it() -> None:
    graduated = TIERED.model_copy(update={"tier_rule": "above_threshold"})
    # 250,000 prompt tokens: 150,000 cached first, then 100,000 uncached; output 1,000.
    # cached 150,000 x 0.1 (all below 200K) = 0.015
    # uncached: positions 150,000-200,000 at 1.0 = 0.05; 200,000-250,000 at 2.0 = 0.1
    # output at the tier the prompt ends in: 1,000 x 6.0 = 0.006
    assert usd_per_call(graduated, 250_000, 150_000, 1_000, False) == pytest.approx(0.171)
    # whole_request would bill 150,000 x 0.2 + 100,000 x 2.0 + 1,000 x 6.0 = 0.236
    assert usd_per_call(TIERED, 250_000, 150_000, 1_000, False) == pytest.approx(0.236)
    # below the threshold the two rules agree
    assert usd_per_call(graduated, 10_000, 5_000, 100, False) == usd_per_call(
        TIERED, 10_000, 5_000, 100, False
    )


def test_cache_writes_and_batch_prices() -> None:
    # 10,000 prompt tokens, 8,000 written to the cache, 200 out:
    # 8,000 x 1.25 + 2,000 x 1.0 + 200 x 4.0 = 0.01 + 0.002 + 0.0008
    assert usd_per_call(TIERED, 10_000, 0, 200, False, cache_write_tokens=8_000) == pytest.approx(
        0.0128
    )
    # batch: cached and write prices left out in the batch tier fall back to the standard ones.
    # 8,000 cached x 0.1 + 2,000 x 0.5 + 200 x 2.0 = 0.0008 + 0.001 + 0.0004
    assert usd_per_call(TIERED, 10_000, 8_000, 200, True) == pytest.approx(0.0022)


@pytest.mark.parametrize(
    ("inp", "cached", "out", "written"),
    [(100, 101, 0, 0), (-1, 0, 0, 0), (100, 0, -5, 0), (100, 60, 0, 50)],
)
def test_impossible_token_counts_are_refused(
    inp: float, cached: float, out: float, written: float
) -> None:
    with pytest.raises(ValueError, match="token counts"):
        usd_per_call(TIERED, inp, cached, out, False, cache_write_tokens=written)


# --- Files: v1 still loads, v2 errors point at the line ------------------------------------------


def test_v1_files_load_unchanged() -> None:
    text = (FIXTURES / "prices.yaml").read_text(encoding="utf-8")
    assert "schema_version: 1" in text
    pf = parse_pricing(text, "prices.yaml")
    model = pf.models["gpt-4.1-mini"]
    prices = model.prices_on(dt.date(2027, 1, 1))
    assert prices.usd_per_1m_input_tokens == model.usd_per_1m_input_tokens
    assert prices.usd_per_1m_cached_input_tokens == model.usd_per_1m_input_tokens


def test_a_v2_field_in_a_v1_file_is_located() -> None:
    text = v2("    usd_per_1m_input_tokens: 1\n    usd_per_1m_output_tokens: 2\n")
    text = text.replace("schema_version: 2", "schema_version: 1")
    text += "    fine_tuning:\n      usd_per_1m_training_tokens: 3\n"
    text += "      usd_per_1m_input_tokens: 1\n      usd_per_1m_output_tokens: 2\n"
    text += "      serving_available_until: 2026-10-20\n"
    assert problems(text) == [
        "p.yaml:14:7: models.m.fine_tuning.serving_available_until: a field of schema_version 2: "
        "set schema_version: 2 at the top of the file (version 1 has no cached, batch, tier or "
        "dated prices)"
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            "    usd_per_1m_cached_input_tokens: -0.1\n",
            "p.yaml:10:5: models.m.usd_per_1m_cached_input_tokens: Input should be greater than",
        ),
        (
            "    usd_per_1m_batch_input_tokens: 0.5\n",
            "p.yaml:4:3: models.m: give usd_per_1m_batch_input_tokens and "
            "usd_per_1m_batch_output_tokens together",
        ),
        (
            "    tier_rule: above\n",
            "p.yaml:10:5: models.m.tier_rule: Input should be 'whole_request' or 'above_threshold'",
        ),
        (
            "    tiers:\n      - start_tokens: 200000\n        usd_per_1m_input_tokens: 2\n",
            "p.yaml:11:9: models.m.tiers.0.usd_per_1m_output_tokens: Field required",
        ),
        (
            "    usd_per_1m_cached_input_tokens: 0.1\n    tiers:\n      - start_tokens: 200000\n"
            "        usd_per_1m_input_tokens: 2\n        usd_per_1m_output_tokens: 4\n",
            "p.yaml:12:9: models.m.tiers.0: a tier restates exactly the prices its model has: "
            "give usd_per_1m_cached_input_tokens",
        ),
        (
            "    tiers:\n"
            "      - {start_tokens: 300000, usd_per_1m_input_tokens: 3, usd_per_1m_output_tokens: 6}\n"
            "      - {start_tokens: 200000, usd_per_1m_input_tokens: 2, usd_per_1m_output_tokens: 4}\n",
            "p.yaml:12:10: models.m.tiers.1.start_tokens: tiers must be listed by strictly "
            "ascending start_tokens",
        ),
        (
            "    periods:\n      - from: 2027-01-01\n        usd_per_1m_input_tokens: 2\n"
            "        usd_per_1m_output_tokens: 4\n      - from: 2026-12-01\n"
            "        usd_per_1m_input_tokens: 2\n        usd_per_1m_output_tokens: 4\n",
            "p.yaml:14:9: models.m.periods.1.from: periods must be listed by strictly ascending date",
        ),
        (
            "    periods:\n      - from: 2027-13-01\n        usd_per_1m_input_tokens: 2\n",
            "p.yaml:11:15: invalid value '2027-13-01'",
        ),
        (
            "    reasoning_tokens_per_call: 300\n",
            "p.yaml:4:3: models.m: reasoning_tokens_per_call needs reasoning_source",
        ),
        (
            "    snapshot_id: 'has space'\n",
            "p.yaml:10:5: models.m.snapshot_id: String should match pattern",
        ),
        (
            "    availability:\n      - from: 2026-05-07\n        text: closed\n",
            "p.yaml:11:9: models.m.availability.0.applies_to: Field required",
        ),
    ],
)
def test_bad_v2_fields_are_located(fields: str, expected: str) -> None:
    text = v2("    usd_per_1m_input_tokens: 1\n    usd_per_1m_output_tokens: 2\n" + fields)
    found = problems(text)
    assert any(p.startswith(expected) for p in found), found
