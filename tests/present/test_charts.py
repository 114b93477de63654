"""Chart builders: what each figure marks, in which colour, and the slide-sized PNG export."""

from __future__ import annotations

import io
import os
from pathlib import Path

import plotly.graph_objects as go
import pytest

from tcocalc.inputs.loader import load_scenario, scenario_files
from tcocalc.model.engine import COMPONENT_LABELS
from tcocalc.model.projection import project
from tcocalc.model.scenario import Scenario
from tcocalc.model.units import WEEKS_PER_MONTH
from tcocalc.present import charts, style
from tcocalc.pricing.catalog import Catalog
from tests.conftest import updated

PLAIN = {"accounting.include_engineering": False}
LABELS = {"prompting": "Prompting", "fine_tuning": "Fine-tuning", "hybrid": "Hybrid"}


def _lines(fig: go.Figure) -> dict[str, go.Scatter]:
    return {t.name: t for t in fig.data if getattr(t, "mode", None) == "lines"}


def _texts(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def test_one_line_per_strategy_in_its_colour(article: Scenario, fixture_catalog: Catalog) -> None:
    r = project(article, fixture_catalog)
    lines = _lines(charts.cumulative_cost(r))
    assert list(lines) == ["Prompting", "Fine-tuning", "Hybrid"]
    for strategy, label in (("prompting", "Prompting"), ("fine_tuning", "Fine-tuning")):
        assert lines[label].line.color == style.STRATEGY_COLORS[strategy]
        # Month 0 is the start (nothing spent), then the cumulative totals month by month
        assert list(lines[label].x) == list(range(25))
        assert lines[label].y[0] == 0
        assert lines[label].y[1:] == pytest.approx(list(r.series(strategy)))
    assert list(_lines(charts.cumulative_cost(r, show_hybrid=False))) == [
        "Prompting",
        "Fine-tuning",
    ]


def test_break_even_is_marked_and_annotated(article: Scenario, fixture_catalog: Catalog) -> None:
    r = project(updated(article, PLAIN), fixture_catalog)
    fig = charts.cumulative_cost(r)
    # 400 + 14 x 20 = $680 cumulative at month 14 (see test_summary)
    dot = [t for t in fig.data if t.hovertemplate and "breaks even in month 14" in t.hovertemplate]
    assert len(dot) == 1 and list(dot[0].x) == [14] and dot[0].y[0] == pytest.approx(680)
    assert any("Fine-tuning breaks even: month 14" in t and "$680" in t for t in _texts(fig))


def test_no_break_even_is_said_in_words(article: Scenario, fixture_catalog: Catalog) -> None:
    fig = charts.cumulative_cost(project(article, fixture_catalog))
    assert "Fine-tuning: no break-even by month 24" in _texts(fig)
    assert "Hybrid: no break-even by month 24" in _texts(fig)


def test_events_and_lead_time_are_marked(article: Scenario, fixture_catalog: Catalog) -> None:
    s = updated(article, {"fine_tuning.lead_time_weeks": 2})
    fig = charts.cumulative_cost(project(s, fixture_catalog))
    changes = [t for t in fig.data if t.name == "Category change"]
    assert list(changes[0].x) == [2] and list(changes[0].customdata) == [3]
    assert "+3 categories" in _texts(fig)
    lines = [sh for sh in fig.layout.shapes if sh.type == "line"]
    assert [sh.x0 for sh in lines] == [2]
    retrains = {t.name: list(t.x) for t in fig.data if str(t.name).startswith("Re-training")}
    assert retrains == {"Re-training (fine-tuning)": [2], "Re-training (hybrid)": [4]}
    (lead,) = [sh for sh in fig.layout.shapes if sh.type == "rect"]
    assert (lead.x0, lead.x1) == (0, pytest.approx(2 / WEEKS_PER_MONTH))
    assert lead.name == "Fine-tuning lead time (2 weeks)" and lead.showlegend


def test_no_lead_time_no_shading(article: Scenario, fixture_catalog: Catalog) -> None:
    fig = charts.cumulative_cost(project(article, fixture_catalog))
    assert not [sh for sh in fig.layout.shapes if sh.type == "rect"]


def test_many_changes_keep_the_chart_readable(article: Scenario, fixture_catalog: Catalog) -> None:
    s = updated(article, {"category_changes": {"every_months": 1, "new_categories_per_change": 1}})
    fig = charts.cumulative_cost(project(s, fixture_catalog))
    assert not [t for t in _texts(fig) if "categor" in t]  # 24 labels would overlap: none
    assert len(next(t for t in fig.data if t.name == "Category change").x) == 24


def test_monthly_stack_uses_component_colours(article: Scenario, fixture_catalog: Catalog) -> None:
    r = project(article, fixture_catalog)
    fig = charts.monthly_cost(r)
    assert fig.layout.barmode == "stack"
    bars = [t for t in fig.data if isinstance(t, go.Bar)]
    for bar in bars:
        name = next(k for k, v in COMPONENT_LABELS.items() if v == bar.name)
        assert bar.marker.color == style.COMPONENT_COLORS[name]
    # Three panels, one legend entry per component; errors are not counted, labeling is $0
    assert {b.xaxis for b in bars} == {"x", "x2", "x3"}
    shown = [b.name for b in bars if b.showlegend]
    assert shown == ["Engineering", "Maintenance", "Training compute", "Re-training compute",
                     "Inference"]  # fmt: skip
    titles = {a.text: a.font.color for a in fig.layout.annotations}
    assert titles == {f"<b>{label}</b>": style.STRATEGY_COLORS[s] for s, label in LABELS.items()}


def test_monthly_stack_leaves_out_what_is_not_counted(
    article: Scenario, fixture_catalog: Catalog
) -> None:
    fig = charts.monthly_cost(project(updated(article, PLAIN), fixture_catalog), show_hybrid=False)
    names = {t.name for t in fig.data}
    assert "Engineering" not in names and "Maintenance" not in names
    assert {t.xaxis for t in fig.data} == {"x", "x2"}
    assert "not counted: engineering time" in fig.layout.title.text


def test_png_button_gives_a_16_9_slide_image_named_after_the_scenario(
    article: Scenario, fixture_catalog: Catalog
) -> None:
    r = project(article, fixture_catalog)
    options = charts.plotly_config(r, "cumulative-cost")["toImageButtonOptions"]
    assert options == {
        "format": "png",
        "filename": "customer-support-classifier-article-cumulative-cost",
        "width": 960,
        "height": 540,
        "scale": 2,
    }
    assert options["width"] * 9 == options["height"] * 16


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: p.stem)
def test_every_shipped_scenario_charts_with_valid_plotly(
    path: Path, shipped_catalog: Catalog
) -> None:
    """The builders skip plotly's validation for speed; here every property is validated."""
    s = load_scenario(path, shipped_catalog)
    variants = [
        s,
        updated(s, {"fine_tuning.lead_time_weeks": 3, "accounting.include_error_cost": True}),
    ]
    for scenario in variants:
        r = project(scenario, shipped_catalog)
        for show in (True, False):
            for fig in (charts.cumulative_cost(r, show), charts.monthly_cost(r, show)):
                go.Figure(fig.to_dict())  # raises ValueError on any invalid property


@pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true",
    reason="kaleido needs /usr/bin/chromium (installed by .ci/run)",
)
def test_chart_renders_to_a_slide_sized_png(article: Scenario, fixture_catalog: Catalog) -> None:
    from PIL import Image

    fig = charts.cumulative_cost(project(article, fixture_catalog))
    png = fig.to_image(
        format="png",
        width=charts.IMAGE_WIDTH_PX,
        height=charts.IMAGE_HEIGHT_PX,
        scale=charts.IMAGE_SCALE,
    )
    assert Image.open(io.BytesIO(png)).size == (style.SLIDE_WIDTH_PX, style.SLIDE_HEIGHT_PX)


LIGHT_ONLY = {
    style.LIGHT[role].upper().replace(" ", "")
    for role in ("text", "muted_text", "grid", "background", "background_word", "ink", "bar_up")
} | {"WHITE", "RGBA(255,255,255,0.85)", "RGBA(255,255,255,0.9)"}


def _colours(spec: object) -> list[str]:
    """Every string of a figure's JSON that sits under a key naming a colour."""
    found: list[str] = []

    def walk(node: object, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and "color" in key.lower():
            found.append(node.upper().replace(" ", ""))

    walk(spec)
    return found


def test_dark_charts_swap_every_light_neutral(article: Scenario, fixture_catalog: Catalog) -> None:
    """On a dark page no chart keeps a light-theme text, grid, background or ink colour (they would
    be black on black or white boxes), and the strategy lines take their lighter dark shades."""
    r = project(updated(article, PLAIN), fixture_catalog)
    for build in (charts.cumulative_cost, charts.monthly_cost):
        light = build(r)
        assert set(_colours(light.to_plotly_json())) & LIGHT_ONLY  # the check can fail
        dark = charts.themed(light, "dark")
        assert not set(_colours(dark.to_plotly_json())) & LIGHT_ONLY, build.__name__
        assert dark.layout.template.layout.paper_bgcolor == style.PALETTES["dark"]["background"]
    lines = _lines(charts.themed(charts.cumulative_cost(r), "dark"))
    assert lines["Prompting"].line.color == style.DARK_COLORS[style.STRATEGY_COLORS["prompting"]]
    assert charts.themed(light, "light") is light


def test_subtitles_wrap_to_a_phone_width_and_the_title_makes_room(
    article: Scenario, fixture_catalog: Catalog
) -> None:
    fig = charts.cumulative_cost(project(article, fixture_catalog))
    # "Customer support classifier (article) · USD · not counted: cost of wrong answers" is 80
    # characters: two lines of at most 56, and the top margin grows by one line (70 + 15 px).
    subtitle = fig.layout.title.text.split("<span style='font-size:12px'>")[1]
    assert subtitle.count("<br>") == 1
    assert all(len(line) <= charts.SUBTITLE_LINE_CHARS for line in subtitle.split("<br>"))
    assert fig.layout.margin.t == 85
