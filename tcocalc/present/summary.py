"""What a projection means in words and a few numbers: headline, verdict, hidden-cost table.

Everything here reads a :class:`~tcocalc.model.projection.Result` and returns plain data or text, so the page,
the slide deck and the CLI say the same thing. Dollar amounts are USD and follow the result's
accounting toggles (engineering time and the cost of wrong answers count only when included).

>>> from tcocalc.model.projection import project
>>> from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_catalog, load_scenario
>>> from tcocalc.inputs.loader import PROJECT_ROOT
>>> catalog = load_catalog(PROJECT_ROOT / "tests" / "fixtures" / "pricing")
>>> scenario = load_scenario(DEFAULT_SCENARIO, catalog)
>>> plain = scenario.model_copy(update={"accounting": scenario.accounting.model_copy(
...     update={"include_engineering": False})})
>>> print(verdict(project(plain, catalog)))  # doctest: +NORMALIZE_WHITESPACE
Fine-tuning pays back in month 14, driven by 100k calls/month;
each category change costs it $200 vs $0 for prompting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tcocalc.model.engine import COMPONENTS, STRATEGIES, STRATEGY_LABELS, Strategy
from tcocalc.model.projection import Result
from tcocalc.model.units import WEEKS_PER_MONTH
from tcocalc.present.inert import markdown_link, markdown_text

if TYPE_CHECKING:
    import pandas as pd

    from tcocalc.model.breakeven import BreakEven
    from tcocalc.pricing.catalog import Catalog

CHECKPOINT_MONTHS = (12, 24, 36)
"""Months at which the headline gives cumulative costs (plus the horizon)."""
HOURS_PER_WORKING_DAY = 8
"""Converts hours of work per change into working days for people ("3 days")."""

COMPONENT_NOUNS = {
    "engineering": "engineering time",
    "maintenance": "upkeep",
    "labeling": "labeling",
    "training": "training compute",
    "retraining": "re-training compute",
    "inference": "inference",
    "errors": "wrong answers",
}


# --- Formatting -------------------------------------------------------------------------------


def usd(amount: float) -> str:
    """Dollars for people: cents below $10, whole dollars below $1M, then millions/billions.

    >>> usd(0.5), usd(33.3), usd(1840.2), usd(-2500), usd(1_234_567), usd(2.5e9)
    ('$0.50', '$33', '$1,840', '-$2,500', '$1.23M', '$2.5B')
    """
    sign = "-" if amount < 0 else ""
    a = abs(amount)
    if a < 10 and round(a, 2) != round(a):
        text = f"{a:,.2f}"
    elif a < 999_999.5:
        text = f"{a:,.0f}"
    elif a < 999_995_000:
        text = f"{a / 1e6:.3g}M"
    else:
        text = f"{a / 1e9:.3g}B"
    return f"{sign}${text}"


def count(n: float) -> str:
    """A count for people, three significant digits: ``2.4M``, ``100k``, ``950``.

    >>> count(2_400_000), count(100_000), count(123_456), count(950), count(1e10), count(0.5)
    ('2.4M', '100k', '123k', '950', '10B', '0.5')
    """
    a = abs(n)
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= scale * 0.9995:
            return f"{n / scale:.3g}{suffix}"
    return f"{n:.3g}"


def hours(h: float) -> str:
    """Hours of work, with minutes or working days where that reads better.

    >>> hours(0.3333), hours(2), hours(24), hours(80)
    ('20 min', '2 h', '24 h (3 working days)', '80 h (10 working days)')
    """
    if 0 < h < 1:
        return f"{h * 60:.0f} min"
    text = f"{h:,.3g} h" if h < 1000 else f"{h:,.0f} h"
    if h >= HOURS_PER_WORKING_DAY:
        days = h / HOURS_PER_WORKING_DAY
        text += f" ({days:.3g} working day{'s' if days != 1 else ''})"
    return text


def pct(fraction: float) -> str:
    """A fraction 0-1 as a percentage, one decimal only when needed.

    >>> pct(0.94), pct(0.885)
    ('94%', '88.5%')
    """
    value = round(fraction * 100, 1)
    return f"{value:g}%"


# --- Headline ---------------------------------------------------------------------------------


def checkpoints(horizon_months: int) -> tuple[int, ...]:
    """The months the headline reports: 12, 24 and 36 where within the horizon, and the horizon.

    >>> checkpoints(24), checkpoints(30), checkpoints(6)
    ((12, 24), (12, 24, 30), (6,))
    """
    return tuple(sorted({m for m in CHECKPOINT_MONTHS if m <= horizon_months} | {horizon_months}))


def no_breakeven(horizon_months: int) -> str:
    """The one wording for "does not break even within the horizon", on the page, in the deck and
    in the workbook.

    >>> no_breakeven(24)
    'Not by month 24'
    """
    return f"Not by month {horizon_months}"


def breakeven_value(b: BreakEven) -> str:
    """``Month 14``, or :func:`no_breakeven`'s wording."""
    return (
        f"Month {b.durable_month}"
        if b.durable_month is not None
        else no_breakeven(b.horizon_months)
    )


