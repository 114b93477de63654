"""The month walk itself: the compiled loop of :mod:`tcocalc.model.engine` (which documents the
strategies, the rules and the components it bills, and is what callers use).

One loop over the variants, and for each its months in order; every quantity it adds up is a
function of :mod:`tcocalc.model.costs`, called on the variant's numbers (``register_jitable``:
the same functions Python callers run as numpy).
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from tcocalc.model import costs as c
from tcocalc.model.numba_start import skip_blas_probe

skip_blas_probe()  # before numba loads the walk (see tcocalc.model.numba_start)

STATE_ROWS = 15
"""What the walk carries from one month to the next, per variant (see :func:`_walk`)."""
AHEAD_TOLERANCE_USD = 1e-6
"""A challenger is ahead of prompting when its cumulative cost exceeds prompting's by at most this
(as in :func:`tcocalc.model.breakeven.breakeven`)."""


@numba.njit(inline="always")
def _at(a: Any, i: int) -> Any:
    """Variant ``i``'s value of a field held once for all variants or once per variant."""
    return a[i] if a.shape[0] > 1 else a[0]


@numba.njit(inline="always")
def _at_month(a: Any, m: int, i: int) -> Any:
    return a[m, i] if a.shape[1] > 1 else a[m, 0]


@numba.njit(inline="always")
def _store(components: Any, month: int, strategy: int, i: int, row: Any) -> None:
    """Write a strategy's seven components of one month (constant indices: no tuple in memory)."""
    components[month, strategy, 0, i] = row[0]
    components[month, strategy, 1, i] = row[1]
    components[month, strategy, 2, i] = row[2]
    components[month, strategy, 3, i] = row[3]
    components[month, strategy, 4, i] = row[4]
    components[month, strategy, 5, i] = row[5]
    components[month, strategy, 6, i] = row[6]


