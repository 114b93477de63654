"""The inputs the analyses vary (:data:`DRIVERS`), their units, and how to word their values."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

Arr = npt.NDArray[np.float64]
IntArr = npt.NDArray[np.int64]

if TYPE_CHECKING:
    pass


Challenger = Literal["fine_tuning", "hybrid"]
CHALLENGERS: tuple[Challenger, ...] = ("fine_tuning", "hybrid")
DEFAULT_TORNADO_SHARE = 0.25
TORNADO_SHARES = (0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50)
"""The variations the page offers (±5 % to ±50 %)."""
DEFAULT_DRAWS = 5_000
DEFAULT_SEED = 20_270_101
MAX_SEED = 2**31 - 1
ASSUMED_CADENCE_MONTHS = 3
"""Cadence used for "new categories per year" when the scenario has no recurring changes."""

Mode = Literal[
    "value", "factor", "accuracy", "inverse", "categories_per_change", "categories_per_year"
]
Applies = Literal[
    "always", "engineering", "errors", "dedicated", "own_gpu_training", "derived_training"
]


# --- Drivers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Driver:
    """An input the analyses vary, with the :class:`~tcocalc.model.params.Params` fields it sets.

    ``mode`` says how a value maps onto the fields:

    ``value``    the value replaces ``fields[0]``; further fields move in proportion to it
    ``factor``   a multiplier of today's value of every field (1 = today, e.g. list prices)
    ``accuracy`` a fraction 0-1; the tornado varies the error rate (1 - accuracy), not accuracy
    ``inverse``  the value replaces ``fields[0]``; further fields move in inverse proportion
                 (a training throughput twice as high halves the USD per training token)
    ``categories_per_change``  scales every category change of the scenario (one-off and cadence)
    ``categories_per_year``    recurring new categories per year, in whole categories on the
                               scenario's cadence (or a quarterly one), on top of its one-off
                               changes
    """

    key: str
    label: str
    unit: str
    mode: Mode = "value"
    fields: tuple[str, ...] = ()
    lower: float = 0.0
    upper: float = math.inf
    search_max: float | None = None
    """Upper end of the switching-value search and of map ranges when today's value is 0."""
    applies: Applies = "always"
    in_tornado: bool = True
    integer: bool = False
    """Counts (examples, categories): switching values are rounded to whole numbers for display."""
    plural: bool = False
    """The label is plural ("Monthly calls exceed ..."), for the sentences."""
    needs: tuple[str, ...] = ()
    """Params fields of which one must hold a finite non-zero value for this driver to change
    anything (a hit rate without a cacheable prefix, a factor of a model that bills no tokens)."""

    def __post_init__(self) -> None:
        if self.mode == "value" and not self.fields:
            object.__setattr__(self, "fields", (self.key,))

    @property
    def log_scale(self) -> bool:
        """Whether this driver's ranges are best spread on a log scale (volumes, prices, counts)."""
        return (
            self.mode in ("value", "factor", "inverse")
            and self.lower >= 0
            and self.key not in _LINEAR
        )


_LINEAR = {
    "f_lead_time_weeks",
    "f_experiment_multiplier",
    "f_epochs",
    "f_training_utilization",
    "p_cache_hit_rate",
    "batch_share",
    "discount_rate_pct_per_year",
}