def difference(saving_usd: float) -> str:
    """What a challenger costs against prompting, said with the sign in words.

    >>> difference(11_844), difference(-14_331.2), difference(0)
    ('$11,844 less', '$14,331 more', 'the same')
    """
    if round(saving_usd) == 0:
        return "the same"
    return f"{usd(abs(saving_usd))} {'less' if saving_usd > 0 else 'more'}"


def difference_sentence(challenger: Strategy, saving_usd: float, month: int) -> str:
    """``Fine-tuning costs $14,331 more by month 24`` or ``Fine-tuning saves $11,844 by month 24``.

    >>> difference_sentence("fine_tuning", -14_331, 24)
    'Fine-tuning costs $14,331 more by month 24'
    >>> difference_sentence("hybrid", 11_844, 36)
    'Hybrid saves $11,844 by month 36'
    """
    name = STRATEGY_LABELS[challenger]
    if round(saving_usd) == 0:
        return f"{name} costs the same as prompting by month {month}"
    if saving_usd > 0:
        return f"{name} saves {usd(saving_usd)} by month {month}"
    return f"{name} costs {usd(-saving_usd)} more by month {month}"


@dataclass(frozen=True)
class BreakEvenSummary:
    """A break-even in the two lines a headline metric has room for."""

    value: str
    """``Month 9``, or :func:`no_breakeven`'s ``Not by month 24``."""
    detail: str
    """What else to know: the trend estimate, or that the lead changes hands."""
    month: int | None
    """The durable break-even month, if any."""


def breakeven_summary(b: BreakEven) -> BreakEvenSummary:
    """Headline text of a :class:`~tcocalc.model.breakeven.BreakEven`.

    >>> from tcocalc.model.breakeven import breakeven
    >>> b = breakeven_summary(breakeven(np.array([50.0, 100, 150]), np.array([220.0, 240, 260]), "x"))
    >>> b.value, b.detail
    ('Not by month 3', 'on the current trend: month 7')
    """
    if b.durable_month is not None:
        detail = "cheaper from the first month" if b.durable_month == 1 else "and stays cheaper"
        if len(b.lead_changes) > 1:
            detail = f"after trading places {len(b.lead_changes)} times"
        return BreakEvenSummary(breakeven_value(b), detail, b.durable_month)
    if b.first_month is not None:
        detail = f"ahead in month {b.first_month}, behind again by month {b.horizon_months}"
    elif b.estimated_month is not None:
        detail = f"on the current trend: month {b.estimated_month}"
    else:
        detail = "nor on the current trend"
    return BreakEvenSummary(breakeven_value(b), detail, None)


@dataclass(frozen=True)
class Headline:
    """The numbers at the top of the page."""

    horizon_months: int
    checkpoints: tuple[int, ...]
    totals_usd: dict[str, dict[int, float]]
    """Cumulative USD per strategy at each checkpoint month."""
    savings_usd: dict[str, dict[int, float]]
    """Prompting minus the challenger (``fine_tuning``, ``hybrid``) per checkpoint; < 0: dearer."""
    fine_tuning: BreakEvenSummary
    hybrid: BreakEvenSummary
    cost_per_category_change_usd: dict[str, float]
    verdict: str


