"""The deck read back with python-pptx, and opened for real by LibreOffice."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Emu

from tcocalc.export.assumptions import price_lines
from tcocalc.export.common import checkpoints, usd, verdict_sentences
from tcocalc.export.deck import deck_pptx
from tcocalc.export.deck import layout as deckmod
from tcocalc.inputs.loader import load_scenario, scenario_files
from tcocalc.model.engine import COMPONENTS, STRATEGIES, STRATEGY_LABELS
from tcocalc.model.projection import Result, project
from tcocalc.model.scenario import Scenario
from tcocalc.present.labels import input_rows
from tcocalc.present.style import COMPONENT_COLORS, STRATEGY_COLORS
from tcocalc.present.summary import timeline
from tcocalc.pricing.catalog import Catalog
from tests.conftest import updated
from tests.export_support import breaking_even, pdf_pages, poppler, to_pdf

TODAY = dt.date(2027, 3, 4)


@pytest.fixture(scope="module")
def result(article: Scenario, fixture_catalog: Catalog) -> Result:
    return breaking_even(article, fixture_catalog)


@pytest.fixture(scope="module")
def pptx_bytes(result: Result, fixture_catalog: Catalog) -> bytes:
    return deck_pptx(result, fixture_catalog, today=TODAY)


@pytest.fixture(scope="module")
def prs(pptx_bytes: bytes):  # type: ignore[no-untyped-def]
    return Presentation(io.BytesIO(pptx_bytes))


def titles(prs) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.shapes.title.text_frame.text for s in prs.slides]


def charts(slide) -> list:  # type: ignore[no-untyped-def]
    return [sh for sh in slide.shapes if sh.has_chart]


def table_rows(slide, name: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    (shape,) = [sh for sh in slide.shapes if sh.has_table and sh.name == name]
    return [[c.text_frame.text for c in row.cells] for row in shape.table.rows]


def test_slides_and_titles(prs, result: Result) -> None:  # type: ignore[no-untyped-def]
    t = titles(prs)
    # Five main slides (the answer first), then the appendix.
    assert t[:7] == [
        result.scenario.name,
        "Fine-tuning pays back in month 14",
        "Cumulative cost over 60 months",
        "What flips it",
        "How sure",
        "Monthly cost by component",
        "Where the money goes over 60 months",
    ]
    inputs = [x for x in t if x.startswith("Appendix: inputs")]
    prices = [x for x in t if x.startswith("Appendix: prices")]
    # 40-odd input rows do not fit one slide: "(1 of n)" ... "(n of n)"
    assert len(inputs) >= 2
    assert inputs == [f"Appendix: inputs ({i} of {len(inputs)})" for i in range(1, len(inputs) + 1)]
    assert prices == ["Appendix: prices"]
    assert len(t) == 7 + len(inputs) + len(prices)


def test_slide_is_16_9_and_everything_sits_on_it(prs) -> None:  # type: ignore[no-untyped-def]
    width, height = prs.slide_width, prs.slide_height
    assert width / height == pytest.approx(16 / 9, rel=1e-3)
    for n, slide in enumerate(prs.slides, start=1):
        title = slide.shapes.title
        # The default template's title is 4:3 (8.2 in wide, centred at 5 in): ours spans the slide.
        assert title.left == deckmod.MARGIN and title.width == deckmod.CONTENT_WIDTH, n
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (n, shape.name)
            assert shape.left + shape.width <= width, (n, shape.name)
            assert shape.top + shape.height <= height, (n, shape.name)


def test_layouts_stretched_to_16_9(prs) -> None:  # type: ignore[no-untyped-def]
    """A slide the user adds later from a layout sits right too."""
    for layout in prs.slide_layouts:
        for ph in layout.placeholders:
            assert ph.left + ph.width <= prs.slide_width, (layout.name, ph.name)
    title_only = prs.slide_layouts[deckmod.LAYOUT_TITLE_ONLY]
    title = next(ph for ph in title_only.placeholders if ph.placeholder_format.idx == 0)
    # 0.5 in margins either side of a 13.33 in slide, as the 4:3 template had on 10 in
    assert title.left + title.width / 2 == pytest.approx(prs.slide_width / 2, abs=Emu(10_000))


def test_cumulative_chart_is_native_with_engine_values(prs, result: Result) -> None:  # type: ignore[no-untyped-def]
    (frame,) = charts(prs.slides[2])
    chart = frame.chart
    # A native scatter chart (python-pptx reads the marker-only series as plain XY_SCATTER).
    assert chart.chart_type in (XL_CHART_TYPE.XY_SCATTER, XL_CHART_TYPE.XY_SCATTER_LINES_NO_MARKERS)
    series = list(chart.plots[0].series)[:3]
    assert [s.name for s in series] == [STRATEGY_LABELS[s] for s in STRATEGIES]
    h = result.horizon_months
    for s, ser in zip(STRATEGIES, series, strict=True):
        first, *values = ser.iter_values()
        assert first == 0.0  # month 0: nothing spent
        np.testing.assert_allclose(np.array(values), result.series(s), atol=0.005)  # to the cent
        xs = ser._element.xpath("./c:xVal//c:pt/c:v/text()")
        assert [float(x) for x in xs] == list(range(h + 1))
        color = ser.format.line.color.rgb
        assert f"#{color}" == STRATEGY_COLORS[s].upper()
    # The embedded workbook makes it editable ("Edit Data" in PowerPoint).
    assert chart.part.chart_workbook.xlsx_part is not None
    # The page's markers: re-trains on the lines, category changes on the month axis.
    markers = {s.name: list(s.iter_values()) for s in list(chart.plots[0].series)[3:]}
    events = timeline(result)
    assert "Re-training (fine-tuning)" in markers
    assert len(markers["Re-training (fine-tuning)"]) == len(events.retrains["fine_tuning"])
    assert markers["Category change"] == [0.0] * len(events.category_changes)


def test_breakeven_points_marked(prs, result: Result) -> None:  # type: ignore[no-untyped-def]
    assert result.fine_tuning_breakeven.durable_month == 14
    assert result.hybrid_breakeven.durable_month == 24
    chart = charts(prs.slides[2])[0].chart
    for strategy, month in (("fine_tuning", 14), ("hybrid", 24)):
        ser = chart.plots[0].series[STRATEGIES.index(strategy)]
        (dpt,) = ser._element.xpath("./c:dPt")
        assert dpt.xpath("./c:idx/@val") == [str(month)]  # point 0 is month 0
        assert dpt.xpath("./c:marker/c:symbol/@val") == ["circle"]
        label = ser.points[month].data_label
        assert label.has_text_frame
        assert label.text_frame.text == f"Break-even\nmonth {month}"
    assert not chart.plots[0].series[0]._element.xpath("./c:dPt")  # prompting: nothing to mark


def test_no_marks_without_breakeven(fixture_catalog: Catalog, article: Scenario) -> None:
    result = project(article, fixture_catalog)
    assert result.fine_tuning_breakeven.durable_month is None
    prs = Presentation(io.BytesIO(deck_pptx(result, fixture_catalog, today=TODAY)))
    chart = charts(prs.slides[2])[0].chart
    assert not chart._chartSpace.xpath(".//c:dPt")
    subtitle = next(sh for sh in prs.slides[2].shapes if sh.name == "Subtitle")
    assert "Neither challenger breaks even by month 24" in subtitle.text_frame.text


def test_component_charts_are_stacked_columns_with_engine_values(prs, result: Result) -> None:  # type: ignore[no-untyped-def]
    frames = charts(prs.slides[5])
    assert len(frames) == 3
    shown = [
        k
        for i, k in enumerate(COMPONENTS)
        if result.mask[i] and result.components[:, i, :].sum() > 0
    ]
    assert "errors" not in shown  # not counted in the article's accounting
    maxima = set()
    for s, frame in zip(STRATEGIES, frames, strict=True):
        chart = frame.chart
        assert chart.chart_type == XL_CHART_TYPE.COLUMN_STACKED
        assert chart.chart_title.text_frame.text == STRATEGY_LABELS[s]
        plot = chart.plots[0]
        assert list(plot.categories) == [str(m) for m in range(1, 61)] or list(
            plot.categories
        ) == list(range(1, 61))
        for ser, k in zip(plot.series, shown, strict=True):
            np.testing.assert_allclose(
                list(ser.values),
                result.components[STRATEGIES.index(s), COMPONENTS.index(k)],
                atol=0.005,
            )
            assert f"#{ser.format.fill.fore_color.rgb}" == COMPONENT_COLORS[k].upper()
        maxima.add(chart.value_axis.maximum_scale)
    # One scale for the three, at or above the dearest month.
    assert len(maxima) == 1 and maxima.pop() >= result.monthly_totals.max()


def test_breakdown_chart_totals(prs, result: Result) -> None:  # type: ignore[no-untyped-def]
    (frame,) = charts(prs.slides[6])
    chart = frame.chart
    assert chart.chart_type == XL_CHART_TYPE.BAR_STACKED
    order = list(reversed(STRATEGIES))
    assert list(chart.plots[0].categories) == [STRATEGY_LABELS[s] for s in order]
    stacked = np.zeros(3)
    for ser in chart.plots[0].series:
        stacked += np.array(list(ser.values))
    # Counted components sum to each strategy's total over the horizon.
    np.testing.assert_allclose(stacked, [result.total(s) for s in order], atol=0.01)


def test_verdict_slide(prs, result: Result) -> None:  # type: ignore[no-untyped-def]
    slide = prs.slides[1]
    texts = {sh.name: sh.text_frame.text for sh in slide.shapes if sh.has_text_frame}
    assert texts["Verdict"] == "\n".join(verdict_sentences(result))
    assert "month 14" in texts["Verdict"].splitlines()[0]  # fine-tuning first, then hybrid
    assert "month 24" in texts["Verdict"].splitlines()[1]
    rows = table_rows(slide, "Totals")
    months = checkpoints(60)
    assert months == [12, 24, 36, 60]
    assert rows[0] == ["Strategy", "Break-even vs prompting", *(f"Month {m}" for m in months)]
    assert [r[:2] for r in rows[1:]] == [
        ["Prompting", "—"],
        ["Fine-tuning", "Month 14"],
        ["Hybrid", "Month 24"],
    ]
    for row, s in zip(rows[1:], STRATEGIES, strict=True):
        assert row[2:] == [usd(result.total(s, m)) for m in months]
    card = texts["Card text Cheapest over 60 months"]
    assert card.splitlines()[1] == "Fine-tuning"


def test_title_slide(prs, result: Result) -> None:  # type: ignore[no-untyped-def]
    slide = prs.slides[0]
    text = "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    assert result.scenario.name in text
    assert "4 March 2027" in text
    assert "prices as of 2026-11-01" in text  # every fixture price is dated 2026-11-01


def test_assumption_slides_list_every_input_and_price(
    prs, result: Result, fixture_catalog: Catalog
) -> None:  # type: ignore[no-untyped-def]
    inputs, prices = [], []
    for slide in prs.slides:
        title = slide.shapes.title.text_frame.text
        if title.startswith("Appendix: inputs"):
            rows = table_rows(slide, "Inputs table")
            assert rows[0] == ["Part", "Input", "Value", "What it is"]
            inputs += rows[1:]
        elif title.startswith("Appendix: prices"):
            rows = table_rows(slide, "Prices table")
            prices += rows[1:]
    expected = input_rows(result.scenario)
    assert [r[1] for r in inputs] == [x.label for x in expected]
    assert all(r[2] for r in inputs), "every input has a value"
    by_label = {r[1]: r[2] for r in inputs}
    assert by_label["Calls in month 1"] == "3M calls/month"
    assert by_label["Engineer cost"] == "$100/hour"
    lines = price_lines(result.scenario, fixture_catalog)
    assert [(r[1], r[2].split("\n")[0]) for r in prices] == [(p.catalog_id, p.item) for p in lines]
    assert all(r[6] == "2026-11-01" for r in prices)
    assert prices[0][5] == "example.com/prices"


def test_every_shipped_scenario_builds(shipped_catalog: Catalog) -> None:
    """Self-hosted training, serverless LoRA, dedicated GPUs, warnings: all shipped files."""
    for path in scenario_files():
        scenario = load_scenario(path, shipped_catalog)
        result = project(scenario, shipped_catalog)
        prs = Presentation(io.BytesIO(deck_pptx(result, shipped_catalog)))
        assert titles(prs)[0] == scenario.name


def test_one_month_horizon(article: Scenario, fixture_catalog: Catalog) -> None:
    scenario = updated(article, {"horizon_months": 1, "category_changes": {}})
    result = project(scenario, fixture_catalog)
    prs = Presentation(io.BytesIO(deck_pptx(result, fixture_catalog, today=TODAY)))
    assert titles(prs)[2] == "Cumulative cost over 1 months"
    rows = table_rows(prs.slides[1], "Totals")
    assert rows[0][2:] == ["Month 1"]


def test_paginate_keeps_tables_on_the_slide() -> None:
    rows = [["x" * 200, "1", "u", "d"]] * 30  # long rows wrap to several lines
    pages = deckmod.paginate(rows, deckmod.INPUT_COLUMNS_IN, 5.0)
    assert sum(len(p) for p in pages) == 30
    for page in pages:
        height = sum(deckmod.row_height_in(r, deckmod.INPUT_COLUMNS_IN) for r in page)
        assert height + deckmod.row_height_in(["h"] * 4, deckmod.INPUT_COLUMNS_IN) <= 5.0


@pytest.mark.slow
def test_libreoffice_opens_the_deck(pptx_bytes: bytes, prs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A real office suite renders every slide; page 3 (the chart) is not blank."""
    path = tmp_path / "deck.pptx"
    path.write_bytes(pptx_bytes)
    pdf = to_pdf(path, tmp_path)
    assert pdf_pages(pdf) == len(prs.slides)
    subprocess.run(
        [
            poppler("pdftoppm"),
            "-png",
            "-r",
            "60",
            "-f",
            "3",
            "-l",
            "3",
            str(pdf),
            str(tmp_path / "p"),
        ],
        check=True,
        timeout=60,
    )
    (png,) = tmp_path.glob("p-*3.png")
    from PIL import Image

    with Image.open(png) as im:
        width, height = im.size
        assert abs(width - 800) <= 1 and height == 450  # 13.33 x 7.5 in at 60 dpi
        colours = {rgb for _, rgb in im.convert("RGB").getcolors(maxcolors=1 << 24) or []}
    # The three strategy colours are drawn (anti-aliasing aside, each appears as is).
    for hex_color in STRATEGY_COLORS.values():
        rgb = tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
        assert rgb in colours, hex_color


