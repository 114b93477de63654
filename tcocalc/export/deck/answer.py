"""The title slide and the answer: verdict, break-even cards, totals."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pptx.enum.text import MSO_ANCHOR
from pptx.util import Emu, Inches

from tcocalc.export.common import checkpoints, usd, verdict_sentences
from tcocalc.export.deck.layout import (
    BAND_FILL,
    CONTENT_WIDTH,
    LAYOUT_TITLE,
    MARGIN,
    MUTED_COLOR,
    ROW_PADDING_IN,
    WARNING_COLOR,
    DeckBase,
    _breakeven_text,
    _clip,
    _counted_sentence,
    _lines,
    _long_date,
    _rectangle,
    _rgb,
    _write,
)
from tcocalc.model.engine import STRATEGY_LABELS
from tcocalc.present.style import STRATEGY_COLORS, TEXT_COLOR
from tcocalc.present.summary import answer, breakeven_value, difference_sentence

if TYPE_CHECKING:
    from pptx.slide import Slide

    from tcocalc.model.engine import Strategy


class AnswerSlides(DeckBase):
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
            notes = "Scenario notes: " + _clip(scenario.description, 400)
            lines.append((notes, 12.0, False, MUTED_COLOR))
        self._text(slide, MARGIN, Inches(4.6), CONTENT_WIDTH, Inches(2.2), lines, name="Details")
        self._footer(slide)

    def verdict_slide(self) -> None:
        r = self.result
        slide = self._slide(answer(r))
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
            self.spoken_verdict()
            + "\n\nBreak-even is the first month from which the challenger's cumulative cost "
            "stays at or below prompting's until the horizon. Where it never does, the trend of "
            "the last months is extrapolated.\n\n" + self.spoken_sources(),
        )

    def _cards(self, slide: Slide, cheapest: Strategy) -> None:
        """Figures for the room: each challenger's break-even and the cheapest strategy."""
        r = self.result
        cards: list[tuple[str, str, str, str]] = []
        for challenger in self.challengers:
            b = self._breakeven(challenger)
            big = breakeven_value(b)
            saving = b.savings_at_horizon_usd
            small = difference_sentence(challenger, saving, self.horizon)
            small = small.removeprefix(STRATEGY_LABELS[challenger] + " ")
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