def headline(result: Result) -> Headline:
    """Break-evens, cumulative costs at 12/24/36 months and the horizon, savings, verdict."""
    months = checkpoints(result.horizon_months)
    totals: dict[str, dict[int, float]] = {
        s: {m: result.total(s, m) for m in months} for s in STRATEGIES
    }
    savings = {
        s: {m: totals["prompting"][m] - totals[s][m] for m in months}
        for s in ("fine_tuning", "hybrid")
    }
    return Headline(
        horizon_months=result.horizon_months,
        checkpoints=months,
        totals_usd=totals,
        savings_usd=savings,
        fine_tuning=breakeven_summary(result.fine_tuning_breakeven),
        hybrid=breakeven_summary(result.hybrid_breakeven),
        cost_per_category_change_usd=dict(result.cost_per_category_change),
        verdict=verdict(result),
    )


def totals_table(
    result: Result, show_hybrid: bool = True, figures: Headline | None = None
) -> pd.DataFrame:
    """Cumulative cost of each strategy and the savings, one column per checkpoint (as text).

    A challenger's row against prompting says "$X less" or "$X more" (:func:`difference`).
    Pass ``figures`` (the result's :func:`headline`) to save computing it again.
    """
    import pandas as pd

    h = figures or headline(result)
    strategies: tuple[Strategy, ...] = STRATEGIES if show_hybrid else STRATEGIES[:2]
    columns = [
        f"Month {m}" + (" (horizon)" if m == h.horizon_months else "") for m in h.checkpoints
    ]
    rows: dict[str, list[str]] = {
        STRATEGY_LABELS[s]: [usd(h.totals_usd[s][m]) for m in h.checkpoints] for s in strategies
    }
    for s in strategies[1:]:
        rows[f"{STRATEGY_LABELS[s]} vs prompting"] = [
            difference(h.savings_usd[s][m]) for m in h.checkpoints
        ]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)


# --- Verdict ----------------------------------------------------------------------------------


DRIVER_GROUPS = {"retraining": "training"}
"""Components a verdict names together: the first model's and later runs' compute are one cost."""


def component_differences(result: Result, challenger: Strategy = "fine_tuning") -> dict[str, float]:
    """Challenger minus prompting per counted component, USD over the horizon (< 0: it saves).

    Re-training compute is counted with training compute (:data:`DRIVER_GROUPS`).
    """
    ours = result.component_totals(challenger)
    theirs = result.component_totals("prompting")
    out: dict[str, float] = {}
    for k, counted in zip(COMPONENTS, result.mask, strict=True):
        if counted:
            group = DRIVER_GROUPS.get(k, k)
            out[group] = out.get(group, 0.0) + ours[k] - theirs[k]
    return out


def _run_rate_saving(result: Result, challenger: Strategy) -> float:
    """USD a month the challenger saves against prompting in the last month (< 0: costs more)."""
    totals = result.monthly_totals
    return float(totals[0, -1] - totals[STRATEGIES.index(challenger), -1])


def _calls_phrase(result: Result) -> str:
    w = result.scenario.workload
    text = f"{count(w.monthly_calls)} calls/month"
    if w.monthly_growth_pct:
        text += f" growing {w.monthly_growth_pct:g}%/month"
    return text


def _saving_driver(component: str | None, result: Result) -> str:
    """What makes a challenger cheaper, named by the scenario's own quantities."""
    s = result.scenario
    if component == "inference":
        return _calls_phrase(result)
    if component == "errors":
        return (
            f"its accuracy ({pct(s.fine_tuning.accuracy)} vs {pct(s.prompting.accuracy)}) at "
            f"{usd(s.people.usd_per_wrong_answer)} per wrong answer over {_calls_phrase(result)}"
        )
    if component == "maintenance":
        return (
            f"less upkeep ({s.fine_tuning.maintenance_hours_per_month:g} vs "
            f"{s.prompting.maintenance_hours_per_month:g} hours/month)"
        )
    if component is None:
        return "lower costs across the board"
    return f"lower {COMPONENT_NOUNS[component]}"


