"""Monte Carlo ranges as table rows (the page's editor, the CLI), and the analyses' CSV files."""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

    from tcocalc.model.projection import Result
    from tcocalc.model.scenario import Scenario
    from tcocalc.pricing.catalog import Catalog


from tcocalc.analytics.basis import Basis, basis_of
from tcocalc.analytics.drivers import DRIVERS, Driver
from tcocalc.analytics.sensitivity import Tornado
from tcocalc.analytics.strategy_map import BreakEvenMap
from tcocalc.analytics.uncertainty import MonteCarlo, Uncertain

Arr = npt.NDArray[np.float64]
IntArr = npt.NDArray[np.int64]

# --- Ranges as table rows (the page's editor, the CLI) ----------------------------------------

RANGE_COLUMNS = ("input", "low", "likely", "high")


def display_scale(driver: Driver | str) -> float:
    """Factor from a driver's value to what people type: 100 for fractions shown in %."""
    d = DRIVERS[driver] if isinstance(driver, str) else driver
    return 100.0 if d.mode == "accuracy" or d.unit == "share" else 1.0


def choice_label(driver: Driver | str) -> str:
    """``Monthly calls, calls/month``, ``Accuracy (fine-tuned), %``: a driver in a list."""
    d = DRIVERS[driver] if isinstance(driver, str) else driver
    unit = "%" if display_scale(d) == 100.0 else d.unit
    return f"{d.label}, {unit}"


def range_choices(source: Basis | Result | tuple[Scenario, Catalog]) -> dict[str, str]:
    """``choice_label -> driver key`` of every driver that applies to the scenario."""
    basis = basis_of(source)
    return {
        choice_label(d): d.key for d in DRIVERS.values() if basis.applies(d) and basis.varies(d)
    }


def ranges_to_rows(ranges: Iterable[Uncertain]) -> list[dict[str, object]]:
    """Ranges as rows ``{input, low, likely, high}`` in the units people type (accuracy in %)."""
    rows: list[dict[str, object]] = []
    for u in ranges:
        k = display_scale(u.driver)
        rows.append(
            {"input": choice_label(u.driver), "low": u.low * k, "likely": u.likely * k,
             "high": u.high * k}
        )  # fmt: skip
    return rows


def rows_to_ranges(rows: Iterable[Mapping[str, object]]) -> tuple[list[Uncertain], list[str]]:
    """Rows typed by people back into ranges, and one message per row that is not usable.

    Rows without an input are skipped silently (a row being added); later rows for the same input
    are refused.

    >>> ranges, problems = rows_to_ranges([
    ...     {"input": "Monthly calls, calls/month", "low": 1, "likely": 2, "high": 3},
    ...     {"input": "Accuracy (fine-tuned), %", "low": 90, "likely": 94, "high": 97},
    ...     {"input": "Monthly calls, calls/month", "low": 1, "likely": 2, "high": 3},
    ...     {"input": "Training epochs, epochs", "low": 3, "likely": None, "high": 5}])
    >>> [(u.driver, u.likely) for u in ranges]
    [('monthly_calls', 2.0), ('f_accuracy', 0.94)]
    >>> for p in problems: print(p)
    Row 3, Monthly calls: a second range for the same input
    Row 4, Training epochs: fill in low, likely and high
    """
    by_label = {choice_label(d): d.key for d in DRIVERS.values()}
    out: list[Uncertain] = []
    problems: list[str] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, start=1):
        label = row.get("input")
        if not label:
            continue
        key = by_label.get(str(label))
        if key is None:
            problems.append(f"Row {n}: unknown input {label!r}")
            continue
        name = DRIVERS[key].label
        if key in seen:
            problems.append(f"Row {n}, {name}: a second range for the same input")
            continue
        try:
            values = [float(row[c]) for c in RANGE_COLUMNS[1:]]  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError):
            values = []
        if len(values) != 3 or any(math.isnan(v) for v in values):
            problems.append(f"Row {n}, {name}: fill in low, likely and high")
            continue
        k = display_scale(key)
        try:
            out.append(Uncertain(key, *(v / k for v in values)))
        except ValueError as exc:
            problems.append(f"Row {n}, {exc}")
            continue
        seen.add(key)
    return out, problems


# --- Exports ----------------------------------------------------------------------------------


def _csv(frame: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    frame.to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")


def tornado_csv(t: Tornado) -> bytes:
    """The tornado and switching values as CSV (UTF-8)."""
    return _csv(t.table())


def map_csv(m: BreakEvenMap) -> bytes:
    """The break-even map grid as CSV."""
    return _csv(m.table())


def draws_csv(mc: MonteCarlo) -> bytes:
    """One row per Monte Carlo draw as CSV."""
    return _csv(mc.draws_table())


def percentiles_csv(mc: MonteCarlo) -> bytes:
    """The fan chart's P10/P50/P90 per month as CSV."""
    return _csv(mc.percentiles_table())
