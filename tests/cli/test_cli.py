"""The command line: report, validate, schema, and its exit codes (0 ok, 1 invalid input, 2 usage)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tcocalc.cli.main import main
from tcocalc.inputs.loader import DEFAULT_SCENARIO
from tests.conftest import FIXTURE_PRICING


def test_report_prints_totals_and_break_even(capsys):
    assert main(["report", str(DEFAULT_SCENARIO), "--pricing", str(FIXTURE_PRICING)]) == 0
    out = capsys.readouterr().out
    assert "Customer support classifier (article)" in out
    assert "Fine-tuning does not break even by month 24" in out
    assert "7,633" in out  # prompting at month 24: see test_engine.test_article_full_tco


def test_report_json_has_stable_keys(capsys, tmp_path):
    csv = tmp_path / "monthly.csv"
    code = main(
        [
            "report",
            str(DEFAULT_SCENARIO),
            "--json",
            "--csv",
            str(csv),
            "--pricing",
            str(FIXTURE_PRICING),
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {
        "scenario",
        "horizon_months",
        "currency",
        "include_engineering",
        "include_error_cost",
        "totals_usd",
        "components_usd",
        "breakeven",
        "breakeven_volume_calls_per_month",
        "cost_per_category_change_usd",
        "category_changes",
        "warnings",
        "verdict",
        "breakeven_basis",
        "discount_rate_pct_per_year",
        "discounted_totals_usd",
        "breakeven_by_basis",
        "price_overrides",
    }
    assert data["totals_usd"]["prompting"]["24"] == pytest.approx(7633.33)
    # No discount rate: the discounted totals are the plain ones, the break-evens plain dollars.
    assert data["breakeven_basis"] == "plain"
    assert data["discounted_totals_usd"] == data["totals_usd"]
    assert data["breakeven_by_basis"]["plain"] == data["breakeven"]
    assert data["price_overrides"] == {}
    assert data["verdict"].startswith("Fine-tuning ")
    assert set(data["breakeven"]["fine_tuning"]) == {
        "first_month",
        "durable_month",
        "lead_changes",
        "estimated_month",
        "savings_at_horizon_usd",
        "summary",
    }
    table = pd.read_csv(csv)
    assert list(table.columns) == ["month", "strategy", "component", "usd", "included"]
    assert len(table) == 3 * 7 * 24


def test_validate_accepts_the_shipped_files(capsys):
    assert main(["validate"]) == 0
    assert "file(s) valid" in capsys.readouterr().out


def test_validate_prints_located_errors_and_exits_1(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        DEFAULT_SCENARIO.read_text(encoding="utf-8").replace("accuracy: 0.88", "accuracy: 1.88"),
        encoding="utf-8",
    )
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.yaml:" in err
    assert "prompting.accuracy: Input should be less than or equal to 1" in err


def test_report_on_an_invalid_file_exits_1_without_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    assert main(["report", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{bad}") or "bad.yaml:" in err
    assert "Traceback" not in err


def test_usage_errors_exit_2(capsys):
    assert main(["frobnicate"]) == 2
    assert main([]) == 2
    assert "usage:" in capsys.readouterr().err


def test_schema_is_json_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Scenario"
    assert "workload" in schema["properties"]


def test_shipped_pricing_schema_is_the_generated_one(capsys):
    # pricing/schema.json is what editors check the pricing YAML against; regenerate it with
    # `tcocalc schema --pricing-file > pricing/schema.json` after changing tcocalc/pricing/.
    from tcocalc.inputs.loader import PRICING_DIR

    assert main(["schema", "--pricing-file"]) == 0
    generated = capsys.readouterr().out
    shipped = (PRICING_DIR / "schema.json").read_text(encoding="utf-8")
    assert shipped == generated, (
        "pricing/schema.json is out of date: run `tcocalc schema --pricing-file > "
        "pricing/schema.json` and commit it"
    )
    assert json.loads(generated)["properties"]["schema_version"]["enum"] == [1, 2]
