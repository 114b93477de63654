"""The PowerPoint deck: a 16:9 answer a product manager can present and still edit.

:func:`deck_pptx` returns the bytes of a deck with

1. a title slide (scenario, date, the ``as_of`` range of the prices used),
2. the verdict (break-even months, cumulative totals at months 12/24/36 and the horizon),
3. the cumulative cost of each strategy as a native line chart, break-even points marked,
4. the monthly cost by component as native stacked-column charts on one scale, one a strategy,
5. where the money goes over the horizon (a native stacked-bar chart),
6. the assumptions: every input with its unit, every price with its source and date (as many
   slides as the rows need).

With ``show_hybrid=False`` the hybrid is left out of every slide, as the page leaves it out when
it is hidden. Charts are PowerPoint chart objects with their data embedded, not pictures: "Edit Data" in
PowerPoint opens the numbers, and colours match the page (:mod:`tcocalc.present.style`).

The default python-pptx template is 4:3; the deck sets a 16:9 slide size, stretches the master's
and layouts' placeholders to it (so slides a user adds later sit right too), and places every
title and box itself.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from tcocalc.export.assumptions import (
    InputLine,
    PriceLine,
    describe_as_of,
    input_lines,
    price_lines,
)
from tcocalc.export.common import checkpoints, usd, verdict_sentences
from tcocalc.model.engine import COMPONENT_LABELS, COMPONENTS, STRATEGIES, STRATEGY_LABELS
from tcocalc.present.style import COMPONENT_COLORS, GRID_COLOR, STRATEGY_COLORS, TEXT_COLOR

if TYPE_CHECKING:
    from pptx.chart.chart import Chart
    from pptx.presentation import Presentation as PresentationT
    from pptx.slide import Slide
    from pptx.text.text import TextFrame

    from tcocalc.model.engine import Strategy
    from tcocalc.model.projection import Result
    from tcocalc.pricing.catalog import Catalog

SLIDE_WIDTH = Emu(12_192_000)  # 13.333 in: 16:9 at PowerPoint's default height
SLIDE_HEIGHT = Emu(6_858_000)  # 7.5 in
MARGIN = Inches(0.6)
CONTENT_WIDTH = Emu(SLIDE_WIDTH - 2 * MARGIN)
TITLE_TOP, TITLE_HEIGHT = Inches(0.35), Inches(0.85)
SUBTITLE_TOP, SUBTITLE_HEIGHT = Inches(1.15), Inches(0.5)
BODY_TOP = Inches(1.75)
FOOTER_TOP, FOOTER_HEIGHT = Inches(7.0), Inches(0.3)
BODY_BOTTOM = Inches(6.9)

FONT = "Arial"
"""Installed with every copy of PowerPoint, and metric-compatible with Liberation Sans, which
LibreOffice substitutes: a layout that fits here fits there."""
MUTED_COLOR = "#6B7280"
HEADER_FILL = "#1F2937"
BAND_FILL = "#F3F4F6"
WARNING_COLOR = "#B45309"

_C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5  # in the default template

TABLE_FONT_PT = 10.5
ROW_PADDING_IN = 0.1  # cell margins, top + bottom
LINE_IN = TABLE_FONT_PT * 1.2 / 72
CHARS_PER_IN = 15.0  # Arial 10.5 pt sets ~16 characters of prose per inch; a little slack
INPUT_COLUMNS_IN = (3.7, 2.0, 1.55, 4.88)
PRICE_COLUMNS_IN = (1.85, 1.6, 1.75, 0.75, 2.05, 3.05, 1.08)


def deck_pptx(
    result: Result,
    catalog: Catalog,
    *,
    today: dt.date | None = None,
    show_hybrid: bool = True,
) -> bytes:
    """The deck for ``result`` as ``.pptx`` bytes; ``catalog`` supplies the prices' sources.

    ``today`` is the date printed on the title slide (default: today). ``show_hybrid=False``
    leaves the hybrid out of every slide, as the page does when it is hidden.
    """
    today = today or dt.date.today()
    prices = price_lines(result.scenario, catalog)
    deck = _Deck(result, prices, STRATEGIES if show_hybrid else STRATEGIES[:2])
    deck.title_slide(today)
    deck.verdict_slide()
    deck.cumulative_slide()
    deck.components_slide()
    deck.breakdown_slide()
    deck.assumption_slides(input_lines(result.scenario), prices)
    deck.number_pages()
    out = io.BytesIO()
    deck.prs.save(out)
    return out.getvalue()


def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())


def _new_presentation() -> PresentationT:
    """The default template at 16:9, its master and layouts stretched to the new width."""
    prs = Presentation()
    k = SLIDE_WIDTH / prs.slide_width
    prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    shapes: list[Any] = list(prs.slide_master.shapes)
    for layout in prs.slide_layouts:
        shapes.extend(layout.placeholders)
    for shape in shapes:
        # Only shapes with a position of their own: the others inherit the master's, stretched.
        if shape._element.xpath("./p:spPr/a:xfrm"):
            shape.left, shape.width = Emu(round(shape.left * k)), Emu(round(shape.width * k))
    return prs


def _write(
    frame: TextFrame,
    text: str,
    *,
    size: float,
    bold: bool = False,
    color: str = TEXT_COLOR,
    align: PP_ALIGN = PP_ALIGN.LEFT,
    first: bool = True,
) -> None:
    """Set (or, with ``first=False``, append) a paragraph in the house font."""
    para = frame.paragraphs[0] if first else frame.add_paragraph()
    if first:
        for extra in frame.paragraphs[1:]:
            extra._p.getparent().remove(extra._p)
        para.text = ""
    para.alignment = align
    run = para.add_run()
    run.text = text
    font = run.font
    font.name, font.size, font.bold = FONT, Pt(size), bold
    font.color.rgb = _rgb(color)


def _add_chart(
    slide: Slide, chart_type: Any, left: int, top: int, width: int, height: int, data: Any
) -> Any:
    """``slide.shapes.add_chart``, typed loosely: python-pptx annotates its graphic frame as a
    ``Chart``."""
    return slide.shapes.add_chart(chart_type, Emu(left), Emu(top), Emu(width), Emu(height), data)


def _rectangle(slide: Slide, left: int, top: int, width: int, height: int, color: str) -> Any:
    """A flat filled rectangle: no outline, and no theme style (whose effects add a shadow)."""
    shape = slide.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, Emu(left), Emu(top), Emu(width), Emu(height)
    )
    style = shape._element.find(qn("p:style"))
    if style is not None:
        shape._element.remove(style)
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(color)
    shape.line.fill.background()
    return shape


def _axis_format(max_usd: float) -> str:
    """Tick labels in whole dollars, thousands or millions, by the axis' largest value ($0 at 0).

    >>> _axis_format(900), _axis_format(45_000)
    ('"$"#,##0', '[=0]"$0";"$"#,##0,"k"')
    """
    if max_usd >= 1e6:
        return '[=0]"$0";"$"#,##0.0,,"M"'
    if max_usd >= 1e4:
        return '[=0]"$0";"$"#,##0,"k"'
    return '"$"#,##0'


def nice_ceiling(value: float) -> float:
    """The smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k) at or above ``value``.

    >>> nice_ceiling(0), nice_ceiling(1234), nice_ceiling(2100), nice_ceiling(48)
    (1.0, 1500.0, 2500.0, 50.0)
    """
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if step * power >= value * (1 - 1e-12):
            return step * power
    return 10.0 * power


def _label_skip(n_categories: int) -> int:
    """Label every month up to a year, then every 3, 6 or 12 months (about 12 labels at most).

    >>> _label_skip(12), _label_skip(25), _label_skip(61), _label_skip(121)
    (1, 3, 6, 12)
    """
    for skip in (1, 3, 6, 12):
        if n_categories <= 13 * skip:
            return skip
    return 24


def _set_category_skip(chart: Chart, skip: int) -> None:
    """Label and tick every ``skip``-th category (python-pptx exposes neither)."""
    cat_ax = chart.category_axis._element
    anchor = cat_ax.find(qn("c:noMultiLvlLbl"))
    for tag in ("c:tickLblSkip", "c:tickMarkSkip"):
        old = cat_ax.find(qn(tag))
        if old is not None:
            cat_ax.remove(old)
        el = etree.SubElement(cat_ax, qn(tag))
        el.set("val", str(skip))
        if anchor is not None:
            anchor.addprevious(el)


def _mark_breakeven(series: Any, challenger: str, month: int) -> None:
    """A dot on the challenger's line at its break-even month, labelled below and to the right.

    Both cumulative lines rise to the right of a crossing, so the space below-right of it is
    free of them; the label is nudged there from the "right" position.
    """
    color = STRATEGY_COLORS[challenger]
    point = series.points[month]  # point 0 is month 0
    point.marker.style = XL_MARKER_STYLE.CIRCLE
    point.marker.size = 12
    point.marker.format.fill.solid()
    point.marker.format.fill.fore_color.rgb = _rgb(color)
    point.marker.format.line.color.rgb = _rgb("#FFFFFF")
    label = point.data_label
    label.has_text_frame = True
    label.position = XL_LABEL_POSITION.RIGHT
    # Run properties, not the label's txPr: LibreOffice styles custom label text by its runs.
    # Two short lines: LibreOffice wraps a custom label wider than about 20 characters.
    _write(label.text_frame, "Break-even", size=12, bold=True, color=color)
    _write(label.text_frame, f"month {month}", size=12, bold=True, color=color, first=False)
    dlbl = label._dLbl
    assert dlbl is not None
    layout = etree.fromstring(
        f'<c:layout xmlns:c="{_C_NS}"><c:manualLayout>'
        '<c:x val="0.005"/><c:y val="0.04"/></c:manualLayout></c:layout>'
    )
    dlbl.find(qn("c:idx")).addnext(layout)
    # A white box, so the label stays legible where a third line passes under it.
    fill = etree.fromstring(
        f'<c:spPr xmlns:c="{_C_NS}" xmlns:a="{_A_NS}"><a:solidFill><a:srgbClr val="FFFFFF"/>'
        "</a:solidFill></c:spPr>"
    )
    dlbl.find(qn("c:tx")).addnext(fill)


def _style_axes(chart: Chart, max_usd: float, *, fixed_max: float | None = None) -> None:
    chart.font.name, chart.font.size = FONT, Pt(11)
    chart.font.color.rgb = _rgb(TEXT_COLOR)
    va = chart.value_axis
    va.has_major_gridlines = True
    va.major_gridlines.format.line.color.rgb = _rgb(GRID_COLOR)
    va.format.line.fill.background()
    va.tick_labels.number_format = _axis_format(fixed_max or max_usd)
    va.tick_labels.number_format_is_linked = False
    va.minimum_scale = 0
    if fixed_max is not None:
        va.maximum_scale = fixed_max
    ca = chart.category_axis
    ca.format.line.color.rgb = _rgb(GRID_COLOR)
    ca.has_major_gridlines = False


@dataclass
class _Deck:
    result: Result
    prices: list[PriceLine]
    strategies: tuple[Strategy, ...] = STRATEGIES
    """The strategies on the slides (prompting first; the hybrid last, when shown)."""

    @property
    def challengers(self) -> tuple[Strategy, ...]:
        return self.strategies[1:]

    def __post_init__(self) -> None:
        self.prs = _new_presentation()
        self.as_of = describe_as_of(self.prices)
        self.horizon = self.result.horizon_months

    # --- Building blocks --------------------------------------------------------------------

    def _slide(self, title: str, subtitle: str = "") -> Slide:
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[LAYOUT_TITLE_ONLY])
        t = slide.shapes.title
        assert t is not None
        t.left, t.top, t.width, t.height = MARGIN, TITLE_TOP, CONTENT_WIDTH, TITLE_HEIGHT
        tf = t.text_frame
        tf.word_wrap = True
        tf.vertical_anchor = MSO_ANCHOR.BOTTOM
        _write(tf, title, size=28, bold=True)
        if subtitle:
            box = slide.shapes.add_textbox(MARGIN, SUBTITLE_TOP, CONTENT_WIDTH, SUBTITLE_HEIGHT)
            box.name = "Subtitle"
            box.text_frame.word_wrap = True
            _write(box.text_frame, subtitle, size=14, color=MUTED_COLOR)
        self._footer(slide)
        return slide

    def _footer(self, slide: Slide) -> None:
        box = slide.shapes.add_textbox(
            MARGIN, FOOTER_TOP, Emu(CONTENT_WIDTH - Inches(1.5)), FOOTER_HEIGHT
        )
        box.name = "Footer"
        box.text_frame.word_wrap = True
        text = f"{self.result.scenario.name} · {self.as_of} · made with tcocalc"
        _write(box.text_frame, text, size=9, color=MUTED_COLOR)

    def _text(
        self,
        slide: Slide,
        left: int,
        top: int,
        width: int,
        height: int,
        lines: Sequence[tuple[str, float, bool, str]],
        name: str,
        anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
    ) -> None:
        """A text box of ``(text, size_pt, bold, colour)`` paragraphs."""
        box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
        box.name = name
        tf = box.text_frame
        tf.word_wrap = True
        tf.vertical_anchor = anchor
        for i, (text, size, bold, color) in enumerate(lines):
            _write(tf, text, size=size, bold=bold, color=color, first=i == 0)

    def _notes(self, slide: Slide, text: str) -> None:
        frame = slide.notes_slide.notes_text_frame
        assert frame is not None
        frame.text = text

    def number_pages(self) -> None:
        slides = list(self.prs.slides)
        for i, slide in enumerate(slides, start=1):
            box = slide.shapes.add_textbox(
                Emu(SLIDE_WIDTH - MARGIN - Inches(1.2)), FOOTER_TOP, Inches(1.2), FOOTER_HEIGHT
            )
            box.name = "Page number"
            _write(
                box.text_frame,
                f"{i} / {len(slides)}",
                size=9,
                color=MUTED_COLOR,
                align=PP_ALIGN.RIGHT,
            )

    # --- Slides -----------------------------------------------------------------------------

    def title_slide(self, today: dt.date) -> None:
        scenario = self.result.scenario
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[LAYOUT_TITLE])
        # A bar per strategy in its colour: the deck's one ornament, and its legend.
        bar_width = Inches(1.1)
        for i, strategy in enumerate(self.strategies):
            bar = _rectangle(
                slide,
                MARGIN + i * (bar_width + Inches(0.1)),
                Inches(1.6),
                bar_width,
                Inches(0.12),
                STRATEGY_COLORS[strategy],
            )
            bar.name = f"Bar {STRATEGY_LABELS[strategy]}"
        title = slide.shapes.title
        assert title is not None
        title.left, title.top, title.width, title.height = (
            MARGIN,
            Inches(1.9),
            CONTENT_WIDTH,
            Inches(1.7),
        )
        title.text_frame.word_wrap = True
        title.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
        _write(title.text_frame, scenario.name, size=40, bold=True)
        subtitle = slide.placeholders[1]
        subtitle.left, subtitle.top, subtitle.width, subtitle.height = (
            MARGIN,
            Inches(3.75),
            CONTENT_WIDTH,
            Inches(0.6),
        )
        _write(
            subtitle.text_frame,
            f"{' vs '.join(STRATEGY_LABELS[x].lower() for x in self.strategies).capitalize()}: "
            f"total cost of ownership over {self.horizon} months",
            size=20,
            color=MUTED_COLOR,
        )
        lines = [
            (_long_date(today), 14.0, True, TEXT_COLOR),
            (
                f"All amounts in USD; {self.as_of} (sources on the last slides). "
                f"Month 1 starts {_long_date(scenario.start_date)}.",
                14.0,
                False,
                TEXT_COLOR,
            ),
        ]
        if scenario.description:
            lines.append((_clip(scenario.description, 420), 12.0, False, MUTED_COLOR))
        self._text(slide, MARGIN, Inches(4.6), CONTENT_WIDTH, Inches(2.2), lines, name="Details")
        self._footer(slide)

    def verdict_slide(self) -> None:
        r = self.result
        slide = self._slide("Verdict")
        main, *more = verdict_sentences(r, show_hybrid="hybrid" in self.strategies)
        size = next((pt for pt in (22.0, 20.0, 18.0) if _lines(main, pt, bold=True) <= 3), 16.0)
        paragraphs = [(main, size, True, TEXT_COLOR)] + [(x, 16.0, False, TEXT_COLOR) for x in more]
        height = sum(_lines(t, pt, bold) * pt * 1.25 / 72 for t, pt, bold, _ in paragraphs)
        top = Inches(1.3)
        self._text(
            slide,
            MARGIN,
            top,
            CONTENT_WIDTH,
            Inches(height + 0.15),
            paragraphs,
            name="Verdict",
        )
        table_top = top + Inches(height + 0.3)
        months = checkpoints(self.horizon)
        header = ["Strategy", "Break-even vs prompting"] + [f"Month {m}" for m in months]
        cheapest: Strategy = min(self.strategies, key=lambda s: r.total(s))
        rows: list[list[str]] = []
        for s in self.strategies:
            be = "—" if s == "prompting" else _breakeven_text(self._breakeven(s))
            rows.append([STRATEGY_LABELS[s], be] + [usd(r.total(s, m)) for m in months])
        fixed_in = [2.2, 3.6]
        rest_in = (CONTENT_WIDTH / 914400 - sum(fixed_in)) / len(months)
        table = self._table(
            slide,
            table_top,
            header,
            rows,
            [*fixed_in, *([rest_in] * len(months))],
            font_pt=14,
            numeric_from=2,
            name="Totals",
        )
        for i, s in enumerate(self.strategies, start=1):
            run = table.cell(i, 0).text_frame.paragraphs[0].runs[0]
            run.font.bold = True
            run.font.color.rgb = _rgb(STRATEGY_COLORS[s])
            if s == cheapest:
                table.cell(i, len(header) - 1).text_frame.paragraphs[0].runs[0].font.bold = True

        notes: list[tuple[str, float, bool, str]] = [
            (
                f"Cumulative cost at the end of the month, USD; month {self.horizon} is the "
                f"horizon. {_counted_sentence(r)}",
                12.0,
                False,
                MUTED_COLOR,
            )
        ]
        for warning in r.warnings[:2]:
            notes.append((f"Warning: {warning}", 12.0, False, WARNING_COLOR))
        if len(r.warnings) > 2:
            extra = len(r.warnings) - 2
            notes.append((f"... and {extra} more (see the workbook).", 12.0, False, WARNING_COLOR))
        rows_in_table = len(self.strategies) + 1
        notes_top = table_top + Inches(rows_in_table * (14 * 1.2 / 72 + ROW_PADDING_IN) + 0.2)
        self._text(slide, MARGIN, notes_top, CONTENT_WIDTH, Inches(1.0), notes, name="Notes")
        self._cards(slide, cheapest)
        self._notes(
            slide,
            "Break-even is the first month from which the challenger's cumulative cost stays at "
            "or below prompting's until the horizon. Where it never does, the trend of the last "
            "months is extrapolated.",
        )

    def _breakeven(self, challenger: str) -> Any:
        r = self.result
        return r.fine_tuning_breakeven if challenger == "fine_tuning" else r.hybrid_breakeven

    def _cards(self, slide: Slide, cheapest: Strategy) -> None:
        """Figures for the room: each challenger's break-even and the cheapest strategy."""
        r = self.result
        cards: list[tuple[str, str, str, str]] = []
        for challenger in self.challengers:
            b = self._breakeven(challenger)
            big = f"Month {b.durable_month}" if b.durable_month is not None else "Not yet"
            saving = b.savings_at_horizon_usd
            small = (
                f"saves {usd(saving)} by month {self.horizon}"
                if saving >= 0
                else f"costs {usd(-saving)} more by month {self.horizon}"
            )
            if b.durable_month is None:
                trend = (
                    f"on the trend: month {b.estimated_month}"
                    if b.estimated_month is not None
                    else "not on the current trend"
                )
                small = f"{trend}; {small}"
            cards.append(
                (
                    f"{STRATEGY_LABELS[challenger]} break-even",
                    big,
                    small,
                    STRATEGY_COLORS[challenger],
                )
            )
        others = sorted(r.total(s) for s in self.strategies if s != cheapest)
        cards.append(
            (
                f"Cheapest over {self.horizon} months",
                STRATEGY_LABELS[cheapest],
                f"{usd(others[0] - r.total(cheapest))} less than the next best",
                STRATEGY_COLORS[cheapest],
            )
        )
        gap = Inches(0.3)
        width = Emu((CONTENT_WIDTH - (len(cards) - 1) * gap) // len(cards))
        top, height = Inches(5.5), Inches(1.35)
        for i, (caption, big, small, color) in enumerate(cards):
            left = Emu(MARGIN + i * (width + gap))
            card = _rectangle(slide, left, top, width, height, BAND_FILL)
            card.name = f"Card {caption}"
            accent = _rectangle(slide, left, top, Inches(0.08), height, color)
            accent.name = f"Card accent {caption}"
            self._text(
                slide,
                left + Inches(0.25),
                top + Inches(0.1),
                width - Inches(0.35),
                height - Inches(0.2),
                [
                    (caption, 13.0, False, MUTED_COLOR),
                    (big, 30.0, True, color),
                    (small, 12.0, False, TEXT_COLOR),
                ],
                name=f"Card text {caption}",
                anchor=MSO_ANCHOR.MIDDLE,
            )

    def cumulative_slide(self) -> None:
        r = self.result
        marked = [
            (c, b.durable_month)
            for c, b in ((c, self._breakeven(c)) for c in self.challengers)
            if b.durable_month is not None
        ]
        if marked:
            what = "; ".join(f"{STRATEGY_LABELS[c].lower()} in month {m}" for c, m in marked)
            sub = f"Break-even marked: {what}."
        elif len(self.challengers) == 1:
            sub = f"Fine-tuning does not break even within {self.horizon} months."
        else:
            sub = f"Neither challenger breaks even within {self.horizon} months."
        slide = self._slide(
            f"Cumulative cost over {self.horizon} months",
            f"USD at the end of each month (month 0: nothing spent yet). {sub}",
        )
        # A scatter chart with straight lines: its month axis is a value axis, so ticks fall on
        # round months (0, 6, 12, ...) in every viewer. A category line chart can thin its labels
        # only through tickLblSkip, which LibreOffice (and so Google's importer?) ignores.
        data = XyChartData()
        months = list(range(self.horizon + 1))
        for s in self.strategies:
            series = data.add_series(STRATEGY_LABELS[s], number_format="#,##0.00")
            for month, value in zip(months, [0.0, *map(float, r.series(s))], strict=True):
                series.add_data_point(month, value)
        frame = _add_chart(
            slide,
            XL_CHART_TYPE.XY_SCATTER_LINES_NO_MARKERS,
            MARGIN,
            BODY_TOP,
            CONTENT_WIDTH,
            Emu(BODY_BOTTOM - BODY_TOP),
            data,
        )
        frame.name = "Cumulative cost chart"
        chart = frame.chart
        chart.has_title = False
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        shown = [STRATEGIES.index(x) for x in self.strategies]
        _style_axes(chart, float(r.cumulative[shown].max(initial=0.0)))
        x_axis = chart.category_axis
        x_axis.minimum_scale, x_axis.maximum_scale = 0, self.horizon
        x_axis.major_unit = _label_skip(self.horizon + 1) if self.horizon > 12 else 1
        x_axis.tick_labels.number_format = "0"
        x_axis.tick_labels.number_format_is_linked = False
        x_axis.has_title = True
        _write(x_axis.axis_title.text_frame, "Month", size=12, color=MUTED_COLOR)
        for series, s in zip(chart.plots[0].series, self.strategies, strict=True):
            series.smooth = False
            series.marker.style = XL_MARKER_STYLE.NONE
            line = series.format.line
            line.color.rgb = _rgb(STRATEGY_COLORS[s])
            line.width = Pt(2.75)
        for challenger, month in marked:
            series = chart.plots[0].series[self.strategies.index(challenger)]
            _mark_breakeven(series, challenger, month)
        self._notes(
            slide,
            "Each line is a strategy's running total. Where a challenger's line crosses below "
            "prompting's for good, it has paid back its up-front cost (marked point). "
            "Right-click the chart and choose Edit Data to see the numbers.",
        )

    def components_slide(self) -> None:
        r = self.result
        shown = self._shown_components()
        left_out = [COMPONENT_LABELS[k] for i, k in enumerate(COMPONENTS) if not r.mask[i]]
        count = "both" if len(self.strategies) == 2 else f"all {len(self.strategies)}"
        sub = f"USD per month, one scale for {count} strategies."
        if left_out:
            sub += f" Not counted (accounting settings): {', '.join(left_out).lower()}."
        slide = self._slide("Monthly cost by component", sub)
        indices = [STRATEGIES.index(x) for x in self.strategies]
        peak = float(r.monthly_totals[indices].max(initial=0.0))
        axis_max = nice_ceiling(peak)
        gap = Inches(0.25)
        n = len(self.strategies)
        width = Emu((CONTENT_WIDTH - (n - 1) * gap) // n)
        height = Inches(4.45)
        for i, s in enumerate(self.strategies):
            data = CategoryChartData(number_format="#,##0.00")
            data.categories = list(range(1, self.horizon + 1))
            for k in shown:
                values = r.components[STRATEGIES.index(s), COMPONENTS.index(k)]
                data.add_series(COMPONENT_LABELS[k], [float(v) for v in values])
            frame = _add_chart(
                slide,
                XL_CHART_TYPE.COLUMN_STACKED,
                Emu(MARGIN + i * (width + gap)),
                BODY_TOP,
                width,
                height,
                data,
            )
            frame.name = f"Monthly components chart: {STRATEGY_LABELS[s]}"
            chart = frame.chart
            chart.has_legend = False
            chart.has_title = True
            _write(
                chart.chart_title.text_frame,
                STRATEGY_LABELS[s],
                size=16,
                bold=True,
                color=STRATEGY_COLORS[s],
            )
            _style_axes(chart, peak, fixed_max=axis_max)
            _set_category_skip(chart, _label_skip(self.horizon))
            plot = chart.plots[0]
            plot.gap_width = 40
            plot.overlap = 100
            for series, k in zip(plot.series, shown, strict=True):
                series.format.fill.solid()
                series.format.fill.fore_color.rgb = _rgb(COMPONENT_COLORS[k])
                series.format.line.fill.background()
        self._legend(slide, shown, Inches(6.35))
        self._notes(
            slide,
            "Each column is one month's bill, split by component. Up-front costs (build, "
            "labeling, first training) land in month 1; re-training shows up in the months it "
            "happens.",
        )

    def breakdown_slide(self) -> None:
        r = self.result
        shown = self._shown_components()
        slide = self._slide(
            f"Where the money goes over {self.horizon} months",
            "Total USD per component and strategy; counted components only.",
        )
        data = CategoryChartData(number_format="#,##0.00")
        # Bar charts draw the first category at the bottom: reverse so prompting is on top.
        order = list(reversed(self.strategies))
        data.categories = [STRATEGY_LABELS[s] for s in order]
        for k in shown:
            data.add_series(COMPONENT_LABELS[k], [r.component_totals(s)[k] for s in order])
        frame = _add_chart(
            slide,
            XL_CHART_TYPE.BAR_STACKED,
            MARGIN,
            BODY_TOP,
            CONTENT_WIDTH,
            Inches(4.45),
            data,
        )
        frame.name = "Component totals chart"
        chart = frame.chart
        chart.has_legend = False
        chart.has_title = False
        _style_axes(chart, max(r.total(s) for s in self.strategies))
        chart.category_axis.tick_labels.font.size = Pt(14)
        chart.category_axis.tick_labels.font.bold = True
        plot = chart.plots[0]
        plot.gap_width = 60
        plot.overlap = 100
        for series, k in zip(plot.series, shown, strict=True):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = _rgb(COMPONENT_COLORS[k])
            series.format.line.fill.background()
        self._legend(slide, shown, Inches(6.35))

    def _shown_components(self) -> list[str]:
        """Counted components with a cost in any strategy on the slides."""
        r = self.result
        indices = [STRATEGIES.index(x) for x in self.strategies]
        return [
            k
            for i, k in enumerate(COMPONENTS)
            if r.mask[i] and float(r.components[indices, i, :].sum()) > 0
        ]

    def _legend(self, slide: Slide, components: Sequence[str], top: int) -> None:
        """One legend for several charts: coloured squares and names in a row."""
        x = int(MARGIN)
        for k in components:
            label = COMPONENT_LABELS[k]
            swatch = _rectangle(
                slide, x, top + Inches(0.09), Inches(0.18), Inches(0.18), COMPONENT_COLORS[k]
            )
            swatch.name = f"Legend {label}"
            width = Inches(0.35 + len(label) * 0.095)
            self._text(
                slide,
                x + Inches(0.22),
                top,
                width,
                Inches(0.36),
                [(label, 12.0, False, TEXT_COLOR)],
                name=f"Legend text {label}",
            )
            x += Inches(0.22) + width + Inches(0.1)

    def _table(
        self,
        slide: Slide,
        top: int,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths_in: Sequence[float],
        *,
        font_pt: float = TABLE_FONT_PT,
        numeric_from: int | None = None,
        name: str,
        links: dict[tuple[int, int], str] | None = None,
    ) -> Any:
        """A native table with a dark header row and banded body rows.

        Each row gets the height its wrapped text needs (estimated): LibreOffice does not grow a
        row for a wrapped hyperlink, so the estimate is also the floor.
        """
        heights = [
            Inches(
                row_height_in(values, widths_in)
                if font_pt == TABLE_FONT_PT
                else font_pt * 1.2 / 72 + ROW_PADDING_IN
            )
            for values in [header, *rows]
        ]
        shape = slide.shapes.add_table(
            len(rows) + 1,
            len(header),
            MARGIN,
            Emu(top),
            Inches(sum(widths_in)),
            Emu(sum(heights)),
        )
        shape.name = name
        table = shape.table
        table.first_row = True
        table.horz_banding = False
        for j, w in enumerate(widths_in):
            table.columns[j].width = Inches(w)
        for i, height in enumerate(heights):
            table.rows[i].height = Emu(height)
        for i, values in enumerate([header, *rows]):
            for j, text in enumerate(values):
                cell = table.cell(i, j)
                cell.margin_top = cell.margin_bottom = Inches(ROW_PADDING_IN / 2)
                cell.margin_left = cell.margin_right = Inches(0.08)
                cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                cell.fill.solid()
                if i == 0:
                    cell.fill.fore_color.rgb = _rgb(HEADER_FILL)
                else:
                    cell.fill.fore_color.rgb = _rgb(BAND_FILL if i % 2 == 0 else "#FFFFFF")
                align = (
                    PP_ALIGN.RIGHT
                    if numeric_from is not None and j >= numeric_from
                    else PP_ALIGN.LEFT
                )
                lines = str(text).split("\n")
                _write(
                    cell.text_frame,
                    lines[0],
                    size=font_pt,
                    bold=i == 0,
                    color="#FFFFFF" if i == 0 else TEXT_COLOR,
                    align=align,
                )
                for extra in lines[1:]:
                    _write(
                        cell.text_frame,
                        extra,
                        size=font_pt - 1.5,
                        color=MUTED_COLOR,
                        align=align,
                        first=False,
                    )
                if links and (i, j) in links:
                    cell.text_frame.paragraphs[0].runs[0].hyperlink.address = links[(i, j)]
        return table

    def assumption_slides(self, inputs: list[InputLine], prices: list[PriceLine]) -> None:
        input_rows = [[x.path, x.value, x.unit, x.description] for x in inputs]
        pages = paginate(input_rows, INPUT_COLUMNS_IN, _budget_in())
        for n, page in enumerate(pages, start=1):
            counter = f" ({n} of {len(pages)})" if len(pages) > 1 else ""
            slide = self._slide(
                f"Assumptions: inputs{counter}",
                "Every input of the scenario file, as named there, with its unit.",
            )
            self._table(
                slide,
                BODY_TOP,
                ["Input", "Value", "Unit", "What it is"],
                page,
                INPUT_COLUMNS_IN,
                name="Inputs table",
            )
        price_rows = [
            [
                p.used_for,
                p.catalog_id,
                p.item + (f"\n{p.note}" if p.note else ""),
                _price(p.value),
                p.unit,
                _short_url(p.source),
                p.as_of.isoformat(),
            ]
            for p in prices
        ]
        pages = paginate(price_rows, PRICE_COLUMNS_IN, _budget_in()) or [[]]
        start = 0
        for n, page in enumerate(pages, start=1):
            counter = f" ({n} of {len(pages)})" if len(pages) > 1 else ""
            slide = self._slide(
                f"Assumptions: prices{counter}",
                f"Every catalog price the numbers use, where it was read and when ({self.as_of}).",
            )
            links = {
                (i, 5): p.source
                for i, p in enumerate(prices[start : start + len(page)], start=1)
                if _is_url(p.source)
            }
            self._table(
                slide,
                BODY_TOP,
                ["Used for", "Catalog id", "Price of", "USD", "Unit", "Source", "As of"],
                page,
                PRICE_COLUMNS_IN,
                name="Prices table",
                links=links,
            )
            start += len(page)


def _budget_in() -> float:
    """Height a table may take below the subtitle, in inches."""
    return (BODY_BOTTOM - BODY_TOP) / 914400 - 0.1


def row_height_in(row: Sequence[str], widths_in: Sequence[float]) -> float:
    """Estimated height of a table row whose cells wrap at the column widths (inches).

    >>> round(row_height_in(["short", "x" * 60], [2.0, 2.0]), 3)
    0.625
    """
    lines = 1
    for text, width in zip(row, widths_in, strict=True):
        per_line = max(1, int((width - 0.16) * CHARS_PER_IN))
        cell_lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
        lines = max(lines, cell_lines)
    return lines * LINE_IN + ROW_PADDING_IN


def paginate(
    rows: Sequence[Sequence[str]], widths_in: Sequence[float], budget_in: float
) -> list[list[Sequence[str]]]:
    """Split table rows into pages whose estimated height (header included) fits ``budget_in``.

    >>> [len(p) for p in paginate([["a"]] * 40, [3.0], 5.0)]
    [17, 17, 6]
    """
    header = LINE_IN + ROW_PADDING_IN
    pages: list[list[Sequence[str]]] = []
    page: list[Sequence[str]] = []
    used = header
    for row in rows:
        h = row_height_in(row, widths_in)
        if page and used + h > budget_in:
            pages.append(page)
            page, used = [], header
        page.append(row)
        used += h
    if page:
        pages.append(page)
    return pages


def _price(value: float) -> str:
    """A unit price with at least cents and at most four decimals (three digits if smaller).

    >>> _price(0.4), _price(5), _price(0.075), _price(1234.5), _price(0.1222222), _price(3e-6)
    ('0.40', '5.00', '0.075', '1,234.50', '0.1222', '3e-06')
    """
    if 0 < abs(value) < 0.00005:
        return f"{value:.3g}"
    text = f"{value:,.4f}".rstrip("0")
    decimals = len(text.split(".")[1])
    return text + "0" * max(0, 2 - decimals)


def _short_url(url: str) -> str:
    """A source as people read it; the cell links to the full address.

    >>> _short_url("https://www.anthropic.com/pricing#api")
    'anthropic.com/pricing#api'
    """
    for prefix in ("https://", "http://"):
        url = url.removeprefix(prefix)
    return url.removeprefix("www.")


def _is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def _long_date(day: dt.date) -> str:
    """``4 March 2027``.

    >>> _long_date(dt.date(2027, 3, 4))
    '4 March 2027'
    """
    return f"{day.day} {day:%B %Y}"


def _lines(text: str, size_pt: float, bold: bool = False) -> int:
    """Lines ``text`` takes across the content width at ``size_pt`` (an estimate for Arial).

    >>> _lines("x" * 70, 22, bold=True), _lines("x" * 200, 16)
    (1, 2)
    """
    em = 0.56 if bold else 0.5  # average character width of prose, in ems
    per_line = int(CONTENT_WIDTH / 914400 * 72 / (em * size_pt))
    return max(1, math.ceil(len(text) / per_line))


def _breakeven_text(b: Any) -> str:
    """``month 14``, ``not within 24 months (trend: month 31)`` or ``not within 24 months``."""
    if b.durable_month is not None:
        return f"month {b.durable_month}"
    text = f"not within {b.horizon_months} months"
    if b.estimated_month is not None:
        text += f" (trend: month {b.estimated_month})"
    return text


def _counted_sentence(result: Result) -> str:
    p = result.params
    people = "people's time counted" if p.include_engineering else "people's time not counted"
    errors = "wrong answers counted" if p.include_error_cost else "wrong answers not counted"
    return f"{people[0].upper()}{people[1:]}; {errors}."
