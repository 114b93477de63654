"""Capacity of the page for a team: `make bench-load` (= python -m bench load). Loopback only.

Sessions speak Streamlit's own websocket protocol (``/_stcore/stream``, protobuf ``BackMsg`` /
``ForwardMsg``), as a browser tab does, without the browser's own CPU on this machine:

1. **cold start**: CPU of a fresh app process until its first page is drawn, with bytecode as
   installed, with bytecode not writable (``PYTHONDONTWRITEBYTECODE=1``, what a read-only image
   does) and with no bytecode at all (what an install without ``--compile-bytecode`` costs there);
2. **per interaction**: server CPU of one slider move (the monthly growth), one session, with
   Streamlit's post-run garbage collection on (its default) and off (the deployment's setting);
3. **new session**: server CPU of opening the page once more;
4. **load through the team deployment** (``deploy/serve.py``, nginx + 2 processes): N sessions
   move the slider as fast as the server answers, for a fixed time; p50/p95 latency, throughput,
   errors, and memory per session (RSS of the app processes with the sessions open, and after they
   closed: returned or not).

Server CPU is read from ``/proc/<pid>/stat`` (user + system), so it counts the server only.
Every phase is bounded in time; the whole run takes about three minutes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy"))
CLK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
SLIDER = "in.growth"
LOAD_SECONDS = float(os.environ.get("TCOCALC_LOAD_SECONDS", "20"))
SESSIONS = tuple(int(n) for n in os.environ.get("TCOCALC_LOAD_SESSIONS", "10,25").split(","))


# --- Processes ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK  # utime + stime


def rss_bytes(pid: int) -> int:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r,
        ):
            if r.status == 200:
                return
        if proc.poll() is not None:
            raise RuntimeError("the app process exited")
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not become healthy")


@contextlib.contextmanager
def app_process(
    env: dict[str, str] | None = None, post_script_gc: bool = False
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """One app process with the deployment's flags (``serve.STREAMLIT_FLAGS``)."""
    from serve import STREAMLIT_FLAGS

    port = free_port()
    flags = [f for f in STREAMLIT_FLAGS if not f.startswith("--runner.postScriptGC")]
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
           "--server.address=127.0.0.1", f"--server.port={port}", *flags,
           f"--runner.postScriptGC={'true' if post_script_gc else 'false'}"]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield f"http://127.0.0.1:{port}", proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


# --- One session over the websocket -------------------------------------------------------------


class Session:
    """A browser tab as the server sees it: a websocket, the widget ids, reruns."""

    def __init__(self, url: str, route: str | None = None) -> None:
        self.url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.headers = {"Cookie": f"tcocalc_route={route}"} if route else {}
        self.ws: Any = None
        self.slider_id = ""
        self.errors: list[str] = []

    async def open(self) -> float:
        import websockets

        self.ws = await websockets.connect(
            self.url, subprotocols=["streamlit"], max_size=None, additional_headers=self.headers
        )
        return await self._rerun(None)

    async def move(self, value: float) -> float:
        return await self._rerun(value)

    async def _rerun(self, growth: float | None) -> float:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.page_script_hash = ""
        if growth is not None and self.slider_id:
            widget = msg.rerun_script.widget_states.widgets.add()
            widget.id = self.slider_id
            widget.double_array_value.data.append(growth)
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        await self._until_finished()
        return time.perf_counter() - start

    async def _until_finished(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await asyncio.wait_for(self.ws.recv(), timeout=60))
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                which = element.WhichOneof("type")
                if which == "exception":
                    self.errors.append(element.exception.message[:200])
                elif which == "slider" and element.slider.id.endswith("-" + SLIDER):
                    self.slider_id = element.slider.id
            elif kind == "script_finished":
                return

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


# --- The phases -----------------------------------------------------------------------------------


async def _one_page(url: str) -> None:
    s = Session(url)
    await s.open()
    await s.close()


def cold_start(env: dict[str, str]) -> float:
    """CPU of a fresh process from launch to its first page drawn."""
    with app_process(env) as (url, proc):
        wait_healthy(url, proc)

        asyncio.run(_one_page(url))
        return cpu_seconds(proc.pid)


def per_interaction(post_script_gc: bool, moves: int = 20) -> tuple[float, float]:
    """(server CPU per slider move, server CPU per new session), one process."""
    with app_process(post_script_gc=post_script_gc) as (url, proc):
        wait_healthy(url, proc)

        async def run() -> tuple[float, float]:
            warm = Session(url)
            await warm.open()
            for i in range(3):
                await warm.move(1.0 + i)
            before = cpu_seconds(proc.pid)
            for i in range(moves):
                await warm.move(float(i % 10))
            per_move = (cpu_seconds(proc.pid) - before) / moves
            await warm.close()
            before = cpu_seconds(proc.pid)
            for _ in range(5):
                s = Session(url)
                await s.open()
                await s.close()
            return per_move, (cpu_seconds(proc.pid) - before) / 5

        return asyncio.run(run())


