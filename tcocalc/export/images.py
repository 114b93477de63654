"""Chart images: PNG (1920x1080) and SVG, drawn by one headless Chromium for the whole process.

kaleido 1.x drives a real browser. Starting one costs seconds; a render on a warm one costs a
fraction of a second. So the process keeps a single kaleido browser, started on first use, in a
background thread with its own event loop, and every render (from any thread: the CLI, a
Streamlit session, a test) is queued to it.

This wraps :class:`kaleido.Kaleido` rather than ``kaleido.start_sync_server``: the sync server
hands results back through one shared queue without a lock (two Streamlit sessions rendering at
once could swap images), and when the browser fails to start its worker dies while callers wait
forever. Here each render has its own future, a timeout, and a restart if the browser went away.

Where no Chromium is installed, :func:`require_chromium` and every render raise
:class:`ChromiumNotFoundError`, whose message says how to install one.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from tcocalc.model.projection import Result

ImageFormat = Literal["png", "svg"]

IMAGE_WIDTH_PX, IMAGE_HEIGHT_PX, IMAGE_SCALE = 960, 540, 2
"""Laid out at 960x540 CSS pixels, drawn at twice that: a 1920x1080 PNG whose text stays legible
when it fills a slide; an SVG with a 960x540 viewBox and a nominal 1920x1080 size."""

START_TIMEOUT_S = 60.0
RENDER_TIMEOUT_S = 60.0

INSTALL_HINT = (
    "Chart images need Chromium (or Chrome), and none was found. Install it with "
    "`apt-get install chromium` (Debian/Ubuntu) or `brew install --cask chromium` (macOS), "
    "or point the BROWSER_PATH environment variable at a Chrome/Chromium executable."
)


class ChromiumNotFoundError(RuntimeError):
    """No Chromium/Chrome for kaleido to draw with; the message says how to install one."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(INSTALL_HINT + (f" ({detail})" if detail else ""))


class ImageRenderError(RuntimeError):
    """The browser was there but could not draw the figure (timeout, crash, bad figure)."""


def find_chromium() -> str | None:
    """The browser kaleido would use: ``BROWSER_PATH``, one it downloaded, or one on the PATH."""
    from choreographer.browsers.chromium import Chromium

    override = os.environ.get("BROWSER_PATH")
    if override:
        return override if os.access(override, os.X_OK) else None
    return Chromium.find_browser(skip_local=False)


def require_chromium() -> str:
    """The browser's path, or :class:`ChromiumNotFoundError`."""
    path = find_chromium()
    if path is None:
        raise ChromiumNotFoundError()
    return path


def chromium_available() -> bool:
    return find_chromium() is not None


class ImageServer:
    """One kaleido browser in a daemon thread, shared by every caller in the process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None

    @property
    def running(self) -> bool:
        return self._kaleido is not None

    def _start(self) -> None:
        """Start the loop thread and open the browser (caller holds the lock)."""
        require_chromium()
        import kaleido

        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="tcocalc-kaleido", daemon=True)
        thread.start()

        async def open_browser() -> Any:
            # mathjax=False: the page would otherwise load MathJax from a CDN; plotly.js is
            # served from the installed plotly package.
            k = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT_S, mathjax=False)
            await k.open()
            return k

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(
                START_TIMEOUT_S
            )
        except BaseException as exc:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)
            if isinstance(exc, FutureTimeout):
                raise ImageRenderError(
                    f"Chromium did not start within {START_TIMEOUT_S:.0f} s"
                ) from None
            from choreographer.errors import ChromeNotFoundError

            if isinstance(exc, ChromeNotFoundError):
                raise ChromiumNotFoundError(str(exc)) from None
            raise ImageRenderError(f"Chromium failed to start: {exc}") from exc
        self._loop, self._thread = loop, thread

    def stop(self) -> None:
        """Close the browser and end the thread (a later render starts a new one)."""
        with self._lock:
            self._stop_locked()

    def _stop_locked(self) -> None:
        loop, k = self._loop, self._kaleido
        self._kaleido = self._loop = None
        if loop is None:
            return
        if k is not None:
            # A browser that already died needs no closing.
            with contextlib.suppress(BaseException):
                asyncio.run_coroutine_threadsafe(k.close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._thread = None

    def render(
        self,
        figure: go.Figure | Mapping[str, Any],
        fmt: ImageFormat,
        *,
        width: int = IMAGE_WIDTH_PX,
        height: int = IMAGE_HEIGHT_PX,
        scale: float = IMAGE_SCALE,
    ) -> bytes:
        """The figure as PNG or SVG bytes; starts the browser on first use.

        Renders run one at a time (one browser tab); a browser that died is restarted once.
        """
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        fig = figure.to_dict() if hasattr(figure, "to_dict") else dict(figure)
        with self._lock:
            for attempt in (1, 2):
                if self._kaleido is None:
                    self._start()
                assert self._loop is not None
                future = asyncio.run_coroutine_threadsafe(
                    self._kaleido.calc_fig(fig, opts=opts), self._loop
                )
                try:
                    data: bytes = future.result(RENDER_TIMEOUT_S + 5)
                    return data
                except FutureTimeout:
                    future.cancel()
                    self._stop_locked()
                    raise ImageRenderError(
                        f"rendering took longer than {RENDER_TIMEOUT_S:.0f} s"
                    ) from None
                except Exception as exc:
                    from choreographer.errors import BrowserClosedError, BrowserFailedError

                    if attempt == 1 and isinstance(exc, BrowserClosedError | BrowserFailedError):
                        self._stop_locked()
                        continue
                    raise ImageRenderError(f"could not render the chart: {exc}") from exc
        raise AssertionError("unreachable")


_SERVER = ImageServer()
atexit.register(_SERVER.stop)


def image_server() -> ImageServer:
    """The process's one image server."""
    return _SERVER


