"""The Export tab in a real browser: click a download button, get a deck PowerPoint opens."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser_support import CHROMIUM, chromium, streamlit_server
from tests.export_support import png_size, require

PORTS = range(8620, 8640)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    require(str(CHROMIUM) if CHROMIUM.exists() else None, "Chromium", "apt-get install chromium")
    with streamlit_server(PORTS) as url:
        yield url


@pytest.fixture(scope="module")
def page(app_url: str):  # type: ignore[no-untyped-def]
    with chromium() as browser:
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, accept_downloads=True
        )
        page = context.new_page()
        page.goto(app_url)
        page.get_by_role("tab", name="Export").click()
        page.get_by_role("button", name="PowerPoint deck").wait_for(timeout=60_000)
        yield page


def test_deck_downloads_from_the_export_tab(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from pptx import Presentation

    page.screenshot(path=str(tmp_path / "export-tab.png"), full_page=True)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="PowerPoint deck").click()
    download = info.value
    assert download.suggested_filename.endswith("-tco.pptx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    prs = Presentation(io.BytesIO(path.read_bytes()))
    # The answer slide's title is the answer itself ("Prompting stays cheaper through month 24").
    answer = prs.slides[1].shapes.title.text_frame.text
    assert re.fullmatch(r"(Prompting|Fine-tuning|Hybrid|The hybrid) .*month \d+", answer), answer


def test_png_downloads(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("button", name="PNG").first.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".png"
    assert png_size(path.read_bytes()) == (1920, 1080)
