"""What every export says the way the page says it: the verdict, checkpoint months, money, names.

The words and the formats come from :mod:`tcocalc.present.summary` and the file names from
:mod:`tcocalc.present.charts` (the page's camera button), so a slide, a workbook and the page agree.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tcocalc.present import summary
from tcocalc.present.charts import slug

if TYPE_CHECKING:
    from tcocalc.model.projection import Result
    from tcocalc.model.scenario import Scenario

CHALLENGERS = ("fine_tuning", "hybrid")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""How a spreadsheet cell that a program evaluates can start (OWASP's CSV-injection list)."""
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold: an XLSX cell or a PPTX text run with one cannot be written."""


def document_text(text: str) -> str:
    """``text`` as an XLSX cell or a PPTX text run can hold it: control characters that XML
    cannot carry are dropped (tab and newline kept). Names and descriptions already refuse them;
    this is for text that comes from elsewhere (catalog entries, messages quoting ids).

    >>> document_text("Acme\x1b[31m\x07 bot")
    'Acme[31m bot'
    """
    return _NOT_XML.sub("", text)


def is_formula_like(value: Any) -> bool:
    """Whether a spreadsheet would run ``value`` as a formula (or a DDE command) if it were
    written as typed.

    >>> is_formula_like('=HYPERLINK("https://evil.example")'), is_formula_like("-1 %")
    (True, True)
    >>> is_formula_like("Customer support"), is_formula_like(-1.0)
    (False, False)
    """
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_text(value: Any) -> Any:
    """A CSV field that a spreadsheet shows as text: a string a program would evaluate gets a
    leading ``'`` (the convention spreadsheets hide when they read it); anything else unchanged.

    >>> csv_text("=cmd|' /C calc'!A0"), csv_text("plain"), csv_text(3.5)
    ("'=cmd|' /C calc'!A0", 'plain', 3.5)
    """
    if isinstance(value, str):
        value = document_text(value)
        return "'" + value if is_formula_like(value) else value
    return value


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
