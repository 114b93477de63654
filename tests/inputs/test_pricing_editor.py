"""The editor backend: round-trip edits, atomic saves, backups, locking, conflicts, read-only."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tcocalc.inputs import editor as ed
from tcocalc.inputs.loader import PricingFileError, parse_pricing
from tcocalc.inputs.store import PricingFolders, load_layered

FIXTURE = Path(__file__).parents[1] / "fixtures" / "pricing" / "prices.yaml"
GOOD = FIXTURE.read_text()
PRICE = ("models", "gpt-4.1-mini", "usd_per_1m_input_tokens")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    f = tmp_path / "prices"
    f.mkdir()
    shutil.copy(FIXTURE, f / "prices.yaml")
    return f


@pytest.fixture
def folders(folder: Path) -> PricingFolders:
    return PricingFolders(None, folder)


def changed_lines(before: str, after: str) -> list[tuple[int, str, str]]:
    a, b = before.splitlines(), after.splitlines()
    assert len(a) == len(b), "an edit of one value must not add or remove lines"
    return [(i + 1, x, y) for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]


# --- Round trip -------------------------------------------------------------------------------

TRICKY = """\
# Header comment, kept.
schema_version: 1   # trailing comment on the header
currency: "USD"

models:
  # a comment above an entry
  m-1:
    provider: 'acme'            # single-quoted
    usd_per_1m_input_tokens: 0.40   # USD per 1M input tokens, billed per request
    usd_per_1m_output_tokens: 1.6e+0
    notes: "a string with # a hash inside"
    source: https://example.com/p#pricing
    as_of: 2026-11-01


  m-2: {provider: acme, usd_per_1m_input_tokens: 1, usd_per_1m_output_tokens: 2,
        source: "https://example.com", as_of: 2026-11-01}
gpu_offers: {}
labeling_methods:
    indented-four:
        usd_per_example: 0.10
        source: https://example.com/l
        as_of: 2026-11-01