def _change_clause(result: Result) -> str:
    cost = result.cost_per_category_change
    planned = bool(np.any(np.asarray(result.params.new_categories) > 0))
    which = "each category change costs" if planned else "a category change would cost"
    return f"{which} it {usd(cost['fine_tuning'])} vs {usd(cost['prompting'])} for prompting"


def basis_phrase(result: Result) -> str:
    """How the break-evens count money: `` in today's money (discounted at 8 %/year)``, or
    nothing for plain dollars."""
    if result.basis != "discounted":
        return ""
    return f" in today's money (discounted at {result.discount_rate_pct_per_year:g} %/year)"


def migration_clause(result: Result) -> str:
    """The forced migrations within the horizon, for the verdict sentence itself (empty: none).

    A retired model or the end of fine-tuning jobs moves the strategies to a successor; the
    numbers count the rebuild and the new prices, and the verdict says so where it is read.
    """
    p, months = result.params, result.months
    tuned = [int(m) for m in months[np.asarray(p.forced_migration, dtype=bool)]]
    prompted = [int(m) for m in months[np.asarray(p.prompt_migration, dtype=bool)]]
    parts = []
    if tuned:
        parts.append(f"the tuned model must be rebuilt in month {tuned[0]}")
    if prompted:
        model = result.scenario.prompting.model
        parts.append(f"{model} is retired in month {prompted[0]}")
    if not parts:
        return ""
    return "a forced migration is counted: " + " and ".join(parts)


def _join(*clauses: str) -> str:
    return "; ".join(c for c in clauses if c)


def verdict(result: Result) -> str:
    """One sentence: whether and when fine-tuning pays back (on the break-even basis, stated when
    discounted), what drives it, any forced migration, what changes cost."""
    b = result.fine_tuning_breakeven
    diffs = component_differences(result)
    change = _change_clause(result)
    money = basis_phrase(result)
    moves = migration_clause(result)
    if b.durable_month is not None:
        when = (
            "is cheaper from month 1"
            if b.durable_month == 1
            else f"pays back in month {b.durable_month}"
        )
        savers = {k: -d for k, d in diffs.items() if d < 0}
        main = max(savers, key=savers.__getitem__) if savers else None
        return f"Fine-tuning {when}{money}, driven by " + _join(
            _saving_driver(main, result), moves, change + "."
        )

    h = b.horizon_months
    if b.first_month is not None:
        when = f"is ahead in month {b.first_month} but behind again by month {h}{money}"
    elif b.estimated_month is not None:
        when = (
            f"does not pay back by month {h}{money} (on the current trend: month "
            f"{b.estimated_month})"
        )
    else:
        when = f"does not pay back by month {h}{money}, nor on the current trend"
    extra = {k: d for k, d in diffs.items() if d > 0}
    main = max(extra, key=extra.__getitem__) if extra else None
    rate = _run_rate_saving(result, "fine_tuning")
    at = f"at {_calls_phrase(result)}"
    if main is None:
        reason = "the two cost the same"
    elif rate > 0:
        reason = (
            f"{usd(extra[main])} of {COMPONENT_NOUNS[main]} outweighs the {usd(rate)}/month "
            f"it saves {at}"
        )
    elif main == "inference" or math.isclose(rate, 0, abs_tol=0.005):
        reason = f"it costs {usd(-rate)}/month more to run than prompting {at}"
    else:
        reason = (
            f"it costs {usd(-rate)}/month more to run than prompting {at}, on top of "
            f"{usd(extra[main])} of {COMPONENT_NOUNS[main]}"
        )
    return f"Fine-tuning {when}: " + _join(reason, moves, change + ".")