def test_without_the_hybrid_every_slide_leaves_it_out(
    result: Result, fixture_catalog: Catalog
) -> None:
    """As the page does when its hybrid toggle is off."""
    prs = Presentation(
        io.BytesIO(deck_pptx(result, fixture_catalog, today=TODAY, show_hybrid=False))
    )
    shown = STRATEGIES[:2]
    title = "\n".join(sh.text_frame.text for sh in prs.slides[0].shapes if sh.has_text_frame)
    assert "Prompting vs fine-tuning: total cost of ownership over 60 months" in title
    assert not [sh for sh in prs.slides[0].shapes if sh.name == "Bar Hybrid"]
    # Verdict: the fine-tuning sentence only, two rows, two cards.
    verdict = prs.slides[1]
    texts = {sh.name: sh.text_frame.text for sh in verdict.shapes if sh.has_text_frame}
    assert texts["Verdict"] == verdict_sentences(result)[0]
    assert [r[0] for r in table_rows(verdict, "Totals")[1:]] == ["Prompting", "Fine-tuning"]
    cards = sorted(name for name in texts if name.startswith("Card text"))
    assert cards == ["Card text Cheapest over 60 months", "Card text Fine-tuning break-even"]
    # Charts: two cumulative lines (fine-tuning's break-even still marked), two column charts,
    # two bars; nothing anywhere on these slides says "Hybrid".
    chart = charts(prs.slides[2])[0].chart
    names = [s.name for s in chart.plots[0].series]
    assert names[:2] == [STRATEGY_LABELS[s] for s in shown]
    (dpt,) = chart.plots[0].series[1]._element.xpath("./c:dPt")
    assert dpt.xpath("./c:idx/@val") == ["14"]
    frames = charts(prs.slides[5])
    assert [f.chart.chart_title.text_frame.text for f in frames] == ["Prompting", "Fine-tuning"]
    bars = charts(prs.slides[6])[0].chart
    assert list(bars.plots[0].categories) == ["Fine-tuning", "Prompting"]
    for slide in list(prs.slides)[:7]:
        words = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        words += [s.name for f in charts(slide) for s in f.chart.plots[0].series]
        assert not [w for w in words if "hybrid" in w.lower()], slide.shapes.title.text_frame.text


