"""What flips the decision (a native tornado) and how sure it is (a native fan chart and the odds).

Both come from :mod:`tcocalc.analytics` at their defaults (±25 % per input; 5,000 PERT draws of
the default ranges, fixed seed), or from the analyses the caller passes, e.g. the page's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pptx.chart.data import CategoryChartData, XyChartData
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
)
from pptx.util import Emu, Inches, Pt

from tcocalc.analytics import DRIVERS, MonteCarlo, Tornado, format_value
from tcocalc.export.deck.layout import (
    BODY_BOTTOM,
    BODY_TOP,
    CONTENT_WIDTH,
    MARGIN,
    MUTED_COLOR,
    DeckBase,
    _add_chart,
    _label_skip,
    _rgb,
    _style_axes,
    _write,
)
from tcocalc.model.engine import STRATEGY_LABELS
from tcocalc.present.methods import BAND_LINE, PERT_LINE, RANK_LINE, SWITCHING_LINE, data_range
from tcocalc.present.style import STRATEGY_COLORS, TEXT_COLOR
from tcocalc.present.summary import difference, usd

if TYPE_CHECKING:
    from pptx.chart.chart import Chart

TORNADO_BARS = 8
"""Drivers on the slide; the page and the CSV list every one."""
LOW_COLOR, HIGH_COLOR = "#94A3B8", "#334155"


def _data_axis(chart: Chart, values: list[float]) -> None:
    """A value axis that spans the data on round ticks, not from $0."""
    low, high = min(values), max(values)
    axis = chart.value_axis
    axis.minimum_scale, axis.maximum_scale, axis.major_unit = data_range(values)
    axis.tick_labels.number_format = signed_format(max(abs(low), abs(high)))
    axis.tick_labels.number_format_is_linked = False


def signed_format(max_abs_usd: float) -> str:
    """Tick labels for an axis through $0, in dollars, thousands or millions.

    >>> signed_format(1_800_000), signed_format(900)
    ('"$"#,##0.0,,"M";-"$"#,##0.0,,"M";"$0"', '"$"#,##0;-"$"#,##0;"$0"')
    """
    if max_abs_usd >= 1e6:
        return '"$"#,##0.0,,"M";-"$"#,##0.0,,"M";"$0"'
    if max_abs_usd >= 1e4:
        return '"$"#,##0,"k";-"$"#,##0,"k";"$0"'
    return '"$"#,##0;-"$"#,##0;"$0"'


def _span(saving_p10: float, saving_p90: float) -> str:
    """A P10–P90 range of savings in words: ``$13,878 to $21,472 more``, ``$2,000 less to $500 more``.

    >>> _span(-21_472, -13_878), _span(2_000, 9_000), _span(-500, 2_000)
    ('$13,878 to $21,472 more', '$2,000 to $9,000 less', '$500 more to $2,000 less')
    """
    if saving_p10 < 0 and saving_p90 < 0:
        return f"{usd(-saving_p90)} to {usd(-saving_p10)} more"
    if saving_p10 >= 0 and saving_p90 >= 0:
        return f"{usd(saving_p10)} to {usd(saving_p90)} less"
    return f"{difference(saving_p10)} to {difference(saving_p90)}"


class AnalysisSlides(DeckBase):
    def flips_slide(self, t: Tornado) -> None:
        """The tornado of the horizon difference, the top driver's switching value beside it."""
        h = t.horizon_months
        pct = round(t.share * 100)
        slide = self._slide(
            "What flips it",
            f"Fine-tuning minus prompting at month {h} (USD; below 0: fine-tuning is cheaper), "
            f"each input {pct} % lower and higher, one at a time.",
        )
        rows = list(t.rows[:TORNADO_BARS])
        if not rows:
            self._text(
                slide,
                MARGIN,
                BODY_TOP,
                CONTENT_WIDTH,
                Inches(1),
                [("No input moves the difference in this scenario.", 18.0, False, TEXT_COLOR)],
                name="No tornado",
            )
            return
        rows.reverse()  # bar charts draw the first category at the bottom: the top driver on top
        data = CategoryChartData(number_format='"$"#,##0')
        data.categories = [r.label for r in rows]
        data.add_series(f"Input {pct} % lower", [r.difference_low_usd for r in rows])
        data.add_series(f"Input {pct} % higher", [r.difference_high_usd for r in rows])
        chart_width = Emu(int(CONTENT_WIDTH * 0.62))
        frame = _add_chart(
            slide,
            XL_CHART_TYPE.BAR_CLUSTERED,
            MARGIN,
            BODY_TOP,
            chart_width,
            Emu(BODY_BOTTOM - BODY_TOP),
            data,
        )
        frame.name = "Tornado chart"
        chart = frame.chart
        values = [v for r in rows for v in (r.difference_low_usd, r.difference_high_usd)]
        _style_axes(chart, max(abs(v) for v in values))
        _data_axis(chart, [*values, t.base_difference_usd])
        # Bars grow from today's difference, so each shows how far the input moves it.
        chart.value_axis.crosses_at = t.base_difference_usd
        chart.category_axis.tick_labels.font.size = Pt(11)
        chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        plot = chart.plots[0]
        plot.gap_width, plot.overlap = 50, 100
        for series, color in zip(plot.series, (LOW_COLOR, HIGH_COLOR), strict=True):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = _rgb(color)
            series.invert_if_negative = False

        left = MARGIN + chart_width + Inches(0.3)
        width = Emu(CONTENT_WIDTH - chart_width - Inches(0.3))
        lines: list[tuple[str, float, bool, str]] = [(t.sentence, 16.0, True, TEXT_COLOR)]
        flip = t.flip_point
        if flip is not None and t.top is not None:
            lines.append(
                (
                    f"Top driver: {t.top.label} (today {format_value(flip.driver, flip.base_value)})."
                    + (
                        f" Switching value: {format_value(flip.driver, flip.value)}."
                        if flip.value is not None
                        else " No value in the searched range flips the verdict."
                    ),
                    13.0,
                    False,
                    TEXT_COLOR,
                )
            )
        flips = [r.label for r in t.rows if r.flips]
        lines.append(
            (
                f"Flips the verdict at ±{pct} %: "
                + ("yes, " + ", ".join(flips) if flips else "no input does")
                + ".",
                13.0,
                False,
                TEXT_COLOR,
            )
        )
        lines.append((SWITCHING_LINE, 11.0, False, MUTED_COLOR))
        self._text(slide, left, BODY_TOP, width, Emu(BODY_BOTTOM - BODY_TOP), lines, "Flips")
        self._notes(
            slide,
            self.spoken_verdict()
            + f"\n\n{t.sentence}\n\nEach bar pair: the input {pct} % lower and higher, the others "
            "held. Bars start at today's difference.",
        )

    def sure_slide(self, mc: MonteCarlo) -> None:
        """The fan of fine-tuning minus prompting (P10, P50, P90) and the odds beside it."""
        h = mc.horizon_months
        slide = self._slide(
            "How sure",
            f"Fine-tuning minus prompting, cumulative USD, over {mc.draws:,} draws of the "
            "uncertain inputs (below 0: fine-tuning is cheaper).",
        )
        # A scatter chart with lines, as the cumulative chart: round month ticks in every viewer.
        data = XyChartData()
        fan = mc.percentiles_usd[0]
        for k, name in enumerate(("P10", "P50 (median)", "P90")):
            series = data.add_series(name, number_format="#,##0.00")
            for month, value in enumerate(fan[k], start=1):
                series.add_data_point(month, float(value))
        chart_width = Emu(int(CONTENT_WIDTH * 0.62))
        frame = _add_chart(
            slide,
            XL_CHART_TYPE.XY_SCATTER_LINES_NO_MARKERS,
            MARGIN,
            BODY_TOP,
            chart_width,
            Emu(BODY_BOTTOM - BODY_TOP),
            data,
        )
        frame.name = "Fan chart"
        chart = frame.chart
        values = [float(v) for v in fan.ravel()] + [0.0]
        _style_axes(chart, max(abs(v) for v in values))
        _data_axis(chart, values)
        x_axis = chart.category_axis
        x_axis.minimum_scale, x_axis.maximum_scale = 0, h
        x_axis.major_unit = _label_skip(h + 1) if h > 12 else 1
        x_axis.tick_labels.number_format = "0"
        x_axis.tick_labels.number_format_is_linked = False
        x_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        color = STRATEGY_COLORS["fine_tuning"]
        for series, width_pt in zip(chart.plots[0].series, (1.5, 3.0, 1.5), strict=True):
            series.smooth = False
            series.format.line.color.rgb = _rgb(color)
            series.format.line.width = Pt(width_pt)
            series.marker.style = XL_MARKER_STYLE.NONE
        chart.category_axis.has_title = True
        _write(chart.category_axis.axis_title.text_frame, "Month", size=12, color=MUTED_COLOR)

        left = MARGIN + chart_width + Inches(0.3)
        width = Emu(CONTENT_WIDTH - chart_width - Inches(0.3))
        lines: list[tuple[str, float, bool, str]] = []
        for c in self.challengers:
            label = STRATEGY_LABELS[c]
            p = mc.probability_cheaper(c)
            s = mc.savings_percentiles(c)
            half = mc.breakeven_percentile(c, 50)
            lines.append(
                (
                    f"{label}: cheaper by month {h} in {p:.0%} of draws",
                    16.0,
                    True,
                    STRATEGY_COLORS[c],
                )
            )
            lines.append(
                (
                    f"Against prompting: {_span(s['p10'], s['p90'])} (P10–P90), median "
                    f"{difference(s['p50'])}; "
                    + (
                        f"half the draws break even by month {half}."
                        if half
                        else f"fewer than half break even by month {h}."
                    ),
                    13.0,
                    False,
                    TEXT_COLOR,
                )
            )
        importance = mc.importance("fine_tuning")
        if importance:
            top_key, top_r = next(iter(importance.items()))
            lines.append(
                (
                    f"Widest spread from: {DRIVERS[top_key].label} (rank correlation "
                    f"{top_r:+.2f}).",
                    13.0,
                    False,
                    TEXT_COLOR,
                )
            )
        for text in (PERT_LINE, BAND_LINE, RANK_LINE):
            lines.append((text, 10.5, False, MUTED_COLOR))
        self._text(slide, left, BODY_TOP, width, Emu(BODY_BOTTOM - BODY_TOP), lines, "Odds")
        ranges = "; ".join(
            f"{DRIVERS[u.driver].label} {format_value(u.driver, u.low)} – "
            f"{format_value(u.driver, u.high)}"
            for u in mc.ranges
        )
        self._notes(
            slide,
            self.spoken_verdict()
            + f"\n\nRanges ({mc.distribution.upper()}, seed {mc.seed}): {ranges}.",
        )