DRIVERS: dict[str, Driver] = {
    d.key: d
    for d in (
        Driver(
            "monthly_calls", "Monthly calls", "calls/month", upper=1e10, search_max=1e7, plural=True
        ),
        Driver(
            "monthly_growth_pct",
            "Monthly growth of calls",
            "%/month",
            lower=-50.0,
            upper=100.0,
            search_max=30.0,
        ),
        Driver(
            "p_input_tokens_per_call",
            "Prompt length (prompting)",
            "tokens/call",
            upper=2e6,
            search_max=20_000,
        ),
        Driver(
            "f_input_tokens_per_call",
            "Input length (fine-tuned model)",
            "tokens/call",
            upper=2e6,
            search_max=20_000,
        ),
        Driver(
            "output_tokens_per_call",
            "Output tokens per call",
            "tokens/call",
            fields=("p_output_tokens_per_call", "f_output_tokens_per_call"),
            upper=2e5,
            search_max=2_000,
            plural=True,
        ),
        Driver(
            "prompting_price",
            "Prompted model's token prices",
            "× list price",
            "factor",
            fields=("p_price_factor",),
            upper=1_000.0,
            plural=True,
            needs=("p_prices",),
        ),
        Driver(
            "fine_tuned_price",
            "Fine-tuned model's token prices",
            "× list price",
            "factor",
            fields=("f_price_factor",),
            upper=1_000.0,
            plural=True,
            needs=("f_prices",),
        ),
        Driver(
            "f_hosting_usd_per_hour", "Hosting fee of the tuned model", "USD/hour", search_max=10.0
        ),
        Driver(
            "training_price",
            "Training compute price",
            "× list price",
            "factor",
            fields=("f_usd_per_training_token",),
            upper=1_000.0,
        ),
        Driver(
            "f_usd_per_labeled_example",
            "Labeling cost per example (fine-tuning)",
            "USD/example",
            search_max=10.0,
        ),
        Driver(
            "f_training_examples",
            "Training examples",
            "examples",
            upper=1e8,
            integer=True,
            plural=True,
        ),
        Driver(
            "f_tokens_per_example", "Tokens per training example", "tokens", upper=1e6, plural=True
        ),
        Driver(
            "f_training_tokens_per_second_per_gpu",
            "Training throughput",
            "tokens/s per GPU",
            "inverse",
            fields=(
                "f_training_tokens_per_second_per_gpu",
                "f_usd_per_training_token",
                "f_successor_usd_per_training_token",
            ),
            lower=1.0,
            upper=1e6,
            applies="own_gpu_training",
        ),
        Driver(
            "f_training_utilization",
            "Training utilisation (share of peak FLOPS)",
            "share",
            "inverse",
            fields=(
                "f_training_utilization",
                "f_usd_per_training_token",
                "f_successor_usd_per_training_token",
            ),
            lower=0.01,
            upper=1.0,
            applies="derived_training",
        ),
        Driver("f_epochs", "Training epochs", "epochs", lower=1e-3, upper=100.0, plural=True),
        Driver(
            "f_experiment_multiplier",
            "Training runs for the first model",
            "runs",
            lower=1.0,
            upper=100.0,
            plural=True,
        ),
        Driver(
            "f_examples_per_new_category",
            "Examples labeled per new category (fine-tuning)",
            "examples",
            upper=1e6,
            search_max=5_000,
            integer=True,
            plural=True,
        ),
        Driver(
            "engineer_usd_per_hour",
            "Engineer rate",
            "USD/hour",
            upper=2_000.0,
            applies="engineering",
        ),
        Driver(
            "p_build_hours",
            "Build effort (prompting)",
            "hours",
            upper=20_000.0,
            applies="engineering",
            search_max=400.0,
        ),
        Driver(
            "f_build_hours",
            "Build effort (fine-tuning)",
            "hours",
            upper=20_000.0,
            applies="engineering",
            search_max=800.0,
        ),
        Driver(
            "p_maintenance_hours_per_month",
            "Upkeep (prompting)",
            "hours/month",
            upper=730.0,
            applies="engineering",
            search_max=80.0,
        ),
        Driver(
            "f_maintenance_hours_per_month",
            "Upkeep (fine-tuning)",
            "hours/month",
            upper=730.0,
            applies="engineering",
            search_max=80.0,
        ),
        Driver(
            "p_hours_per_category_change",
            "Effort per category change (prompting)",
            "hours",
            upper=2_000.0,
            applies="engineering",
            search_max=80.0,
        ),
        Driver(
            "f_hours_per_category_change",
            "Effort per category change (fine-tuning)",
            "hours",
            upper=2_000.0,
            applies="engineering",
            search_max=200.0,
        ),
        Driver(
            "f_hours_per_retrain",
            "Effort per scheduled re-train",
            "hours",
            upper=2_000.0,
            applies="engineering",
            search_max=80.0,
        ),
        Driver(
            "f_lead_time_weeks",
            "Lead time before the tuned model serves",
            "weeks",
            upper=104.0,
            search_max=26.0,
        ),
        Driver(
            "p_accuracy",
            "Accuracy (prompting)",
            "accuracy",
            "accuracy",
            fields=("p_accuracy",),
            upper=1.0,
            applies="errors",
        ),
        Driver(
            "f_accuracy",
            "Accuracy (fine-tuned)",
            "accuracy",
            "accuracy",
            fields=("f_accuracy",),
            upper=1.0,
            applies="errors",
        ),
        Driver(
            "usd_per_wrong_answer",
            "Cost of a wrong answer",
            "USD/error",
            upper=100_000.0,
            applies="errors",
            search_max=20.0,
        ),
        Driver(
            "h_traffic_share_per_new_category",
            "Traffic share of a new category (hybrid)",
            "share",
            upper=1.0,
            search_max=1.0,
        ),
        Driver(
            "p_cache_hit_rate",
            "Prompt cache hit rate",
            "share",
            upper=1.0,
            search_max=1.0,
            needs=("p_static_prefix_tokens_per_call", "p_input_tokens_per_new_category"),
        ),
        Driver(
            "batch_share",
            "Share of calls through the batch API",
            "share",
            upper=1.0,
            search_max=1.0,
        ),
        Driver(
            "p_price_change_pct_per_year",
            "Yearly change of prompted prices",
            "%/year",
            lower=-90.0,
            upper=100.0,
            search_max=50.0,
            plural=True,
        ),
        Driver(
            "f_price_change_pct_per_year",
            "Yearly change of tuned serving prices",
            "%/year",
            lower=-90.0,
            upper=100.0,
            search_max=50.0,
            plural=True,
        ),
        Driver(
            "discount_rate_pct_per_year",
            "Discount rate",
            "%/year",
            upper=100.0,
            search_max=50.0,
        ),
        Driver(
            "f_replica_usd_per_hour",
            "GPU replica price",
            "USD/hour",
            applies="dedicated",
            upper=10_000.0,
        ),
        Driver(
            "f_calls_per_second_per_replica",
            "Throughput per replica",
            "calls/second",
            lower=1e-6,
            upper=1e6,
            applies="dedicated",
        ),
        Driver(
            "peak_to_average_ratio",
            "Peak-to-average traffic",
            "ratio",
            lower=1.0,
            upper=100.0,
            applies="dedicated",
        ),
        Driver(
            "new_categories_per_change",
            "New categories per change",
            "categories",
            "categories_per_change",
            search_max=30.0,
            plural=True,
        ),
        Driver(
            "new_categories_per_year",
            "Recurring new categories per year",
            "categories/year",
            "categories_per_year",
            upper=12 * 10_000.0,  # a change every month x the most a change may add (scenario)
            search_max=48.0,
            in_tornado=False,
            plural=True,
        ),
    )
}
"""The curated drivers, in display order. Keys are stable (CLI, URLs, CSV headers)."""


