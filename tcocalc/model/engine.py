"""The projection: three strategies, seven cost components, month by month.

:func:`compute` does the arithmetic on :class:`~tcocalc.model.params.Params` and works on many
variants at once; :func:`tcocalc.model.projection.project` is the entry point for a scenario.

Strategies
    ``prompting``: an off-the-shelf model with a long prompt.
    ``fine_tuning``: a tuned model; prompting serves traffic during the lead time; every category
    change after go-live re-trains it at once.
    ``hybrid``: the tuned model serves known categories; calls for categories added since the last
    re-train go to the prompting fallback until the next re-train (the batch cadence, or a drift
    re-train or forced migration, which learn whatever is pending).

Components (USD per month; a strategy's total is their sum and nothing else)
    ``engineering``   build hours (month 1) + hours per category change / re-train
    ``maintenance``   upkeep hours per month
    ``labeling``      labeled examples, at start and for each new category
    ``training``      compute of the first model, experiment runs included
    ``retraining``    compute of each re-train (category change, drift schedule, forced migration)
    ``inference``     per-token bills, hosting hours and dedicated GPU replicas
    ``errors``        calls x (1 - accuracy) x USD per wrong answer
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from tcocalc.model import costs as c
from tcocalc.model.params import NUMERIC_FIELDS, Params

if TYPE_CHECKING:
    pass

Arr = npt.NDArray[np.float64]
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


def _at_month(value: c.Num, months: Arr, month: float) -> Arr:
    """``value`` in ``month``, 0 elsewhere (an up-front cost)."""
    return np.where(months == month, value, 0.0)


def component_mask(include_engineering: bool, include_error_cost: bool) -> npt.NDArray[np.bool_]:
    """Which of :data:`COMPONENTS` count towards totals under the accounting toggles."""
    return np.array(
        [
            (name not in PEOPLE_COMPONENTS or include_engineering)
            and (name not in ERROR_COMPONENTS or include_error_cost)
            for name in COMPONENTS
        ]
    )


def compute(p: Params) -> Arr:
    """All components of all strategies: an array of shape ``(..., 3, 7, H)`` in USD per month.

    The leading dimensions are those of the varied parameters (none for one scenario, ``(n,)``
    when some fields are ``(n, 1)`` arrays). Axis -3 follows :data:`STRATEGIES`, axis -2
    :data:`COMPONENTS`.
    """
    shape, series = _component_series(p)
    return np.stack(
        [np.stack([np.broadcast_to(x, shape) for x in s], axis=-2) for s in series],
        axis=-3,
    )


def compute_totals(p: Params) -> Arr:
    """Monthly totals of the components the toggles include: shape ``(..., 3, H)``, USD/month.

    Equal to ``compute(p)[..., component_mask(...), :].sum(axis=-2)``, without materialising every
    component of every variant (10,000 Monte Carlo draws x 120 months would be 200 MB).
    """
    shape, series = _component_series(p, with_errors=p.include_error_cost)
    mask = component_mask(p.include_engineering, p.include_error_cost)
    out = np.empty((*shape[:-1], len(series), shape[-1]))
    for i, components in enumerate(series):
        # Summed in their own (often smaller) shapes, in the order compute() sums them.
        acc: Arr = np.zeros(())
        for included, x in zip(mask, components, strict=True):
            if included:
                acc = acc + x
        out[..., i, :] = acc
    return out


def _switch(moved: npt.NDArray[np.bool_], after: c.Num, before: c.Num) -> c.Num:
    """``after`` in the months ``moved``, ``before`` elsewhere (no array work when none moved)."""
    return np.where(moved, after, before) if moved.any() else before


def _component_series(
    p: Params, *, with_errors: bool = True
) -> tuple[tuple[int, ...], list[list[Arr]]]:
    """The broadcast shape ``(..., H)`` and the 7 component series of each of the 3 strategies.

    Without ``with_errors`` the error components are zeros (totals that exclude them skip the work).
    """
    months = c.months_of(p.horizon_months)
    calls = c.calls_per_month(p.monthly_calls, p.monthly_growth_pct, months)
    rate = p.engineer_usd_per_hour
    new_cats = np.asarray(p.new_categories, dtype=np.float64)
    has_event = new_cats > 0
    shape = np.broadcast_shapes(
        months.shape, new_cats.shape, *(np.shape(getattr(p, name)) for name in NUMERIC_FIELDS)
    )

    # --- Prompting -------------------------------------------------------------------------
    p_moves = np.asarray(p.prompt_migration, dtype=bool)
    p_moved = np.maximum.accumulate(p_moves, axis=-1)  # on the successor from that month on
    # USD per call (per variant, and per month once the model migrates), then x calls.
    p_per_call = c.token_inference_usd(
        np.ones(()),
        p.p_input_tokens_per_call,
        p.p_output_tokens_per_call,
        _switch(p_moved, p.p_successor_usd_per_1m_input_tokens, p.p_usd_per_1m_input_tokens),
        _switch(p_moved, p.p_successor_usd_per_1m_output_tokens, p.p_usd_per_1m_output_tokens),
    )
    p_per_call_calls = calls * p_per_call
    p_change_usd = c.people_usd(p.p_hours_per_category_change, rate) * has_event + np.where(
        p_moves, c.people_usd(p.p_hours_per_model_migration, rate), 0.0
    )
    p_change_labels = c.labeling_usd(
        new_cats * p.p_examples_per_new_category, p.p_usd_per_labeled_example
    )
    prompting = [
        _at_month(c.people_usd(p.p_build_hours, rate), months, 1.0) + p_change_usd,
        np.asarray(c.people_usd(p.p_maintenance_hours_per_month, rate)),
        _at_month(c.labeling_usd(p.p_labeled_examples, p.p_usd_per_labeled_example), months, 1.0)
        + p_change_labels,
        np.zeros(()),
        np.zeros(()),
        p_per_call_calls,
        c.error_usd(calls, p.p_accuracy, p.usd_per_wrong_answer) if with_errors else np.zeros(()),
    ]

    # --- Fine-tuning -----------------------------------------------------------------------
    live = c.live_fraction(p.f_lead_time_weeks, months)
    go = c.go_live_month(p.f_lead_time_weeks)
    after_live = months >= go  # month of go-live onwards: changes need a re-train
    migration = np.asarray(p.forced_migration, dtype=bool)
    moved = np.maximum.accumulate(migration, axis=-1)  # rebuilt on the successor from then on
    f_per_call = c.token_inference_usd(
        np.ones(()),
        p.f_input_tokens_per_call,
        p.f_output_tokens_per_call,
        _switch(moved, p.f_successor_usd_per_1m_input_tokens, p.f_usd_per_1m_input_tokens),
        _switch(moved, p.f_successor_usd_per_1m_output_tokens, p.f_usd_per_1m_output_tokens),
    )
    hosting_usd_per_hour = _switch(
        moved, p.f_successor_hosting_usd_per_hour, p.f_hosting_usd_per_hour
    )

    # Examples in the training set grow with every new category (labeled in the event month).
    examples = p.f_training_examples + np.cumsum(new_cats * p.f_examples_per_new_category, axis=-1)
    dataset_tokens = examples * p.f_tokens_per_example
    initial_training = _at_month(
        c.training_run_usd(
            p.f_training_examples * p.f_tokens_per_example,
            p.f_epochs,
            p.f_usd_per_training_token,
            p.f_experiment_multiplier,
        ),
        months,
        1.0,
    )
    retrain_cost = c.training_run_usd(
        dataset_tokens,
        p.f_epochs,
        _switch(moved, p.f_successor_usd_per_training_token, p.f_usd_per_training_token),
    )
    labels_at_start = _at_month(
        c.labeling_usd(p.f_training_examples, p.f_usd_per_labeled_example), months, 1.0
    )
    new_labels = c.labeling_usd(
        new_cats * p.f_examples_per_new_category, p.f_usd_per_labeled_example
    )
    drift = every_months_after_go_live(p.f_retrain_every_months, months, go)

    def inference(ft_share: Arr) -> Arr:
        """Calls served by the tuned model at ``ft_share``, the rest by prompting."""
        # calls x (share x tuned price + (1 - share) x prompt price), in fewer array passes
        tokens_and_hosting = calls * (p_per_call + ft_share * (f_per_call - p_per_call)) + (
            c.hourly_usd(hosting_usd_per_hour, live)
        )
        if not p.is_dedicated:
            # No replica is billed: skip sizing them (a third of the time of a large batch).
            return tokens_and_hosting
        replicas = c.replicas_needed(
            calls * ft_share,
            p.peak_to_average_ratio,
            p.f_calls_per_second_per_replica,
            p.f_min_replicas,
        )
        return tokens_and_hosting + c.hourly_usd(replicas * p.f_replica_usd_per_hour, live)

    def errors(ft_share: Arr) -> Arr:
        if not with_errors:
            return np.zeros(())
        accuracy = ft_share * p.f_accuracy + (1.0 - ft_share) * p.p_accuracy
        return c.error_usd(calls, accuracy, p.usd_per_wrong_answer)

    f_event_retrain = has_event & after_live
    f_runs = f_event_retrain | ((drift | migration) & after_live)
    f_hours = (
        _at_month(p.f_build_hours, months, 1.0)
        + np.where(f_event_retrain, p.f_hours_per_category_change, 0.0)
        + np.where(f_runs & ~f_event_retrain, p.f_hours_per_retrain, 0.0)
        # Before go-live prompting serves traffic, so its prompt absorbs the change.
        + np.where(has_event & ~after_live, p.p_hours_per_category_change, 0.0)
    )
    ft_share = live
    fine_tuning = [
        c.people_usd(f_hours, rate),
        c.people_usd(p.f_maintenance_hours_per_month, rate) * live,
        labels_at_start + new_labels,
        initial_training,
        np.where(f_runs, retrain_cost, 0.0),
        inference(ft_share),
        errors(ft_share),
    ]

    # --- Hybrid ----------------------------------------------------------------------------
    batch = every_months_after_go_live(p.h_retrain_every_months, months, go)
    rebuilt = (drift | migration) & after_live  # re-trained whatever is pending
    retrains = batch | rebuilt  # months in which the tuned model can learn pending categories
    new_after_live = np.where(after_live, new_cats, 0.0)
    added = np.cumsum(new_after_live, axis=-1)
    # Categories the tuned model knows: those added by its last re-train before each month.
    known_at_retrain = np.where(retrains, added, 0.0)
    known_before = np.concatenate(
        [np.zeros((*known_at_retrain.shape[:-1], 1)), known_at_retrain[..., :-1]], axis=-1
    )
    pending = added - np.maximum.accumulate(known_before, axis=-1)
    h_category_runs = retrains & (pending > 0)  # a re-train that brings pending categories in
    h_runs = h_category_runs | rebuilt
    fallback = np.minimum(1.0, pending * p.h_traffic_share_per_new_category)
    h_share = live * (1.0 - fallback)
    h_hours = (
        _at_month(np.asarray(p.f_build_hours) + p.p_build_hours, months, 1.0)
        + np.where(has_event, p.p_hours_per_category_change, 0.0)
        + np.where(p_moves, p.p_hours_per_model_migration, 0.0)
        + np.where(h_category_runs, p.f_hours_per_category_change, 0.0)
        + np.where(h_runs & ~h_category_runs, p.f_hours_per_retrain, 0.0)
    )
    hybrid = [
        c.people_usd(h_hours, rate),
        np.asarray(c.people_usd(p.p_maintenance_hours_per_month, rate))
        + c.people_usd(p.f_maintenance_hours_per_month, rate) * live,
        labels_at_start
        + new_labels
        + _at_month(c.labeling_usd(p.p_labeled_examples, p.p_usd_per_labeled_example), months, 1.0)
        + p_change_labels,
        initial_training,
        np.where(h_runs, retrain_cost, 0.0),
        inference(h_share),
        errors(h_share),
    ]

    return shape, [prompting, fine_tuning, hybrid]


def every_months_after_go_live(every_months: int, months: Arr, go: Arr) -> npt.NDArray[np.bool_]:
    """Months ``go + k x every`` for k >= 1 (a schedule that starts at go-live); none if 0.

    >>> every_months_after_go_live(3, np.arange(1.0, 9.0), np.array(1.0)).nonzero()[0] + 1
    array([4, 7])
    """
    if every_months <= 0:
        return np.zeros(np.broadcast_shapes(months.shape, np.shape(go)), dtype=bool)
    since = months - go
    return (since > 0) & (np.mod(since, every_months) == 0)
