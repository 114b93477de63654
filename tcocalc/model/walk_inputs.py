"""The month walk's inputs as the compiled kernel reads them: one array per numeric field
(:data:`Values`), month-first series (:data:`Series`) and the per-token rate tables
(:data:`Tables`), built from :class:`~tcocalc.model.params.Params` by :func:`walk_arrays`."""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np
import numpy.typing as npt

from tcocalc.model.costs import RATE_ROW
from tcocalc.model.params import NUMERIC_FIELDS, Params

Arr = npt.NDArray[np.float64]

Values = namedtuple("Values", NUMERIC_FIELDS)  # type: ignore[misc]
"""One 1-D float64 array per numeric field: length 1 (shared by every variant) or n."""
Series = namedtuple(
    "Series",
    (
        "new_categories",
        "forced_migration",
        "prompt_migration",
        "f_training_price_ratio",
        "f_successor_training_price_ratio",
        "f_hosting_change_usd_per_hour",
        "f_successor_hosting_change_usd_per_hour",
    ),
)
"""Month-first ``(H, 1)`` or ``(H, n)`` float32 arrays (migrations as 0/1; the dated training
price ratios and hosting changes are float64)."""
TABLE_FIELDS = ("p_prices", "p_successor_prices", "f_prices", "f_successor_prices")
Tables = namedtuple(
    "Tables", ("p_prices", "p_successor_prices", "f_prices", "f_successor_prices", "changed")
)
"""Month-first ``(H, RATE_ROW)`` rows of per-token rates, shared by every variant, and
``changed`` (H,): 1.0 in the months whose rates differ from the month before."""


def variant_count(p: Params) -> int:
    """How many variants ``p`` holds: the length of its ``(n, 1)`` fields (or ``(n, H)``
    schedule); 1 when every field is a number."""
    sizes = [
        np.shape(x)[0]
        for x in (getattr(p, f) for f in NUMERIC_FIELDS)
        if not isinstance(x, float | int) and np.ndim(x)  # (numbers first: np.ndim is slow)
    ]
    if np.ndim(p.new_categories) == 2:
        sizes.append(np.shape(p.new_categories)[0])
    return max(sizes, default=1)


def _is_varied(p: Params) -> bool:
    fields = (getattr(p, f) for f in NUMERIC_FIELDS)
    return any(not isinstance(x, float | int) and np.ndim(x) for x in fields) or (
        np.ndim(p.new_categories) == 2
    )


def _vector(x: Any, n: int, name: str) -> Arr:
    if isinstance(x, float | int):  # most fields of most calls: a number shared by every variant
        return np.array((x,), dtype=np.float64)
    a = np.asarray(x, dtype=np.float64).reshape(-1)
    if a.size not in (1, n):
        raise ValueError(f"{name}: {a.size} values for {n} variants")
    return np.require(a, np.float64, ["C", "W"])


_PRICE_SERIES = frozenset(
    {
        "f_training_price_ratio",
        "f_successor_training_price_ratio",
        "f_hosting_change_usd_per_hour",
        "f_successor_hosting_change_usd_per_hour",
    }
)
"""Series of dated prices, kept in float64 (one (H, 1) column each: no memory to save)."""


def _months_first(x: Any, h: int, n: int, name: str) -> npt.NDArray[Any]:
    """A per-month series as ``(H, 1)`` or ``(H, n)`` float32 (whole category counts and 0/1
    flags are exact; a scaled schedule keeps 7 significant digits), months first; dated prices
    in float64."""
    a = np.asarray(x)
    a = a[:, None] if a.ndim == 1 else a.T
    if a.shape[0] != h or a.shape[1] not in (1, n):
        raise ValueError(f"{name}: shape {np.shape(x)} for {n} variants and {h} months")
    dtype = np.float64 if name in _PRICE_SERIES else np.float32
    return np.require(a, dtype, ["C", "W"])


def _table(x: Any, h: int, name: str) -> Arr:
    a = np.asarray(x, dtype=np.float64)
    if a.shape != (h, RATE_ROW):
        raise ValueError(f"{name}: shape {a.shape} for {h} months (expected ({h}, {RATE_ROW}))")
    return np.require(a, np.float64, ["C"])


def walk_arrays(p: Params) -> tuple[Any, Any, Any, int]:
    """The walk's inputs: :data:`Values`, :data:`Series`, :data:`Tables` and the variant count."""
    n = variant_count(p)
    h = p.horizon_months
    values = Values(*(_vector(getattr(p, f), n, f) for f in NUMERIC_FIELDS))
    series = Series(*(_months_first(getattr(p, f), h, n, f) for f in Series._fields))
    p_now, p_next, f_now, f_next = (_table(getattr(p, f), h, f) for f in TABLE_FIELDS)
    changed = np.zeros(h)
    for table in (p_now, p_next, f_now, f_next):
        changed[1:] += np.any(table[1:] != table[:-1], axis=1)
    return values, series, Tables(p_now, p_next, f_now, f_next, changed), n
