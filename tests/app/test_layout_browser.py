"""The page's layout as a person sees it, in Debian's Chromium at a laptop's 1280x800 and a phone's
390x844: the break-even chart's plot in the first screen (with the scenario's warnings and a link
warning showing), no text cut on any tab (no ellipsis, no clipped overflow, no chart text past
its chart's edge), dark mode honoured, and the print view without the sidebar.

One server and one browser for the module; each viewport loads the page once and clicks through
the tabs. Screenshots land in ``tmp/artifacts/layout-*.png``: look at them after a layout change.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tcocalc.inputs.loader import PROJECT_ROOT
from tcocalc_app.data import PRICING_ENV
from tcocalc_app.overview import TABS
from tcocalc_app.tabs import PLUGGABLE
from tests.browser_support import BROWSER, CHART, chromium, streamlit_server
from tests.conftest import FIXTURE_PRICING

ARTIFACTS = PROJECT_ROOT / "tmp" / "artifacts"
PORTS = range(8700, 8720)
VIEWPORTS = {"laptop": (1280, 800), "phone": (390, 844)}
TAB_NAMES = [*TABS, *PLUGGABLE]
PLOT = '[data-testid="stPlotlyChart"] .nsewdrag'
"""The first chart's plot area (plotly's drag layer spans exactly the axes' rectangle)."""

pytestmark = BROWSER

CUT_TEXT = """() => {
  // Text that does not fit its box and is cut (ellipsis, or overflow hidden/clipped).
  const cut = [];
  for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
    if (!el.getClientRects().length || el.closest('svg, canvas, textarea, pre')) continue;
    const cs = getComputedStyle(el);
    const clips = cs.textOverflow === 'ellipsis' || cs.overflowX === 'hidden'
      || cs.overflowX === 'clip';
    const text = (el.innerText || '').trim();
    if (clips && text && el.scrollWidth > el.clientWidth + 1) cut.push(text.slice(0, 60));
  }
  // Chart text past its chart's edge (plotly never wraps: a long title is cut there).
  for (const svg of document.querySelectorAll('[data-testid="stPlotlyChart"] svg.main-svg')) {
    const box = svg.getBoundingClientRect();
    for (const t of svg.querySelectorAll('text')) {
      const r = t.getBoundingClientRect();
      if (!r.width || !(t.textContent || '').trim()) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1
          || r.bottom > box.bottom + 1) cut.push('chart: ' + t.textContent.slice(0, 60));
    }
  }
  return cut;
}"""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with streamlit_server(PORTS, {**os.environ, PRICING_ENV: str(FIXTURE_PRICING)}) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def settle(page: Any) -> None:
    """Wait until Streamlit has finished running the script and plotly has drawn."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90_000
    )
    page.wait_for_timeout(600)


def plot_box(page: Any) -> dict[str, float]:
    page.locator(PLOT).first.wait_for(timeout=60_000)
    box: dict[str, float] = page.locator(PLOT).first.bounding_box()
    return box


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_the_chart_is_in_the_first_screen_and_no_tab_cuts_text(
    server: str, browser: Any, device: str
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width, height = VIEWPORTS[device]
    page = browser.new_page(viewport={"width": width, "height": height})
    # cc.every=3 alone is a link warning (a regular change needs a number of categories), so the
    # warnings' row is there; ft.model=ending-model adds the end of its fine-tuning jobs.
    page.goto(f"{server}/?cc.every=3&ft.model=ending-model")
    page.locator(CHART).first.wait_for(timeout=60_000)
    settle(page)
    assert page.get_by_text(re.compile(r"^[2-9] warnings to read$")).is_visible()
    box = plot_box(page)
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, (device, box)
    page.screenshot(path=str(ARTIFACTS / f"layout-{device}-first-screen.png"))
    problems: dict[str, list[str]] = {}
    for name in TAB_NAMES:
        tab = page.get_by_role("tab", name=name, exact=True)
        tab.click()
        page.wait_for_function(
            "n => [...document.querySelectorAll('[role=tab][aria-selected=true]')]"
            ".some(t => t.innerText.trim() === n)",
            arg=name,
            timeout=20_000,
        )
        settle(page)
        cut = page.evaluate(CUT_TEXT)
        if cut:
            problems[name] = cut
        slug = name.lower().replace(" ", "-")
        page.screenshot(path=str(ARTIFACTS / f"layout-{device}-{slug}.png"), full_page=True)
    page.close()
    assert not problems, problems


def test_the_phone_shows_every_tab_and_no_chart_toolbar(server: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server)
    page.locator(CHART).first.wait_for(timeout=60_000)
    settle(page)
    tabs = page.get_by_role("tab").all()
    assert [t.inner_text().strip() for t in tabs] == TAB_NAMES
    for t in tabs:  # the row wraps: every tab inside the screen, none scrolled off
        b = t.bounding_box()
        assert b and b["x"] >= 0 and b["x"] + b["width"] <= 390, t.inner_text()
    page.locator(CHART).first.hover()
    assert not page.locator(".modebar-container").first.is_visible()
    page.close()


def test_dark_mode_follows_the_browser(server: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800}, color_scheme="dark")
    page.goto(server)
    page.locator(CHART).first.wait_for(timeout=60_000)
    settle(page)
    colors = page.evaluate(
        """() => ({
          page: getComputedStyle(document.querySelector('[data-testid="stApp"]')).backgroundColor,
          chart: document.querySelector('[data-testid="stPlotlyChart"] svg.main-svg')
            .style.background,
          title: getComputedStyle(document.querySelector('.gtitle')).fill,
        })"""
    )
    # style.PALETTES["dark"]: background #0E1117, text #F3F4F6 (config.toml's [theme.dark])
    assert colors == {
        "page": "rgb(14, 17, 23)",
        "chart": "rgb(14, 17, 23)",
        "title": "rgb(243, 244, 246)",
    }
    page.screenshot(path=str(ARTIFACTS / "layout-laptop-dark.png"))
    page.close()


def test_the_print_view_has_no_sidebar_and_every_tab(server: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{server}/?print=1")
    page.locator(CHART).first.wait_for(timeout=60_000)
    settle(page)
    assert not page.get_by_test_id("stSidebar").is_visible()
    assert not page.get_by_role("tab").count()
    headings = [h.inner_text().strip() for h in page.locator("h2").all()]
    assert headings == ["Inputs", "Break-even", "Monthly cost", "Hidden costs", "Analysis",
                        "Pricing"]  # fmt: skip
    assert not page.evaluate(CUT_TEXT)
    page.screenshot(path=str(ARTIFACTS / "layout-print-view.png"), full_page=True)
    page.close()
