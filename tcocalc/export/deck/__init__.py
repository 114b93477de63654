"""The PowerPoint deck for a steering committee: the answer first, the evidence after, every
assumption in the appendix. 16:9, native charts a product manager can still edit.

:func:`deck_pptx` returns the bytes of a deck with, as main slides,

1. a title slide (scenario, date, the ``as_of`` range of the prices used),
2. the answer (:mod:`.answer`): the verdict as the title, break-even cards, cumulative totals,
3. the cumulative cost (:mod:`.charts`) with the page's markers: break-even points, re-trains,
   category changes, forced migrations and the fine-tuned model's lead time,
4. what flips it (:mod:`.analysis`): a native tornado and the top driver's switching value,
5. how sure (:mod:`.analysis`): a native fan chart (P10/P50/P90) and the odds,
6. the comparison of scenarios, when one is given (:mod:`.compare`),

then an appendix: monthly cost by component, where the money goes, every input under its human
label with its unit (:mod:`.appendix`), every price with its source and date. The verdict and
the sources are in the speaker notes.

With ``show_hybrid=False`` the hybrid is left out of every slide, as the page leaves it out when
it is hidden. Charts are PowerPoint chart objects with their data embedded, not pictures, and
colours match the page (:mod:`tcocalc.present.style`). The building blocks (16:9 size, fonts,
tables, pagination) are in :mod:`.layout`.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tcocalc.export.assumptions import price_lines
from tcocalc.export.deck.analysis import AnalysisSlides
from tcocalc.export.deck.answer import AnswerSlides
from tcocalc.export.deck.appendix import AppendixSlides
from tcocalc.export.deck.charts import ChartSlides
from tcocalc.export.deck.compare import CompareSlides
from tcocalc.model.engine import STRATEGIES
from tcocalc.present.labels import input_rows

if TYPE_CHECKING:
    from tcocalc.analytics import MonteCarlo, Tornado
    from tcocalc.model.projection import Result
    from tcocalc.present.compare import Comparison
    from tcocalc.pricing.catalog import Catalog

__all__ = ["deck_pptx"]


@dataclass
class _Deck(AnswerSlides, ChartSlides, AnalysisSlides, CompareSlides, AppendixSlides):
    """Every slide group on one presentation."""


def deck_pptx(
    result: Result,
    catalog: Catalog,
    *,
    today: dt.date | None = None,
    show_hybrid: bool = True,
    tornado: Tornado | None = None,
    monte_carlo: MonteCarlo | None = None,
    comparison: Comparison | None = None,
) -> bytes:
    """The deck for ``result`` as ``.pptx`` bytes; ``catalog`` supplies the prices' sources.

    ``today`` is the date printed on the title slide (default: today). ``show_hybrid=False``
    leaves the hybrid out of every slide, as the page does when it is hidden. ``tornado`` and
    ``monte_carlo`` are the analyses to show (default: :mod:`tcocalc.analytics`'s defaults);
    ``comparison`` adds the scenarios-side-by-side slide.
    """
    from tcocalc import analytics

    today = today or dt.date.today()
    prices = price_lines(result.scenario, catalog)
    deck = _Deck(result, prices, STRATEGIES if show_hybrid else STRATEGIES[:2])
    basis = analytics.Basis.from_result(result) if tornado is None or monte_carlo is None else None
    deck.title_slide(today)
    deck.verdict_slide()
    deck.cumulative_slide()
    deck.flips_slide(tornado or analytics.tornado(basis))  # type: ignore[arg-type]
    deck.sure_slide(monte_carlo or analytics.monte_carlo(basis))  # type: ignore[arg-type]
    if comparison is not None:
        deck.compare_slide(comparison)
    deck.components_slide()
    deck.breakdown_slide()
    deck.assumption_slides(input_rows(result.scenario), prices)
    deck.number_pages()
    out = io.BytesIO()
    deck.prs.save(out)
    return out.getvalue()
