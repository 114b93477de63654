"""Chart builders of the decision analytics: what each figure draws, and the slide-size PNG."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from tcocalc import analytics as A
from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_catalog, load_scenario
from tcocalc.present import analytics_charts as C
from tcocalc.present import style

FIXTURES = Path(__file__).parents[1] / "fixtures" / "pricing"


@pytest.fixture(scope="module")
def basis() -> A.Basis:
    catalog = load_catalog(FIXTURES)
    return A.Basis.build(load_scenario(DEFAULT_SCENARIO, catalog), catalog)


@pytest.fixture(scope="module")
def near(basis) -> A.Basis:
    """1.8M calls a month: just under the 1.94M break-even volume."""
    s = basis.scenario
    scenario = s.model_copy(
        update={"workload": s.workload.model_copy(update={"monthly_calls": 1.8e6})}
    )
    return A.Basis.from_params(scenario, basis.params.with_values(monthly_calls=1.8e6))


def test_tornado_chart(basis, near):
    t = A.tornado(basis)
    fig = C.tornado_chart(t, "Article")
    down, up = fig.data
    assert isinstance(down, go.Bar) and down.orientation == "h"
    shown = t.rows[: C.MAX_TORNADO_BARS]
    assert list(down.y) == [r.label for r in shown][::-1]  # biggest at the top
    assert down.base == t.base_difference_usd
    assert down.x[-1] == pytest.approx(shown[0].difference_low_usd - t.base_difference_usd)
    assert up.x[-1] == pytest.approx(shown[0].difference_high_usd - t.base_difference_usd)
    # The axis spans the bars on round ticks, not from $0: in the article every bar stays above
    # $0 (prompting cheaper whatever one input does), so $0 is off the chart.
    lo, hi = fig.layout.xaxis.range
    ends = [t.base_difference_usd] + [
        d for r in shown for d in (r.difference_low_usd, r.difference_high_usd)
    ]
    step = fig.layout.xaxis.dtick
    assert lo <= min(ends) < lo + step and hi - step < max(ends) <= hi
    assert lo % step == 0 and lo > 0
    assert any("+6 smaller" in (a.text or "") for a in fig.layout.annotations)
    near_t = A.tornado(near)
    flipping = C.tornado_chart(near_t)
    assert any(label.endswith("⇄") for label in flipping.data[0].y)
    lo, hi = flipping.layout.xaxis.range
    assert lo < 0 < hi  # a bar that flips the verdict crosses the $0 line, which is on the chart


def test_breakeven_map_chart(basis):
    m = A.breakeven_map(basis, points=20)
    fig = C.breakeven_map_chart(m, "Article")
    heat = next(t for t in fig.data if isinstance(t, go.Heatmap))
    np.testing.assert_array_equal(np.asarray(heat.z), m.cheapest)
    contours = [t for t in fig.data if isinstance(t, go.Contour)]
    assert [t.name for t in contours] == ["Fine-tuning breaks even", "Hybrid breaks even"]
    assert contours[0].line.color == style.STRATEGY_COLORS["fine_tuning"]
    today = next(t for t in fig.data if t.name == "Today")
    assert (today.x[0], today.y[0]) == m.current
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "linear"
    assert "quarterly cadence (assumed)" in fig.layout.title.text
    legend = {t.name for t in fig.data if t.showlegend is not False and t.name}
    assert "Prompting cheapest" in legend and "Hybrid cheapest" not in legend  # never cheapest


def test_map_chart_shows_accuracy_in_percent(basis):
    m = A.breakeven_map(basis, "f_accuracy", "monthly_calls", points=5)
    heat = next(t for t in C.breakeven_map_chart(m).data if isinstance(t, go.Heatmap))
    assert heat.x[-1] == pytest.approx(100.0)  # accuracy 1.0 shown as 100 %


def test_fan_chart(near):
    mc = A.monte_carlo(near, draws=500, seed=1)
    fig = C.fan_chart(mc, "Near")
    assert len(fig.data) == 6  # per challenger: P90 edge, P10 band, median
    median = next(t for t in fig.data if t.name == "Fine-tuning: median")
    assert median.y[0] == 0.0 and len(median.y) == mc.horizon_months + 1
    np.testing.assert_allclose(median.y[1:], mc.percentiles_usd[0, 1])
    odds = fig.layout.annotations[-1].text
    assert f"{mc.probability_cheaper('fine_tuning'):.0%}</b> of draws" in odds
    assert len(C.fan_chart(mc, show_hybrid=False).data) == 3


def test_breakeven_histogram(near):
    mc = A.monte_carlo(near, draws=500, seed=1)
    fig = C.breakeven_histogram(mc)
    bars = fig.data[0]
    assert list(bars.x)[-1] == ">24" and len(bars.x) == 25
    assert sum(bars.y) == pytest.approx(1.0)
    assert bars.y[-1] == pytest.approx(mc.breakeven_distribution("fine_tuning")[0])


def test_importance_chart(near):
    mc = A.monte_carlo(near, draws=500, seed=1)
    fig = C.importance_chart(mc)
    values = list(fig.data[0].x)
    assert [abs(v) for v in values] == sorted(abs(v) for v in values)  # strongest at the top


@pytest.mark.browser
def test_charts_render_as_slide_size_png(basis):
    from tcocalc.export.images import chromium_available, figure_png

    if not chromium_available() and os.environ.get("CI") != "true":
        pytest.skip("needs Chromium for kaleido (runs in CI)")
    png = figure_png(C.tornado_chart(A.tornado(basis), "Article"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1920, 1080)