@numba.njit(inline="always")
def _included(row: Any, on: Any, all_on: bool) -> Any:
    """The month's total of the included components, added in :data:`COMPONENTS` order (an
    excluded one is x 0.0, which leaves the sum exact; with every one included, x 1.0 is left
    out, which changes no bit)."""
    if all_on:
        return row[0] + row[1] + row[2] + row[3] + row[4] + row[5] + row[6]
    return (
        row[0] * on[0]
        + row[1] * on[1]
        + row[2] * on[2]
        + row[3] * on[3]
        + row[4] * on[4]
        + row[5] * on[5]
        + row[6] * on[6]
    )


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _walk(
    v: Any,
    s: Any,
    t: Any,
    f_retrain_every_months: int,
    h_retrain_every_months: int,
    on: Any,
    state: Any,
    m0: int,
    m1: int,
    components: Any,
    cumulative: Any,
    differences: Any,
) -> None:
    """Walk months ``m0 .. m1 - 1`` (0-based) of every variant.

    ``state`` (``STATE_ROWS`` x n) carries, per variant: calls this month, new examples labeled so
    far, categories added since go-live, categories the hybrid's tuned model knows, whether each
    model has migrated, the cumulative total of each strategy, and the last month (1-based, 0:
    none yet) each challenger was behind prompting by more than :data:`AHEAD_TOLERANCE_USD`,
    the categories added since month 1 (the prompt covers them), and the price trends and
    discount factor reached (each compounds month by month, so steps change no bit).
    ``components`` (months, 3, 7, n) receives every component when it has rows (USD of each
    month, as billed); ``cumulative`` (3, k, n) the cumulative included totals of the last ``k``
    months walked, each month discounted at the variant's discount rate (plain dollars at 0 %);
    ``differences`` (2, k, n) each challenger's cumulative minus prompting's, for the last ``k``
    months.
    (Division by zero gives inf or nan, as in numpy, instead of raising: the inputs' validation
    keeps divisors positive.)
    """
    n = state.shape[1]
    keep = components.shape[0] > 0
    all_on = on[0] == 1.0 and on[1] == 1.0 and on[2] == 1.0 and on[3] == 1.0
    all_on = all_on and on[4] == 1.0 and on[5] == 1.0 and on[6] == 1.0
    last_kept = m1 - cumulative.shape[1]
    last_diff = m1 - differences.shape[1]
    # Each variant's calls and dedicated replicas for the months of this walk, computed before
    # its month loop: the replica count's chain of divisions and roundings then runs as one
    # tight loop (independent months, pipelined) instead of waiting inside every month.
    calls_of = np.empty(m1 - m0)
    f_replicas_of = np.zeros(m1 - m0)
    for i in range(n):
        rate = _at(v.engineer_usd_per_hour, i)
        wrong_usd = _at(v.usd_per_wrong_answer, i)
        growth = c.growth_factor(_at(v.monthly_growth_pct, i))
        lead = _at(v.f_lead_time_weeks, i)
        go = c.go_live_month(lead)
        p_acc, f_acc = _at(v.p_accuracy, i), _at(v.f_accuracy, i)
        peak = _at(v.peak_to_average_ratio, i)
        per_replica = _at(v.f_calls_per_second_per_replica, i)
        min_replicas = _at(v.f_min_replicas, i)
        spares = _at(v.f_redundancy_replicas, i)
        p95 = _at(v.f_p95_latency_seconds, i)
        slots = _at(v.f_slots_per_replica, i)
        call_s = _at(v.f_call_seconds, i)
        replica_usd_h = _at(v.f_replica_usd_per_hour, i)
        share_per_new = _at(v.h_traffic_share_per_new_category, i)
        p_examples_new = _at(v.p_examples_per_new_category, i)
        p_label_usd = _at(v.p_usd_per_labeled_example, i)
        f_examples_new = _at(v.f_examples_per_new_category, i)
        f_label_usd = _at(v.f_usd_per_labeled_example, i)
        f_examples0 = _at(v.f_training_examples, i)
        f_tokens_per_example = _at(v.f_tokens_per_example, i)
        epochs = _at(v.f_epochs, i)
        p_change_h = _at(v.p_hours_per_category_change, i)
        p_migration_h = _at(v.p_hours_per_model_migration, i)
        f_change_h = _at(v.f_hours_per_category_change, i)
        f_retrain_h = _at(v.f_hours_per_retrain, i)
        f_build_h, p_build_h = _at(v.f_build_hours, i), _at(v.p_build_hours, i)

        # The call's tokens; the bill of one call is priced month by month from the tables.
        p_tokens_in = _at(v.p_input_tokens_per_call, i)
        p_static = _at(v.p_static_prefix_tokens_per_call, i)
        p_hit = _at(v.p_cache_hit_rate, i)
        p_per_category = _at(v.p_input_tokens_per_new_category, i)
        p_out = (
            _at(v.p_output_tokens_per_call, i) + _at(v.p_reasoning_tokens_per_call, i),
            _at(v.p_output_tokens_per_call, i) + _at(v.p_successor_reasoning_tokens_per_call, i),
        )
        p_factor = _at(v.p_price_factor, i)
        f_tokens_in = _at(v.f_input_tokens_per_call, i)
        f_tokens_out = _at(v.f_output_tokens_per_call, i)
        f_static = _at(v.f_static_prefix_tokens_per_call, i)
        f_hit = _at(v.f_cache_hit_rate, i)
        f_factor = _at(v.f_price_factor, i)
        batch_share = _at(v.batch_share, i)
        # A yearly trend and a discount rate, as multipliers from one month to the next.
        p_step = c.yearly_change_per_month(_at(v.p_price_change_pct_per_year, i))
        f_step = c.yearly_change_per_month(_at(v.f_price_change_pct_per_year, i))
        d_step = 1.0 / c.yearly_change_per_month(_at(v.discount_rate_pct_per_year, i))
        hosting_usd_h = (
            _at(v.f_hosting_usd_per_hour, i),
            _at(v.f_successor_hosting_usd_per_hour, i),
        )
        usd_per_training_token = (
            _at(v.f_usd_per_training_token, i),
            _at(v.f_successor_usd_per_training_token, i),
        )
        p_maintenance = c.people_usd(_at(v.p_maintenance_hours_per_month, i), rate)
        f_maintenance_full = c.people_usd(_at(v.f_maintenance_hours_per_month, i), rate)
        # Categories that arrive before the go-live month are in the first model's data set.
        before_live = 0.0
        for mm in range(s.new_categories.shape[0]):
            if mm + 1.0 >= go:
                break
            before_live += _at_month(s.new_categories, mm, i)
        initial_training = c.training_run_usd(
            (f_examples0 + before_live * f_examples_new) * f_tokens_per_example,
            epochs,
            usd_per_training_token[0],
            _at(v.f_experiment_multiplier, i),
        )
        f_labels_at_start = c.labeling_usd(f_examples0, f_label_usd)
        p_labels_at_start = c.labeling_usd(_at(v.p_labeled_examples, i), p_label_usd)

        calls = state[0, i] if m0 > 0 else _at(v.monthly_calls, i)
        for m in range(m0, m1):
            if m > 0:
                calls *= growth  # calls_per_month, one month at a time
            calls_of[m - m0] = calls
        if replica_usd_h > 0.0:
            for k in range(m1 - m0):
                f_replicas_of[k] = c.replicas_needed(
                    calls_of[k], peak, per_replica, min_replicas, spares, p95, slots, call_s
                )
        examples_added, added, known = state[1, i], state[2, i], state[3, i]
        p_moved, moved = state[4, i], state[5, i]
        cum_p, cum_f, cum_h = state[6, i], state[7, i], state[8, i]
        behind_f, behind_h = state[9, i], state[10, i]
        categories_added = state[11, i]
        # Trends and discounting compound month by month from month 1, across steps as in one.
        if m0 > 0:
            p_trend, f_trend, weight = state[12, i], state[13, i], state[14, i]
        else:
            p_trend, f_trend, weight = 1.0, 1.0, 1.0
        p_bill, f_bill = -1.0, -1.0  # USD per call before the trend; < 0: to be priced
        for m in range(m0, m1):
            month = m + 1.0
            first = m == 0
            calls = calls_of[m - m0]
            new = _at_month(s.new_categories, m, i)
            event = new > 0.0
            categories_added += new
            p_moves = _at_month(s.prompt_migration, m, i) > 0.0
            migration = _at_month(s.forced_migration, m, i) > 0.0
            if p_moves:
                p_moved = 1.0
            if migration:
                moved = 1.0
            # The month's prices (today's model, or the successor once it has migrated), the
            # prompt as long as the categories it covers, the trend since month 1.
            # The bills of one call are re-priced only when a price, the prompt or the model
            # changes (the trend scales them every month).
            if m == m0 or t.changed[m] > 0.0 or p_moves or migration:
                p_bill = -1.0
                f_bill = -1.0
            if p_bill < 0.0 or (event and p_per_category != 0.0):
                p_grown: Any = c.prompt_tokens_per_call(
                    p_tokens_in, p_per_category, categories_added
                )
                p_prefix: Any = c.prompt_tokens_per_call(p_static, p_per_category, categories_added)
                if p_moved:
                    p_rates, p_out_now, p_scale = t.p_successor_prices[m], p_out[1], 1.0
                else:
                    p_rates, p_out_now, p_scale = t.p_prices[m], p_out[0], p_factor
                p_bill = (
                    c.usd_per_call(p_rates, p_grown, p_prefix, p_hit, p_out_now, batch_share)
                    * p_scale
                )
            if f_bill < 0.0:
                f_rates = t.f_successor_prices[m] if moved else t.f_prices[m]
                f_bill = c.usd_per_call(
                    f_rates, f_tokens_in, f_static, f_hit, f_tokens_out, batch_share
                ) * (1.0 if moved else f_factor)
            p_call = p_bill * p_trend
            f_call = f_bill * f_trend
            if moved:
                hosting_now = hosting_usd_h[1] + _at_month(
                    s.f_successor_hosting_change_usd_per_hour, m, i
                )
                training_token_now = usd_per_training_token[1] * _at_month(
                    s.f_successor_training_price_ratio, m, i
                )
            else:
                hosting_now = hosting_usd_h[0] + _at_month(s.f_hosting_change_usd_per_hour, m, i)
                training_token_now = usd_per_training_token[0] * _at_month(
                    s.f_training_price_ratio, m, i
                )
            hosting_now *= f_trend
            live = c.live_fraction(lead, month)
            after_live = month >= go
            drift = c.retrain_due(f_retrain_every_months, month, go)
            batch = c.retrain_due(h_retrain_every_months, month, go)
            rebuilt = (drift or migration) and after_live  # re-trained on whatever is pending

            # --- Prompting -------------------------------------------------------------------
            p_change_labels = c.labeling_usd(new * p_examples_new, p_label_usd)
            p_eng = (c.people_usd(p_build_h, rate) if first else 0.0) + (
                c.people_usd(p_change_h, rate) * event
                + (c.people_usd(p_migration_h, rate) if p_moves else 0.0)
            )
            p_labels = (p_labels_at_start if first else 0.0) + p_change_labels
            p_inference = calls * p_call
            p_errors = c.error_usd(calls, p_acc, wrong_usd)

            # --- Fine-tuning -----------------------------------------------------------------
            examples_added += new * f_examples_new  # labeled in the month they arrive
            new_labels = c.labeling_usd(new * f_examples_new, f_label_usd)
            event_retrain = event and after_live
            f_runs = event_retrain or rebuilt
            # Priced in the months a model re-trains (most months none does).
            retrain_cost = (
                c.training_run_usd(
                    (f_examples0 + examples_added) * f_tokens_per_example,
                    epochs,
                    training_token_now,
                )
                if f_runs or batch or rebuilt
                else 0.0
            )
            f_hours = (
                (f_build_h if first else 0.0)
                + (f_change_h if event_retrain else 0.0)
                + (f_retrain_h if f_runs and not event_retrain else 0.0)
                # Before go-live prompting serves traffic, so its prompt absorbs the change.
                + (p_change_h if event and not after_live else 0.0)
            )
            gap = f_call - p_call
            hosting = c.hourly_usd(hosting_now, live)
            f_inference = calls * (p_call + live * gap) + hosting
            if replica_usd_h > 0.0 and live > 0.0:
                # Sized on the rate while live: (calls x live) over the live part of the month.
                f_replicas = f_replicas_of[m - m0]
                f_inference += c.hourly_usd(f_replicas * replica_usd_h, live)
            f_errors = c.error_usd(calls, live * f_acc + (1.0 - live) * p_acc, wrong_usd)
            f_row = (
                c.people_usd(f_hours, rate),
                f_maintenance_full * live,
                (f_labels_at_start if first else 0.0)
                + new_labels
                # During the lead time the prompt serves, so it needs the change's examples too.
                + (p_change_labels if event and not after_live else 0.0),
                initial_training if first else 0.0,
                retrain_cost if f_runs else 0.0,
                f_inference,
                f_errors,
            )

            # --- Hybrid: categories pending since the tuned model's last re-train ------------
            if after_live:
                added += new
            pending = added - known
            retrains = batch or rebuilt
            h_category_runs = retrains and pending > 0.0
            h_runs = h_category_runs or rebuilt
            if retrains:
                known = max(known, added)  # learnt now: known from next month on
            h_share = live * (1.0 - min(1.0, pending * share_per_new))
            h_hours = (
                ((f_build_h + p_build_h) if first else 0.0)
                + (p_change_h if event else 0.0)
                + (p_migration_h if p_moves else 0.0)
                + (f_change_h if h_category_runs else 0.0)
                + (f_retrain_h if h_runs and not h_category_runs else 0.0)
            )
            h_inference = calls * (p_call + h_share * gap) + hosting
            if replica_usd_h > 0.0 and live > 0.0:
                # The tuned model's share of the calls, over the live part of the month (the
                # fine-tuning strategy's count when no category waits: the same rate).
                replicas = (
                    f_replicas
                    if h_share == live
                    else c.replicas_needed(
                        calls * (h_share / live),
                        peak,
                        per_replica,
                        min_replicas,
                        spares,
                        p95,
                        slots,
                        call_s,
                    )
                )
                h_inference += c.hourly_usd(replicas * replica_usd_h, live)
            h_errors = c.error_usd(calls, h_share * f_acc + (1.0 - h_share) * p_acc, wrong_usd)
            h_row = (
                c.people_usd(h_hours, rate),
                p_maintenance + f_maintenance_full * live,
                (f_labels_at_start if first else 0.0)
                + new_labels
                + (p_labels_at_start if first else 0.0)
                + p_change_labels,
                initial_training if first else 0.0,
                retrain_cost if h_runs else 0.0,
                h_inference,
                h_errors,
            )
            p_row = (p_eng, p_maintenance, p_labels, 0.0, 0.0, p_inference, p_errors)

            if keep:
                _store(components, m - m0, 0, i, p_row)
                _store(components, m - m0, 1, i, f_row)
                _store(components, m - m0, 2, i, h_row)
            cum_p += _included(p_row, on, all_on) * weight
            cum_f += _included(f_row, on, all_on) * weight
            cum_h += _included(h_row, on, all_on) * weight
            p_trend *= p_step
            f_trend *= f_step
            weight *= d_step
            if m >= last_kept:
                cumulative[0, m - last_kept, i] = cum_p
                cumulative[1, m - last_kept, i] = cum_f
                cumulative[2, m - last_kept, i] = cum_h
            d_f, d_h = cum_f - cum_p, cum_h - cum_p
            if d_f > AHEAD_TOLERANCE_USD:
                behind_f = month
            if d_h > AHEAD_TOLERANCE_USD:
                behind_h = month
            if m >= last_diff:
                differences[0, m - last_diff, i] = d_f
                differences[1, m - last_diff, i] = d_h
        state[0, i], state[1, i], state[2, i], state[3, i] = calls, examples_added, added, known
        state[4, i], state[5, i] = p_moved, moved
        state[6, i], state[7, i], state[8, i] = cum_p, cum_f, cum_h
        state[9, i], state[10, i] = behind_f, behind_h
        state[11, i] = categories_added
        state[12, i], state[13, i], state[14, i] = p_trend, f_trend, weight