def answer(result: Result) -> str:
    """The verdict as a slide title, a few words a room can read from the back: ``Fine-tuning
    pays back in month 14`` or ``Prompting stays cheaper through month 24``."""
    b = result.fine_tuning_breakeven
    if b.durable_month == 1:
        return "Fine-tuning is cheaper from month 1"
    if b.durable_month is not None:
        return f"Fine-tuning pays back in month {b.durable_month}"
    return f"Prompting stays cheaper through month {b.horizon_months}"


def hybrid_verdict(result: Result) -> str:
    """One shorter sentence on the hybrid: its break-even and what it saves by the horizon.

    It is phrased on its own so a page can leave it out when the hybrid is hidden.
    """
    b = result.hybrid_breakeven
    saves = b.savings_at_horizon_usd
    money = difference_sentence("hybrid", saves, b.horizon_months).removeprefix("Hybrid ")
    if b.durable_month == 1:
        return f"Hybrid is cheaper from month 1 and {money}."
    if b.durable_month is not None:
        return f"Hybrid pays back in month {b.durable_month} and {money}."
    extra = difference(saves).replace("more", "more than prompting")
    return f"Hybrid does not pay back by month {b.horizon_months}, when it costs {extra}."


# --- Events on the timeline -------------------------------------------------------------------


@dataclass(frozen=True)
class Timeline:
    """What happens when: the marks a chart or a slide puts on the months."""

    category_changes: tuple[tuple[int, int], ...]
    """``(month, new categories)`` for every month categories arrive."""
    retrains: dict[str, tuple[int, ...]]
    """Months each strategy pays for a re-training run (from its re-training component)."""
    go_live_months: float
    """When the fine-tuned model starts serving, in months from the start (0: from day one)."""
    migrations: tuple[tuple[int, Strategy], ...] = ()
    """``(month, strategy)`` where a retired model forces a move to its successor."""


def timeline(result: Result) -> Timeline:
    """Category changes, re-trainings and the fine-tuning lead time of a projection."""
    new = np.asarray(result.params.new_categories, dtype=float)
    months = result.months
    changes = tuple((int(m), int(n)) for m, n in zip(months, new, strict=True) if n > 0)
    k = COMPONENTS.index("retraining")
    retrains: dict[str, tuple[int, ...]] = {
        s: tuple(int(m) for m in months[result.components[i, k] > 0])
        for i, s in enumerate(STRATEGIES)
    }
    go_live = result.scenario.fine_tuning.lead_time_weeks / WEEKS_PER_MONTH
    p = result.params
    moves: list[tuple[int, Strategy]] = [
        (int(m), "prompting") for m in months[np.asarray(p.prompt_migration, dtype=bool)]
    ]
    moves += [(int(m), "fine_tuning") for m in months[np.asarray(p.forced_migration, dtype=bool)]]
    return Timeline(changes, retrains, float(go_live), tuple(sorted(moves)))


# --- Catalog pickers --------------------------------------------------------------------------
#
# A picker option is short enough for a sidebar: id, price, as_of. The details of the chosen entry
# (provider, units, source) go in a line under the picker.


def _money(amount: float) -> str:
    return f"${amount:,.2f}"


def model_choice_label(model_id: str, catalog: Catalog, fine_tuned: bool = False) -> str:
    """A model as a picker lists it: id, USD per 1M tokens in/out (training, for fine-tuning), as_of.

    >>> from tcocalc.inputs.loader import load_catalog, PROJECT_ROOT
    >>> c = load_catalog(PROJECT_ROOT / "tests" / "fixtures" / "pricing")
    >>> model_choice_label("gpt-4.1-mini", c)
    'gpt-4.1-mini · $0.40/$1.60 · 2026-11-01'
    >>> model_choice_label("gpt-4.1-mini", c, fine_tuned=True)
    'gpt-4.1-mini · train $5.00 · $0.80/$3.20 · 2026-11-01'
    """
    try:
        m = catalog.model(model_id)
    except LookupError:
        return f"{model_id} · not in the catalog"
    if fine_tuned and m.fine_tuning is not None:
        t = m.fine_tuning
        prices = (
            f"train {_money(t.usd_per_1m_training_tokens)} · "
            f"{_money(t.usd_per_1m_input_tokens)}/{_money(t.usd_per_1m_output_tokens)}"
        )
    else:
        prices = f"{_money(m.usd_per_1m_input_tokens)}/{_money(m.usd_per_1m_output_tokens)}"
    return f"{model_id} · {prices} · {m.as_of}"


