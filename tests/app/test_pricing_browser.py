"""The Pricing tab in a real browser: edit a price, save, and see the break-even move.

Runs ``streamlit run app.py`` on 127.0.0.1 (a free port in 8640-8659) with ``TCOCALC_PRICING_DIR``
pointing at a company folder that holds the fixed test catalog alone, and drives it with
Playwright on /usr/bin/chromium. With those prices the article's fine-tuning does not break even in
24 months; at $8.00 per 1M input tokens for GPT-4.1 mini (prompting's bill x ~17) it breaks even
in month 14. Screenshots go to artifacts/pricing/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tcocalc.inputs.loader import PROJECT_ROOT
from tests.browser_support import BROWSER, chromium, streamlit_server
from tests.conftest import FIXTURE_PRICING

if TYPE_CHECKING:
    from playwright.sync_api import Page

SHOTS = PROJECT_ROOT / "artifacts" / "pricing"
GOOD = (FIXTURE_PRICING / "prices.yaml").read_text()
PORTS = range(8640, 8660)

pytestmark = BROWSER


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    folder = tmp_path / "company"
    folder.mkdir()
    shutil.copy(FIXTURE_PRICING / "prices.yaml", folder / "prices.yaml")
    env = {
        **os.environ,
        "TCOCALC_PRICING_DIR": str(folder),
        "TCOCALC_PRICING_LAYERED": "0",
        "TCOCALC_READ_ONLY": "0",
    }
    env.pop("TCOCALC_PRICING", None)  # the page's own test override would bypass the store
    with streamlit_server(PORTS, env, log=tmp_path / "streamlit.log") as url:
        yield url, folder


def settle(page: Page) -> None:
    """Wait until the script run the last interaction started has finished."""
    page.wait_for_timeout(300)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=30_000)
    page.locator("[data-stale='true']").first.wait_for(state="detached", timeout=30_000)


def test_editing_a_price_moves_the_break_even(server: tuple[str, Path]) -> None:
    from playwright.sync_api import expect

    url, folder = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1700})
        page.goto(url)
        metric = page.get_by_test_id("stMetricValue").first  # "Fine-tuning breaks even"
        expect(metric).to_have_text("Not by month 24", timeout=60_000)
        page.get_by_role("tab", name="Pricing").click()
        settle(page)
        editor = page.locator(".st-key-pricing_editor textarea")
        expect(editor).to_have_value(GOOD, timeout=30_000)
        page.screenshot(path=str(SHOTS / "1-opened.png"), full_page=True)

        # A typo first: the error points at the line and Save stays disabled.
        editor.fill(GOOD.replace("usd_per_1m_input_tokens: 0.40", "usd_per_1m_input_tokens: -8"))
        editor.press("Control+Enter")
        settle(page)
        # Plain words first, then the place; the editor shows the line, numbered and marked.
        expect(page.get_by_text("prices.yaml, line 7, column 5", exact=False)).to_be_visible()
        expect(page.get_by_text("▶ 7 │", exact=False)).to_be_visible()
        save = page.locator(".st-key-pricing_save--prices-yaml button")
        expect(save).to_be_disabled()
        page.screenshot(path=str(SHOTS / "2-invalid.png"), full_page=True)

        # Fixed: GPT-4.1 mini at $8.00 per 1M input tokens makes prompting ~17x dearer.
        editor.fill(GOOD.replace("usd_per_1m_input_tokens: 0.40", "usd_per_1m_input_tokens: 8.00"))
        editor.press("Control+Enter")
        settle(page)
        expect(page.get_by_text("Valid. Unsaved changes.")).to_be_visible()
        expect(save).to_be_enabled()
        save.click()
        settle(page)
        expect(metric).to_have_text("Month 14", timeout=30_000)
        expect(page.get_by_text("Saved prices.yaml.")).to_be_visible()
        assert "usd_per_1m_input_tokens: 8.00" in (folder / "prices.yaml").read_text()
        page.screenshot(path=str(SHOTS / "3-saved.png"), full_page=True)

        # Someone else saves meanwhile: this editor's next save is refused with a diff.
        theirs = (folder / "prices.yaml").read_text().replace("3.60", "3.90")
        (folder / "prices.yaml").write_text(theirs)
        mine = editor.input_value().replace(
            "usd_per_1m_input_tokens: 8.00", "usd_per_1m_input_tokens: 10"
        )
        editor.fill(mine)
        editor.press("Control+Enter")
        settle(page)
        expect(save).to_be_enabled()
        save.click()
        settle(page)
        expect(page.get_by_text("changed since you opened it")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("--- prices.yaml (on disk now)")).to_be_visible()
        assert (folder / "prices.yaml").read_text() == theirs
        page.screenshot(path=str(SHOTS / "4-conflict.png"), full_page=True)
