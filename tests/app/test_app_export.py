"""The Export tab (AppTest): its download buttons exist and, clicked, yield files of the right type.

Downloads are deferred: Streamlit registers a callable per button and runs it on click. The test
records the callables Streamlit registers and runs them as a click would.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from pptx import Presentation
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from tcocalc.export import images
from tests.export_support import chromium, png_size

SCRIPT = """
from tcocalc.model.projection import project
from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_catalog, load_scenario
from tests.conftest import FIXTURE_PRICING
from tcocalc_app import export

catalog = load_catalog(FIXTURE_PRICING, use_snapshot=False)
scenario = load_scenario(DEFAULT_SCENARIO, catalog)
export.render(project(scenario, catalog), scenario, catalog)
"""


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, Any]]:
    """file name -> {"callable", "mimetype"} for every deferred download the script registers."""
    seen: dict[str, dict[str, Any]] = {}
    original = MediaFileManager.add_deferred

    def record(self: MediaFileManager, data_callable: Callable[[], Any], mimetype: Any,
               coordinates: str, file_name: str | None = None, **kwargs: Any) -> str:  # fmt: skip
        seen[str(file_name)] = {"callable": data_callable, "mimetype": mimetype}
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return seen


def run() -> AppTest:
    at = AppTest.from_string(SCRIPT, default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def test_buttons_exist_and_build_nothing_until_clicked(
    deferred: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    from tcocalc.export import data, deck

    for module, name in ((deck, "deck_pptx"), (data, "workbook_xlsx")):
        real = getattr(module, name)
        monkeypatch.setattr(
            module, name, lambda *a, _r=real, _n=name, **k: built.append(_n) or _r(*a, **k)
        )
    at = run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:4] == [
        "PowerPoint deck",
        "Excel workbook",
        "Monthly table (CSV)",
        "Scenario file (YAML)",
    ]
    assert labels[4:] == ["PNG", "SVG"] * len(images.CHART_TITLES)
    assert built == [], "a rerun (a slider move) must not build the deck or the workbook"
    stem = "customer-support-classifier-article"
    assert {f"{stem}-tco.pptx", f"{stem}-tco.xlsx", f"{stem}-tco.csv", f"{stem}-tco.yaml"} <= set(
        deferred
    )


def test_downloads_yield_files_of_the_right_type(deferred: dict[str, dict[str, Any]]) -> None:
    run()
    stem = "customer-support-classifier-article"
    pptx = deferred[f"{stem}-tco.pptx"]
    assert pptx["mimetype"].endswith("presentationml.presentation")
    prs = Presentation(io.BytesIO(pptx["callable"]()))
    assert prs.slides[1].shapes.title.text_frame.text == "Prompting stays cheaper through month 24"

    xlsx = deferred[f"{stem}-tco.xlsx"]
    assert xlsx["mimetype"].endswith("spreadsheetml.sheet")
    assert "Monthly tidy" in pd.read_excel(io.BytesIO(xlsx["callable"]()), sheet_name=None)

    csv = deferred[f"{stem}-tco.csv"]
    assert csv["mimetype"] == "text/csv"
    assert pd.read_csv(io.BytesIO(csv["callable"]())).shape == (3 * 7 * 24, 5)

    yaml = deferred[f"{stem}-tco.yaml"]
    assert yaml["mimetype"] == "application/yaml"
    assert b"name: Customer support classifier (article)" in yaml["callable"]()

    # The same bytes on a second click (cached by scenario content).
    assert zipfile.ZipFile(io.BytesIO(pptx["callable"]())).testzip() is None


def test_image_downloads(deferred: dict[str, dict[str, Any]]) -> None:
    chromium()
    run()
    stem = "customer-support-classifier-article"
    for name in images.CHART_TITLES:
        png = deferred[f"{stem}-{name}.png"]
        assert png["mimetype"] == "image/png"
        assert png_size(png["callable"]()) == (1920, 1080)
        svg = deferred[f"{stem}-{name}.svg"]
        assert svg["mimetype"] == "image/svg+xml"
        assert ET.fromstring(svg["callable"]()).tag.endswith("svg")


def test_without_chromium_the_tab_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    at = run()
    assert any("apt-get install chromium" in i.value for i in at.info)
    image_buttons = [b for b in at.get("download_button") if b.proto.label in ("PNG", "SVG")]
    assert image_buttons and all(b.proto.disabled for b in image_buttons)


def test_with_the_hybrid_hidden_the_deck_and_images_leave_it_out(
    deferred: dict[str, dict[str, Any]],
) -> None:
    at = AppTest.from_string(SCRIPT, default_timeout=60)
    at.session_state["view.show_hybrid"] = False  # the page's toggle (tcocalc_app.state)
    at.run()
    assert not at.exception, at.exception
    assert any("The hybrid is hidden" in c.value for c in at.caption)
    stem = "customer-support-classifier-article"
    prs = Presentation(io.BytesIO(deferred[f"{stem}-tco.pptx"]["callable"]()))
    chart = next(sh for sh in prs.slides[2].shapes if sh.has_chart).chart
    names = [s.name for s in chart.plots[0].series]
    assert names[:2] == ["Prompting", "Fine-tuning"]
    assert not [n for n in names if "hybrid" in n.lower()]
    csv = pd.read_csv(io.BytesIO(deferred[f"{stem}-tco.csv"]["callable"]()))
    assert set(csv["strategy"]) == {"prompting", "fine_tuning", "hybrid"}  # data stays complete
