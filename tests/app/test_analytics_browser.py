"""The Analysis tab in a real browser: Chromium (Playwright) against ``streamlit run app.py``.

Serves the page with the fixed test prices on a free local port, opens the Analysis tab and checks
what a person sees: the verdict, the charts drawn, the tornado slider, a Monte Carlo range typed
into the table. Screenshots go to artifacts/analytics/.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tcocalc.inputs.loader import PROJECT_ROOT
from tcocalc.present.charts import TITLE_LINE_CHARS, wrap_words
from tests.browser_support import BROWSER, chromium, streamlit_server
from tests.conftest import FIXTURE_PRICING

SHOTS = PROJECT_ROOT / "artifacts" / "analytics"
PORTS = range(8660, 8680)

pytestmark = BROWSER

WAIT_MS = 90_000
"""Generous: CI machines and a busy laptop can take a while to rerun the page."""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with streamlit_server(PORTS, {**os.environ, "TCOCALC_PRICING": str(FIXTURE_PRICING)}) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _open_analysis(pg, url: str, verdict: str) -> None:
    pg.goto(url)
    pg.get_by_role("tab", name="Analysis").click(timeout=WAIT_MS)
    pg.get_by_text(verdict).wait_for(timeout=WAIT_MS)
    pg.locator('[data-testid="stPlotlyChart"] .main-svg').nth(4).wait_for(timeout=WAIT_MS)


@pytest.fixture
def context(browser):
    # Tall enough that every section is on screen: Streamlit scrolls inside the page, so a
    # full-page screenshot would otherwise show only the first screen.
    ctx = browser.new_context(viewport={"width": 1400, "height": 4600})
    yield ctx
    ctx.close()


@pytest.fixture
def page(context, server):
    pg = context.new_page()
    _open_analysis(pg, server, "Prompting is $13,247 cheaper")
    return pg


def _shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _idle(pg) -> None:
    """Wait for Streamlit to finish the rerun the last interaction started."""
    pg.wait_for_timeout(300)
    pg.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=WAIT_MS)


def test_the_tab_draws_every_chart(page):
    charts = page.locator('[data-testid="stPlotlyChart"] .main-svg')
    assert charts.count() >= 5
    expect(page.get_by_text("unless engineer rate falls below $2.36/hour")).to_be_visible()
    for title in (
        "What moves the difference: fine-tuning vs prompting",
        "Cheapest strategy by month 24",
        "How sure: cumulative difference to prompting",
        "When does it pay back? Break-even month across draws",
    ):
        # Long titles wrap (for phones): the chart draws each line as its own text.
        first_line = wrap_words(title, TITLE_LINE_CHARS).split("<br>")[0]
        expect(page.get_by_text(first_line).first).to_be_visible(timeout=WAIT_MS)
    odds = page.get_by_test_id("stMetric").filter(has_text="Fine-tuning cheaper")
    expect(odds.get_by_test_id("stMetricValue")).to_have_text("0%")
    _shot(page, "analysis-tab")


def test_the_tornado_slider_changes_the_table(page):
    share = page.get_by_test_id("stSlider").filter(has_text="Vary each input by")
    share.get_by_role("slider").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # ±25 % -> ±40 % in steps of 5
    page.get_by_text("each input 40 % down and up").first.wait_for(timeout=WAIT_MS)
    expect(share).to_contain_text("±40%")
    # The download carries the new variation: the engineer rate at $100 -> $60 and $140.
    with page.expect_download(timeout=WAIT_MS) as download:
        page.get_by_role("button", name="Tornado and switching values (CSV)").click()
    with open(download.value.path(), encoding="utf-8") as f:
        rows = {r["driver"]: r for r in csv.DictReader(f)}
    rate = rows["engineer_usd_per_hour"]
    assert (float(rate["low_value"]), float(rate["high_value"])) == (60.0, 140.0)


def test_a_range_typed_into_the_table_changes_the_odds(context, server):
    page = context.new_page()
    # 1.8M calls a month, through the page's shareable link.
    _open_analysis(page, f"{server}/?calls=1800000", "Prompting is $1,007 cheaper")
    odds = page.get_by_test_id("stMetric").filter(has_text="Fine-tuning cheaper")
    odds = odds.get_by_test_id("stMetricValue")
    expect(odds).not_to_have_text("0%", timeout=WAIT_MS)
    _idle(page)
    before = odds.inner_text()
    assert re.fullmatch(r"\d+%", before)
    editor = page.locator('[data-testid="stDataFrame"]').last  # the ranges editor
    editor.wait_for(state="visible", timeout=WAIT_MS)
    editor.scroll_into_view_if_needed()
    box = editor.bounding_box()
    assert box is not None
    # The grid is a canvas: select the first row's first cell (monthly calls), move to "High",
    # open the cell editor (an input in the grid's overlay) and type over its value.
    page.mouse.click(box["x"] + 60, box["y"] + 35 + 35 / 2)
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    cell = page.locator('#portal [id^="gdg-overlay"] input, #portal [id^="gdg-overlay"] textarea')
    cell.first.wait_for(state="visible", timeout=WAIT_MS)
    cell.first.fill("4000000")
    cell.first.press("Enter")
    page.get_by_text("Your ranges are kept").wait_for(timeout=WAIT_MS)
    _idle(page)
    assert page.get_by_text("need low").count() == 0  # the typed range is valid
    # 1.26M-4M calls, likely 1.8M: far more draws pass the 1.94M break-even volume.
    expect(odds).not_to_have_text(before, timeout=WAIT_MS)
    assert int(odds.inner_text().rstrip("%")) > int(before.rstrip("%")) + 10
    _shot(page, "analysis-tab-edited-range")