def app_pids(serve_pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(serve_pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split() if "streamlit" in Path(f"/proc/{p}/cmdline").read_text()]


def under_load(url: str, pids: list[int], sessions: int, seconds: float) -> dict[str, float]:
    """N sessions through nginx, each moving the slider as soon as the last move is drawn."""

    async def run() -> dict[str, float]:
        tabs = [Session(url, route=f"bench-{sessions}-{i}") for i in range(sessions)]
        rss_before = sum(rss_bytes(p) for p in pids)
        await asyncio.gather(*(t.open() for t in tabs))
        rss_open = sum(rss_bytes(p) for p in pids)
        latencies: list[float] = []
        failures: list[str] = []
        stop = time.monotonic() + seconds
        cpu_before = sum(cpu_seconds(p) for p in pids)

        async def loop(tab: Session, offset: int) -> None:
            i = offset
            while time.monotonic() < stop:
                try:
                    latencies.append(await tab.move(float(i % 10)))
                except Exception as exc:  # a dropped websocket, a timeout: count it, stop this tab
                    failures.append(f"{type(exc).__name__}: {exc}"[:200])
                    return
                i += 1

        await asyncio.gather(*(loop(t, i) for i, t in enumerate(tabs)))
        cpu = sum(cpu_seconds(p) for p in pids) - cpu_before
        for tab in tabs:
            await tab.close()
        await asyncio.sleep(5)  # sessions end when their websocket closes
        rss_after = sum(rss_bytes(p) for p in pids)
        ordered = sorted(latencies)
        return {
            "sessions": sessions,
            "moves": len(latencies),
            "per_s": len(latencies) / seconds,
            "p50": statistics.median(ordered),
            "p95": ordered[int(0.95 * (len(ordered) - 1))],
            "errors": len(failures) + sum(len(t.errors) for t in tabs),
            "what": "; ".join(sorted({*failures, *(e for t in tabs for e in t.errors)}))[:400],
            "cpu_per_move": cpu / max(1, len(latencies)),
            "mb_per_session": (rss_open - rss_before) / sessions / 2**20,
            "mb_kept": (rss_after - rss_before) / 2**20,
        }

    return asyncio.run(run())


@contextlib.contextmanager
def team_deployment(processes: int = 2) -> Iterator[tuple[str, list[int], list[str]]]:
    port, base = free_port(), free_port()
    run = Path(tempfile.mkdtemp(prefix="tcocalc-load-"))
    cmd = [sys.executable, str(ROOT / "deploy" / "serve.py"), "--processes", str(processes),
           "--port", str(port), "--base-port", str(base), "--run-dir", str(run)]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 150
        while "tcocalc on" not in proc.stdout.readline():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the deployment did not start; see {run}")
        backends = [f"http://127.0.0.1:{base + i}" for i in range(processes)]
        yield f"http://127.0.0.1:{port}", app_pids(proc.pid), backends
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> None:
    print("Capacity (server CPU from /proc; loopback; this machine's 2 shared cores)")
    empty = tempfile.mkdtemp(prefix="tcocalc-nopyc-")
    for label, env in (
        ("bytecode as installed", {}),
        ("bytecode not writable", {"PYTHONDONTWRITEBYTECODE": "1"}),
        ("no bytecode at all", {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": empty}),
    ):
        print(f"  cold start, {label}: {cold_start(env):.2f} s CPU (target <= 2 s)")
    for gc_on in (True, False):
        move, session = per_interaction(post_script_gc=gc_on)
        print(
            f"  runner.postScriptGC={str(gc_on).lower()}: {move * 1000:.0f} ms CPU per slider "
            f"move (target <= 60 ms), {session:.2f} s CPU per new session (target <= 0.6 s)"
        )
    try:
        with team_deployment() as (url, pids, backends):
            print(f"  team deployment: nginx + {len(pids)} processes, {LOAD_SECONDS:.0f} s each")
            for backend in backends:  # each process draws its first page once, as after a deploy
                asyncio.run(_one_page(backend))
            for n in SESSIONS:
                r = under_load(url, pids, n, LOAD_SECONDS)
                target = 1.0 if n <= 10 else 2.5
                print(
                    f"  {n:>3} sessions: p50 {r['p50']:.2f} s, p95 {r['p95']:.2f} s (target <= "
                    f"{target} s), {r['per_s']:.1f} moves/s, {r['errors']:.0f} errors, "
                    f"{r['cpu_per_move'] * 1000:.0f} ms CPU/move, {r['mb_per_session']:.1f} MB "
                    f"per open session, {r['mb_kept']:+.1f} MB kept after they closed"
                )
                if r["what"]:
                    print(f"       errors: {r['what']}")
    except (RuntimeError, FileNotFoundError) as exc:
        print(f"  team deployment not measured: {exc}")


if __name__ == "__main__":
    main()
