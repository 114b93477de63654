"""The page on a shared server (issue 15): the crashing links and files, and what it must not show.

AppTest runs app.py in-process. Each case once raised a traceback in the browser, or showed where
the server keeps its files; now it must render, warn in words, and name no absolute path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tcocalc.inputs.loader import DEFAULT_SCENARIO, PROJECT_ROOT
from tcocalc_app import state
from tests.conftest import FIXTURE_PRICING, shown

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture
def company(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A company pricing folder somewhere on the server, layered over the shipped prices."""
    folder = tmp_path / "srv" / "company-prices"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURE_PRICING / "prices.yaml", folder / "ours.yaml")  # its ids win per id
    monkeypatch.setenv("TCOCALC_PRICING_DIR", str(folder))
    monkeypatch.delenv("TCOCALC_PRICING", raising=False)
    monkeypatch.delenv("TCOCALC_READ_ONLY", raising=False)
    return folder


def run(params: dict[str, str], tab: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update(params)
    if tab:
        at.session_state["tab"] = tab
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def every_text(at: AppTest) -> str:
    parts = []
    for kind in ("title", "caption", "markdown", "error", "warning", "info", "success", "code"):
        parts += [shown(str(e.value)) for e in getattr(at, kind)]
    for frame in at.dataframe:
        parts.append(frame.value.to_string())
    parts += [str(getattr(w, "help", "") or "") for w in at.selectbox]
    return "\n".join(parts)


def test_the_latest_start_date_renders_the_pricing_tab(company: Path) -> None:
    at = run({"start": "9999-12-31"}, tab="Pricing")
    assert "“Month 1 starts on” = 9999-12-31 from the link was not used" in every_text(at)
    at = run({"start": "2100-12-31", "horizon": "120"}, tab="Pricing")
    assert at.session_state[state.VALUES]["start"].isoformat() == "2100-12-31"
    assert at.dataframe  # the price table is there


def test_a_huge_number_in_the_link_is_a_warning(company: Path) -> None:
    at = run({"calls": "1e9999999999"})
    assert "“Calls in month 1” = 1e9999999999 from the link was not used" in every_text(at)
    assert len(at.metric) == 4


def test_more_than_a_thousand_new_categories_a_year_render_the_analysis(company: Path) -> None:
    # a change every month x 100 categories = 1,200 a year (the Analysis tab raised ValueError)
    at = run({"cc.every": "1", "cc.per_change": "100"}, tab="Analysis")
    assert at.get("plotly_chart")


def test_the_pricing_tab_names_no_server_folder(company: Path) -> None:
    (company / "broken.yaml").write_text("schema_version: 1\ncurrency: EUR\n")
    at = run({}, tab="Pricing")
    text = every_text(at)
    assert "broken.yaml:2:1" in text  # the problem is shown, located
    for secret in (str(company), str(company.parent), str(PROJECT_ROOT), str(Path.home())):
        assert secret not in text
    assert "TCOCALC_PRICING_DIR" in text  # the folder is named by its setting instead


def test_a_scenario_file_named_from_the_server_shows_no_path(company: Path) -> None:
    at = run({})
    assert str(DEFAULT_SCENARIO.parent) not in every_text(at)