# Field names as a scenario file spells them: "workload.monthly_calls", "events[1]".
FIELD_NAME = re.compile(
    r"\b(?:workload|prompting|fine_tuning|hybrid|category_changes|people|accounting)\.[a-z_]+"
    r"|\b[a-z]+_[a-z_]+\b|\w\[\d+\]"
)


def slide_words(slide) -> list[str]:  # type: ignore[no-untyped-def]
    """Every piece of text a reader sees on a slide: text boxes, table cells, chart labels."""
    words = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
    for sh in slide.shapes:
        if sh.has_table:
            words += [c.text_frame.text for row in sh.table.rows for c in row.cells]
        if sh.has_chart:
            plot = sh.chart.plots[0]
            words += [s.name for s in plot.series]
            words += [str(c) for c in getattr(plot, "categories", [])]
    return words


def test_no_slide_shows_a_field_name(prs) -> None:  # type: ignore[no-untyped-def]
    for n, slide in enumerate(prs.slides, start=1):
        found = [m for w in slide_words(slide) for m in FIELD_NAME.findall(w)]
        assert not found, (n, found)


def test_tornado_is_a_native_chart_of_the_analysis(prs, result: Result) -> None:  # type: ignore[no-untyped-def]
    from tcocalc.analytics import tornado

    t = tornado(result)
    slide = prs.slides[3]
    (frame,) = charts(slide)
    chart = frame.chart
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    top = list(t.rows[:8])
    # Drawn bottom-up, so the top driver is the last category.
    assert list(chart.plots[0].categories) == [r.label for r in reversed(top)]
    low, high = chart.plots[0].series
    np.testing.assert_allclose(list(low.values), [r.difference_low_usd for r in reversed(top)])
    np.testing.assert_allclose(list(high.values), [r.difference_high_usd for r in reversed(top)])
    # The axis spans the data, not from $0, and the bars start at today's difference.
    axis = chart.value_axis
    assert axis.minimum_scale <= min(min(low.values), min(high.values))
    assert axis.maximum_scale >= max(max(low.values), max(high.values))
    assert axis.minimum_scale > 0 or axis.maximum_scale < 0 or t.base_difference_usd == 0
    text = next(sh.text_frame.text for sh in slide.shapes if sh.name == "Flips")
    assert t.sentence in text
    assert "Flips the verdict at ±25 %: " in text
    assert "Switching value" in text


