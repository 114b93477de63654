"""The comparison slide: the scenarios side by side, and the inputs that differ."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pptx.util import Inches

from tcocalc.export.deck.layout import BODY_TOP, CONTENT_WIDTH, DeckBase

if TYPE_CHECKING:
    from tcocalc.present.compare import Comparison

MEASURES = (
    "Answer",
    "Fine-tuning breaks even",
    "Horizon",
    "Prompting",
    "Fine-tuning",
    "Fine-tuning vs prompting",
)
MAX_INPUT_ROWS = 8
"""Inputs that differ shown on the slide; the workbook's Comparison sheet lists them all."""


class CompareSlides(DeckBase):
    def compare_slide(self, c: Comparison) -> None:
        slide = self._slide(
            "Scenarios side by side",
            "Each at its own horizon; totals are cumulative USD.",
        )
        heads = c.headline_rows()
        first_in = 2.6
        rest_in = (CONTENT_WIDTH / 914400 - first_in) / len(c.names)
        widths = [first_in, *([rest_in] * len(c.names))]
        rows = [[m, *(h[m] for h in heads)] for m in MEASURES]
        self._table(slide, BODY_TOP, ["", *c.names], rows, widths, name="Comparison table")
        differ = c.differing_inputs()
        shown = differ[:MAX_INPUT_ROWS]
        if shown:
            top = BODY_TOP + Inches(0.45 * (len(rows) + 1) + 0.3)
            more = len(differ) - len(shown)
            header = ["Inputs that differ" + (f" (+{more} more)" if more else ""), *c.names]
            body = [[r["Input"], *(r[n] for n in c.names)] for r in shown]
            self._table(slide, top, header, body, widths, name="Differing inputs table")
        self._notes(slide, self.spoken_verdict())
