"""The Export tab: download buttons for the deck, the workbook, the tables and the chart images.

Nothing is built while the user moves sliders. Each button's ``data`` is a callable that
Streamlit runs only when that button is clicked (on its own thread); the bytes are cached by the
scenario's content, the prices and the day, so a second click, or another session with the same
scenario, gets them at once. The builders are the engine's pure functions in
:mod:`tcocalc.export`; this module only arranges buttons.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import partial

import streamlit as st

from tcocalc.export import data, images
from tcocalc.export.common import export_filename
from tcocalc.model.projection import Result
from tcocalc.model.scenario import Scenario
from tcocalc.pricing.catalog import Catalog
from tcocalc_app import state


def _deck_pptx(*args: object, **kwargs: object) -> bytes:
    """The deck's bytes; python-pptx is imported on the first click, not at the app's start
    (0.17 s of every cold start, for a file most visits never download)."""
    from tcocalc.export.deck import deck_pptx

    return deck_pptx(*args, **kwargs)  # type: ignore[arg-type]


PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
YAML_MIME = "application/yaml"
IMAGE_MIMES = {"png": "image/png", "svg": "image/svg+xml"}
KEY = "export."
"""Prefix of this tab's widget keys."""

CACHE_SIZE = 32
_cache: OrderedDict[tuple[str, ...], bytes] = OrderedDict()
_cache_lock = threading.Lock()


def _fingerprint(scenario: Scenario, catalog: Catalog) -> str:
    """What the bytes depend on: the scenario's content and every price (and the day, below)."""
    h = hashlib.sha256(scenario.model_dump_json().encode())
    h.update(catalog.model_dump_json().encode())
    return h.hexdigest()


def cached(kind: str, fingerprint: str, build: Callable[[], bytes]) -> bytes:
    """``build()``, remembered for the last :data:`CACHE_SIZE` (kind, scenario, day) keys."""
    key = (kind, fingerprint, dt.date.today().isoformat())
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = build()
    with _cache_lock:
        _cache[key] = value
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def render(result: Result, scenario: Scenario, catalog: Catalog) -> None:
    """Download buttons for every export of ``result`` (built on click)."""
    # The deck and the images show what the page shows: no hybrid when it is hidden.
    show_hybrid = bool(st.session_state.get(state.SHOW_HYBRID, True))
    from tcocalc_app.compare import SELECTED

    comparison = st.session_state.get(SELECTED)
    fp = _fingerprint(scenario, catalog) + ("" if show_hybrid else ":no-hybrid")
    if comparison is not None:
        fp += ":compare:" + hashlib.sha256(repr(comparison.headline_rows()).encode()).hexdigest()

    def lazy(kind: str, build: Callable[[], bytes]) -> Callable[[], bytes]:
        return partial(cached, kind, fp, build)

    st.caption(
        "Files of this scenario as the inputs set it now. Each is built when you click it."
        + (
            ""
            if show_hybrid
            else " The hybrid is hidden, so the deck and the images leave it out; the workbook "
            "and the CSV keep every strategy."
        )
    )
    st.markdown("**Slides and spreadsheets**")
    files = [
        (
            "PowerPoint deck",
            "pptx",
            PPTX_MIME,
            lazy(
                "pptx",
                partial(
                    _deck_pptx,
                    result,
                    catalog,
                    show_hybrid=show_hybrid,
                    comparison=comparison,
                ),
            ),
            "16:9: the answer, what flips it, how sure, "
            + ("the comparison, " if comparison is not None else "")
            + "every assumption; native charts you can edit.",
            ":material/slideshow:",
        ),
        (
            "Excel workbook",
            "xlsx",
            XLSX_MIME,
            lazy("xlsx", partial(data.workbook_xlsx, result, catalog, comparison=comparison)),
            "Summary, the monthly table (wide and tidy), inputs and prices with sources.",
            ":material/table_view:",
        ),
        (
            "Monthly table (CSV)",
            "csv",
            CSV_MIME,
            lazy("csv", partial(data.monthly_csv, result)),
            "One row per month, strategy and component, in USD.",
            ":material/csv:",
        ),
        (
            "Scenario file (YAML)",
            "yaml",
            YAML_MIME,
            lazy("yaml", partial(data.scenario_yaml, scenario)),
            "Upload it later, or share it, to get exactly these numbers back.",
            ":material/description:",
        ),
    ]
    columns = st.columns(len(files))
    for column, (label, ext, mime, build, help_text, icon) in zip(columns, files, strict=True):
        with column:
            st.download_button(
                label,
                data=build,
                file_name=export_filename(scenario, ext),
                mime=mime,
                key=f"{KEY}{ext}",
                help=help_text,
                icon=icon,
                on_click="ignore",
                width="stretch",
            )

    st.markdown("**Chart images**")
    ready = images.chromium_available()
    if not ready:
        st.info(images.INSTALL_HINT, icon=":material/info:")
    else:
        st.caption("PNG at 1920x1080 for slides, SVG to scale without blur.")
    for name, builder in images.chart_builders().items():
        cols = st.columns([2, 1, 1])
        cols[0].markdown(images.CHART_TITLES.get(name, name))
        for col, fmt in zip(cols[1:], ("png", "svg"), strict=True):
            render_image = images.figure_png if fmt == "png" else images.figure_svg
            with col:
                st.download_button(
                    fmt.upper(),
                    data=lazy(
                        f"{name}.{fmt}",
                        partial(_image, render_image, builder, result, show_hybrid),
                    ),
                    file_name=export_filename(scenario, fmt, name),
                    mime=IMAGE_MIMES[fmt],
                    key=f"{KEY}{name}.{fmt}",
                    icon=":material/image:",
                    on_click="ignore",
                    disabled=not ready,
                    width="stretch",
                )


def _image(
    render_image: Callable[[object], bytes],
    builder: images.FigureBuilder,
    result: Result,
    show_hybrid: bool,
) -> bytes:
    return render_image(builder(result, show_hybrid))
