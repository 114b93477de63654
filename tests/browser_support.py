"""What every browser test shares: Debian's Chromium, a `streamlit run` on a free local port.

Browser tests skip locally when /usr/bin/chromium is missing and are mandatory in CI (`CI=true`),
where `.ci/run` installs it. Servers bind to 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tcocalc.inputs.loader import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
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

BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and os.environ.get("CI") != "true",
        reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium); "
        "mandatory in CI",
    ),
]
"""``pytestmark`` for a module of browser tests."""


def free_port(ports: range) -> int:
    """The first port of ``ports`` free on 127.0.0.1 (each test module has its own range)."""
    for port in ports:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1}")


@contextlib.contextmanager
def streamlit_server(
    ports: range,
    env: Mapping[str, str] | None = None,
    script: Path = PROJECT_ROOT / "app.py",
    log: Path | None = None,
) -> Iterator[str]:
    """``streamlit run script`` on a free port of ``ports``; yields its URL once healthy."""
    port = free_port(ports)
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    out = log.open("wb") if log else subprocess.DEVNULL
    proc = subprocess.Popen(
        cmd,
        cwd=PROJECT_ROOT,
        env=dict(os.environ if env is None else env),
        stdout=out,
        stderr=subprocess.STDOUT if log else subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                detail = (
                    log.read_text() if log else (proc.stderr.read().decode() if proc.stderr else "")
                )
                raise RuntimeError(f"streamlit did not start on {url}:\n{detail}")
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log and not isinstance(out, int):
            out.close()


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
