"""The Analysis methods in one line each, for people: the page's Analysis tab and the deck's
"What flips it" and "How sure" slides say them in the same words.

>>> nice_step(8000), nice_step(23_000), nice_step(0)
(2000.0, 5000.0, 1.0)
"""

from __future__ import annotations

import math

PERT_LINE = (
    "PERT: each uncertain input is drawn between its low and high value, most often near the "
    "likely one."
)
BAND_LINE = "P10–P90: eight draws in ten fall between the two outer lines; P50 is the middle one."
RANK_LINE = (
    "Rank correlation (−1 to 1): how closely an input's draws move with the difference; the "
    "largest drives the spread."
)
SWITCHING_LINE = (
    "Switching value: how far one input must move, the others as they are, for the cheaper "
    "strategy to change."
)


def nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 x 10^k) giving about ``ticks`` intervals over ``span``."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= raw)


def data_range(values: list[float]) -> tuple[float, float, float]:
    """``(low, high, step)``: an axis that spans ``values`` on round ticks (not from $0 unless
    the data reach it).

    >>> data_range([13_700.0, 14_331.0, 17_823.0, 10_839.0])
    (10000.0, 18000.0, 2000.0)
    """
    low, high = min(values), max(values)
    step = nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step