# trailing comment at the end of the file
"""


def test_set_value_changes_only_the_edited_line_in_the_fixture() -> None:
    after = ed.set_value(GOOD, PRICE, 0.45)
    assert changed_lines(GOOD, after) == [
        (7, "    usd_per_1m_input_tokens: 0.40", "    usd_per_1m_input_tokens: 0.45")
    ]
    assert parse_pricing(after, "x").models["gpt-4.1-mini"].usd_per_1m_input_tokens == 0.45


@pytest.mark.parametrize(
    ("path", "value", "line", "expected"),
    [
        (
            ("models", "m-1", "usd_per_1m_input_tokens"),
            0.5,
            9,
            "    usd_per_1m_input_tokens: 0.5   # USD per 1M input tokens, billed per request",
        ),
        (
            ("models", "m-1", "usd_per_1m_output_tokens"),
            2.25,
            10,
            "    usd_per_1m_output_tokens: 2.25",
        ),
        (
            ("models", "m-1", "provider"),
            "acme corp",
            8,
            "    provider: 'acme corp'            # single-quoted",
        ),
        (
            ("labeling_methods", "indented-four", "usd_per_example"),
            0.2,
            21,
            "        usd_per_example: 0.2",
        ),
        (
            ("models", "m-1", "source"),
            "https://example.com/new#x",
            12,
            "    source: https://example.com/new#x",
        ),
    ],
)
def test_set_value_keeps_comments_quotes_and_layout(
    path: tuple[str, ...], value: object, line: int, expected: str
) -> None:
    after = ed.set_value(TRICKY, path, value)
    diff = changed_lines(TRICKY, after)
    assert diff == [(line, TRICKY.splitlines()[line - 1], expected)]
    parse_pricing(after, "tricky.yaml")  # still a valid pricing file


def test_set_value_in_a_flow_mapping_keeps_other_lines() -> None:
    after = ed.set_value(TRICKY, ("models", "m-2", "usd_per_1m_input_tokens"), 3)
    (diff,) = changed_lines(TRICKY, after)
    assert diff[0] == 16 and "usd_per_1m_input_tokens: 3," in diff[2]
    assert parse_pricing(after, "t").models["m-2"].usd_per_1m_input_tokens == 3


def test_set_value_refuses_a_missing_key_or_a_mapping() -> None:
    with pytest.raises(KeyError):
        ed.set_value(GOOD, ("models", "gpt-4.1-mini", "no_such_field"), 1)
    with pytest.raises(TypeError):
        ed.set_value(GOOD, ("models", "gpt-4.1-mini", "fine_tuning"), 1)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(
        [
            PRICE,
            ("models", "big-model", "usd_per_1m_output_tokens"),
            ("models", "ending-model", "fine_tuning", "usd_per_1m_training_tokens"),
            ("gpu_offers", "h100", "usd_per_gpu_hour"),
            ("labeling_methods", "in-house-expert", "seconds_per_label"),
        ]
    ),
    st.floats(min_value=0.001, max_value=150, allow_nan=False).map(lambda x: round(x, 4)),
)
def test_any_price_edit_touches_one_line_and_reads_back(
    path: tuple[str, ...], value: float
) -> None:
    after = ed.set_value(GOOD, path, value)
    assert len(changed_lines(GOOD, after)) <= 1
    node: object = parse_pricing(after, "x").model_dump()
    for part in path:
        node = node[part]  # type: ignore[index]
    assert node == pytest.approx(value)


# --- Save -------------------------------------------------------------------------------------


def test_save_writes_validated_text_and_keeps_a_backup(
    folder: Path, folders: PricingFolders
) -> None:
    opened = ed.open_file(folder, "prices.yaml")
    new_text = ed.set_value(opened.text, PRICE, 0.45)
    result = ed.save(folders, "prices.yaml", new_text, opened.hash)
    assert result.changed and result.hash == ed.text_hash(new_text)
    assert (folder / "prices.yaml").read_text() == new_text
    assert result.backup is not None and result.backup.read_text() == GOOD
    assert (folder / ".backups" / ".gitignore").read_text().strip().endswith("*")
    # The folder still loads, and the backup folder is not read as pricing.
    assert load_layered(folders).catalog.models["gpt-4.1-mini"].usd_per_1m_input_tokens == 0.45
    # Saving the same text again is a no-op (no new backup).
    again = ed.save(folders, "prices.yaml", new_text, result.hash)
    assert not again.changed and len(ed.backups(folder, "prices.yaml")) == 1


def test_save_keeps_file_mode(folder: Path, folders: PricingFolders) -> None:
    path = folder / "prices.yaml"
    path.chmod(0o640)
    opened = ed.open_file(folder, "prices.yaml")
    ed.save(folders, "prices.yaml", opened.text + "# x\n", opened.hash)
    assert path.stat().st_mode & 0o777 == 0o640


def test_backups_are_rotated(
    folder: Path, folders: PricingFolders, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ed, "KEEP_BACKUPS", 3)
    opened = ed.open_file(folder, "prices.yaml")
    h = opened.hash
    for i in range(6):
        h = ed.save(folders, "prices.yaml", GOOD + f"# edit {i}\n", h).hash
    kept = ed.backups(folder, "prices.yaml")
    assert len(kept) == 3
    assert kept[0].read_text().endswith("# edit 4\n")  # newest first: the version before the last


def test_save_refuses_when_the_file_changed_since_it_was_opened(
    folder: Path, folders: PricingFolders
) -> None:
    opened = ed.open_file(folder, "prices.yaml")
    # Someone else saves first (by hand, or in another browser tab).
    theirs = GOOD.replace("usd_per_gpu_hour: 3.60", "usd_per_gpu_hour: 3.90")
    (folder / "prices.yaml").write_text(theirs)
    mine = ed.set_value(opened.text, PRICE, 0.45)
    with pytest.raises(ed.ConflictError) as err:
        ed.save(folders, "prices.yaml", mine, opened.hash)
    assert "changed since you opened it" in str(err.value)
    diff = err.value.diff
    assert "--- prices.yaml (on disk now)" in diff and "+++ prices.yaml (yours)" in diff
    assert "-    usd_per_gpu_hour: 3.90" in diff and "+    usd_per_gpu_hour: 3.60" in diff
    assert "+    usd_per_1m_input_tokens: 0.45" in diff
    assert (folder / "prices.yaml").read_text() == theirs  # never silently overwritten
    assert err.value.current_hash == ed.text_hash(theirs)


def test_creating_a_file_that_appeared_meanwhile_is_a_conflict(
    folder: Path, folders: PricingFolders
) -> None:
    opened = ed.open_file(folder, "extra.yaml")
    assert not opened.exists and opened.hash == ed.NEW_FILE
    text = "schema_version: 1\ncurrency: USD\n"
    ed.save(folders, "extra.yaml", text, opened.hash)
    with pytest.raises(ed.ConflictError):
        ed.save(folders, "extra.yaml", text + "# again\n", opened.hash)


def test_an_edit_that_breaks_another_file_is_refused(folder: Path, folders: PricingFolders) -> None:
    # other.yaml names open-8b (in prices.yaml) as a successor; removing open-8b breaks it.
    (folder / "other.yaml").write_text(
        "schema_version: 1\ncurrency: USD\nmodels:\n  old:\n    provider: x\n"
        "    usd_per_1m_input_tokens: 1\n    usd_per_1m_output_tokens: 1\n"
        "    successor: open-8b\n    source: https://example.com\n    as_of: 2026-11-01\n"
    )
    opened = ed.open_file(folder, "prices.yaml")
    start = opened.text.index("  open-8b:")
    end = opened.text.index("gpu_offers:")
    without = opened.text[:start] + opened.text[end:]
    problems = ed.validate_text(without, "prices.yaml", folders)
    assert [p.path for p in problems] == ["models.old.successor"]
    assert problems[0].file.endswith("other.yaml") and problems[0].line == 8
    with pytest.raises(PricingFileError):
        ed.save(folders, "prices.yaml", without, opened.hash)


def test_a_crash_mid_save_leaves_the_original_and_no_temp_files(
    folder: Path, folders: PricingFolders, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = ed.open_file(folder, "prices.yaml")

    def crash(src: object, dst: object) -> None:
        raise OSError(5, "Input/output error (simulated power cut)")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(ed.EditRefusedError, match="simulated power cut"):
        ed.save(folders, "prices.yaml", ed.set_value(opened.text, PRICE, 0.45), opened.hash)
    monkeypatch.undo()
    assert (folder / "prices.yaml").read_text() == GOOD
    leftovers = [p.name for p in folder.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    assert sorted(p.name for p in folder.iterdir()) == [".backups", "prices.yaml"]
    # A later save works, from the same opened hash: nothing changed on disk.
    ed.save(folders, "prices.yaml", ed.set_value(opened.text, PRICE, 0.45), opened.hash)


def test_a_crash_while_writing_the_temp_file_leaves_no_trace(
    folder: Path, folders: PricingFolders, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = ed.open_file(folder, "prices.yaml")

    def crash(fd: int) -> None:
        raise KeyboardInterrupt  # the server is killed while flushing

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        ed.save(folders, "prices.yaml", opened.text + "# x\n", opened.hash)
    monkeypatch.undo()
    assert (folder / "prices.yaml").read_text() == GOOD
    assert not [p for p in folder.rglob("*.tmp")]


def test_concurrent_saves_from_two_threads_never_corrupt_the_file(
    folder: Path, folders: PricingFolders
) -> None:
    opened = ed.open_file(folder, "prices.yaml")
    texts = [ed.set_value(opened.text, PRICE, v) for v in (0.41, 0.42)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def editor(text: str) -> None:
        barrier.wait()
        try:
            ed.save(folders, "prices.yaml", text, opened.hash)
            outcomes.append("saved")
        except ed.ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=editor, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "saved"]  # both opened the same version: one wins
    assert (folder / "prices.yaml").read_text() in texts


def test_many_threads_saving_in_turn_all_land_whole(folder: Path, folders: PricingFolders) -> None:
    # Each editor re-opens and retries after a conflict, as a person would: every edit lands,
    # and the file is valid after each one.
    n = 8
    errors: list[BaseException] = []

    def editor(i: int) -> None:
        try:
            for _ in range(50):
                opened = ed.open_file(folder, "prices.yaml")
                text = opened.text + f"# editor {i}\n"
                try:
                    ed.save(folders, "prices.yaml", text, opened.hash)
                    return
                except ed.ConflictError:
                    continue
            raise AssertionError(f"editor {i} never got its turn")
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=editor, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    final = (folder / "prices.yaml").read_text()
    assert sorted(line for line in final.splitlines() if line.startswith("# editor")) == sorted(
        f"# editor {i}" for i in range(n)
    )
    parse_pricing(final, "prices.yaml")


# --- Read-only --------------------------------------------------------------------------------


def test_read_only_mode_refuses_every_write(
    folder: Path, folders: PricingFolders, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TCOCALC_READ_ONLY", "1")
    opened = ed.open_file(folder, "prices.yaml")  # reading and validating still work
    new_text = ed.set_value(opened.text, PRICE, 0.45)
    assert ed.validate_text(new_text, "prices.yaml", folders) == []
    with pytest.raises(ed.ReadOnlyError, match="read-only"):
        ed.save(folders, "prices.yaml", new_text, opened.hash)
    with pytest.raises(ed.ReadOnlyError):
        ed.save(folders, "new.yaml", "schema_version: 1\ncurrency: USD\n", ed.NEW_FILE)
    with pytest.raises(ed.ReadOnlyError):
        ed.revert_to_shipped(folders, "prices.yaml", opened.hash)
    assert (folder / "prices.yaml").read_text() == GOOD
    assert sorted(p.name for p in folder.iterdir()) == ["prices.yaml"]  # not even a backup dir


# --- Revert to shipped defaults ---------------------------------------------------------------


def test_revert_restores_the_shipped_file_into_the_company_folder(tmp_path: Path) -> None:
    shipped, company = tmp_path / "shipped", tmp_path / "company"
    shipped.mkdir()
    company.mkdir()
    shutil.copy(FIXTURE, shipped / "prices.yaml")
    (company / "prices.yaml").write_text(GOOD.replace("0.40", "0.30"))
    folders = PricingFolders(shipped, company)
    opened = ed.open_file(company, "prices.yaml")
    result = ed.revert_to_shipped(folders, "prices.yaml", opened.hash)
    assert (company / "prices.yaml").read_text() == GOOD
    assert result.backup is not None and "0.30" in result.backup.read_text()
    (company / "mine.yaml").write_text("schema_version: 1\ncurrency: USD\n")
    with pytest.raises(ed.NoShippedVersionError):
        ed.revert_to_shipped(folders, "mine.yaml", ed.open_file(company, "mine.yaml").hash)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_revert_in_the_shipped_folder_restores_the_committed_version(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    folder = repo / "pricing"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURE, folder / "prices.yaml")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    for cmd in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "prices"]):
        subprocess.run(["git", "-C", str(repo), *cmd], check=True, env=env)
    folders = PricingFolders(folder, None)
    (folder / "prices.yaml").write_text(GOOD.replace("0.40", "0.99"))
    assert ed.shipped_text(folders, "prices.yaml") == GOOD
    assert "git" in ed.shipped_label(folders)
    ed.revert_to_shipped(folders, "prices.yaml", ed.open_file(folder, "prices.yaml").hash)
    assert (folder / "prices.yaml").read_text() == GOOD


def test_no_git_means_no_shipped_version(tmp_path: Path) -> None:
    folder = tmp_path / "pricing"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / "prices.yaml")
    assert ed.shipped_text(PricingFolders(folder, None), "prices.yaml") is None


# --- Table view -------------------------------------------------------------------------------


def test_price_fields_lists_every_number_in_file_order() -> None:
    rows = ed.price_fields(GOOD)
    assert rows[0] == {
        "section": "models",
        "id": "gpt-4.1-mini",
        "field": "usd_per_1m_input_tokens",
        "value": 0.40,
    }
    fields = {(r["id"], r["field"]) for r in rows}
    assert ("ending-model", "fine_tuning.usd_per_1m_training_tokens") in fields
    assert ("h100", "gpu_memory_gb") in fields
    assert ("open-8b", "open_weights") not in fields  # booleans are not prices


def test_apply_price_edits_changes_only_the_edited_lines() -> None:
    rows = ed.price_fields(GOOD)
    for row in rows:
        if (row["id"], row["field"]) == ("h100", "usd_per_gpu_hour"):
            row["value"] = 4.2
        if (row["id"], row["field"]) == ("in-house-expert", "seconds_per_label"):
            row["value"] = 40.0  # a float from the table for an int in the file stays an int
    after = ed.apply_price_edits(GOOD, rows)
    assert [(n, new.strip()) for n, _, new in changed_lines(GOOD, after)] == [
        (47, "usd_per_gpu_hour: 4.2"),
        (56, "seconds_per_label: 40      # 36 s x $50/h = $0.50, + 20 % QA = $0.60"),
    ]
    assert ed.apply_price_edits(GOOD, ed.price_fields(GOOD)) == GOOD  # no edit, no change
