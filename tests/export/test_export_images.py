"""Chart images from the one kaleido browser of the process: sizes, validity, sharing, no Chromium."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET

import plotly.graph_objects as go
import pytest

from tcocalc.export import images
from tcocalc.model.scenario import Scenario
from tcocalc.pricing.catalog import Catalog
from tests.export_support import breaking_even, chromium, png_size


def figure(title: str) -> go.Figure:
    fig = go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2], name="series"))
    fig.update_layout(title=title)
    return fig


def test_png_is_1920_by_1080() -> None:
    chromium()
    data = images.figure_png(figure("png"))
    assert png_size(data) == (1920, 1080)


def test_svg_is_valid_xml() -> None:
    chromium()
    data = images.figure_svg(figure("An SVG title"))
    root = ET.fromstring(data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # Laid out at 960x540 like the PNG, and drawn at the PNG's 1920x1080 unless resized.
    assert root.get("viewBox") == "0 0 960 540"
    assert (root.get("width"), root.get("height")) == ("1920", "1080")
    assert "An SVG title" in data.decode("utf-8")


def test_one_browser_serves_every_render() -> None:
    chromium()
    server = images.image_server()
    images.figure_svg(figure("first"))
    browser = server._kaleido
    assert browser is not None
    images.figure_png(figure("second"))
    assert server._kaleido is browser


def test_concurrent_renders_get_their_own_images() -> None:
    """Two sessions asking at once must not receive each other's chart."""
    chromium()
    results: dict[str, bytes] = {}

    def render(title: str) -> None:
        results[title] = images.figure_svg(figure(title))

    threads = [threading.Thread(target=render, args=(f"chart {i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(results) == ["chart 0", "chart 1", "chart 2"]
    for title, data in results.items():
        text = data.decode("utf-8")
        assert title in text
        assert all(other not in text for other in results if other != title)


def test_missing_chromium_is_a_named_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    assert images.find_chromium() is None
    assert not images.chromium_available()
    with pytest.raises(images.ChromiumNotFoundError, match="apt-get install chromium"):
        images.require_chromium()
    server = images.ImageServer()  # a fresh one: the shared one may already be running
    with pytest.raises(images.ChromiumNotFoundError, match="apt-get install chromium"):
        server.render(figure("never drawn"), "png")
    assert not server.running


def test_page_charts_as_images(article: Scenario, fixture_catalog: Catalog) -> None:
    chromium()
    result = breaking_even(article, fixture_catalog, horizon=24)
    pngs = images.chart_images(result, "png")
    assert sorted(pngs) == sorted(images.CHART_TITLES)
    for data in pngs.values():
        assert png_size(data) == (1920, 1080)
    for data in images.chart_images(result, "svg").values():
        assert ET.fromstring(data).tag.endswith("svg")


def test_page_charts_without_the_hybrid(article: Scenario, fixture_catalog: Catalog) -> None:
    chromium()
    result = breaking_even(article, fixture_catalog, horizon=24)
    # The charts that draw every strategy follow the toggle (the tornado, the map and the spread
    # drivers are about fine-tuning against prompting whatever it says).
    follows = ("cumulative-cost", "monthly-cost", "monte-carlo-fan", "breakeven-months")
    hidden = images.chart_images(result, "svg", show_hybrid=False)
    shown = images.chart_images(result, "svg")
    for name in follows:
        assert "Hybrid" not in hidden[name].decode(), name
        assert b"Hybrid" in shown[name], name
    assert "Fine-tuning" in hidden["cumulative-cost"].decode()
