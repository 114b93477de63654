"""Drift report against the bundled genai-prices snapshot (GPT-4.1 mini there: $0.40 / $1.60)."""

from __future__ import annotations

import math

import pytest

from tcocalc.pricing.catalog import Catalog
from tcocalc.pricing.drift import drift_report, format_drift, pct_change, providers_for


def with_price(catalog: Catalog, model_id: str, usd_in: float, usd_out: float) -> Catalog:
    models = dict(catalog.models)
    models[model_id] = models[model_id].model_copy(
        update={"usd_per_1m_input_tokens": usd_in, "usd_per_1m_output_tokens": usd_out}
    )
    return catalog.model_copy(update={"models": models})


def test_matching_prices_are_not_drift(fixture_catalog: Catalog) -> None:
    report = drift_report(fixture_catalog, threshold_pct=5)
    (compared,) = report.compared
    assert (compared.model_id, compared.provider, compared.snapshot_id) == (
        "gpt-4.1-mini",
        "OpenAI",
        "gpt-4.1-mini",
    )
    assert compared.in_pct == 0 and compared.out_pct == 0
    assert report.drifted == ()


def test_price_off_by_more_than_the_threshold_is_reported(fixture_catalog: Catalog) -> None:
    catalog = with_price(fixture_catalog, "gpt-4.1-mini", 0.50, 1.60)  # +25 % on input
    assert [d.model_id for d in drift_report(catalog, threshold_pct=20).drifted] == ["gpt-4.1-mini"]
    assert drift_report(catalog, threshold_pct=25).drifted == ()  # "more than", not "at least"
    (d,) = drift_report(catalog, threshold_pct=5).drifted
    assert d.in_pct == pytest.approx(25.0) and d.out_pct == 0
    text = format_drift(drift_report(catalog, threshold_pct=5))
    assert "gpt-4.1-mini" in text and "+25% / +0%" in text
    assert "1 of 1 compared model(s) differ by more than 5 %" in text


def test_models_of_other_providers_are_not_compared_but_listed(fixture_catalog: Catalog) -> None:
    report = drift_report(fixture_catalog)
    not_compared = {n.model_id: n for n in report.not_compared}
    # open-8b (together) and big-model are not in the snapshot under their provider; "example"
    # is no snapshot provider at all.
    assert set(not_compared) == {"big-model", "ending-model", "open-8b"}


def test_missing_models_only_from_covered_providers(fixture_catalog: Catalog) -> None:
    report = drift_report(fixture_catalog)
    # The fixture covers openai and together: only those providers' models are listed.
    assert set(report.missing) == {"OpenAI", "Together AI"}
    openai = report.missing["OpenAI"]
    assert "gpt-4.1-mini" not in openai and "gpt-4.1-nano" in openai
    assert not any(i.startswith("ft:") for i in openai)  # someone's fine-tunes are not models
    assert report.missing_count == sum(len(v) for v in report.missing.values())
    text = format_drift(report, limit=3)
    assert f"{report.missing_count} snapshot chat model(s)" in text
    assert f"and {len(openai) - 3} more" in text
    assert max(len(line) for line in text.splitlines()) <= 110


def test_provider_names_match_loosely() -> None:
    from genai_prices import data

    assert [p.id for p in providers_for("openai", data.providers)] == ["openai"]
    assert [p.id for p in providers_for("Together AI", data.providers)] == ["together"]
    assert [p.id for p in providers_for("together", data.providers)] == ["together"]
    assert providers_for("", data.providers) == []
    assert providers_for("example", data.providers) == []


def test_pct_change_edge_cases() -> None:
    assert pct_change(2.0, 1.0) == -50.0
    assert math.isinf(pct_change(0.0, 0.1))


def test_prices_the_yaml_lacks_are_listed_not_counted_as_drift(fixture_catalog: Catalog) -> None:
    # the fixture's gpt-4.1-mini (v1) has no cached or batch price; the snapshot has both
    report = drift_report(fixture_catalog)
    (d,) = report.incomplete
    assert d.model_id == "gpt-4.1-mini" and d.missing == ("cached", "batch in", "batch out")
    assert report.drifted == ()
    assert "gpt-4.1-mini: cached, batch in, batch out" in format_drift(report)


def test_a_snapshot_id_finds_the_provider_api_id(fixture_catalog: Catalog) -> None:
    # open-8b [together] is not an id genai-prices knows; its snapshot_id is
    models = dict(fixture_catalog.models)
    models["open-8b"] = models["open-8b"].model_copy(
        update={"snapshot_id": "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"}
    )
    report = drift_report(fixture_catalog.model_copy(update={"models": models}))
    hit = next(d for d in report.compared if d.model_id == "open-8b")
    assert hit.provider == "Together AI"
    assert hit.snapshot_id == "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"
    assert "open-8b" not in {n.model_id for n in report.not_compared}


def test_a_cached_price_off_by_more_than_the_threshold_is_drift(fixture_catalog: Catalog) -> None:
    models = dict(fixture_catalog.models)
    models["gpt-4.1-mini"] = models["gpt-4.1-mini"].model_copy(
        update={"usd_per_1m_cached_input_tokens": 0.20}  # snapshot: 0.10
    )
    report = drift_report(fixture_catalog.model_copy(update={"models": models}))
    (d,) = report.drifted
    assert [(o.label, o.yaml, o.snapshot, o.pct) for o in d.others] == [
        ("cached", 0.20, 0.10, 100.0)
    ]
