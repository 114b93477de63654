"""A team's tcocalc: several app processes behind nginx, one shared pricing folder, read-only by default.

    python deploy/serve.py --processes 2 --port 8080 [--host 0.0.0.0] [--pricing-dir /srv/prices]
                           [--writable]

What it runs (see the README, "Running tcocalc for a team"):

- ``--processes`` Streamlit servers on 127.0.0.1 (``--base-port``, +1, ...), each started with the
  deployment's settings: tracebacks never reach the browser (``client.showErrorDetails=none``), no
  file watcher, no post-run full garbage collection (``runner.postScriptGC=false``: ~0.14 s of
  server CPU per interaction saved), the developer menu hidden;
- nginx (Debian's package) in front, on ``--host``:``--port``, with sticky sessions: a
  Streamlit session lives in one process, so the page, its files and its websocket must all reach
  it. nginx gives each browser a ``tcocalc_route`` cookie (its first request id) and hashes on it
  (``hash … consistent``), so a colleague behind the same NAT still lands on another process;
- health: ``/healthz`` answers through the proxy; nginx takes a process that fails out of the
  rotation for a few seconds (passive checks), and this launcher restarts a process that exits;
- the pricing folder of ``TCOCALC_PRICING_DIR`` (``--pricing-dir``) is shared by every process:
  saves lock the file across processes (``filelock``) and replace it atomically; each process
  reloads it when its content changes. ``TCOCALC_READ_ONLY=1`` unless ``--writable``.

Stop it with Ctrl-C or SIGTERM: nginx and every process stop with it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STREAMLIT_FLAGS = (
    "--server.headless=true",
    "--server.runOnSave=false",
    "--server.fileWatcherType=none",
    "--server.enableXsrfProtection=true",
    "--client.showErrorDetails=none",
    "--client.toolbarMode=viewer",
    "--runner.postScriptGC=false",
    "--browser.gatherUsageStats=false",
)

NGINX_CONF = """\
# Written by deploy/serve.py; edit the template there, not this file.
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    log_format tcocalc '$remote_addr [$time_local] "$request" $status '
                       'upstream=$upstream_addr route=$tcocalc_route $request_time';
    access_log {run}/access.log tcocalc;
    client_body_temp_path {run}/tmp/body;
    proxy_temp_path {run}/tmp/proxy;
    fastcgi_temp_path {run}/tmp/fastcgi;
    uwsgi_temp_path {run}/tmp/uwsgi;
    scgi_temp_path {run}/tmp/scgi;
    server_tokens off;
    # uploads: a scenario is refused past 64 KB anyway; keep bodies and responses in memory
    client_max_body_size 2m;
    client_body_buffer_size 2m;
    proxy_max_temp_file_size 0;

    # Sticky sessions: the first request's id becomes the browser's route cookie.
    map $cookie_tcocalc_route $tcocalc_route {{
        "" $request_id;
        default $cookie_tcocalc_route;
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        "" close;
    }}
    upstream tcocalc {{
        hash $tcocalc_route consistent;
{servers}
    }}
    server {{
        listen {host}:{port};
        add_header Set-Cookie "tcocalc_route=$tcocalc_route; Path=/; HttpOnly; SameSite=Lax" always;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options SAMEORIGIN always;
        add_header Referrer-Policy same-origin always;
        location = /healthz {{
            proxy_pass http://tcocalc/_stcore/health;
        }}
        location / {{
            proxy_pass http://tcocalc;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 1h;
            proxy_next_upstream error timeout http_502 http_503;
        }}
    }}
}}
"""


def nginx_conf(run: Path, host: str, port: int, backends: list[int]) -> str:
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in backends
    )
    return NGINX_CONF.format(run=run, host=host, port=port, servers=servers)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def healthy(port: int) -> bool:
    return _answers(f"http://127.0.0.1:{port}/_stcore/health")


def start_app(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.address=127.0.0.1", f"--server.port={port}", *STREAMLIT_FLAGS,
    ]  # fmt: skip
    with log.open("ab") as out:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--host", default="127.0.0.1", help="where nginx listens (0.0.0.0: all)")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--base-port", type=int, default=8601, help="first app process's port")
    parser.add_argument("--pricing-dir", help="the team's pricing folder (TCOCALC_PRICING_DIR)")
    parser.add_argument("--writable", action="store_true", help="let people save prices")
    parser.add_argument("--run-dir", type=Path, default=ROOT / "deploy" / "run")
    parser.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    args = parser.parse_args(argv)

    run: Path = args.run_dir.resolve()
    (run / "tmp").mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["TCOCALC_READ_ONLY"] = "0" if args.writable else "1"
    if args.pricing_dir:
        env["TCOCALC_PRICING_DIR"] = str(Path(args.pricing_dir).resolve())
    backends = [args.base_port + i for i in range(args.processes)]
    apps = {p: start_app(p, env, run / f"app-{p}.log") for p in backends}
    nginx: subprocess.Popen[bytes] | None = None
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        deadline = time.monotonic() + 120
        while not all(healthy(p) for p in backends):
            if stopping or time.monotonic() > deadline:
                print("app processes did not start; see", run, file=sys.stderr)
                return 1
            time.sleep(0.5)
        conf = run / "nginx.conf"
        conf.write_text(nginx_conf(run, args.host, args.port, backends))
        nginx = subprocess.Popen(
            [args.nginx, "-p", str(run), "-c", str(conf), "-g", "daemon off;"],
            stderr=(run / "nginx.log").open("ab"),
        )
        proxy = f"http://127.0.0.1:{args.port}" if args.host in ("0.0.0.0", "127.0.0.1") else None
        while proxy and not _answers(f"{proxy}/healthz"):
            if nginx.poll() is not None or time.monotonic() > deadline:
                print("nginx did not start; see", run / "error.log", file=sys.stderr)
                return 1
            time.sleep(0.2)
        print(f"tcocalc on http://{args.host}:{args.port} ({len(backends)} processes)", flush=True)
        while not stopping:
            if nginx.poll() is not None:
                print("nginx stopped; see", run / "error.log", file=sys.stderr)
                return 1
            for port, proc in list(apps.items()):
                if proc.poll() is not None:  # crashed or killed: start it again
                    print(f"app process on {port} exited ({proc.returncode}); restarting")
                    apps[port] = start_app(port, env, run / f"app-{port}.log")
            time.sleep(1)
        return 0
    finally:
        for proc in [nginx, *apps.values()]:
            if proc is not None and proc.poll() is None:
                proc.terminate()
        for proc in [nginx, *apps.values()]:
            if proc is not None:
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()


if __name__ == "__main__":
    raise SystemExit(main())
