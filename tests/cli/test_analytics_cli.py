"""``tcocalc analyze``: text, JSON and CSV output, ranges from the command line, exit codes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tcocalc.cli.main import main
from tcocalc.inputs.loader import DEFAULT_SCENARIO
from tests.conftest import FIXTURE_PRICING

BASE = ["analyze", str(DEFAULT_SCENARIO), "--pricing", str(FIXTURE_PRICING)]


def test_analyze_prints_all_three_analyses(capsys):
    assert main([*BASE, "--monte-carlo", "500"]) == 0
    out = capsys.readouterr().out
    # Without --tornado or --map only the Monte Carlo runs.
    assert "Monte Carlo: 500 draws (PERT" in out and "Sensitivity" not in out
    assert main(BASE) == 0
    out = capsys.readouterr().out
    assert "unless engineer rate falls below $2.36/hour (today $100/hour)" in out
    assert "Sensitivity: each input 25 % down and up" in out
    assert "Cheapest strategy by month 24" in out
    assert "quarterly cadence is assumed" in out
    assert "Monte Carlo: 5,000 draws (PERT, seed" in out
    assert "Fine-tuning cheaper by month 24 in" in out


@pytest.mark.parametrize("draws", [1, 2, 4, 5])
def test_a_handful_of_draws_is_answered(capsys, draws):
    """Fewer draws than the value of information's cubic has coefficients: its EVPPI is 0,
    the rest as usual (one draw used to end in a traceback)."""
    assert main([*BASE, "--monte-carlo", str(draws), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["monte_carlo"]["draws"] == draws
    assert out["value_of_information"]["evpi_usd"] >= 0


def test_analyze_json(capsys):
    code = main([*BASE, "--tornado", "--map", "--points", "8", "--monte-carlo", "300", "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"scenario", "horizon_months", "currency", "tornado", "map", "monte_carlo",
                         "value_of_information"}  # fmt: skip
    t = data["tornado"]
    assert t["verdict"] == "prompting" and t["base_difference_usd"] == pytest.approx(13246.67)
    assert t["rows"][0]["driver"] == "engineer_usd_per_hour"
    calls = next(s for s in t["switching_values"] if s["driver"] == "monthly_calls")
    assert calls["direction"] == "above" and calls["value"] == pytest.approx(1.94e6, rel=2e-3)
    m = data["map"]
    assert len(m["x"]) == len(m["y"]) == 8 and len(m["cheapest"]) == 8
    assert m["cheapest"][0][0] == "prompting"
    mc = data["monte_carlo"]
    assert mc["draws"] == 300 and 0 <= mc["fine_tuning"]["probability_cheaper_at_horizon"] <= 1


def test_analyze_ranges_from_the_command_line(capsys):
    code = main(
        [
            *BASE,
            "--monte-carlo",
            "200",
            "--json",
            "--no-default-ranges",
            "--range",
            "monthly_calls=1000000,2000000,3000000",
            "--range",
            "f_accuracy=90,94,97",
            "--distribution",
            "triangular",
            "--seed",
            "5",
        ]
    )
    assert code == 0
    mc = json.loads(capsys.readouterr().out)["monte_carlo"]
    assert mc["seed"] == 5 and mc["distribution"] == "triangular"
    by_driver = {r["driver"]: r for r in mc["ranges"]}
    assert set(by_driver) == {"monthly_calls", "f_accuracy"}
    assert by_driver["f_accuracy"]["likely"] == pytest.approx(0.94)  # typed in %
    # 1M-3M calls straddles the 1.94M break-even volume: some draws pay back, some do not.
    assert 0.1 < mc["fine_tuning"]["probability_cheaper_at_horizon"] < 0.9


def test_analyze_drops_a_default_range(capsys):
    assert main([*BASE, "--monte-carlo", "100", "--json", "--range", "monthly_calls=off"]) == 0
    ranges = json.loads(capsys.readouterr().out)["monte_carlo"]["ranges"]
    assert "monthly_calls" not in {r["driver"] for r in ranges}
    assert "f_build_hours" in {r["driver"] for r in ranges}


def test_analyze_writes_csv(tmp_path, capsys):
    assert main([*BASE, "--csv", str(tmp_path), "--points", "6", "--monte-carlo", "50"]) == 0
    capsys.readouterr()
    assert not (tmp_path / "tornado.csv").exists()  # only what ran is written
    assert main([*BASE, "--csv", str(tmp_path / "all"), "--points", "6"]) == 0
    files = {p.name for p in (tmp_path / "all").iterdir()}
    assert files == {"tornado.csv", "map.csv", "draws.csv", "percentiles.csv"}
    assert len(pd.read_csv(tmp_path / "all" / "map.csv")) == 36
    assert len(pd.read_csv(tmp_path / "all" / "draws.csv")) == 5_000


@pytest.mark.parametrize(
    "extra",
    [
        ["--range", "monthly_calls=1,2"],
        ["--range", "nope=1,2,3"],
        ["--share", "140"],
        ["--map-x", "nope"],
    ],
)
def test_analyze_usage_errors_exit_2(extra, capsys):
    assert main([*BASE, *extra]) == 2
    assert capsys.readouterr().err


def test_analyze_invalid_values_exit_1(tmp_path, capsys):
    assert main([*BASE, "--monte-carlo", "10", "--range", "monthly_calls=3,2,1"]) == 1
    assert "need low <= likely <= high" in capsys.readouterr().err
    assert main([*BASE, "--map", "--map-x", "monthly_calls", "--map-y", "monthly_calls"]) == 1
    assert main([*BASE, "--monte-carlo", "0"]) == 1
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        DEFAULT_SCENARIO.read_text(encoding="utf-8").replace("accuracy: 0.88", "accuracy: 1.88"),
        encoding="utf-8",
    )
    assert main(["analyze", str(bad), "--pricing", str(FIXTURE_PRICING)]) == 1
    assert "prompting.accuracy" in capsys.readouterr().err


def test_analyze_is_listed_in_help(capsys):
    assert main(["--help"]) == 0
    assert "analyze" in capsys.readouterr().out


def test_more_than_a_thousand_new_categories_a_year(tmp_path, capsys):
    # a change every month x 100 new categories = 1,200 a year; this raised
    # "need low <= likely <= high" (the driver's ceiling was 1,000 a year)
    text = DEFAULT_SCENARIO.read_text().replace(
        "category_changes:\n",
        "category_changes:\n  every_months: 1\n  new_categories_per_change: 100\n",
    )
    (tmp_path / "s.yaml").write_text(text)
    argv = ["analyze", str(tmp_path / "s.yaml"), "--pricing", str(FIXTURE_PRICING)]
    assert main([*argv, "--monte-carlo", "200"]) == 0
    assert "Recurring new categories per year" in capsys.readouterr().out


def test_analyze_json_reports_the_value_of_information(capsys, tmp_path):
    from tcocalc.inputs.loader import dump_scenario, load_scenario
    from tests.conftest import updated

    # Plain dollars (no engineering) and volume from 10k to 1M a month: the article's fine-tune
    # pays back in month 7 at 100k, so which strategy wins depends on the volume.
    s = updated(load_scenario(DEFAULT_SCENARIO), {"accounting.include_engineering": False})
    path = tmp_path / "s.yaml"
    path.write_text(dump_scenario(s), encoding="utf-8")
    code = main(["analyze", str(path), "--pricing", str(FIXTURE_PRICING), "--monte-carlo",
                 "2000", "--json", "--no-default-ranges",
                 "--range", "monthly_calls=10000,100000,1000000"])  # fmt: skip
    assert code == 0
    voi = json.loads(capsys.readouterr().out)["value_of_information"]
    assert voi["evpi_usd"] >= voi["evppi_usd"]["monthly_calls"] > 0
    assert set(voi["evppi_usd"]) == {"monthly_calls"}
    assert voi["sentence"]
