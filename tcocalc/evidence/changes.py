"""What evidence changes in a scenario: field updates applied all or none, and Monte Carlo ranges.

A :class:`Change` names a scenario field by its path (``("workload", "monthly_calls")``), the new
value and where the value came from. :func:`apply_changes` validates the whole updated scenario
once, so either every change lands or the scenario stays as it was. A :class:`Range` is a
low / likely / high triple for one Monte Carlo driver (keys of
:data:`tcocalc.analytics.drivers.DRIVERS`; the analytics layer turns it into an ``Uncertain``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from tcocalc.inputs import query
from tcocalc.inputs.loader import InputFileError, Problem
from tcocalc.model.scenario import Scenario


@dataclass(frozen=True)
class Change:
    """One scenario field set from evidence."""

    path: tuple[str, ...]
    value: float | int
    source: str
    """How the value was obtained, in words (``"mean of 1,000,000 calls"``)."""

    @property
    def dotted(self) -> str:
        return ".".join(self.path)

    def old_value(self, scenario: Scenario) -> Any:
        node: Any = scenario
        for part in self.path:
            node = getattr(node, part, None)
        return node


@dataclass(frozen=True)
class Range:
    """A Monte Carlo range for one driver, in the driver's unit (accuracy as 0-1)."""

    driver: str
    low: float
    likely: float
    high: float
    source: str

    def as_tuple(self) -> tuple[str, float, float, float]:
        return (self.driver, self.low, self.likely, self.high)


class EvidenceError(InputFileError):
    """Evidence that cannot be used; ``problems`` lists every reason, located."""


def apply_changes(scenario: Scenario, changes: Iterable[Change], name: str = "") -> Scenario:
    """The scenario with every change applied, validated once; raises :class:`EvidenceError`
    (and changes nothing) when the result is not a valid scenario.

    >>> from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_scenario
    >>> s = load_scenario(DEFAULT_SCENARIO)
    >>> apply_changes(s, [Change(("workload", "monthly_calls"), 250_000, "test")]).workload.monthly_calls
    250000.0
    """
    data = copy.deepcopy(scenario.model_dump(mode="json"))
    for c in changes:
        node = data
        for part in c.path[:-1]:
            node = node[part]
        node[c.path[-1]] = c.value
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(
                name or scenario.name,
                1,
                1,
                ".".join(str(p) for p in err["loc"]),
                f"{err['msg']} (the evidence gave {err.get('input')!r})",
            )
            for err in exc.errors(include_url=False)
        ]
        raise EvidenceError(problems) from None


_BY_PATH = {f.path: f.key for f in query.FIELDS.values()}


def page_values(changes: Iterable[Change]) -> dict[str, float | int]:
    """The changes as the page's flat input keys (:data:`tcocalc.inputs.query.FIELDS`).

    >>> page_values([Change(("prompting", "input_tokens_per_call"), 1150, "counted")])
    {'p.in_tokens': 1150}
    """
    out: dict[str, float | int] = {}
    for c in changes:
        key = _BY_PATH.get(c.path)
        if key is not None:
            out[key] = c.value
    return out


def changes_table(scenario: Scenario, changes: Iterable[Change]) -> list[dict[str, str]]:
    """Rows ``{field, now, new, from}`` for a preview of what applying would change."""
    return [
        {
            "field": c.dotted,
            "now": _fmt(c.old_value(scenario)),
            "new": _fmt(c.value),
            "from": c.source,
        }
        for c in changes
    ]


def ranges_table(ranges: Iterable[Range]) -> list[dict[str, str]]:
    """Rows ``{driver, low, likely, high, from}`` (raw driver units)."""
    return [
        {
            "driver": r.driver,
            "low": _fmt(r.low),
            "likely": _fmt(r.likely),
            "high": _fmt(r.high),
            "from": r.source,
        }
        for r in ranges
    ]


def range_arguments(ranges: Iterable[Range], scale: Mapping[str, float] | None = None) -> str:
    """``--range KEY=LOW,LIKELY,HIGH`` arguments for ``tcocalc analyze`` (``scale`` multiplies
    drivers typed in other units, e.g. 100 for accuracies typed in %)."""
    parts = []
    for r in ranges:
        k = (scale or {}).get(r.driver, 1.0)
        parts.append(
            f"--range {r.driver}={_short(r.low * k)},{_short(r.likely * k)},{_short(r.high * k)}"
        )
    return " ".join(parts)


def _short(v: float) -> str:
    return f"{v:.6g}"


def _fmt(v: Any) -> str:
    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4g}"
    return str(v)
