"""The pricing door: files on disk and the editor's file names, as a shared server meets them.

The issue's cases (a deleted file, a link out of the folder, a name ending in a newline,
``TCOCALC_READ_ONLY=y``, backups more open than their file) plus Hypothesis-made names and
environment values; every refusal is a typed error or a located problem, never a traceback.
"""

from __future__ import annotations

import os
import shutil
import stat
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tcocalc.inputs import editor as ed
from tcocalc.inputs.loader import PricingFileError, load_catalog
from tcocalc.inputs.store import PricingFolders, PricingStore, fingerprint, load_layered

FIXTURES = Path(__file__).parents[1] / "fixtures" / "pricing"
GOOD = (FIXTURES / "prices.yaml").read_text()
SECOND = """\
schema_version: 1
currency: USD
gpu_offers:
  extra-gpu:
    provider: example
    gpu: L4
    gpu_memory_gb: 24
    usd_per_gpu_hour: 0.8
    source: https://example.com/gpus
    as_of: 2026-11-01
"""
FUZZ = settings(max_examples=60, deadline=None, derandomize=True)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    f = tmp_path / "prices"
    f.mkdir()
    shutil.copy(FIXTURES / "prices.yaml", f / "prices.yaml")
    (f / "gpus.yaml").write_text(SECOND)
    return f


# --- Files on disk ------------------------------------------------------------------------------


def test_a_deleted_file_keeps_the_last_good_catalog(folder: Path) -> None:
    store = PricingStore(PricingFolders(None, folder))
    good = store.current()
    assert "extra-gpu" in good.catalog.gpu_offers  # type: ignore[union-attr]
    (folder / "gpus.yaml").unlink()
    state = store.current()
    assert state.catalog is good.catalog and state.using_last_good
    (problem,) = state.problems
    assert problem.file.endswith("gpus.yaml") and "the file is gone" in problem.message
    (folder / "gpus.yaml").write_text(SECOND)  # restored: fine again
    assert store.current().ok


def test_a_new_process_reads_the_folder_as_it_is(folder: Path) -> None:
    # "until tcocalc restarts without it": a fresh store has no last good catalog to keep.
    (folder / "gpus.yaml").unlink()
    assert PricingStore(PricingFolders(None, folder)).current().ok


def test_links_out_of_the_pricing_folder_are_refused_unread(folder: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text(SECOND.replace("extra-gpu", "stolen-gpu"))
    (folder / "link.yaml").symlink_to(secret)
    with pytest.raises(PricingFileError) as err:
        load_layered(PricingFolders(None, folder))
    (problem,) = err.value.problems
    assert problem.file.endswith("link.yaml") and "outside its folder" in problem.message
    with pytest.raises(PricingFileError, match="outside its folder"):
        load_catalog(folder)
    before = fingerprint(PricingFolders(None, folder))
    secret.write_text(SECOND.replace("extra-gpu", "other-gpu"))  # the target is never read
    assert fingerprint(PricingFolders(None, folder)) == before


# --- The editor's names -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["prices.yaml\n", "new.yaml\n", "a.yaml\r", "a.yaml\x00"])
def test_a_name_ending_in_a_control_character_is_refused(folder: Path, name: str) -> None:
    folders = PricingFolders(None, folder)
    with pytest.raises(ed.UnsafeFileNameError):
        ed.save(folders, name, SECOND.replace("extra-gpu", "x-gpu"), ed.NEW_FILE)
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == ["gpus.yaml", "prices.yaml"]


@FUZZ
@given(st.text(max_size=90))
def test_any_name_is_a_plain_file_inside_the_folder_or_refused(name: str) -> None:
    root = Path("/srv/prices")
    try:
        path = ed.safe_path(root, name)
    except ed.UnsafeFileNameError as exc:
        assert str(exc)
        return
    assert path.parent == root and path.name == name and ed.SAFE_NAME.fullmatch(name)


# --- Read-only, backups -------------------------------------------------------------------------


@FUZZ
@given(st.text(max_size=12))
def test_read_only_fails_closed(value: str) -> None:
    off = value.strip().lower() in {"0", "false", "no", "off", ""}
    assert ed.is_read_only({ed.READ_ONLY_ENV: value}) is not off


@pytest.mark.parametrize("value", ["y", "2", "enabled", "TRUE", " 1 "])
def test_read_only_values_people_type_refuse_saves(
    folder: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(ed.READ_ONLY_ENV, value)
    opened = ed.open_file(folder, "gpus.yaml")
    with pytest.raises(ed.ReadOnlyError):
        ed.save(PricingFolders(None, folder), "gpus.yaml", opened.text + "\n", opened.hash)
    assert (folder / "gpus.yaml").read_text() == SECOND


def test_backups_keep_the_files_mode(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ed.READ_ONLY_ENV, raising=False)
    path = folder / "gpus.yaml"
    path.chmod(0o600)
    opened = ed.open_file(folder, "gpus.yaml")
    result = ed.save(
        PricingFolders(None, folder), "gpus.yaml", opened.text.replace("0.8", "0.9"), opened.hash
    )
    assert result.backup is not None
    assert stat.S_IMODE(result.backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_new_file_is_as_private_as_its_folder(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ed.READ_ONLY_ENV, raising=False)
    folder.chmod(0o750)
    ed.save(PricingFolders(None, folder), "ours.yaml", SECOND.replace("extra", "our"), ed.NEW_FILE)
    assert stat.S_IMODE((folder / "ours.yaml").stat().st_mode) == 0o640  # 0o750 without x bits


def test_refusing_a_hostile_pricing_text_is_bounded(folder: Path) -> None:
    # The editor validates through the same bounded reader: a nesting bomb costs milliseconds.
    start = time.process_time()
    problems = ed.validate_text(
        "models: " + "[" * 50_000, "gpus.yaml", PricingFolders(None, folder)
    )
    assert time.process_time() - start < 1.0
    assert problems and "nested more than 16 levels" in problems[0].message
    assert os.path.exists(folder / "gpus.yaml")
