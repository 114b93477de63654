"""``tcocalc export``: any subset of the outputs, exit codes 0 / 1 / 2."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation

from tcocalc.cli.main import main
from tcocalc.export import images
from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_catalog, load_scenario, parse_scenario
from tcocalc.model.projection import project
from tests.conftest import FIXTURE_PRICING
from tests.export_support import chromium, png_size

PRICING = ["--pricing", str(FIXTURE_PRICING)]


def test_export_writes_every_data_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = {ext: tmp_path / "out" / f"article.{ext}" for ext in ("pptx", "xlsx", "csv", "yaml")}
    args = ["export", str(DEFAULT_SCENARIO), *PRICING]
    for ext, path in out.items():
        args += [f"--{ext}", str(path)]
    assert main(args) == 0
    assert capsys.readouterr().out.split() == [str(p) for p in out.values()]

    catalog = load_catalog(FIXTURE_PRICING)
    scenario = load_scenario(DEFAULT_SCENARIO, catalog)
    result = project(scenario, catalog)
    prs = Presentation(io.BytesIO(out["pptx"].read_bytes()))
    assert prs.slides[0].shapes.title.text_frame.text == scenario.name
    assert set(pd.read_excel(out["xlsx"], sheet_name=None)) >= {"Summary", "Monthly tidy"}
    pd.testing.assert_frame_equal(pd.read_csv(out["csv"]), result.table(), check_dtype=False)
    assert parse_scenario(out["yaml"].read_bytes(), "back.yaml", catalog) == scenario


def test_export_any_subset(tmp_path: Path) -> None:
    csv = tmp_path / "only.csv"
    assert main(["export", str(DEFAULT_SCENARIO), "--csv", str(csv), *PRICING]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["only.csv"]


def test_export_needs_an_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(DEFAULT_SCENARIO)]) == 2
    assert "give at least one of --pptx" in capsys.readouterr().err


def test_export_invalid_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nname: x\nhorizon_months: 0\n", encoding="utf-8")
    assert main(["export", str(bad), "--csv", str(tmp_path / "x.csv"), *PRICING]) == 1
    assert "bad.yaml:" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_export_images_without_chromium(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    code = main(
        ["export", str(DEFAULT_SCENARIO), "--png", str(tmp_path), "--csv", str(tmp_path / "a.csv")]
    )
    assert code == 1
    assert "apt-get install chromium" in capsys.readouterr().err
    assert not list(tmp_path.iterdir()), "nothing is written when part of the request cannot be"


def test_export_images(tmp_path: Path) -> None:
    chromium()
    args = ["export", str(DEFAULT_SCENARIO), *PRICING]
    assert main([*args, "--png", str(tmp_path / "png"), "--svg", str(tmp_path / "svg")]) == 0
    pngs = sorted((tmp_path / "png").glob("*.png"))
    # Every chart of the page, the Analysis tab's included.
    assert [p.stem for p in pngs] == sorted(images.CHART_TITLES)
    assert {"tornado", "monte-carlo-fan", "breakeven-map"} <= {p.stem for p in pngs}
    assert all(png_size(p.read_bytes()) == (1920, 1080) for p in pngs)
    assert len(list((tmp_path / "svg").glob("*.svg"))) == len(images.CHART_TITLES)


def test_export_without_the_hybrid(tmp_path: Path) -> None:
    deck, csv = tmp_path / "deck.pptx", tmp_path / "monthly.csv"
    args = ["export", str(DEFAULT_SCENARIO), "--pptx", str(deck), "--csv", str(csv), "--no-hybrid"]
    assert main([*args, *PRICING]) == 0
    prs = Presentation(io.BytesIO(deck.read_bytes()))
    chart = next(sh for sh in prs.slides[2].shapes if sh.has_chart).chart
    names = [s.name for s in chart.plots[0].series]
    assert names[:2] == ["Prompting", "Fine-tuning"]
    assert not [n for n in names if "hybrid" in n.lower()]
    # The data files keep every strategy.
    assert set(pd.read_csv(csv)["strategy"]) == {"prompting", "fine_tuning", "hybrid"}
