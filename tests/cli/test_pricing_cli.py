"""``tcocalc pricing validate|show|diff`` and the company folder in the other commands."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from tcocalc.cli.main import main
from tcocalc.inputs.loader import DEFAULT_SCENARIO
from tests.conftest import FIXTURE_PRICING

FIXTURE = FIXTURE_PRICING / "prices.yaml"


@pytest.fixture
def company(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A company folder holding the fixed catalog, read alone (not layered over pricing/)."""
    folder = tmp_path / "company"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / "prices.yaml")
    monkeypatch.setenv("TCOCALC_PRICING_DIR", str(folder))
    monkeypatch.setenv("TCOCALC_PRICING_LAYERED", "0")
    return folder


def test_validate_the_shipped_folder(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TCOCALC_PRICING_DIR", raising=False)
    assert main(["pricing", "validate"]) == 0
    out = capsys.readouterr().out
    assert "3 file(s) valid" in out and "models" in out


def test_validate_reports_located_errors_and_exits_1(
    company: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = FIXTURE.read_text().replace("usd_per_gpu_hour: 3.60", "usd_per_gpu_hour: -3.60")
    (company / "prices.yaml").write_text(text)
    assert main(["pricing", "validate"]) == 1
    err = capsys.readouterr().err
    assert f"{company / 'prices.yaml'}:47:5: gpu_offers.h100.usd_per_gpu_hour:" in err


def test_validate_a_named_folder_layered_over_the_shipped_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TCOCALC_PRICING_DIR", raising=False)
    folder = tmp_path / "ours"
    folder.mkdir()
    (folder / "rates.yaml").write_text(
        "schema_version: 1\ncurrency: USD\nmodels:\n  gpt-4.1-mini:\n    provider: OpenAI\n"
        "    usd_per_1m_input_tokens: 0.30\n    usd_per_1m_output_tokens: 1.20\n"
        "    source: https://intranet.example.com\n    as_of: 2026-12-01\n"
    )
    assert main(["pricing", "validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "models.gpt-4.1-mini:" in out and "overrides pricing/llm_apis.yaml" in out
    # --alone: the folder by itself
    assert main(["pricing", "validate", str(folder), "--alone"]) == 0
    assert "1 file(s) valid: 1 models, 0 GPU offers" in capsys.readouterr().out
    assert main(["pricing", "validate", str(tmp_path / "nope")]) == 1


def test_show_stale_lists_old_and_ended_entries(
    company: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Fixture prices are as of 2026-11-01: on 2027-01-15 that is 75 days, on 2027-07-01 242 days
    assert main(["pricing", "show", "--stale", "--today", "2027-01-15"]) == 0
    assert "No stale or ended entries" in capsys.readouterr().out
    assert main(["pricing", "show", "--stale", "--today", "2027-07-01"]) == 0
    out = capsys.readouterr().out
    assert "stale (242 days old); fine-tuning ended 2027-06-15" in out
    assert "7 of 7 price(s) older than 90 days on 2027-07-01." in out
    assert main(["pricing", "show", "--today", "2027-07-01", "--max-age-days", "365"]) == 0
    assert "0 of 7 price(s) older than 365 days" in capsys.readouterr().out


def test_show_json(company: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pricing", "show", "--json", "--kind", "GPU", "--today", "2027-01-15"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["id"] == "h100" and row["usd"] == 3.6 and row["as_of"].startswith("2026-11-01")
    assert row["stale"] is False and row["source"] == "https://example.com/gpus"


def test_show_with_broken_files_exits_1(company: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (company / "prices.yaml").write_text("schema_version: 3\ncurrency: USD\n")
    assert main(["pricing", "show"]) == 1
    assert ":1:1: schema_version:" in capsys.readouterr().err


def test_show_rejects_a_bad_date(company: Path) -> None:
    assert main(["pricing", "show", "--today", "yesterday"]) == 2


def test_diff_check_exits_1_on_drift(company: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pricing", "diff", "--check"]) == 0
    text = (company / "prices.yaml").read_text()
    (company / "prices.yaml").write_text(text.replace("0.40", "0.50", 1))
    assert main(["pricing", "diff", "--threshold", "30", "--check"]) == 0
    assert main(["pricing", "diff", "--threshold", "10", "--check"]) == 1
    out = capsys.readouterr().out
    assert "gpt-4.1-mini" in out and "+25% / +0%" in out


def test_report_uses_the_company_folder(company: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The fixed catalog gives the article's dollars: $50 a month of prompting, $1,200 in 24 months
    assert main(["report", str(DEFAULT_SCENARIO), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["components_usd"]["prompting"]["inference"] == pytest.approx(1200.0)
    (company / "prices.yaml").write_text(
        FIXTURE.read_text().replace("usd_per_1m_input_tokens: 0.40", "usd_per_1m_input_tokens: 0.8")
    )
    assert main(["report", str(DEFAULT_SCENARIO), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # 100,000 x (1,150 x 0.80 + 25 x 1.60) / 1M = $96 a month
    assert data["components_usd"]["prompting"]["inference"] == pytest.approx(24 * 96.0)


# --- pricing import -------------------------------------------------------------------------


def test_import_fills_cached_and_batch_keeping_comments(
    company: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (company / "prices.yaml").read_text(encoding="utf-8")
    assert main(["pricing", "import", "gpt-4.1-mini", "--today", "2026-12-01"]) == 0
    out = capsys.readouterr().out
    after = (company / "prices.yaml").read_text(encoding="utf-8")
    # genai-prices 0.2.3: gpt-4.1-mini cached 0.10, batch 0.20 / 0.80 (OpenAI, verified 2026-10-14)
    assert "models.gpt-4.1-mini.usd_per_1m_cached_input_tokens: added (0.1)" in out
    assert "    usd_per_1m_output_tokens: 1.60\n    usd_per_1m_cached_input_tokens: 0.1\n" in after
    assert after.startswith("# A fixed catalog for hand-checked tests")  # the comment survives
    assert "schema_version: 2" in after
    removed = [line for line in before.splitlines() if line not in after.splitlines()]
    assert removed == ["schema_version: 1"]  # every other line kept as it was
    assert list((company / ".backups").iterdir())  # the previous version is kept
    # a second run changes nothing
    assert main(["pricing", "import", "gpt-4.1-mini", "--today", "2026-12-01"]) == 0
    assert "already has the snapshot's prices" in capsys.readouterr().out


def test_import_dry_run_writes_nothing(company: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (company / "prices.yaml").read_text(encoding="utf-8")
    assert main(["pricing", "import", "gpt-4.1-mini", "--dry-run"]) == 0
    assert "dry run" in capsys.readouterr().out
    assert (company / "prices.yaml").read_text(encoding="utf-8") == before


def test_import_adds_a_new_id_with_tiers_and_a_dated_period(
    company: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "pricing",
        "import",
        "gemini-3.8-flash",
        "--file",
        "prices.yaml",
        "--today",
        "2026-12-01",
    ]
    assert main(args) == 0
    from tcocalc.inputs.loader import load_pricing_file

    entry = load_pricing_file(company / "prices.yaml").models["gemini-3.8-flash"]
    assert entry.provider == "Google" and "genai-prices" in entry.notes
    assert entry.price_change_dates() == [dt.date(2027, 1, 1)]  # the doubling, as a period
    assert entry.prices_on(dt.date(2027, 1, 1)).usd_per_1m_input_tokens == 1.5
    assert main(["pricing", "import", "claude-haiku-5-5", "--file", "prices.yaml"]) == 0
    haiku = load_pricing_file(company / "prices.yaml").models["claude-haiku-5-5"]
    assert [t.start_tokens for t in haiku.tiers] == [100_000]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["gpt-oss-20b"], "Imported from OpenRouter pricing"),  # not the maker's own price
        (["open-8b"], "lists no 'open-8b' at Together AI; give the id it uses there"),
        (["x", "--provider", "nowhere"], "'nowhere' names no genai-prices provider"),
    ],
)
def test_import_refuses_with_a_reason(
    company: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = (company / "prices.yaml").read_text(encoding="utf-8")
    assert main(["pricing", "import", *args]) == 1
    assert message in capsys.readouterr().err
    assert (company / "prices.yaml").read_text(encoding="utf-8") == before
