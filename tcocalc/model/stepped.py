"""The engine month by month over many variants: cumulative totals for Monte Carlo batches.

:func:`tcocalc.model.engine.compute_totals` computes every month of a variant at once, which is the fast
way for one scenario or a few hundred variants. For thousands of variants (Monte Carlo draws) most
of its array work is spent where a month-by-month walk spends none: events that happen in few
months (first month, drift and batch re-trains, migrations) are whole ``(draws, H)`` arrays, and the
running quantities (examples, categories pending, cumulative totals) are accumulations along the
months, which numpy cannot vectorise across draws.

:func:`cumulative_totals_by_month` walks the months in Python and vectorises over the variants
(never a loop over draws): a month's quantity is a vector of variants, or one number when every
variant shares it, in which case an event that does not happen that month costs nothing. Every
term is the same expression as in :func:`tcocalc.model.engine._component_series`, built from the same
:mod:`tcocalc.model.costs` functions in the same order, so the result is equal to
``np.cumsum(compute_totals(p), axis=-1)`` bit for bit (``tests/test_stepped.py`` checks it on
random scenarios). Terms that are zero in a month are skipped, which leaves a sum of non-negative
numbers unchanged. One exception: when the monthly growth differs between variants, calls grow by
one multiplication a month instead of a power per month (equal to about 1e-13 relative).

Layout: months first, variants last and contiguous, ``(3, H, n)``, the layout percentiles over
draws want.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from tcocalc.model import costs as c
from tcocalc.model.engine import component_mask, every_months_after_go_live
from tcocalc.model.params import NUMERIC_FIELDS, Params

Arr = npt.NDArray[np.float64]


def variant_count(p: Params) -> int:
    """How many variants ``p`` holds: the length of its ``(n, 1)`` fields (or ``(n, H)``
    schedule), 1 when every field is a number.

    >>> from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_catalog, load_scenario
    >>> from tcocalc.model.params import resolve
    >>> _example_params = lambda: resolve(load_scenario(DEFAULT_SCENARIO), load_catalog())
    >>> variant_count(_example_params().with_values(monthly_calls=np.ones((4, 1))))
    4
    """
    sizes = [np.shape(getattr(p, name))[0] for name in NUMERIC_FIELDS if np.ndim(getattr(p, name))]
    if np.ndim(p.new_categories) == 2:
        sizes.append(np.shape(p.new_categories)[0])
    return max(sizes, default=1)


def _variants(x: Any) -> Any:
    """A field as a contiguous vector of variants (``(n, 1)`` -> ``(n,)``), or as one number when
    every variant has the same value (the same arithmetic, done once)."""
    a = np.asarray(x, dtype=np.float64).reshape(-1)
    return a if a.size > 1 and (a != a[0]).any() else a[0]


def _vector(x: Any) -> bool:
    """Whether ``x`` holds one value per variant (``np.ndim(x) > 0``, ten times cheaper)."""
    return type(x) is np.ndarray and x.ndim > 0


def _months_first(x: Any) -> Any:
    """A series ``(n, H)`` as ``(H, n)`` (a month is then a contiguous vector); ``(H,)`` as is."""
    a = np.asarray(x)
    return np.ascontiguousarray(a.T) if a.ndim == 2 else a


def _where(mask: Any, x: Any) -> Any:
    """``np.where(mask, x, 0.0)``; for one shared mask, ``x`` or ``None`` (nothing to add).

    ``x`` is ``None`` only where ``mask`` is false for every variant."""
    if x is None or not _vector(mask):
        return x if x is not None and mask else None
    return np.where(mask, x, 0.0)


def _sum(*terms: Any) -> Any:
    """Left-to-right sum of the terms that are not ``None`` (0.0 when none is left).

    Adds in place into the first array it allocates (never into a term, which may be shared).
    """
    total: Any = None
    owned = False
    for t in terms:
        if t is None:
            continue
        if total is None:
            total = t
        elif owned:
            np.add(total, t, out=total)
        else:
            total = total + t
            owned = isinstance(total, np.ndarray) and total.ndim > 0
    return 0.0 if total is None else total


def _and(a: Any, b: Any) -> Any:
    """``a & b`` for masks that are vectors of variants or one shared value."""
    if not _vector(a):
        return b if a else False
    if not _vector(b):
        return a if b else False
    return a & b


def _or(a: Any, b: Any) -> Any:
    """``a | b`` for masks that are vectors of variants or one shared value."""
    if not _vector(a):
        return True if a else b
    if not _vector(b):
        return True if b else a
    return a | b


def _not(a: Any) -> Any:
    return ~a if _vector(a) else (not a)


def cumulative_totals_by_month(p: Params) -> Arr:
    """Cumulative USD of each strategy at the end of each month, shape ``(3, H, n)``.

    Equal to ``np.cumsum(compute_totals(p), axis=-1)`` moved to ``(3, H, n)`` (``n`` from
    :func:`variant_count`), only faster for thousands of variants.

    >>> from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_catalog, load_scenario
    >>> from tcocalc.model.engine import compute_totals
    >>> from tcocalc.model.params import resolve
    >>> p = resolve(load_scenario(DEFAULT_SCENARIO), load_catalog())
    >>> p = p.with_values(monthly_calls=np.array([[1e5], [2e6]]))
    >>> expected = np.cumsum(compute_totals(p), axis=-1)
    >>> bool(np.array_equal(cumulative_totals_by_month(p), expected.transpose(1, 2, 0)))
    True
    """
    h, n = p.horizon_months, variant_count(p)
    v = {name: _variants(getattr(p, name)) for name in NUMERIC_FIELDS}
    # Which components count, in the order of engine.COMPONENTS (the order of each tuple below).
    included = component_mask(p.include_engineering, p.include_error_cost).tolist()
    with_errors = p.include_error_cost
    months = c.months_of(h)
    rate = v["engineer_usd_per_hour"]

    # Series over the months (shared (H,) or per variant (H, n)), as the engine computes them.
    growth = c.growth_factor(v["monthly_growth_pct"])
    if np.ndim(growth) == 0:  # one growth rate: the engine's power series, bit for bit
        volume = c.calls_per_month(1.0, v["monthly_growth_pct"], months)
    calls_m: Any = v["monthly_calls"]
    new_cats = _months_first(np.asarray(p.new_categories, dtype=np.float64))
    live = _months_first(c.live_fraction(p.f_lead_time_weeks, months))
    go = c.go_live_month(p.f_lead_time_weeks)
    after_live = _months_first(months >= go)
    drift = _months_first(every_months_after_go_live(p.f_retrain_every_months, months, go))
    batch = _months_first(every_months_after_go_live(p.h_retrain_every_months, months, go))
    p_moves = np.asarray(p.prompt_migration, dtype=bool)
    p_moved = np.maximum.accumulate(p_moves, axis=-1)
    migration = np.asarray(p.forced_migration, dtype=bool)
    moved = np.maximum.accumulate(migration, axis=-1)

    # Per variant: today's prices [0] and the successor's after a migration [1].
    one = np.ones(())
    p_per_call = [
        c.token_inference_usd(
            one,
            v["p_input_tokens_per_call"],
            v["p_output_tokens_per_call"],
            v[f"p_{pre}usd_per_1m_input_tokens"],
            v[f"p_{pre}usd_per_1m_output_tokens"],
        )
        for pre in ("", "successor_")
    ]
    f_per_call = [
        c.token_inference_usd(
            one,
            v["f_input_tokens_per_call"],
            v["f_output_tokens_per_call"],
            v[f"f_{pre}usd_per_1m_input_tokens"],
            v[f"f_{pre}usd_per_1m_output_tokens"],
        )
        for pre in ("", "successor_")
    ]
    hosting = [v["f_hosting_usd_per_hour"], v["f_successor_hosting_usd_per_hour"]]
    usd_per_training_token = [
        v["f_usd_per_training_token"],
        v["f_successor_usd_per_training_token"],
    ]
    gap = {(a, b): f_per_call[b] - p_per_call[a] for a in (0, 1) for b in (0, 1)}
    blended: dict[tuple[object, ...], Any] = {}  # per-call price at a shared tuned share

    p_change_hours_usd = c.people_usd(v["p_hours_per_category_change"], rate)
    p_migration_usd = c.people_usd(v["p_hours_per_model_migration"], rate)
    p_build_usd = c.people_usd(v["p_build_hours"], rate)
    p_maintenance_usd = np.asarray(c.people_usd(v["p_maintenance_hours_per_month"], rate))
    p_labels_at_start = c.labeling_usd(v["p_labeled_examples"], v["p_usd_per_labeled_example"])
    f_maintenance_usd = c.people_usd(v["f_maintenance_hours_per_month"], rate)
    initial_training = c.training_run_usd(
        v["f_training_examples"] * v["f_tokens_per_example"],
        v["f_epochs"],
        v["f_usd_per_training_token"],
        v["f_experiment_multiplier"],
    )
    labels_at_start = c.labeling_usd(v["f_training_examples"], v["f_usd_per_labeled_example"])
    dedicated = p.is_dedicated

    def inference(calls_m: Any, share: Any, a: int, b: int, live_m: Any) -> Any:
        """As ``inference`` in the engine: tuned share at the tuned price, the rest prompted."""
        if not _vector(share):
            key = (float(share), a, b)
            if key not in blended:
                blended[key] = p_per_call[a] + share * gap[a, b]
            per_call = blended[key]
        else:
            per_call = p_per_call[a] + share * gap[a, b]
        out = calls_m * per_call
        hosted = c.hourly_usd(hosting[b], live_m)
        if _vector(hosted) or hosted:  # (no hosting fee: adding 0.0 changes nothing)
            out = out + hosted
        if not dedicated:
            return out
        replicas = c.replicas_needed(
            calls_m * share,
            v["peak_to_average_ratio"],
            v["f_calls_per_second_per_replica"],
            v["f_min_replicas"],
        )
        return out + c.hourly_usd(replicas * v["f_replica_usd_per_hour"], live_m)

    def errors(calls_m: Any, share: Any) -> Any:
        accuracy = share * v["f_accuracy"] + (1.0 - share) * v["p_accuracy"]
        return c.error_usd(calls_m, accuracy, v["usd_per_wrong_answer"])

    out = np.empty((3, h, n))
    examples_added: Any = 0.0  # running sum of new examples (the engine's cumsum)
    added: Any = 0.0  # categories arrived after go-live, running
    known: Any = 0.0  # categories the tuned hybrid model knows (running max of re-train points)
    known_at_last_month: Any = None  # categories learnt at a re-train last month
    one_growth = not _vector(growth)
    for m in range(h):
        first = m == 0
        if one_growth:
            calls_m = v["monthly_calls"] * volume[m]
        elif m:
            # Growth differs between variants: grown month by month, which agrees with the
            # engine's power to about 1e-13 relative instead of bit for bit (6x less work).
            calls_m = calls_m * growth
        new_m, live_m, live_now = new_cats[m], live[m], after_live[m]
        if _vector(new_m) and not new_m.any():
            new_m = 0.0  # no variant gets new categories this month: every event term is 0
        has_event = new_m > 0
        a, b = int(p_moved[m]), int(moved[m])
        rebuild = drift[m] | migration[m]  # a drift re-train or a forced migration this month

        # --- Prompting ---------------------------------------------------------------------
        p_change_usd = _sum(p_change_hours_usd * has_event, p_migration_usd if p_moves[m] else None)
        p_change_labels = c.labeling_usd(
            new_m * v["p_examples_per_new_category"], v["p_usd_per_labeled_example"]
        )
        prompting = (
            _sum(p_build_usd if first else None, p_change_usd),
            p_maintenance_usd,
            _sum(p_labels_at_start if first else None, p_change_labels),
            None,
            None,
            calls_m * p_per_call[a],
            c.error_usd(calls_m, v["p_accuracy"], v["usd_per_wrong_answer"])
            if with_errors
            else None,
        )

        # --- Fine-tuning -------------------------------------------------------------------
        arrive = _vector(new_m) or new_m > 0
        if arrive:
            examples_added = examples_added + new_m * v["f_examples_per_new_category"]
        event_retrain = _and(has_event, live_now)
        f_runs = _or(event_retrain, _and(rebuild, live_now))  # (rebuild: drift or migration)

        # --- Hybrid: categories pending since the tuned model's last re-train ---------------
        # (Skipped terms add 0.0 or take the max with 0.0 of non-negative counts.)
        if arrive:
            added = added + np.where(live_now, new_m, 0.0)
        if known_at_last_month is not None:
            known = np.maximum(known, known_at_last_month)
        pending = added - known if _vector(known) or known > 0 else added
        rebuilt = _and(rebuild, live_now)
        retrains = _or(batch[m], rebuilt)
        known_at_last_month = _where(retrains, added)
        h_category_runs = _and(retrains, pending > 0)
        h_runs = _or(h_category_runs, rebuilt)

        retrain_cost = None
        if (f_runs.any() if _vector(f_runs) else f_runs) or (
            h_runs.any() if _vector(h_runs) else h_runs
        ):
            examples = v["f_training_examples"] + examples_added
            retrain_cost = c.training_run_usd(
                examples * v["f_tokens_per_example"], v["f_epochs"], usd_per_training_token[b]
            )
        new_labels = c.labeling_usd(
            new_m * v["f_examples_per_new_category"], v["f_usd_per_labeled_example"]
        )
        f_hours = _sum(
            v["f_build_hours"] if first else None,
            _where(event_retrain, v["f_hours_per_category_change"]),
            _where(_and(f_runs, _not(event_retrain)), v["f_hours_per_retrain"]),
            _where(_and(has_event, _not(live_now)), v["p_hours_per_category_change"]),
        )
        fine_tuning = (
            c.people_usd(f_hours, rate),
            f_maintenance_usd * live_m,
            _sum(labels_at_start if first else None, new_labels),
            initial_training if first else None,
            _where(f_runs, retrain_cost),
            inference(calls_m, live_m, a, b, live_m),
            errors(calls_m, live_m) if with_errors else None,
        )

        fallback = np.minimum(1.0, pending * v["h_traffic_share_per_new_category"])
        h_share = live_m * (1.0 - fallback)
        h_hours = _sum(
            (np.asarray(v["f_build_hours"]) + v["p_build_hours"]) if first else None,
            _where(has_event, v["p_hours_per_category_change"]),
            _where(p_moves[m], v["p_hours_per_model_migration"]),
            _where(h_category_runs, v["f_hours_per_category_change"]),
            _where(_and(h_runs, _not(h_category_runs)), v["f_hours_per_retrain"]),
        )
        hybrid = (
            c.people_usd(h_hours, rate),
            p_maintenance_usd + f_maintenance_usd * live_m,
            _sum(
                labels_at_start if first else None,
                new_labels,
                p_labels_at_start if first else None,
                p_change_labels,
            ),
            initial_training if first else None,
            _where(h_runs, retrain_cost),
            inference(calls_m, h_share, a, b, live_m),
            errors(calls_m, h_share) if with_errors else None,
        )

        for s, components in enumerate((prompting, fine_tuning, hybrid)):
            total = _sum(*(x for x, on in zip(components, included, strict=True) if on))
            if first:
                out[s, m] = total
            else:
                np.add(out[s, m - 1], total, out=out[s, m])
    return out
