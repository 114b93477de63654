"""The Pricing tab's history (AppTest): a save with a message becomes a commit, the history lists
it with its diff, and "Restore this version" brings the older text back through the save path."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import FIXTURE_PRICING, shown

PAGE = str(Path(__file__).parents[1] / "apps" / "pricing_page.py")
GOOD = (FIXTURE_PRICING / "prices.yaml").read_text()
OLD, NEW = "usd_per_1m_input_tokens: 0.40", "usd_per_1m_input_tokens: 0.45"


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "team-prices"
    folder.mkdir()
    shutil.copy(FIXTURE_PRICING / "prices.yaml", folder / "prices.yaml")
    git(folder, "init", "-q")
    git(folder, "add", "prices.yaml")
    git(folder, "-c", "user.name=Setup", "-c", "user.email=s@x", "commit", "-qm", "Initial prices")
    monkeypatch.setenv("TCOCALC_PRICING_DIR", str(folder))
    monkeypatch.setenv("TCOCALC_PRICING_LAYERED", "0")
    monkeypatch.delenv("TCOCALC_READ_ONLY", raising=False)
    return folder


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def test_save_commit_history_and_restore(repo: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=90).run()
    assert not at.exception
    at.text_area[0].set_value(GOOD.replace(OLD, NEW)).run()
    next(t for t in at.text_input if t.label.startswith("What changed")).set_value(
        "Input price up to $0.45"
    ).run()
    click(at, "Save")
    assert any("Recorded as" in shown(s.value) for s in at.success)
    assert (
        git(repo, "log", "-1", "--format=%an|%s").strip() == "tcocalc page|Input price up to $0.45"
    )

    history = next(s for s in at.selectbox if s.label == "Version")
    assert len(history.options) == 2 and "Input price up to $0.45" in history.options[0]
    history.set_value(1).run()  # the initial version: its diff to now shows the price change
    diffs = [c.value for c in at.code if c.language == "diff"]
    assert any(f"-    {NEW}" in d or f"+    {NEW}" in d for d in diffs), diffs
    click(at, "Restore this version")
    assert (repo / "prices.yaml").read_text() == GOOD
    assert git(repo, "log", "-1", "--format=%s").strip().startswith("Restore prices.yaml to ")
