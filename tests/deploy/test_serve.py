"""The team deployment, started here on loopback: nginx in front of two app processes.

One module-scoped deployment (bounded: it must be healthy within two minutes) serves every test:
the page and ``/healthz`` through the proxy, sticky routing (all of one browser's requests reach
one process, read from nginx's access log), a page whose websocket works (Chromium through the
proxy), read-only by default, and a killed process coming back.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tcocalc.inputs.loader import PROJECT_ROOT
from tests.browser_support import CHROMIUM, chromium, free_port

SERVE = PROJECT_ROOT / "deploy" / "serve.py"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not shutil.which("nginx")
        and not Path("/usr/sbin/nginx").exists()
        and os.environ.get("CI") != "true",
        reason="needs Debian's nginx (apt-get install nginx-light); mandatory in CI",
    ),
]


class Deployment:
    def __init__(self, url: str, run: Path, proc: subprocess.Popen[str]) -> None:
        self.url, self.run, self.proc = url, run, proc

    def get(self, path: str, cookie: str | None = None) -> tuple[int, dict[str, str], str]:
        request = urllib.request.Request(self.url + path)
        if cookie:
            request.add_header("Cookie", cookie)
        with urllib.request.urlopen(request, timeout=10) as r:
            headers = {k.lower(): v for k, v in r.headers.items() if k.lower() != "set-cookie"}
            headers["set-cookie"] = "; ".join(r.headers.get_all("Set-Cookie") or [])
            return r.status, headers, r.read().decode("utf-8", "replace")

    def app_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    run = tmp_path_factory.mktemp("deploy-run")
    port = free_port(range(8741, 8750))
    base = free_port(range(8751, 8770))
    cmd = [sys.executable, str(SERVE), "--processes", "2", "--port", str(port),
           "--base-port", str(base), "--run-dir", str(run)]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("TCOCALC_")}
    proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 120
        line = ""
        while "tcocalc on" not in line:
            line = proc.stdout.readline()
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the deployment did not start: {line}")
        yield Deployment(f"http://127.0.0.1:{port}", run, proc)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_health_and_page_through_the_proxy(deployment: Deployment) -> None:
    status, headers, body = deployment.get("/healthz")
    assert (status, body) == (200, "ok")
    status, headers, body = deployment.get("/")
    assert (status == 200 and "<title>Streamlit</title>" in body) or "streamlit" in body.lower()
    assert "tcocalc_route=" in headers["set-cookie"] and "HttpOnly" in headers["set-cookie"]
    assert headers["x-content-type-options"] == "nosniff" and headers["server"] == "nginx"


def test_one_browser_always_reaches_one_process(deployment: Deployment) -> None:
    routes = [f"tcocalc_route=browser-{i}" for i in range(8)]
    for cookie in routes:
        for path in ("/", "/_stcore/health", "/_stcore/host-config"):
            deployment.get(path, cookie)
    time.sleep(0.5)  # nginx writes its log line after the response
    upstreams: dict[str, set[str]] = {}
    for line in (deployment.run / "access.log").read_text().splitlines():
        m = re.search(r"upstream=(\S+) route=(browser-\d+)", line)
        if m:
            upstreams.setdefault(m.group(2), set()).add(m.group(1))
    assert len(upstreams) == 8 and all(len(u) == 1 for u in upstreams.values()), upstreams
    assert len(set.union(*upstreams.values())) == 2  # and the browsers are spread over both


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_the_page_works_through_the_proxy_read_only(deployment: Deployment) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(deployment.url, wait_until="networkidle")
        # the metrics arrive over the websocket: the page is live through nginx
        page.get_by_test_id("stMetricValue").first.wait_for(timeout=60_000)
        page.get_by_role("tab", name="Pricing").click()
        page.get_by_text("Read-only.").wait_for(timeout=60_000)
        page.screenshot(path=str(deployment.run / "through-nginx.png"))


def test_a_killed_process_comes_back(deployment: Deployment) -> None:
    before = deployment.app_pids()
    assert len(before) == 3 or len(before) == 2  # two apps (+ nginx)
    victim = next(p for p in before if "streamlit" in Path(f"/proc/{p}/cmdline").read_text())
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while True:
        pids = deployment.app_pids()
        if victim not in pids and len(pids) == len(before):
            break
        assert time.monotonic() < deadline, "the killed process was not restarted"
        time.sleep(0.5)
    # every route still gets the page (nginx skips the process while it restarts)
    for i in range(6):
        assert deployment.get("/_stcore/health", f"tcocalc_route=after-{i}")[0] == 200
