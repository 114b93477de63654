"""What a person sees: the page in Debian's Chromium, driven by Playwright against ``streamlit run``.

The server runs on the fixed test catalog, so the numbers are the hand-checked ones of
tests/app/test_app.py. Screenshots land in ``tmp/artifacts/`` (look at them after a layout change).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tcocalc.inputs.loader import PROJECT_ROOT
from tcocalc_app.data import PRICING_ENV
from tests.browser_support import BROWSER, CHART, chromium, streamlit_server
from tests.conftest import FIXTURE_PRICING

ARTIFACTS = PROJECT_ROOT / "tmp" / "artifacts"
PORTS = range(8601, 8620)

pytestmark = BROWSER


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with streamlit_server(PORTS, {**os.environ, PRICING_ENV: str(FIXTURE_PRICING)}) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as b:
        yield b


def breakeven_text(page: object) -> str:
    return page.get_by_test_id("stMetricValue").first.inner_text()  # type: ignore[attr-defined]


def wait_for_breakeven(page: object, text: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stMetricValue").first).to_have_text(text, timeout=20_000)  # type: ignore[attr-defined]


def test_page_loads_a_slider_moves_the_headline_and_the_link_restores_it(
    server: str, browser: object
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    page.goto(f"{server}/?eng=0")
    page.locator(CHART).first.wait_for(timeout=30_000)
    wait_for_breakeven(page, "Month 14")
    assert page.get_by_role("heading", name="Customer support classifier (article)").is_visible()

    # The call slider, with the keyboard: 100k -> 150k (the next stop).
    thumb = page.get_by_test_id("stSlider").first.get_by_role("slider")
    thumb.focus()
    page.keyboard.press("ArrowRight")
    # 150k calls: 400 + 30 m <= 75 m from m = 8.9 -> month 9
    wait_for_breakeven(page, "Month 9")
    page.wait_for_function("() => window.location.search.includes('calls=150000')", timeout=10_000)
    link = page.url
    assert "eng=0" in link and "scenario=customer_support" in link

    fresh = browser.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    fresh.goto(link)
    fresh.locator(CHART).first.wait_for(timeout=30_000)
    wait_for_breakeven(fresh, "Month 9")
    fresh.close()
    page.close()


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (1920, 1080)])
def test_screenshots(server: str, browser: object, width: int, height: int) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
    page.goto(f"{server}/?eng=0&calls=250000&ft.lead_weeks=2")
    page.locator(CHART).first.wait_for(timeout=30_000)
    page.wait_for_timeout(800)  # let plotly finish its transitions
    page.screenshot(path=str(ARTIFACTS / f"page-{width}x{height}.png"))
    # Every value of the headline fits its column (no ellipsis), with and without a break-even.
    for value in page.get_by_test_id("stMetricValue").all():
        assert value.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), value.inner_text()
    plain = browser.new_page(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
    plain.goto(server)
    plain.locator(CHART).first.wait_for(timeout=30_000)
    values = plain.get_by_test_id("stMetricValue").all()
    assert any(v.inner_text().startswith("Not by month") for v in values)  # no break-even
    for value in values:
        assert value.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), value.inner_text()
    plain.close()
    page.locator(CHART).first.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / f"page-{width}x{height}-breakeven.png"))
    page.get_by_role("tab", name="Monthly cost").click()
    page.get_by_text("by component, on the same scale").wait_for(timeout=20_000)
    page.locator(CHART).first.wait_for(timeout=20_000)
    page.wait_for_timeout(800)
    page.locator(CHART).first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"page-{width}x{height}-monthly.png"))
    page.get_by_role("tab", name="Hidden costs").click()
    page.get_by_text("Iteration speed (per category change)").wait_for(timeout=20_000)
    page.get_by_text("Iteration speed (per category change)").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"page-{width}x{height}-hidden-costs.png"))
    page.close()
