"""Pricing folders: layering, fingerprint, the last good catalog, flags; bad input on purpose."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from tcocalc.inputs import editor as ed
from tcocalc.inputs.loader import PricingFileError, Problem
from tcocalc.inputs.store import (
    PricingFolders,
    PricingStore,
    configured_folders,
    fingerprint,
    load_layered,
    pricing_table,
    shown_name,
    stale_after_days,
)

FIXTURE = Path(__file__).parents[1] / "fixtures" / "pricing" / "prices.yaml"
GOOD = FIXTURE.read_text()

COMPANY_RATE = """\
schema_version: 1
currency: USD
models:
  gpt-4.1-mini:               # our negotiated rate
    provider: openai
    usd_per_1m_input_tokens: 0.30
    usd_per_1m_output_tokens: 1.20
    source: https://intranet.example.com/contracts/openai
    as_of: 2026-12-01
"""


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    folder = tmp_path / "shipped"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / "prices.yaml")
    return folder


@pytest.fixture
def company(tmp_path: Path) -> Path:
    folder = tmp_path / "company"
    folder.mkdir()
    return folder


# --- Folders and layering ---------------------------------------------------------------------


def test_company_entry_wins_per_id_and_is_listed_as_override(shipped: Path, company: Path) -> None:
    (company / "rates.yaml").write_text(COMPANY_RATE)
    layered = load_layered(PricingFolders(shipped, company))
    model = layered.catalog.models["gpt-4.1-mini"]
    assert model.usd_per_1m_input_tokens == 0.30
    # The whole entry is replaced, not merged field by field (documented in docs/pricing.md).
    assert model.fine_tuning is None
    assert layered.catalog.models["big-model"].usd_per_1m_input_tokens == 2.00  # shipped kept
    assert [(o.section, o.entry_id) for o in layered.overrides] == [("models", "gpt-4.1-mini")]
    assert layered.origins[("models", "gpt-4.1-mini")] == shown_name(company / "rates.yaml")
    assert layered.origins[("models", "big-model")] == shown_name(shipped / "prices.yaml")


def test_company_file_with_a_shipped_name_replaces_the_shipped_file(
    shipped: Path, company: Path
) -> None:
    (company / "prices.yaml").write_text(COMPANY_RATE)
    folders = PricingFolders(shipped, company)
    layered = load_layered(folders)
    assert set(layered.catalog.models) == {"gpt-4.1-mini"}  # nothing left of shipped prices.yaml
    assert layered.catalog.gpu_offers == {}
    assert layered.replaced_files == ("prices.yaml",)
    assert folders.files() == [company / "prices.yaml"]


def test_duplicate_id_within_one_folder_is_still_an_error(shipped: Path, company: Path) -> None:
    (company / "a.yaml").write_text(COMPANY_RATE)
    (company / "b.yaml").write_text(COMPANY_RATE)
    with pytest.raises(PricingFileError) as err:
        load_layered(PricingFolders(shipped, company))
    (problem,) = err.value.problems
    assert problem.file == shown_name(company / "b.yaml")
    assert (problem.line, problem.column) == (4, 3)
    assert "duplicate id, already in" in problem.message


def test_configured_folders_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TCOCALC_PRICING_DIR", raising=False)
    assert configured_folders().company is None
    monkeypatch.setenv("TCOCALC_PRICING_DIR", "/srv/prices")
    folders = configured_folders()
    assert folders.company == Path("/srv/prices") and folders.shipped is not None
    assert folders.editable == Path("/srv/prices")
    monkeypatch.setenv("TCOCALC_PRICING_LAYERED", "0")
    assert configured_folders().shipped is None


def test_stale_days_from_environment_ignores_nonsense() -> None:
    assert stale_after_days({"TCOCALC_STALE_DAYS": "abc"}) == 90
    assert stale_after_days({"TCOCALC_STALE_DAYS": "-5"}) == 90
    assert stale_after_days({"TCOCALC_STALE_DAYS": "365"}) == 365


# --- Fingerprint ------------------------------------------------------------------------------


def test_fingerprint_follows_content_not_timestamps(shipped: Path, company: Path) -> None:
    folders = PricingFolders(shipped, company)
    before = fingerprint(folders)
    path = shipped / "prices.yaml"
    os.utime(path, (1, 1))  # touching the file is not a change
    assert fingerprint(folders) == before
    path.write_text(GOOD.replace("0.40", "0.41"))
    changed = fingerprint(folders)
    assert changed != before
    (company / "rates.yaml").write_text(COMPANY_RATE)  # a new company file is a change
    assert fingerprint(folders) not in (before, changed)
    path.write_text(GOOD)
    (company / "rates.yaml").unlink()
    assert fingerprint(folders) == before


def test_fingerprint_does_not_read_an_oversized_file(shipped: Path) -> None:
    big = shipped / "huge.yaml"
    with big.open("wb") as f:
        f.truncate(50_000_000)  # sparse: 50 MB of zeros without writing them
    assert len(fingerprint(PricingFolders(None, shipped))) == 16


# --- The last good catalog --------------------------------------------------------------------


def test_store_reloads_on_change_and_keeps_last_good_catalog(shipped: Path) -> None:
    store = PricingStore(PricingFolders(None, shipped))
    first = store.current()
    assert first.ok and first.catalog is not None
    assert store.current() is first  # nothing changed: not re-read

    path = shipped / "prices.yaml"
    path.write_text(GOOD.replace("usd_per_1m_input_tokens: 0.40", "usd_per_1m_input_tokens: 0.50"))
    second = store.current()
    assert second.ok and second.catalog is not None
    assert second.catalog.models["gpt-4.1-mini"].usd_per_1m_input_tokens == 0.50

    path.write_text(GOOD.replace("usd_per_1m_input_tokens: 0.40", "usd_per_1m_input_tokens: -1"))
    broken = store.current()
    assert broken.using_last_good
    assert broken.catalog is second.catalog  # the last good one, not the first
    assert [str(p) for p in broken.problems] == [
        f"{shown_name(path)}:7:5: models.gpt-4.1-mini.usd_per_1m_input_tokens: "
        "Input should be greater than or equal to 0"
    ]
    assert broken.good_fingerprint == second.fingerprint != broken.fingerprint

    path.write_text(GOOD)
    fixed = store.current()
    assert fixed.ok and fixed.catalog is not None
    assert fixed.catalog.models["gpt-4.1-mini"].usd_per_1m_input_tokens == 0.40


def test_store_without_any_good_version_reports_problems(tmp_path: Path) -> None:
    (tmp_path / "prices.yaml").write_text("schema_version: 1\ncurrency: EUR\n")
    state = PricingStore(PricingFolders(None, tmp_path)).current()
    assert state.catalog is None and not state.ok and not state.using_last_good
    assert "currency" in str(state.problems[0])


# --- Bad input, tried on purpose ----------------------------------------------------------------

BILLION_LAUGHS = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n"

BAD_INPUTS: dict[str, tuple[bytes, str]] = {
    # name: (file content, what the first problem must say)
    "empty": (b"", "the file is empty"),
    "comments only": (b"# nothing here\n", "the file is empty"),
    "binary": (bytes(range(256)) * 4, "binary data"),
    "latin-1": ("as_of: café\n".encode("latin-1"), "not UTF-8"),
    "tabs": (
        GOOD.replace("    provider: openai", "\tprovider: openai", 1).encode(),
        "tab character",
    ),
    "duplicate keys": (
        GOOD.replace("provider: openai\n", "provider: openai\n    provider: x\n", 1).encode(),
        "appears twice",
    ),
    "billion laughs": (BILLION_LAUGHS.encode(), "aliases"),
    "python tag": (b"models: !!python/object:os.system {}\n", "tags"),
    "python name tag": (b"x: !!python/name:os.system\n", "tags"),
    "wrong type": (GOOD.replace("0.40", "cheap", 1).encode(), "valid number"),
    "negative price": (GOOD.replace("3.60", "-3.60").encode(), "greater than 0"),
    "unknown field": (GOOD.replace("provider: openai", "providr: openai", 1).encode(), "unknown"),
    "unknown successor": (
        GOOD.replace("successor: big-model", "successor: no-such-model-xyz").encode(),
        "unknown model 'no-such-model-xyz'",
    ),
    "bad date": (GOOD.replace("2026-11-01", "2026-13-45", 1).encode(), "month must be in 1..12"),
    "a list": (b"- a\n- b\n", "expected a mapping"),
    "merge key": (b"schema_version: 1\n<<: {currency: USD}\n", "merge keys"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_file_keeps_last_good_catalog_with_located_error(shipped: Path, case: str) -> None:
    content, expected = BAD_INPUTS[case]
    store = PricingStore(PricingFolders(None, shipped))
    good = store.current()
    assert good.catalog is not None
    path = shipped / "prices.yaml"
    path.write_bytes(content)
    state = store.current()  # never raises
    assert state.catalog is good.catalog
    assert state.problems, case
    first = state.problems[0]
    assert isinstance(first, Problem) and first.file == shown_name(path)
    assert first.line >= 1 and first.column >= 1
    assert any(expected in str(p) for p in state.problems), state.problems


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_text_is_refused_by_the_editor_and_nothing_is_written(shipped: Path, case: str) -> None:
    content, expected = BAD_INPUTS[case]
    folders = PricingFolders(None, shipped)
    opened = ed.open_file(shipped, "prices.yaml")
    text = content.decode("utf-8", errors="replace")
    problems = ed.validate_text(text, "prices.yaml", folders)
    if text.encode() == content:  # bytes that are not UTF-8 reach the editor already replaced
        assert any(expected in str(p) for p in problems), problems
    assert problems
    with pytest.raises(PricingFileError):
        ed.save(folders, "prices.yaml", text, opened.hash)
    assert (shipped / "prices.yaml").read_text() == GOOD
    assert not (shipped / ".backups").exists() or not ed.backups(shipped, "prices.yaml")


def test_fifty_megabyte_file_is_refused_unread(shipped: Path) -> None:
    store = PricingStore(PricingFolders(None, shipped))
    good = store.current()
    with (shipped / "huge.yaml").open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    state = store.current()
    assert state.catalog is good.catalog
    # PRICING_LIMITS.max_bytes = 256 * 1024 = 262,144
    assert "52,428,800 bytes; the limit is 262,144" in str(state.problems[0])
    with pytest.raises(PricingFileError, match="limit"):
        ed.open_file(shipped, "huge.yaml")
    assert ed.validate_text("a: 1\n" * 250_000, "huge.yaml", PricingFolders(None, shipped))


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "../prices.yaml",
        "sub/prices.yaml",
        ".hidden.yaml",
        "prices.yml",
        "prices.yaml.bak",
        "a..yaml",
        "",
        "prices",
        "pri ces.yaml",
        "con\x00.yaml",
    ],
)
def test_unsafe_file_names_are_refused(shipped: Path, name: str) -> None:
    folders = PricingFolders(None, shipped)
    with pytest.raises(ed.UnsafeFileNameError):
        ed.save(folders, name, GOOD, ed.NEW_FILE)
    with pytest.raises(ed.UnsafeFileNameError):
        ed.open_file(shipped, name)
    assert ed.validate_text(GOOD, name, folders)[0].message.startswith(repr(name))
    assert not Path("/etc/passwd").read_text().startswith("schema_version")


def test_symlink_pointing_outside_is_refused(shipped: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(GOOD)
    (shipped / "link.yaml").symlink_to(outside)
    folders = PricingFolders(None, shipped)
    opened_hash = ed.text_hash(outside.read_bytes())
    with pytest.raises(ed.UnsafeFileNameError, match="outside"):
        ed.save(folders, "link.yaml", GOOD.replace("0.40", "0.41"), opened_hash)
    with pytest.raises(ed.UnsafeFileNameError):
        ed.open_file(shipped, "link.yaml")
    assert outside.read_text() == GOOD


def test_symlink_inside_the_folder_is_written_through(shipped: Path) -> None:
    # prices.yaml -> versions/current.txt, both inside the folder: allowed, the link survives.
    (shipped / "versions").mkdir()
    real = shipped / "versions" / "current.txt"
    (shipped / "prices.yaml").rename(real)
    (shipped / "prices.yaml").symlink_to(Path("versions") / "current.txt")
    folders = PricingFolders(None, shipped)
    opened = ed.open_file(shipped, "prices.yaml")
    ed.save(folders, "prices.yaml", opened.text.replace("0.40", "0.41"), opened.hash)
    assert (shipped / "prices.yaml").is_symlink()
    assert "usd_per_1m_input_tokens: 0.41" in real.read_text()


def test_unknown_reference_in_a_scenario_is_a_located_error(shipped: Path) -> None:
    from tcocalc.inputs.loader import DEFAULT_SCENARIO, ScenarioFileError, load_scenario

    catalog = load_layered(PricingFolders(None, shipped)).catalog
    text = DEFAULT_SCENARIO.read_text().replace("model: gpt-4.1-mini", "model: gpt-4.1-mni", 1)
    bad = shipped.parent / "scenario.yaml"
    bad.write_text(text)
    with pytest.raises(ScenarioFileError) as err:
        load_scenario(bad, catalog)
    assert "did you mean 'gpt-4.1-mini'" in str(err.value)
    assert err.value.problems[0].line > 1


# --- The pricing table ------------------------------------------------------------------------


def test_pricing_table_flags_stale_and_ended_entries(shipped: Path, company: Path) -> None:
    (company / "rates.yaml").write_text(COMPANY_RATE)
    layered = load_layered(PricingFolders(shipped, company))
    # Fixture entries are as of 2026-11-01; the company rate as of 2026-12-01.
    table = pricing_table(
        layered.catalog,
        today=dt.date(2027, 2, 15),  # 106 days after 2026-11-01, 76 after 2026-12-01
        stale_after=90,
        horizon_end=dt.date(2027, 12, 31),
        origins=layered.origins,
    ).set_index("id")
    assert table.loc["big-model", "age_days"] == 106 and table.loc["big-model", "stale"]
    assert table.loc["gpt-4.1-mini", "age_days"] == 76 and not table.loc["gpt-4.1-mini", "stale"]
    assert table.loc["gpt-4.1-mini", "file"] == shown_name(company / "rates.yaml")
    # ending-model's fine-tuning ends 2027-06-15: not yet ended, but inside the horizon.
    assert not table.loc["ending-model", "ended"]
    assert table.loc["ending-model", "ends_in_horizon"]
    assert "fine-tuning ends 2027-06-15" in table.loc["ending-model", "flags"]
    assert table.loc["in-house-expert", "usd"] == pytest.approx(0.60)
    assert table.loc["h100", "kind"] == "GPU"
    assert table.loc["h100", "source"] == "https://example.com/gpus"
    assert set(table["kind"]) == {"model", "GPU", "labeling"}

    later = pricing_table(layered.catalog, today=dt.date(2027, 7, 1), stale_after=365)
    row = later.set_index("id").loc["ending-model"]
    assert row["ended"] and not row["stale"] and "fine-tuning ended 2027-06-15" in row["flags"]


def test_only_flagged_rows_and_used_ids(shipped: Path) -> None:
    from tcocalc.inputs.store import horizon_end

    catalog = load_layered(PricingFolders(None, shipped)).catalog
    table = pricing_table(
        catalog,
        today=dt.date(2027, 1, 15),  # 75 days after every as_of: nothing is stale yet
        horizon_end=horizon_end(dt.date(2027, 1, 1), 12),  # 2027-12-31
        used_ids={"ending-model", "h100"},
        only_flagged=True,
    )
    # Only ending-model's fine-tuning ends (2027-06-15) within the horizon
    assert table["id"].tolist() == ["ending-model"] and table["used"].tolist() == [True]


def test_scenario_ids_are_every_catalog_reference() -> None:
    from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_scenario
    from tcocalc.inputs.store import scenario_ids

    assert scenario_ids(load_scenario(DEFAULT_SCENARIO)) == {"gpt-4.1-mini", "existing-labels"}
