"""What every export says the same way: the verdict, the checkpoint months, file names, money."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tcocalc.engine import Result
    from tcocalc.scenario import Scenario

CHECKPOINT_MONTHS = (12, 24, 36)
"""Months at which the totals are quoted, with the horizon (those past the horizon are dropped)."""

CHALLENGERS = ("fine_tuning", "hybrid")


def checkpoints(horizon_months: int) -> list[int]:
    """Months 12, 24, 36 and the horizon, those within the horizon, in order.

    >>> checkpoints(60), checkpoints(24), checkpoints(6)
    ([12, 24, 36, 60], [12, 24], [6])
    """
    return sorted({m for m in (*CHECKPOINT_MONTHS, horizon_months) if m <= horizon_months})


def verdict_sentences(result: Result) -> list[str]:
    """The answer: a sentence on fine-tuning, then one on the hybrid."""
    ft, hy = result.fine_tuning_breakeven, result.hybrid_breakeven
    return [f"Fine-tuning {ft.describe()}.", f"Hybrid {hy.describe()}."]


def verdict(result: Result) -> str:
    """The answer in one line of text (both sentences)."""
    return " ".join(verdict_sentences(result))


def usd(value: float) -> str:
    """Whole dollars for people: ``$12,345`` (``-$1,200`` below zero).

    >>> usd(12345.4), usd(-1200.0), usd(0.4)
    ('$12,345', '-$1,200', '$0')
    """
    rounded = round(value)
    sign = "-" if rounded < 0 else ""
    return f"{sign}${abs(rounded):,.0f}"


def slug(text: str) -> str:
    """A file-name-safe form of a scenario name.

    >>> slug("Customer support classifier (article)")
    'customer-support-classifier-article'
    """
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:60].rstrip("-") or "scenario"


def export_filename(scenario: Scenario, extension: str, suffix: str = "") -> str:
    """``customer-support-classifier-article-tco.pptx``; ``suffix`` names a chart image.

    >>> from tcocalc.params import _example
    >>> export_filename(_example(), "png", "cumulative")
    'doctest-cumulative.png'
    """
    base = slug(scenario.name)
    return f"{base}-{suffix or 'tco'}.{extension}"
