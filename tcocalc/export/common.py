"""What every export says the way the page says it: the verdict, checkpoint months, money, names.

The words and the formats come from :mod:`tcocalc.present.summary` and the file names from
:mod:`tcocalc.present.charts` (the page's camera button), so a slide, a workbook and the page agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tcocalc.present import summary
from tcocalc.present.charts import slug

if TYPE_CHECKING:
    from tcocalc.model.projection import Result
    from tcocalc.model.scenario import Scenario

CHALLENGERS = ("fine_tuning", "hybrid")


def checkpoints(horizon_months: int) -> list[int]:
    """Months 12, 24, 36 and the horizon, those within the horizon, in order.

    >>> checkpoints(60), checkpoints(24), checkpoints(6)
    ([12, 24, 36, 60], [12, 24], [6])
    """
    return list(summary.checkpoints(horizon_months))


def usd(amount: float) -> str:
    """Dollars as the page writes them: ``$12,345``, ``-$1,200``, ``$1.23M``.

    >>> usd(12345.4), usd(-1200.0), usd(1_234_567)
    ('$12,345', '-$1,200', '$1.23M')
    """
    return summary.usd(amount)


def verdict_sentences(result: Result, *, show_hybrid: bool = True) -> list[str]:
    """The page's verdict: a sentence on fine-tuning, then one on the hybrid (when shown)."""
    sentences = [summary.verdict(result)]
    if show_hybrid:
        sentences.append(summary.hybrid_verdict(result))
    return sentences


def verdict(result: Result, *, show_hybrid: bool = True) -> str:
    """The verdict in one line of text."""
    return " ".join(verdict_sentences(result, show_hybrid=show_hybrid))


def export_filename(scenario: Scenario, extension: str, suffix: str = "") -> str:
    """``customer-support-classifier-article-tco.pptx``; ``suffix`` names a chart image, as the
    page's camera button does (``...-cumulative-cost.png``).

    >>> from tcocalc.model.params import _example
    >>> export_filename(_example(), "png", "cumulative-cost")
    'doctest-cumulative-cost.png'
    """
    return f"{slug(scenario.name)}-{suffix or 'tco'}.{extension}"