# --- Formatting -----------------------------------------------------------------------------------


def _compact(v: float) -> str:
    """A count people read at a glance.

    >>> _compact(1_939_912), _compact(100_000), _compact(2.5), _compact(0.0)
    ('1.94M', '100,000', '2.5', '0')
    """
    a = abs(v)
    if a >= 1e9:
        return f"{v / 1e9:.3g}B"
    if a >= 1e6:
        return f"{v / 1e6:.3g}M"
    if a >= 1_000:
        return f"{v:,.0f}"
    if a == 0:
        return "0"
    return f"{v:.3g}"


def format_usd(v: float) -> str:
    """``$13,247``, ``-$320``, ``$2.36``.

    >>> format_usd(13246.67), format_usd(-320.0), format_usd(2.3571)
    ('$13,247', '-$320', '$2.36')
    """
    sign = "-" if v < 0 else ""
    a = abs(v)
    return f"{sign}${a:,.0f}" if a >= 100 else f"{sign}${a:,.2f}"


def format_value(driver: Driver | str, v: float) -> str:
    """A driver's value with its unit, as the page and the sentences print it.

    >>> format_value("monthly_calls", 1.94e6), format_value("prompting_price", 0.5)
    ('1.94M calls/month', '0.5× list price')
    >>> format_value("f_accuracy", 0.94), format_value("engineer_usd_per_hour", 2.357)
    ('94.0 %', '$2.36/hour')
    >>> format_value("monthly_growth_pct", 2.0), format_value("f_training_examples", 39_999.2)
    ('+2 %/month', '40,000 examples')
    """
    d = DRIVERS[driver] if isinstance(driver, str) else driver
    if d.integer and abs(v) >= 1:
        v = float(math.ceil(v - 1e-9))
    if d.mode == "accuracy" or d.unit == "share":
        return f"{v * 100:.1f} %"
    if d.unit == "%/month":
        return f"{v:+.3g} %/month"
    if d.unit == "%/year":
        return f"{v:+.3g} %/year" if d.lower < 0 else f"{v:.3g} %/year"
    if d.mode == "factor":
        return f"{v:.3g}× list price"
    if d.unit.startswith("USD/"):
        return f"{format_usd(v)}/{d.unit[4:]}"
    return f"{_compact(v)} {d.unit}"
