"""Pricing history: in a folder that is a git repository, each save is a commit (who, when, a
message), a file's history lists them, and a restore is an ordinary validated save."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tcocalc.inputs import editor as ed
from tcocalc.inputs import history
from tcocalc.inputs.loader import PricingFileError
from tcocalc.inputs.store import PricingFolders
from tests.conftest import FIXTURE_PRICING

PRICE = ("models", "gpt-4.1-mini", "usd_per_1m_input_tokens")


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(ed.READ_ONLY_ENV, raising=False)
    folder = tmp_path / "prices"
    folder.mkdir()
    shutil.copy(FIXTURE_PRICING / "prices.yaml", folder / "prices.yaml")
    git(folder, "init", "-q")
    git(folder, "add", "prices.yaml")
    git(folder, "-c", "user.name=Setup", "-c", "user.email=s@x", "commit", "-qm", "Initial prices")
    return folder


def save_price(folder: Path, value: float, author: str | None) -> ed.SaveResult:
    opened = ed.open_file(folder, "prices.yaml")
    return ed.save(
        PricingFolders(None, folder),
        "prices.yaml",
        ed.set_value(opened.text, PRICE, value),
        opened.hash,
        author=author,
        message=f"GPT-4.1 mini input at {value}",
    )


def test_each_save_is_a_commit_with_who_and_why(repo: Path) -> None:
    first = save_price(repo, 0.45, "ana@example.com")
    second = save_price(repo, 0.5, None)
    assert first.commit and second.commit and first.commit != second.commit
    revisions = ed.file_history(PricingFolders(None, repo), "prices.yaml")
    assert [r.message for r in revisions] == [
        "GPT-4.1 mini input at 0.5",
        "GPT-4.1 mini input at 0.45",
        "Initial prices",
    ]
    assert [r.author for r in revisions] == ["tcocalc page", "ana@example.com", "Setup"]
    assert git(repo, "status", "--porcelain") == ""  # backups and locks stay out of git


def test_a_restore_goes_through_the_validated_save(repo: Path) -> None:
    save_price(repo, 0.45, "ana@example.com")
    folders = PricingFolders(None, repo)
    initial = ed.file_history(folders, "prices.yaml")[-1]
    opened = ed.open_file(repo, "prices.yaml")
    result = ed.restore(folders, "prices.yaml", initial.commit, opened.hash, author="bo")
    assert (repo / "prices.yaml").read_text() == (FIXTURE_PRICING / "prices.yaml").read_text()
    assert result.backup is not None  # the version it replaced is kept too
    newest = ed.file_history(folders, "prices.yaml")[0]
    assert (newest.author, newest.message) == ("bo", f"Restore prices.yaml to {initial.commit[:7]}")


def test_an_invalid_version_cannot_be_restored(repo: Path) -> None:
    (repo / "prices.yaml").write_text("schema_version: 1\ncurrency: EUR\n")
    git(repo, "-c", "user.name=X", "-c", "user.email=x@x", "commit", "-qam", "Broken by hand")
    bad = git(repo, "rev-parse", "HEAD").strip()
    shutil.copy(FIXTURE_PRICING / "prices.yaml", repo / "prices.yaml")
    opened = ed.open_file(repo, "prices.yaml")
    with pytest.raises(PricingFileError, match="currency"):
        ed.restore(PricingFolders(None, repo), "prices.yaml", bad, opened.hash)
    with pytest.raises(ed.EditRefusedError, match="not a commit id"):
        ed.restore(PricingFolders(None, repo), "prices.yaml", "HEAD; rm -rf /", opened.hash)


def test_a_folder_inside_another_repository_is_not_committed(tmp_path: Path) -> None:
    # the shipped pricing/ inside a clone of tcocalc: editing on a laptop commits nothing
    outer = tmp_path / "clone"
    (outer / "pricing").mkdir(parents=True)
    git(outer, "init", "-q")
    assert not history.enabled(outer / "pricing") and history.enabled(outer)
    assert not history.enabled(tmp_path)
