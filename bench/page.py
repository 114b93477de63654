"""Page speed: a warm re-run after a slider change (AppTest), against a bare script with the same
widgets in the same process, and the first render in a real browser (navigation to chart drawn).

Run with ``python -m bench page``. Targets: re-run <= 250 ms median and <= 5x the bare script;
first render <= 4 s.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Widget

from bench import report
from tcocalc.inputs.loader import PROJECT_ROOT
from tcocalc.inputs.query import CALL_STEPS
from tests.browser_support import CHART, CHROMIUM, chromium, streamlit_server

APP = PROJECT_ROOT / "app.py"
RUNS = 25
RERUN_TARGET_S = 0.250
RATIO_TARGET = 5.0
FIRST_RENDER_TARGET_S = 4.0
BROWSER_PAGES = 7

# One line of a bare script per widget type the page uses (``{i}`` makes labels unique).
BARE_WIDGETS = {
    "slider": 'st.slider("s{i}", 0, 100, 50, key="w{i}")',
    "select_slider": 'st.select_slider("ss{i}", options=list(range(46)), value=10, key="w{i}")',
    "number_input": 'st.number_input("n{i}", 0.0, 1e6, 10.0, key="w{i}")',
    "selectbox": 'st.selectbox("sb{i}", ["a", "b", "c"], key="w{i}")',
    "radio": 'st.radio("r{i}", ["a", "b"], horizontal=True, key="w{i}")',
    "checkbox": 'st.checkbox("c{i}", key="w{i}")',
    "toggle": 'st.toggle("t{i}", key="w{i}")',
    "text_input": 'st.text_input("ti{i}", key="w{i}")',
    "text_area": 'st.text_area("ta{i}", key="w{i}")',
    "date_input": 'st.date_input("d{i}", value=None, key="w{i}")',
    "button": 'st.button("b{i}", key="w{i}")',
    "download_button": 'st.download_button("db{i}", data="x", key="w{i}")',
    "file_uploader": 'st.file_uploader("f{i}", key="w{i}")',
    "tabs": 'st.tabs(["a", "b"], key="w{i}", on_change="rerun")',
    "expander": 'st.expander("e{i}", key="w{i}", on_change="rerun")',
}


def widget_types(at: AppTest) -> Counter[str]:
    """How many widgets of each type the last run drew."""
    found: Counter[str] = Counter()
    for root in (at.sidebar, at.main):
        for node in root:
            if isinstance(node, Widget):
                found[node.type if node.type in BARE_WIDGETS else "number_input"] += 1
    return found


def bare_script(types: Counter[str]) -> str:
    """A script that draws the same widgets and nothing else (the first one is the slider moved)."""
    lines = ["import streamlit as st", BARE_WIDGETS["slider"].format(i="moved")]
    i = 0
    for kind, n in sorted(types.items()):
        for _ in range(n - (1 if kind == "select_slider" else 0)):
            lines.append(BARE_WIDGETS[kind].format(i=i))
            i += 1
    return "\n".join(lines) + "\n"


def rerun_seconds(at: AppTest, move: Callable[[AppTest, int], None], i: int) -> float:
    move(at, i)
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    assert not at.exception, [e.message for e in at.exception]
    return elapsed


def move_calls(at: AppTest, i: int) -> None:
    at.select_slider(key="in.calls").set_value(150_000.0 if i % 2 else 200_000.0)


def move_bare(at: AppTest, i: int) -> None:
    at.slider(key="wmoved").set_value(40 if i % 2 else 60)


def compare_reruns(open_groups: tuple[str, ...], tmp: Path) -> tuple[float, float, int]:
    """Median re-run of the page and of a bare script with its widgets, runs interleaved so a
    busy machine slows both alike. Returns (page s, bare s, widget count)."""
    from tcocalc_app.inputs import group_key

    page = AppTest.from_file(str(APP), default_timeout=120)
    for key in open_groups:
        page.session_state[group_key(key)] = True
    page.run()
    types = widget_types(page)
    script = tmp / f"bare_{len(open_groups)}.py"
    script.write_text(bare_script(types))
    bare = AppTest.from_file(str(script), default_timeout=120).run()
    page_times, bare_times = [], []
    for i in range(RUNS + 3):
        p = rerun_seconds(page, move_calls, i)
        b = rerun_seconds(bare, move_bare, i)
        if i >= 3:  # the first runs warm caches up
            page_times.append(p)
            bare_times.append(b)
    return statistics.median(page_times), statistics.median(bare_times), sum(types.values())


BARE_PAGE = """
import plotly.graph_objects as go
import streamlit as st

