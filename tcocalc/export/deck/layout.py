"""The deck's building blocks: slide size, fonts, colours, text, tables, axes, pagination."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from tcocalc.export.assumptions import (
    PriceLine,
    describe_as_of,
)
from tcocalc.export.common import verdict_sentences
from tcocalc.model.engine import COMPONENT_LABELS, COMPONENTS, STRATEGIES
from tcocalc.present.style import COMPONENT_COLORS, GRID_COLOR, TEXT_COLOR
from tcocalc.present.summary import breakeven_value

if TYPE_CHECKING:
    from pptx.chart.chart import Chart
    from pptx.presentation import Presentation as PresentationT
    from pptx.slide import Slide
    from pptx.text.text import TextFrame

    from tcocalc.model.engine import Strategy
    from tcocalc.model.projection import Result

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
INPUT_COLUMNS_IN = (1.75, 3.35, 2.55, 4.48)
PRICE_COLUMNS_IN = (1.85, 1.6, 1.75, 0.75, 2.05, 3.05, 1.08)


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
    """Split table rows into pages whose estimated height (header included) fits ``budget_in``,
    as evenly as the fewest pages allow (no page of one row after three full ones).

    >>> [len(p) for p in paginate([["a"]] * 40, [3.0], 5.0)]
    [14, 14, 12]
    """
    header = LINE_IN + ROW_PADDING_IN
    heights = [row_height_in(row, widths_in) for row in rows]

    def fill(limit: float) -> list[list[Sequence[str]]]:
        pages: list[list[Sequence[str]]] = []
        page: list[Sequence[str]] = []
        used = header
        for row, h in zip(rows, heights, strict=True):
            if page and used + h > limit:
                pages.append(page)
                page, used = [], header
            page.append(row)
            used += h
        if page:
            pages.append(page)
        return pages

    pages = fill(budget_in)
    if len(pages) > 1:
        even = header + sum(heights) / len(pages) + max(heights)
        balanced = fill(min(budget_in, even))
        if len(balanced) == len(pages):
            pages = balanced
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
    """``Month 14``, or the one no-break-even wording (``Not by month 24``), with the trend."""
    text = breakeven_value(b)
    if b.durable_month is None and b.estimated_month is not None:
        text += f" (trend: month {b.estimated_month})"
    return text


def _counted_sentence(result: Result) -> str:
    p = result.params
    people = "people's time counted" if p.include_engineering else "people's time not counted"
    errors = "wrong answers counted" if p.include_error_cost else "wrong answers not counted"
    return f"{people[0].upper()}{people[1:]}; {errors}."


@dataclass
class DeckBase:
    """What every slide group shares: the result, the prices, the strategies shown, and the
    building blocks (titled slide, footer, text box, table, legend, speaker notes)."""

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

    # --- Building blocks ---

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

    def spoken_verdict(self) -> str:
        """The verdict, for the speaker notes of every main slide."""
        sentences = verdict_sentences(self.result, show_hybrid="hybrid" in self.strategies)
        return "Verdict: " + " ".join(sentences)

    def spoken_sources(self) -> str:
        """Every price behind the numbers with its source, for the speaker notes."""
        lines = [
            f"- {p.catalog_id}, {p.item}: {p.source} (as of {p.as_of.isoformat()})"
            for p in self.prices
        ]
        return "Sources of the prices:\n" + "\n".join(lines) if lines else ""

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

    def _breakeven(self, challenger: str) -> Any:
        r = self.result
        return r.fine_tuning_breakeven if challenger == "fine_tuning" else r.hybrid_breakeven

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
