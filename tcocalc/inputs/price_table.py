"""The pricing table the Pricing tab and ``tcocalc pricing list`` show: every entry, its price,
source and age, flagged *stale* or *ended* (see :mod:`tcocalc.inputs.store` for the folders)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from tcocalc.inputs.loader import REFERENCE_FIELDS
from tcocalc.pricing.catalog import Catalog, GpuOffer, LabelingMethod, LlmModel

if TYPE_CHECKING:
    import pandas as pd

    from tcocalc.model.scenario import Scenario

DEFAULT_STALE_DAYS = 90
SECTIONS = ("models", "gpu_offers", "labeling_methods")
KIND_LABELS = {"models": "model", "gpu_offers": "GPU", "labeling_methods": "labeling"}


def horizon_end(start: dt.date, horizon_months: int) -> dt.date:
    """The last day of month ``horizon_months`` when month 1 starts on ``start``, by the engine's
    month convention (:func:`tcocalc.model.params.month_of_date`).

    >>> horizon_end(dt.date(2027, 1, 1), 24), horizon_end(dt.date(2027, 1, 15), 1)
    (datetime.date(2028, 12, 31), datetime.date(2027, 2, 14))
    """
    from tcocalc.model.params import month_of_date

    years, month0 = divmod(start.month - 1 + horizon_months, 12)
    year, month = start.year + years, month0 + 1
    day = dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
    while month_of_date(start, day) > horizon_months:  # start days past the 28th
        day -= dt.timedelta(days=1)
    while month_of_date(start, day + dt.timedelta(days=1)) <= horizon_months:
        day += dt.timedelta(days=1)
    return day


def scenario_ids(scenario: Scenario) -> set[str]:
    """Every catalog id a scenario names (models, GPU offers, labeling methods)."""
    ids: set[str] = set()
    for path in REFERENCE_FIELDS:
        node: Any = scenario
        for part in path:
            node = getattr(node, part, None)
        if isinstance(node, str):
            ids.add(node)
    return ids


TABLE_COLUMNS = (
    "kind",
    "id",
    "used",
    "provider",
    "name",
    "price",
    "usd",
    "unit",
    "source",
    "as_of",
    "age_days",
    "stale",
    "available_until",
    "training_available_until",
    "ended",
    "ends_in_horizon",
    "flags",
    "file",
)


def _usd(x: float) -> str:
    """Money as people write it: 2 decimals, more when the price has fractions of a cent.

    >>> _usd(0.4), _usd(3.6), _usd(0.0015), _usd(1200), _usd(0.075)
    ('$0.40', '$3.60', '$0.0015', '$1,200.00', '$0.075')
    """
    if abs(x - round(x, 2)) > 1e-9:
        return f"${x:,.6f}".rstrip("0")
    return f"${x:,.2f}"


def _model_row(m: LlmModel) -> tuple[str, float, str]:
    price = (
        f"{_usd(m.usd_per_1m_input_tokens)} in / {_usd(m.usd_per_1m_output_tokens)} out "
        "per 1M tokens"
    )
    if m.usd_per_1m_cached_input_tokens is not None:
        price += f", cached {_usd(m.usd_per_1m_cached_input_tokens)}"
    batch_in, batch_out = m.usd_per_1m_batch_input_tokens, m.usd_per_1m_batch_output_tokens
    if batch_in is not None and batch_out is not None:
        price += f", batch {_usd(batch_in)} / {_usd(batch_out)}"
    if m.tiers:
        price += f", dearer above {m.tiers[0].start_tokens:,} prompt tokens"
    if m.periods:
        price += f", new prices from {', '.join(str(d) for d in m.price_change_dates())}"
    if m.fine_tuning:
        ft = m.fine_tuning
        price += (
            f"; fine-tuning {_usd(ft.usd_per_1m_training_tokens)} per 1M training tokens, "
            f"tuned {_usd(ft.usd_per_1m_input_tokens)} in / {_usd(ft.usd_per_1m_output_tokens)} out"
        )
        if ft.usd_per_hosting_hour:
            price += f", hosting {_usd(ft.usd_per_hosting_hour)}/h"
    return price, m.usd_per_1m_input_tokens, "USD per 1M input tokens"


def _gpu_row(g: GpuOffer) -> tuple[str, float, str]:
    return (
        f"{_usd(g.usd_per_gpu_hour)} per GPU-hour ({g.gpu}, {g.gpu_memory_gb:g} GB)",
        g.usd_per_gpu_hour,
        "USD per GPU-hour",
    )


def _labeling_row(lm: LabelingMethod) -> tuple[str, float, str]:
    usd = lm.usd_per_labeled_example
    how = []
    if lm.seconds_per_label is not None:
        how.append(f"{lm.seconds_per_label:g} s at {_usd(lm.usd_per_hour or 0)}/h")
    elif lm.qa_overhead_pct:
        how.append(f"{_usd(lm.usd_per_example or 0)} per example")
    if lm.qa_overhead_pct:
        how.append(f"{lm.qa_overhead_pct:g} % QA")
    detail = f" ({' + '.join(how)})" if how else ""
    return f"{_usd(usd)} per labeled example{detail}", usd, "USD per labeled example"


def pricing_table(
    catalog: Catalog,
    *,
    today: dt.date,
    stale_after: int = DEFAULT_STALE_DAYS,
    horizon_end: dt.date | None = None,
    origins: Mapping[tuple[str, str], str] | None = None,
    used_ids: Collection[str] = (),
    only_flagged: bool = False,
) -> pd.DataFrame:
    """Every YAML entry of the catalog, one row each, with its staleness and end-of-availability.

    ``stale``: ``as_of`` is more than ``stale_after`` days before ``today``. ``ended``: the model
    is no longer served, or its fine-tuning no longer takes new jobs, on ``today``.
    ``ends_in_horizon``: such an end falls on or before ``horizon_end`` (a scenario's last day).
    ``used``: the id is one of ``used_ids`` (those a scenario names, see :func:`scenario_ids`).
    ``only_flagged`` keeps the rows that are stale, ended or ending within the horizon.
    Columns: :data:`TABLE_COLUMNS`.

    >>> from tcocalc.inputs.loader import load_catalog
    >>> from tcocalc.inputs.loader import PROJECT_ROOT
    >>> cat = load_catalog(PROJECT_ROOT / "tests" / "fixtures" / "pricing")
    >>> t = pricing_table(cat, today=dt.date(2027, 7, 1))
    >>> t.loc[t.id == "ending-model", ["stale", "ended", "flags"]].values.tolist()
    [[True, True, 'stale (242 days old); fine-tuning ended 2027-06-15']]
    """
    import pandas as pd

    rows: list[dict[str, Any]] = []
    origins = origins or {}
    for section in SECTIONS:
        entries: Mapping[str, LlmModel | GpuOffer | LabelingMethod] = getattr(catalog, section)
        for key, entry in entries.items():
            if isinstance(entry, LlmModel):
                price, usd, unit = _model_row(entry)
                provider, name = entry.provider, entry.name
                until = entry.available_until
                ft_until = entry.fine_tuning.training_available_until if entry.fine_tuning else None
            elif isinstance(entry, GpuOffer):
                price, usd, unit = _gpu_row(entry)
                provider, name, until, ft_until = entry.provider, entry.gpu, None, None
            else:
                price, usd, unit = _labeling_row(entry)
                provider, name, until, ft_until = "", entry.name, None, None
            age = (today - entry.as_of).days
            stale = age > stale_after
            ends = [d for d in (until, ft_until) if d is not None]
            ended = any(d < today for d in ends)
            in_horizon = horizon_end is not None and any(d <= horizon_end for d in ends)
            if only_flagged and not (stale or ended or in_horizon):
                continue
            flags: list[str] = []
            if stale:
                flags.append(f"stale ({age} days old)")
            for day, what in ((until, "served"), (ft_until, "fine-tuning")):
                if day is None:
                    continue
                if what == "served":
                    flags.append(f"{'ended' if day < today else 'ends'} {day}")
                else:
                    flags.append(f"fine-tuning {'ended' if day < today else 'ends'} {day}")
            rows.append(
                {
                    "kind": KIND_LABELS[section],
                    "id": key,
                    "used": key in used_ids,
                    "provider": provider,
                    "name": name,
                    "price": price,
                    "usd": usd,
                    "unit": unit,
                    "source": str(entry.source),
                    "as_of": entry.as_of,
                    "age_days": age,
                    "stale": stale,
                    "available_until": until,
                    "training_available_until": ft_until,
                    "ended": ended,
                    "ends_in_horizon": in_horizon,
                    "flags": "; ".join(flags),
                    "file": origins.get((section, key), ""),
                }
            )
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
