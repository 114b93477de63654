"""A shared link cannot reach the people who open it: the issue's hostile links, in Chromium.

``?name=[Session expired - log in](https://evil.example/login)`` once turned the page title into a
live link; a Markdown image in ``?description=`` (or a backtick break-out in a link warning) made
the visitor's browser fetch an outside URL. Here the page must show those characters as typed,
hold no link or image to the outside, and the browser must not ask for any outside URL.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Iterator

import pytest

from tcocalc_app.data import PRICING_ENV
from tests.browser_support import BROWSER, chromium, streamlit_server
from tests.conftest import FIXTURE_PRICING

PORTS = range(8721, 8730)
pytestmark = BROWSER

NAME = "[Session expired - log in](https://evil.example/login)"
DESCRIPTION = "![x](https://evil.example/pixel.png) <img src=https://evil.example/i.png> :red[hi]"
WARNED = "x`](https://evil.example/w.png)![`"
"""A parameter the page warns about, with a backtick break-out of the old code span."""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with streamlit_server(PORTS, {**os.environ, PRICING_ENV: str(FIXTURE_PRICING)}) as url:
        yield url


def test_hostile_link_text_is_shown_as_typed_and_fetches_nothing(server: str) -> None:
    query = urllib.parse.urlencode({"name": NAME, "description": DESCRIPTION, WARNED: "1"})
    outside: list[str] = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.on(
            "request",
            lambda r: outside.append(r.url) if not r.url.startswith(server) else None,
        )
        page.goto(f"{server}/?{query}", wait_until="networkidle")
        page.get_by_test_id("stMetricValue").first.wait_for(timeout=60_000)
        # the notes and the warnings sit in closed expanders: open both
        page.get_by_text("Scenario notes").click()
        page.get_by_text(":red[hi]", exact=False).first.wait_for(timeout=30_000)
        page.get_by_text("to read").first.click()
        page.get_by_text("is not an input of this page", exact=False).first.wait_for(timeout=30_000)
        # what a person reads: the invisible word joiners that stop auto-linking left out
        title = page.locator("h1").first.inner_text().replace("\u2060", "")
        body = page.locator("body").inner_text().replace("\u2060", "")
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        images = page.eval_on_selector_all("img[src]", "els => els.map(e => e.src)")
        page.screenshot(path=os.environ.get("TCOCALC_SHOT", "/tmp/hostile-link.png"))
    assert title.strip() == NAME  # the characters, not a link called "Session expired - log in"
    assert DESCRIPTION in body
    assert "evil.example/w.png" in body  # the warning quotes the parameter as text
    outside_links = [u for u in links if not u.startswith(server)]  # the title's own anchor
    assert not [u for u in outside_links if "evil.example" in u], links
    assert not [u for u in images if "evil.example" in u], images
    assert not outside, outside