def test_fan_is_a_native_chart_with_the_odds(prs, result: Result) -> None:  # type: ignore[no-untyped-def]
    from tcocalc.analytics import monte_carlo

    mc = monte_carlo(result)  # the deck's defaults: same draws, same seed
    slide = prs.slides[4]
    (frame,) = charts(slide)
    chart = frame.chart
    assert chart.chart_type == XL_CHART_TYPE.XY_SCATTER_LINES_NO_MARKERS
    series = list(chart.plots[0].series)
    assert [s.name for s in series] == ["P10", "P50 (median)", "P90"]
    for k, ser in enumerate(series):
        np.testing.assert_allclose(list(ser.values), mc.percentiles_usd[0, k], atol=0.005)
    odds = next(sh.text_frame.text for sh in slide.shapes if sh.name == "Odds")
    p = mc.probability_cheaper("fine_tuning")
    assert f"Fine-tuning: cheaper by month 60 in {p:.0%} of draws" in odds
    for term in ("PERT", "P10–P90", "Rank correlation"):
        assert term in odds  # each explained in one line where it appears


def test_speaker_notes_carry_the_verdict_and_the_sources(prs, result: Result) -> None:  # type: ignore[no-untyped-def]
    verdict = " ".join(verdict_sentences(result))
    for slide in list(prs.slides)[1:5]:
        assert verdict in slide.notes_slide.notes_text_frame.text
    appendix = next(s for s in prs.slides if titles_of(s).startswith("Appendix: inputs"))
    assert "https://example.com/prices" in appendix.notes_slide.notes_text_frame.text