def model_details(model_id: str, catalog: Catalog, fine_tuned: bool = False) -> str:
    """One line (Markdown) on a model: provider, prices with units, as_of and source.

    >>> from tcocalc.inputs.loader import load_catalog, PROJECT_ROOT
    >>> c = load_catalog(PROJECT_ROOT / "tests" / "fixtures" / "pricing")
    >>> print(model_details("gpt-4.1-mini", c, fine_tuned=True))
    openai · training $5.00 per 1M tokens · tuned model $0.80 in / $3.20 out per 1M tokens · as of 2026-11-01 · [source](https://example.com/prices)
    """  # noqa: E501
    try:
        m = catalog.model(model_id)
    except LookupError as exc:
        return markdown_text(exc)
    if fine_tuned and m.fine_tuning is not None:
        t = m.fine_tuning
        prices = (
            f"training {_money(t.usd_per_1m_training_tokens)} per 1M tokens · tuned model "
            f"{_money(t.usd_per_1m_input_tokens)} in / {_money(t.usd_per_1m_output_tokens)} out "
            "per 1M tokens"
        )
        if t.usd_per_hosting_hour:
            prices += f" + {_money(t.usd_per_hosting_hour)}/hour hosting"
    else:
        prices = (
            f"{_money(m.usd_per_1m_input_tokens)} in / {_money(m.usd_per_1m_output_tokens)} out "
            "per 1M tokens"
        )
    return f"{markdown_text(m.provider)} · {prices} · as of {m.as_of} · {markdown_link('source', m.source)}"


def gpu_choice_label(offer_id: str, catalog: Catalog) -> str:
    """A GPU offer as a picker lists it: ``h100 · $3.60/GPU-h · 2026-11-01``."""
    try:
        g = catalog.gpu_offer(offer_id)
    except LookupError:
        return f"{offer_id} · not in the catalog"
    return f"{offer_id} · {_money(g.usd_per_gpu_hour)}/GPU-h · {g.as_of}"


def gpu_details(offer_id: str, catalog: Catalog) -> str:
    """One line (Markdown) on a GPU offer: the GPU, provider, price, as_of and source."""
    try:
        g = catalog.gpu_offer(offer_id)
    except LookupError as exc:
        return markdown_text(exc)
    return (
        f"{markdown_text(g.gpu)}, {g.gpu_memory_gb:g} GB ({markdown_text(g.provider)}) · "
        f"{_money(g.usd_per_gpu_hour)} per GPU-hour · as of {g.as_of} · "
        f"{markdown_link('source', g.source)}"
    )


def labeling_choice_label(method_id: str, catalog: Catalog) -> str:
    """A labeling method as a picker lists it, with its price per example (QA included)."""
    try:
        m = catalog.labeling_method(method_id)
    except LookupError:
        return f"{method_id} · not in the catalog"
    return f"{method_id} · {usd(m.usd_per_labeled_example)}/example · {m.as_of}"


def labeling_details(method_id: str, catalog: Catalog) -> str:
    """One line (Markdown) on a labeling method: how it is priced, as_of and source."""
    try:
        m = catalog.labeling_method(method_id)
    except LookupError as exc:
        return markdown_text(exc)
    if m.usd_per_example is not None:
        how = f"{usd(m.usd_per_example)} per example"
    else:
        how = f"{m.seconds_per_label:g} s per label at {usd(m.usd_per_hour or 0)}/hour"
    if m.qa_overhead_pct:
        how += f" + {m.qa_overhead_pct:g}% review"
    name = f"{markdown_text(m.name)} · " if m.name else ""
    return f"{name}{how} · as of {m.as_of} · {markdown_link('source', m.source)}"
