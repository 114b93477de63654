"""The strategies month by month: the one implementation of the cost model.

:func:`walk` is a month-by-month loop over each variant, compiled with numba
(:func:`tcocalc.model.kernel._walk`). The same code serves one scenario (one variant), the
tornado's variants, the map's grid and the Monte Carlo's draws (thousands of variants, walked a
few months at a time so memory stays bounded). Every quantity it adds up is a function of
:mod:`tcocalc.model.costs`, called on the variant's numbers.

Strategies
    ``prompting``: an off-the-shelf model with a long prompt.
    ``fine_tuning``: a tuned model; prompting serves traffic during the lead time; every category
    change after go-live re-trains it at once.
    ``hybrid``: the tuned model serves known categories; calls for categories added since the last
    re-train go to the prompting fallback until the next re-train (the batch cadence, or a drift
    re-train or forced migration, which learn whatever is pending).

Rules, the same in both strategies with a tuned model (each pinned by a test in
``tests/model/test_rules.py``)
    *A category that arrives before go-live* (a month before the go-live month) is learnt by the
    first model: its examples are labeled in the month it arrives and the first model's training
    (charged in month 1) covers the data set as it stands at go-live. It needs no re-train and no
    fine-tuning change hours.
    *A change during the lead time* costs what prompting pays for it, since prompting serves the
    traffic then: the prompt's change hours and the prompt's examples for the new categories, plus
    the tuned model's examples for them (its first training needs them).
    *A change from the go-live month on* costs the fine-tuning strategy its change hours, the
    tuned model's examples and a re-train on the grown data set, at the prices of that month (the
    successor's after a migration); the hybrid pays the prompt's hours and examples at once and the
    tuned model's at its next re-train. :func:`tcocalc.model.breakeven.category_change_events`
    reports each event at its real size.
    *Dedicated replicas* are sized on the rate of calls while the tuned model is live (in the
    go-live month: the live share of the calls over the live part of the month, i.e. the month's
    full rate) and billed for the live part of the month.

Components (USD per month; a strategy's total is their sum and nothing else)
    ``engineering``   build hours (month 1) + hours per category change / re-train
    ``maintenance``   upkeep hours per month
    ``labeling``      labeled examples, at start and for each new category
    ``training``      compute of the first model, experiment runs included
    ``retraining``    compute of each re-train (category change, drift schedule, forced migration)
    ``inference``     per-token bills, hosting hours and dedicated GPU replicas
    ``errors``        calls x (1 - accuracy) x USD per wrong answer

Variants: any numeric field of :class:`~tcocalc.model.params.Params` may be an ``(n, 1)`` array and
the category schedule an ``(n, H)`` one; every result then has a leading axis of length ``n``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from tcocalc.model.kernel import AHEAD_TOLERANCE_USD as AHEAD_TOLERANCE_USD
from tcocalc.model.kernel import STATE_ROWS
from tcocalc.model.kernel import _walk as _compiled_walk
from tcocalc.model.params import Params
from tcocalc.model.walk_inputs import (
    _is_varied,
    walk_arrays,
)

Arr = npt.NDArray[np.float64]
_walk: Any = _compiled_walk  # numba's dispatcher: its declared signature means nothing to mypy
Strategy = Literal["prompting", "fine_tuning", "hybrid"]

STRATEGIES: tuple[Strategy, ...] = ("prompting", "fine_tuning", "hybrid")
COMPONENTS: tuple[str, ...] = (
    "engineering",
    "maintenance",
    "labeling",
    "training",
    "retraining",
    "inference",
    "errors",
)
PEOPLE_COMPONENTS = ("engineering", "maintenance")
ERROR_COMPONENTS = ("errors",)
STRATEGY_LABELS = {"prompting": "Prompting", "fine_tuning": "Fine-tuning", "hybrid": "Hybrid"}
COMPONENT_LABELS = {
    "engineering": "Engineering",
    "maintenance": "Maintenance",
    "labeling": "Labeling",
    "training": "Training compute",
    "retraining": "Re-training compute",
    "inference": "Inference",
    "errors": "Wrong answers",
}


def component_mask(include_engineering: bool, include_error_cost: bool) -> npt.NDArray[np.bool_]:
    """Which of :data:`COMPONENTS` count towards totals under the accounting toggles."""
    return np.array(
        [
            (name not in PEOPLE_COMPONENTS or include_engineering)
            and (name not in ERROR_COMPONENTS or include_error_cost)
            for name in COMPONENTS
        ]
    )


def _prepare(p: Params) -> tuple[Any, int]:
    """The walk's leading arguments (what every call of :func:`_walk` passes first: the
    variants' numbers, series and rate tables, both re-train cadences, the included components)
    and the variant count."""
    values, series, tables, n = walk_arrays(p)
    on = component_mask(p.include_engineering, p.include_error_cost).astype(np.float64)
    cadences = (p.f_retrain_every_months, p.h_retrain_every_months)
    return (values, series, tables, *cadences, on), n


_NO_COMPONENTS = np.zeros((0, 3, 7, 1))
_NO_DIFFERENCES = np.zeros((2, 0, 1))


class Step(NamedTuple):
    """One step of :func:`walk`: months ``first_month .. first_month + months - 1`` (1-based)."""

    first_month: int
    months: int
    cumulative: Arr | None
    """(3, months, n) cumulative included USD per strategy, or None when not asked for."""
    differences: Arr
    """(2, months, n): each challenger's cumulative USD minus prompting's."""
    totals: Arr
    """(3, n) cumulative USD at the end of the step (at the horizon after the last step)."""
    last_behind_month: Arr
    """(2, n) the last month so far in which each challenger was behind prompting (0: never)."""


def walk(p: Params, *, months_per_step: int = 12, with_cumulative: bool = False) -> Iterator[Step]:
    """The month walk a few months at a time, for the Monte Carlo: memory stays at a few months
    of draws however long the horizon. Steps come in order and cover months 1..H.

    Every step's arrays are views of the same buffers (C-contiguous): the next step overwrites
    them, so use or copy a step's numbers before asking for the next one (two steps' worth of
    differences alive at once was 38 MB more at 100,000 draws).
    """
    inputs, n = _prepare(p)
    h = p.horizon_months
    state = np.zeros((STATE_ROWS, n))
    step = max(1, months_per_step)
    longest = min(step, h)
    cumulative_buffer = np.empty(3 * longest * n if with_cumulative else 0)
    differences_buffer = np.empty(2 * longest * n)
    for m0 in range(0, h, step):
        m1 = min(h, m0 + step)
        k = m1 - m0 if with_cumulative else 0
        cumulative = cumulative_buffer[: 3 * k * n].reshape(3, k, n)
        differences = differences_buffer[: 2 * (m1 - m0) * n].reshape(2, m1 - m0, n)
        _walk(*inputs, state, m0, m1, _NO_COMPONENTS, cumulative, differences)
        yield Step(
            first_month=m0 + 1,
            months=m1 - m0,
            cumulative=cumulative if with_cumulative else None,
            differences=differences,
            totals=state[6:9],
            last_behind_month=state[9:11],
        )


def _run(p: Params, *, with_components: bool, keep_months: int) -> tuple[Arr, Arr, int]:
    inputs, n = _prepare(p)
    h = p.horizon_months
    components = np.empty((h, 3, 7, n)) if with_components else _NO_COMPONENTS
    cumulative = np.empty((3, keep_months, n))
    state = np.zeros((STATE_ROWS, n))
    _walk(*inputs, state, 0, h, components, cumulative, _NO_DIFFERENCES)
    return components, cumulative, n


def compute(p: Params) -> Arr:
    """Every component of every strategy, USD per month: shape ``(3, 7, H)``, or ``(n, 3, 7, H)``
    for ``n`` variants. Axis -3 follows :data:`STRATEGIES`, axis -2 :data:`COMPONENTS`.

    >>> from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_catalog, load_scenario
    >>> from tcocalc.model.params import resolve
    >>> p = resolve(load_scenario(DEFAULT_SCENARIO), load_catalog())
    >>> compute(p).shape, compute(p.with_values(monthly_calls=np.ones((5, 1)))).shape
    ((3, 7, 24), (5, 3, 7, 24))
    """
    components, _, _ = _run(p, with_components=True, keep_months=1)
    out = np.moveaxis(components, (0, 3), (3, 0))  # (n, 3, 7, H)
    return np.ascontiguousarray(out if _is_varied(p) else out[0])


def cumulative_totals(p: Params, *, last_months: int | None = None) -> Arr:
    """Cumulative USD of the included components at the end of each month: shape ``(3, H)``, or
    ``(n, 3, H)`` for ``n`` variants (only the last ``last_months`` months when given).

    >>> from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_catalog, load_scenario
    >>> from tcocalc.model.params import resolve
    >>> p = resolve(load_scenario(DEFAULT_SCENARIO), load_catalog())
    >>> expected = np.cumsum(compute_totals(p), axis=-1)
    >>> bool(np.allclose(cumulative_totals(p), expected, rtol=1e-12))
    True
    """
    h = p.horizon_months
    k = h if last_months is None else max(1, min(h, last_months))
    _, cumulative, _ = _run(p, with_components=False, keep_months=k)
    out = np.moveaxis(cumulative, 2, 0)  # (n, 3, k)
    return np.ascontiguousarray(out if _is_varied(p) else out[0])


def compute_totals(p: Params) -> Arr:
    """Monthly USD of the included components: shape ``(3, H)`` or ``(n, 3, H)``."""
    mask = component_mask(p.include_engineering, p.include_error_cost)
    return compute(p)[..., mask, :].sum(axis=-2)


def horizon_totals(p: Params) -> Arr:
    """Cumulative included USD at the horizon: shape ``(3,)`` or ``(n, 3)``."""
    return cumulative_totals(p, last_months=1)[..., 0]