def figure_png(figure: go.Figure | Mapping[str, Any]) -> bytes:
    """The figure as a 1920x1080 PNG (laid out at 960x540, drawn at scale 2)."""
    return _SERVER.render(figure, "png")


def figure_svg(figure: go.Figure | Mapping[str, Any]) -> bytes:
    """The figure as SVG (viewBox 960x540, nominal size 1920x1080), UTF-8 bytes."""
    return _SERVER.render(figure, "svg")


FigureBuilder = Callable[["Result", bool], "go.Figure"]
"""``(result, show_hybrid) -> Figure``, as the page's chart builders."""

CHART_TITLES = {
    "cumulative-cost": "Cumulative cost",
    "monthly-cost": "Monthly cost by component",
    "tornado": "What flips the decision (tornado)",
    "breakeven-map": "Where the decision flips (map)",
    "monte-carlo-fan": "How sure: the fan of outcomes",
    "breakeven-months": "How sure: break-even months",
    "uncertainty-drivers": "How sure: what drives the spread",
}
"""Every chart of the page by file-name stem (the stems its own camera button uses)."""


def chart_builders() -> dict[str, FigureBuilder]:
    """Every chart of the page by file-name stem: the overview's (:mod:`tcocalc.present.charts`)
    and the Analysis tab's (:mod:`tcocalc.present.analytics_charts`, at the analyses' defaults)."""
    from tcocalc import analytics as A
    from tcocalc.present import analytics_charts as ac
    from tcocalc.present import charts

    def name(result: Result) -> str:
        return result.scenario.name

    def tornado(result: Result, show_hybrid: bool) -> go.Figure:
        return ac.tornado_chart(A.tornado(result), name(result))

    def strategy_map(result: Result, show_hybrid: bool) -> go.Figure:
        basis = A.Basis.from_result(result)
        return ac.breakeven_map_chart(
            A.breakeven_map(basis, "monthly_calls", "new_categories_per_year"), name(result)
        )

    def fan(result: Result, show_hybrid: bool) -> go.Figure:
        return ac.fan_chart(A.monte_carlo(result), name(result), show_hybrid)

    def months(result: Result, show_hybrid: bool) -> go.Figure:
        return ac.breakeven_histogram(A.monte_carlo(result), name(result), show_hybrid)

    def drivers(result: Result, show_hybrid: bool) -> go.Figure:
        return ac.importance_chart(A.monte_carlo(result), "fine_tuning", name(result))

    return {
        "cumulative-cost": charts.cumulative_cost,
        "monthly-cost": charts.monthly_cost,
        "tornado": tornado,
        "breakeven-map": strategy_map,
        "monte-carlo-fan": fan,
        "breakeven-months": months,
        "uncertainty-drivers": drivers,
    }


def chart_images(result: Result, fmt: ImageFormat, *, show_hybrid: bool = True) -> dict[str, bytes]:
    """Every chart of the page for ``result`` as ``{name: bytes}`` in ``fmt`` (without the hybrid
    when ``show_hybrid`` is false, as the page draws them then)."""
    render = figure_png if fmt == "png" else figure_svg
    return {name: render(build(result, show_hybrid)) for name, build in chart_builders().items()}