st.metric("Break-even", "Month 9")
st.plotly_chart(go.Figure(go.Scatter(x=[0, 1, 2], y=[0, 1, 4])), theme=None)
"""


def first_render(tmp: Path) -> tuple[float, float, float] | None:
    """Seconds from navigation to the first chart drawn: the page's first session after start,
    the page's new sessions (median) and a bare one-metric-one-chart page's (median), the two
    interleaved. None without Chromium."""
    if not CHROMIUM.exists():
        return None
    bare_script = tmp / "bare_page.py"
    bare_script.write_text(BARE_PAGE)
    ports = range(8690, 8700)  # the browser tests use 8601-8679
    with (
        streamlit_server(ports, dict(os.environ)) as page_url,
        streamlit_server(ports, dict(os.environ), bare_script) as bare_url,
        chromium() as browser,
    ):

        def seconds_to_chart(url: str) -> float:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            start = time.perf_counter()
            page.goto(url)
            page.locator(CHART).first.wait_for(timeout=60_000)
            elapsed = time.perf_counter() - start
            page.close()
            return elapsed

        cold = seconds_to_chart(page_url)
        seconds_to_chart(bare_url)  # its first session imports plotly
        page_times, bare_times = [], []
        for _ in range(BROWSER_PAGES):
            page_times.append(seconds_to_chart(page_url))
            bare_times.append(seconds_to_chart(bare_url))
    return cold, statistics.median(page_times), statistics.median(bare_times)


ANALYSIS_TARGET_S = 0.150


def analysis_slider_cpu() -> tuple[float, float]:
    """Server CPU of a re-run with the Analysis tab open after the call slider moves to a value it
    has not had (the analyses are recomputed, not read from the cache), and of the same move on
    the Break-even tab, in this process (AppTest runs the script in it)."""

    def median_cpu(tab: str) -> float:
        page = AppTest.from_file(str(APP), default_timeout=120).run()
        page.session_state["tab"] = tab
        page.run()
        volumes = list(CALL_STEPS[5 : 5 + RUNS + 3])  # each a value not seen before (calls/month)
        times = []
        for i, calls in enumerate(volumes):
            page.select_slider(key="in.calls").set_value(calls)
            start = time.process_time()
            page.run()
            assert page.session_state["in.calls"] == calls
            if i >= 3:
                times.append(time.process_time() - start)
            assert not page.exception, [e.message for e in page.exception]
        return statistics.median(times)

    return median_cpu("Analysis"), median_cpu("Break-even")


def main() -> None:
    print("page")
    from tcocalc_app.inputs import GROUPS

    analysis, plain = analysis_slider_cpu()
    report("slider move, Analysis tab open (server CPU)", analysis, ANALYSIS_TARGET_S, plain,
           "same move, Break-even tab")  # fmt: skip

    with tempfile.TemporaryDirectory() as tmp:
        for name, groups in (
            ("as opened (Workload group open)", ()),
            ("every sidebar group open", tuple(key for key, _, _ in GROUPS)),
        ):
            page, bare, n = compare_reruns(groups, Path(tmp))
            report(
                f"re-run after a slider move, {name}",
                page,
                RERUN_TARGET_S,
                bare,
                f"bare {n} widgets",
            )
            verdict = "ok" if page / bare <= RATIO_TARGET else "OVER"
            print(f"{'':<46} ratio {page / bare:.1f}x (target <= {RATIO_TARGET:.0f}x) {verdict}")
        timing = first_render(Path(tmp))
    if timing is None:
        print("first render in the browser: skipped (no /usr/bin/chromium)")
        return
    cold, warm, bare_page = timing
    report(
        f"first render, new session (median of {BROWSER_PAGES})",
        warm,
        FIRST_RENDER_TARGET_S,
        bare_page,
        "bare 1-chart page",
    )
    report("first render, first session after start", cold)
