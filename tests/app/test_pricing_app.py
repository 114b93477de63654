"""The Pricing tab's logic with Streamlit's AppTest (the browser test is test_pricing_browser.py).

The page under test is tests/apps/pricing_page.py: the article scenario, its break-even as a
metric, and the Pricing tab, reading a company folder that holds the fixed test catalog alone.
With that catalog fine-tuning does not break even in 24 months; at $8.00 per 1M input tokens
for GPT-4.1 mini (prompting's bill x ~17) it breaks even in month 14.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import FIXTURE_PRICING, shown

PAGE = str(Path(__file__).parents[1] / "apps" / "pricing_page.py")
GOOD = (FIXTURE_PRICING / "prices.yaml").read_text()
PRICE_LINE = "usd_per_1m_input_tokens: 0.40"
NEVER = "does not break even by month 24, nor on the current trend"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    f = tmp_path / "company"
    f.mkdir()
    shutil.copy(FIXTURE_PRICING / "prices.yaml", f / "prices.yaml")
    monkeypatch.setenv("TCOCALC_PRICING_DIR", str(f))
    monkeypatch.setenv("TCOCALC_PRICING_LAYERED", "0")
    monkeypatch.delenv("TCOCALC_READ_ONLY", raising=False)
    return f


def page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def texts(elements) -> list[str]:
    return [shown(e.value) for e in elements]


def test_table_and_editor_are_shown(folder: Path) -> None:
    at = page()
    assert texts(at.metric) == [NEVER]
    df = at.dataframe[0].value
    assert set(df["id"]) >= {"gpt-4.1-mini", "h100", "in-house-expert"}
    assert df.set_index("id").loc["gpt-4.1-mini", "used"]  # the scenario prompts it
    assert at.text_area[0].value == GOOD
    assert "Valid. No changes." in texts(at.success)
    assert button(at, "Save").disabled


def test_an_invalid_edit_lists_located_errors_and_cannot_be_saved(folder: Path) -> None:
    at = page()
    at.text_area[0].set_value(GOOD.replace(PRICE_LINE, "usd_per_1m_input_tokens: -1")).run()
    assert any("1 problem(s)" in e for e in texts(at.error))
    # Plain words first, then the place: file, line, column and the field.
    (problem,) = [m for m in texts(at.markdown) if "prices.yaml, line 7, column 5" in m]
    words, place = problem.split("\n")
    assert "greater than or equal to 0" in words and "prices.yaml" not in words
    assert "models.gpt-4.1-mini.usd_per_1m_input_tokens" in place
    # The editor jumps to it: the lines around line 7, numbered, the line to change marked.
    excerpt = next(c for c in texts(at.code) if "▶" in c)
    assert "▶  7 │     usd_per_1m_input_tokens: -1" in excerpt.splitlines()
    assert "     │     ^" in excerpt.splitlines()  # under column 5, where the field starts
    assert "  4 │" in excerpt and " 10 │" in excerpt  # three lines either side
    assert button(at, "Save").disabled
    assert (folder / "prices.yaml").read_text() == GOOD


def test_saving_a_price_moves_the_break_even(folder: Path) -> None:
    at = page()
    at.text_area[0].set_value(GOOD.replace(PRICE_LINE, "usd_per_1m_input_tokens: 8.00")).run()
    assert not button(at, "Save").disabled
    button(at, "Save").click().run()
    assert not at.exception
    assert texts(at.metric) == ["breaks even in month 14"]
    assert "usd_per_1m_input_tokens: 8.00" in (folder / "prices.yaml").read_text()
    assert any(s.startswith("Saved prices.yaml.") and ".backups" in s for s in texts(at.success))


def test_an_edit_on_disk_is_picked_up_without_restart(folder: Path) -> None:
    at = page()
    (folder / "prices.yaml").write_text(GOOD.replace(PRICE_LINE, "usd_per_1m_input_tokens: 8.00"))
    at.run()
    assert texts(at.metric) == ["breaks even in month 14"]


def test_a_broken_file_on_disk_keeps_the_last_good_prices(folder: Path) -> None:
    at = page()
    (folder / "prices.yaml").write_text(GOOD.replace(PRICE_LINE, "usd_per_1m_input_tokens: [x"))
    at.run()
    assert not at.exception
    assert texts(at.metric) == [NEVER]  # still computed, with the last good catalog
    assert any("keeps using the last good prices" in e for e in texts(at.error))
    # The unclosed "[" is named where it opens, in plain words (no parser jargon)
    (problem,) = [m for m in texts(at.markdown) if "prices.yaml, line 7, column 30" in m]
    assert "A [ … ] list opened here is not closed" in problem
    assert "<block" not in problem and "flow sequence" not in problem


def test_a_save_over_a_changed_file_is_refused_with_a_diff(folder: Path) -> None:
    at = page()
    # Someone else saves a GPU price while this editor has the file open.
    theirs = GOOD.replace("usd_per_gpu_hour: 3.60", "usd_per_gpu_hour: 3.90")
    (folder / "prices.yaml").write_text(theirs)
    at.text_area[0].set_value(GOOD.replace(PRICE_LINE, "usd_per_1m_input_tokens: 8.00")).run()
    button(at, "Save").click().run()
    assert not at.exception
    assert any("changed since you opened it" in e for e in texts(at.error))
    diff = next(c for c in texts(at.code) if c.startswith("--- prices.yaml (on disk now)"))
    assert "-    usd_per_gpu_hour: 3.90" in diff and "+    usd_per_1m_input_tokens: 8.00" in diff
    assert (folder / "prices.yaml").read_text() == theirs
    # "Discard my edits" loads their version; the edit can then be made again and saved.
    button(at, "Discard my edits").click().run()
    assert at.text_area[0].value == theirs


def test_read_only_mode_shows_a_banner_and_disables_saving(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TCOCALC_READ_ONLY", "1")
    at = page()
    assert any("Read-only" in i for i in texts(at.info))
    at.text_area[0].set_value(GOOD.replace(PRICE_LINE, "usd_per_1m_input_tokens: 8.00")).run()
    assert "Valid. Unsaved changes." in texts(at.success)  # still validates
    assert button(at, "Save").disabled
    assert (folder / "prices.yaml").read_text() == GOOD


def test_end_of_availability_inside_the_horizon_is_warned(folder: Path) -> None:
    # The article starts 2026-02-01; a retirement on 2026-12-31 falls in month 11.
    text = GOOD.replace(
        "    successor: big-model\n", "    successor: big-model\n    available_until: 2026-12-31\n"
    )
    (folder / "prices.yaml").write_text(text)
    at = page()
    warnings = texts(at.warning)
    assert any(
        "month 11: gpt-4.1-mini is retired after 2026-12-31; migrate to big-model" in w
        for w in warnings
    ), warnings
    row = at.dataframe[0].value.set_index("id").loc["gpt-4.1-mini"]
    assert row["ends_in_horizon"] and "ends 2026-12-31" in row["flags"]


def test_new_file_names_are_checked_and_a_new_file_can_be_saved(folder: Path) -> None:
    at = page()
    at.selectbox[0].select("+ New file…").run()
    at.text_input[0].input("../../etc/passwd").run()
    assert any("not a plain file name" in e for e in texts(at.error))
    at.text_input[0].input("our_rates.yaml").run()
    assert not button(at, "Save").disabled  # the template is valid
    button(at, "Save").click().run()
    assert (folder / "our_rates.yaml").read_text().startswith("# Prices for tcocalc.")


def test_revert_restores_the_shipped_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The shipped folder is the project's pricing/; a company file of the same name replaces it.
    company = tmp_path / "company"
    company.mkdir()
    shipped_text = (Path(__file__).parents[2] / "pricing" / "labeling.yaml").read_text()
    (company / "labeling.yaml").write_text(
        shipped_text.replace("usd_per_hour: 50", "usd_per_hour: 70", 1)
    )
    monkeypatch.setenv("TCOCALC_PRICING_DIR", str(company))
    monkeypatch.delenv("TCOCALC_PRICING_LAYERED", raising=False)
    monkeypatch.delenv("TCOCALC_READ_ONLY", raising=False)
    at = page()
    button(at, "Revert now").click().run()
    assert not at.exception
    assert (company / "labeling.yaml").read_text() == shipped_text
    assert any(s.startswith("Reverted labeling.yaml.") for s in texts(at.success))


def test_app_keeps_computing_with_the_last_good_prices(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """app.py loads its catalog through the pricing store (tcocalc_app.data.catalog)."""
    monkeypatch.delenv("TCOCALC_PRICING", raising=False)
    at = AppTest.from_file(str(Path(__file__).parents[2] / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    before = {m.label: m.value for m in at.metric}
    (folder / "prices.yaml").write_text(GOOD.replace(PRICE_LINE, "usd_per_1m_input_tokens: oops"))
    at.run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric} == before
    assert any("keeps using the last good prices" in w for w in texts(at.warning))
    # Fixed on disk: picked up on the next interaction, no restart.
    (folder / "prices.yaml").write_text(GOOD.replace(PRICE_LINE, "usd_per_1m_input_tokens: 8.00"))
    at.run()
    assert {m.label: m.value for m in at.metric}["Fine-tuning breaks even"] == "Month 14"
    assert not any("last good" in w for w in texts(at.warning))


def test_the_editor_opens_the_file_of_the_scenarios_model(folder: Path) -> None:
    # a_extra.yaml sorts first, but the scenario prompts gpt-4.1-mini, which prices.yaml holds.
    (folder / "a_extra.yaml").write_text(
        "schema_version: 1\ncurrency: USD\ngpu_offers:\n  a100:\n    provider: example\n"
        "    gpu: A100 80GB\n    gpu_memory_gb: 80\n    usd_per_gpu_hour: 1.80\n"
        "    source: https://example.com/gpus\n    as_of: 2026-11-01\n"
    )
    at = page()
    assert at.selectbox(key="pricing_file").value == "prices.yaml"
    assert at.text_area[0].value == GOOD