def titles_of(slide) -> str:  # type: ignore[no-untyped-def]
    return str(slide.shapes.title.text_frame.text)


def test_a_comparison_adds_a_slide_and_a_sheet(
    result: Result, article: Scenario, fixture_catalog: Catalog
) -> None:
    from openpyxl import load_workbook

    from tcocalc.export.data import workbook_xlsx
    from tcocalc.present.compare import compare

    other = project(article, fixture_catalog)
    c = compare([("3M calls", result), ("100k calls", other)])
    prs = Presentation(io.BytesIO(deck_pptx(result, fixture_catalog, today=TODAY, comparison=c)))
    t = titles(prs)
    assert t[5] == "Scenarios side by side"  # the sixth main slide, before the appendix
    rows = table_rows(prs.slides[5], "Comparison table")
    assert rows[0] == ["", "3M calls", "100k calls"]
    assert rows[2] == ["Fine-tuning breaks even", "Month 14", "Not by month 24"]
    differ = table_rows(prs.slides[5], "Differing inputs table")
    assert ["Calls in month 1", "3M calls/month", "100k calls/month"] in differ
    assert not [m for w in slide_words(prs.slides[5]) for m in FIELD_NAME.findall(w)]
    wb = load_workbook(io.BytesIO(workbook_xlsx(result, fixture_catalog, comparison=c)))
    sheet = [[c.value for c in row] for row in wb["Comparison"].iter_rows()]
    assert ["Calls in month 1", "3M calls/month", "100k calls/month"] in sheet
