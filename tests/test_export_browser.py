"""The Export tab in a real browser: click a download button, get a deck PowerPoint opens."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.export_support import png_size, require

ROOT = Path(__file__).resolve().parent.parent
PORTS = range(8620, 8640)
CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    require(CHROMIUM if os.path.exists(CHROMIUM) else None, "Chromium", "apt-get install chromium")
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "streamlit did not start: " + proc.stderr.read().decode()[-2000:]
                    ) from None
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def page(app_url: str):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, accept_downloads=True
        )
        page = context.new_page()
        page.goto(app_url)
        page.get_by_role("tab", name="Export").click()
        page.get_by_role("button", name="PowerPoint deck").wait_for(timeout=60_000)
        yield page
        browser.close()


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
    assert prs.slides[1].shapes.title.text_frame.text == "Verdict"


def test_png_downloads(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("button", name="PNG").first.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".png"
    assert png_size(path.read_bytes()) == (1920, 1080)
