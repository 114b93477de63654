"""The appendix: every input under its human label, every price with its source."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tcocalc.export.assumptions import PriceLine
from tcocalc.export.deck.layout import (
    BODY_TOP,
    INPUT_COLUMNS_IN,
    PRICE_COLUMNS_IN,
    DeckBase,
    _budget_in,
    _is_url,
    _price,
    _short_url,
    paginate,
)

if TYPE_CHECKING:
    from tcocalc.present.labels import InputRow


class AppendixSlides(DeckBase):
    def assumption_slides(self, inputs: list[InputRow], prices: list[PriceLine]) -> None:
        input_rows = [[x.group, x.label, x.value, x.meaning] for x in inputs]
        pages = paginate(input_rows, INPUT_COLUMNS_IN, _budget_in())
        for n, page in enumerate(pages, start=1):
            counter = f" ({n} of {len(pages)})" if len(pages) > 1 else ""
            slide = self._slide(
                f"Appendix: inputs{counter}",
                "Every input behind the numbers, as the page names it, with its unit.",
            )
            self._notes(slide, self.spoken_sources())
            self._table(
                slide,
                BODY_TOP,
                ["Part", "Input", "Value", "What it is"],
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
                f"Appendix: prices{counter}",
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
