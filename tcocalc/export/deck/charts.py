"""The cumulative cost with the page's markers, monthly components, where the money goes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lxml import etree
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from tcocalc.export.deck.layout import (
    _A_NS,
    _C_NS,
    BODY_BOTTOM,
    BODY_TOP,
    CONTENT_WIDTH,
    MARGIN,
    MUTED_COLOR,
    DeckBase,
    _add_chart,
    _label_skip,
    _rgb,
    _set_category_skip,
    _style_axes,
    _write,
    nice_ceiling,
)
from tcocalc.model.engine import COMPONENT_LABELS, COMPONENTS, STRATEGIES, STRATEGY_LABELS
from tcocalc.present.style import COMPONENT_COLORS, STRATEGY_COLORS
from tcocalc.present.summary import timeline

if TYPE_CHECKING:
    from tcocalc.present.summary import Timeline

CHANGE_COLOR = "#6B7280"
MIGRATION_COLOR = "#B45309"
LEAD_COLOR = "#CBD5E1"


def _jumps(events: Timeline) -> str:
    """What makes the lines jump, in one sentence (empty when nothing does).

    >>> from tcocalc.present.summary import Timeline
    >>> _jumps(Timeline(((5, 3),), {"prompting": (), "fine_tuning": (5, 12), "hybrid": ()}, 0.0,
    ...     ((12, "fine_tuning"),)))
    'Jumps: new categories in month 5; re-training in months 5 and 12; a forced migration in month 12.'
    """
    parts = []
    if events.category_changes:
        parts.append(f"new categories in {_months([m for m, _ in events.category_changes])}")
    runs = sorted(set(events.retrains.get("fine_tuning", ())))
    if runs:
        parts.append(f"re-training in {_months(runs)}")
    if events.migrations:
        parts.append(f"a forced migration in {_months(sorted({m for m, _ in events.migrations}))}")
    return ("Jumps: " + "; ".join(parts) + ".") if parts else ""


def _months(months: list[int]) -> str:
    """``month 5``, ``months 5 and 12``, ``months 3, 6 and 9``, ``months 3, 6, 9 … (12 in all)``."""
    if len(months) == 1:
        return f"month {months[0]}"
    if len(months) > 4:
        return f"months {', '.join(map(str, months[:3]))} … ({len(months)} in all)"
    return f"months {', '.join(map(str, months[:-1]))} and {months[-1]}"


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


class ChartSlides(DeckBase):
    def cumulative_slide(self) -> None:
        r = self.result
        events = timeline(r)
        marked = [
            (c, b.durable_month)
            for c, b in ((c, self._breakeven(c)) for c in self.challengers)
            if b.durable_month is not None
        ]
        if marked:
            what = "; ".join(f"{STRATEGY_LABELS[c].lower()} in month {m}" for c, m in marked)
            sub = f"Break-even: {what}."
        elif len(self.challengers) == 1:
            sub = f"Fine-tuning does not break even by month {self.horizon}."
        else:
            sub = f"Neither challenger breaks even by month {self.horizon}."
        slide = self._slide(
            f"Cumulative cost over {self.horizon} months",
            f"USD at the end of each month. {sub} {_jumps(events)}".strip(),
        )
        # A scatter chart with straight lines: its month axis is a value axis, so ticks fall on
        # round months (0, 6, 12, ...) in every viewer. A category line chart can thin its labels
        # only through tickLblSkip, which LibreOffice ignores.
        data = XyChartData()
        months = list(range(self.horizon + 1))
        cumulative = {s: [0.0, *map(float, r.series(s))] for s in self.strategies}
        for s in self.strategies:
            series = data.add_series(STRATEGY_LABELS[s], number_format="#,##0.00")
            for month, value in zip(months, cumulative[s], strict=True):
                series.add_data_point(month, value)
        # The page's markers, as series of their own (so the legend names them).
        markers: list[tuple[str, XL_MARKER_STYLE, str, int]] = []
        for s in self.strategies:
            if events.retrains[s]:
                series = data.add_series(f"Re-training ({STRATEGY_LABELS[s].lower()})")
                for m in events.retrains[s]:
                    series.add_data_point(m, cumulative[s][m])
                markers.append(("retrain", XL_MARKER_STYLE.DIAMOND, STRATEGY_COLORS[s], 9))
        moves = [(m, s) for m, s in events.migrations if s in self.strategies]
        if moves:
            series = data.add_series("Model retired: migration")
            for m, s in moves:
                series.add_data_point(m, cumulative[s][m])
            markers.append(("migration", XL_MARKER_STYLE.SQUARE, MIGRATION_COLOR, 10))
        if events.category_changes:
            series = data.add_series("Category change")
            for m, _ in events.category_changes:
                series.add_data_point(m, 0.0)
            markers.append(("change", XL_MARKER_STYLE.TRIANGLE, CHANGE_COLOR, 10))
        lead = min(events.go_live_months, self.horizon)
        if lead > 0:
            weeks = r.scenario.fine_tuning.lead_time_weeks
            series = data.add_series(f"Fine-tuning lead time ({weeks:g} weeks)")
            series.add_data_point(0, 0.0)
            series.add_data_point(lead, 0.0)
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
        chart.legend.font.size = Pt(11)
        shown = [STRATEGIES.index(x) for x in self.strategies]
        _style_axes(chart, float(r.cumulative[shown].max(initial=0.0)))
        x_axis = chart.category_axis
        x_axis.minimum_scale, x_axis.maximum_scale = 0, self.horizon
        x_axis.major_unit = _label_skip(self.horizon + 1) if self.horizon > 12 else 1
        x_axis.tick_labels.number_format = "0"
        x_axis.tick_labels.number_format_is_linked = False
        x_axis.has_title = True
        _write(x_axis.axis_title.text_frame, "Month", size=12, color=MUTED_COLOR)
        plot_series = list(chart.plots[0].series)
        for series, s in zip(plot_series, self.strategies, strict=False):
            series.smooth = False
            series.marker.style = XL_MARKER_STYLE.NONE
            line = series.format.line
            line.color.rgb = _rgb(STRATEGY_COLORS[s])
            line.width = Pt(2.75)
        rest = plot_series[len(self.strategies) :]
        for series, (_, style, color, size) in zip(rest, markers, strict=False):
            series.smooth = False
            series.format.line.fill.background()
            series.marker.style = style
            series.marker.size = size
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = _rgb(color)
            series.marker.format.line.color.rgb = _rgb("#FFFFFF")
        if lead > 0:
            band = rest[-1]
            band.smooth = False
            band.marker.style = XL_MARKER_STYLE.NONE
            band.format.line.color.rgb = _rgb(LEAD_COLOR)
            band.format.line.width = Pt(10)
        for challenger, month in marked:
            series = plot_series[self.strategies.index(challenger)]
            _mark_breakeven(series, challenger, month)
        self._notes(
            slide,
            self.spoken_verdict()
            + "\n\nEach line is a strategy's running total. Where a challenger's line crosses "
            "below prompting's for good, it has paid back its up-front cost (marked point). "
            "Diamonds: re-training runs; triangles: new categories; squares: a retired model "
            "forces a migration; the thick band at the bottom: the fine-tuned model's lead time, "
            "while prompting still serves. Right-click the chart and choose Edit Data for the "
            "numbers.",
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
