"""What a person sees: the page in Debian's Chromium, driven by Playwright against ``streamlit run``.

The server runs on the fixed test catalog, so the numbers are the hand-checked ones of
tests/test_app.py. Screenshots land in ``tmp/artifacts/`` (look at them after a layout change).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tcocalc.loader import PROJECT_ROOT
from tcocalc_app.data import PRICING_ENV
from tests.conftest import FIXTURE_PRICING

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "tmp" / "artifacts"
PORTS = range(8601, 8620)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
CHART = '[data-testid="stPlotlyChart"] .main-svg'

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and os.environ.get("CI") != "true",
        reason="needs Debian's Chromium at /usr/bin/chromium (apt install chromium); "
        "mandatory in CI",
    ),
]


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def start_server(
    env: dict[str, str], script: Path = PROJECT_ROOT / "app.py"
) -> tuple[subprocess.Popen[bytes], str]:
    """``streamlit run app.py`` (or ``script``) on a free local port; returns the process and its
    URL."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"streamlit exited: {proc.stderr.read().decode() if proc.stderr else ''}"
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.25)
    proc.kill()
    raise RuntimeError("streamlit did not become healthy within 60 s")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    env = {**os.environ, PRICING_ENV: str(FIXTURE_PRICING)}
    proc, url = start_server(env)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


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
    # Every label of the headline fits its column: no ellipsis.
    for value in page.get_by_test_id("stMetricValue").all():
        assert value.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), value.inner_text()
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
