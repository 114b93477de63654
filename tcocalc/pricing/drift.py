"""Drift between the YAML prices and the ``genai-prices`` snapshot bundled with the install.

:func:`drift_report` compares each YAML model with the snapshot's entry *from the same provider*
(a Together price is not compared with OVHcloud's), looked up by the entry's ``snapshot_id`` (the
provider's API id, e.g. ``meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo``) or else its own id. It
compares every price in force today (input, output, cached, batch) and the dates of future price
changes, and lists the snapshot's chat models from the providers the YAML already covers that no
YAML file lists. Only the bundled snapshot is read (never the network), so the report is the same
on every machine with the same lock file.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tcocalc.pricing.catalog import Catalog, LlmModel

if TYPE_CHECKING:
    from genai_prices.types import Provider

DEFAULT_THRESHOLD_PCT = 5.0
COMPARED_FIELDS = (
    ("usd_per_1m_cached_input_tokens", "cached"),
    ("usd_per_1m_cache_write_tokens", "cache write"),
    ("usd_per_1m_batch_input_tokens", "batch in"),
    ("usd_per_1m_batch_output_tokens", "batch out"),
)
"""Prices compared besides input and output: (field of TokenPrices, label)."""


@dataclass(frozen=True)
class FieldDrift:
    """One more price (cached, batch) that differs, or that only one side has."""

    label: str
    yaml: float | None
    snapshot: float | None

    @property
    def pct(self) -> float:
        if self.yaml is None or self.snapshot is None:
            return math.inf
        return pct_change(self.snapshot, self.yaml)


@dataclass(frozen=True)
class PriceDrift:
    """One YAML model next to the snapshot's entry from the same provider."""

    model_id: str
    provider: str
    snapshot_id: str
    yaml_in: float
    yaml_out: float
    snapshot_in: float
    snapshot_out: float
    others: tuple[FieldDrift, ...] = ()
    """Cached and batch prices that differ by more than the threshold (or exist on one side)."""
    missing: tuple[str, ...] = ()
    """What the snapshot has and the YAML lacks (cached, batch, tiers, dated changes)."""

    @property
    def in_pct(self) -> float:
        return pct_change(self.snapshot_in, self.yaml_in)

    @property
    def out_pct(self) -> float:
        return pct_change(self.snapshot_out, self.yaml_out)

    @property
    def max_abs_pct(self) -> float:
        return max(abs(self.in_pct), abs(self.out_pct))


@dataclass(frozen=True)
class NotCompared:
    """A YAML model the snapshot has no entry for at the same provider."""

    model_id: str
    provider: str
    elsewhere: str
    """The providers the snapshot lists the id at instead, or ''."""
    looked_up: str = ""
    """The id that was looked up (``snapshot_id`` or the YAML id)."""


@dataclass(frozen=True)
class DriftReport:
    threshold_pct: float
    compared: tuple[PriceDrift, ...]
    not_compared: tuple[NotCompared, ...]
    missing: dict[str, tuple[str, ...]]
    """Snapshot provider name -> chat model ids it lists that the YAML lacks."""
    snapshot_as_of: dt.date | None = None
    snapshot_version: str = field(default="")

    @property
    def drifted(self) -> tuple[PriceDrift, ...]:
        """Compared models with a price that differs by more than the threshold."""
        return tuple(d for d in self.compared if d.max_abs_pct > self.threshold_pct or d.others)

    @property
    def incomplete(self) -> tuple[PriceDrift, ...]:
        """Compared models for which the snapshot has prices the YAML lacks."""
        return tuple(d for d in self.compared if d.missing)

    @property
    def missing_count(self) -> int:
        return sum(len(v) for v in self.missing.values())


def pct_change(reference: float, value: float) -> float:
    """``value`` relative to ``reference`` in % (inf when only the reference is 0).

    >>> pct_change(0.40, 0.44), pct_change(0, 0), pct_change(0, 1)
    (10.0, 0.0, inf)
    """
    if reference == 0:
        return 0.0 if value == 0 else math.inf
    return round((value - reference) / reference * 100, 6)


def _norm(name: str) -> str:
    """A provider name reduced for matching: ``Together AI`` -> ``togetherai``.

    >>> _norm("Together AI"), _norm("x-ai")
    ('togetherai', 'xai')
    """
    return re.sub(r"[^a-z0-9]", "", name.lower())


def providers_for(yaml_provider: str, providers: Iterable[Provider]) -> list[Provider]:
    """The snapshot providers a YAML ``provider`` names: same id or name, ignoring case and
    punctuation, or one a prefix of the other (``together`` is ``Together AI``)."""
    want = _norm(yaml_provider)
    if not want:
        return []
    providers = list(providers)
    exact = [p for p in providers if want in (_norm(p.id), _norm(p.name))]
    if exact:
        return exact
    return [
        p
        for p in providers
        if any(n.startswith(want) or want.startswith(n) for n in (_norm(p.id), _norm(p.name)) if n)
    ]


def _compare(
    model_id: str, model: LlmModel, snap: LlmModel, snap_id: str, day: dt.date, threshold: float
) -> PriceDrift:
    mine, theirs = model.prices_on(day), snap.prices_on(day)
    others: list[FieldDrift] = []
    missing: list[str] = []
    for name, label in COMPARED_FIELDS:
        a, b = getattr(mine, name), getattr(theirs, name)
        # a cached or write price not given in the YAML is the input price: "missing", not drift
        if (
            name in ("usd_per_1m_cached_input_tokens", "usd_per_1m_cache_write_tokens")
            and a == mine.usd_per_1m_input_tokens
            and b != theirs.usd_per_1m_input_tokens
        ):
            missing.append(label)
            continue
        if a is None and b is not None:
            missing.append(label)
        elif a != b and (a is None or b is None or abs(pct_change(b, a)) > threshold):
            others.append(FieldDrift(label, a, b))
    if theirs.tiers and not mine.tiers:
        missing.append(f"long-context tier above {theirs.tiers[0].start_tokens:,} tokens")
    future = [d for d in snap.price_change_dates() if d > day]
    mine_dates = set(model.price_change_dates())
    missing += [f"price change on {d}" for d in future if d not in mine_dates]
    return PriceDrift(
        model_id=model_id,
        provider=snap.provider,
        snapshot_id=snap_id,
        yaml_in=mine.usd_per_1m_input_tokens,
        yaml_out=mine.usd_per_1m_output_tokens,
        snapshot_in=theirs.usd_per_1m_input_tokens,
        snapshot_out=theirs.usd_per_1m_output_tokens,
        others=tuple(others),
        missing=tuple(missing),
    )


def drift_report(
    catalog: Catalog,
    threshold_pct: float = DEFAULT_THRESHOLD_PCT,
    *,
    providers: Iterable[Provider] | None = None,
    today: dt.date | None = None,
) -> DriftReport:
    """Compare the catalog's YAML models with the snapshot (``providers``: default the bundled
    data; tests pass their own) on ``today``."""
    from tcocalc.pricing import snapshot

    providers = list(snapshot.providers() if providers is None else providers)
    today = today or dt.datetime.now(dt.UTC).date()
    compared: list[PriceDrift] = []
    not_compared: list[NotCompared] = []
    covered: dict[str, Provider] = {}
    matched: set[tuple[str, str]] = set()  # (provider id, snapshot model id) the YAML has
    for model_id, model in sorted(catalog.models.items()):
        if model.from_snapshot:
            continue
        holders = providers_for(model.provider, providers)
        covered.update((p.id, p) for p in holders)
        wanted = model.snapshot_id or model_id
        hit = next(
            (
                (p, info)
                for p in holders
                if (info := snapshot.find_at(p, wanted)) is not None
                and snapshot.entry_fields(info, today) is not None
            ),
            None,
        )
        if hit is None:
            elsewhere = ", ".join(
                p.name for p in providers if p not in holders and snapshot.find_at(p, wanted)
            )
            not_compared.append(NotCompared(model_id, model.provider, elsewhere, wanted))
            continue
        provider, info = hit
        snap = snapshot.to_llm_model(provider, info, today)
        assert snap is not None
        matched.update((p.id, info.id) for p in holders)
        compared.append(_compare(model_id, model, snap, info.id, today, threshold_pct))
    yaml_ids = {k.lower() for k in catalog.models}
    yaml_ids |= {m.snapshot_id.lower() for m in catalog.models.values() if m.snapshot_id}
    missing: dict[str, tuple[str, ...]] = {}
    now = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
    for pid, provider in sorted(covered.items()):
        ids = []
        for info in provider.models:
            if info.deprecated or (pid, info.id) in matched or info.id.lower() in yaml_ids:
                continue
            if info.id.startswith("ft:"):
                continue  # the price of someone's fine-tuned model, not a model to choose
            prices = info.get_prices(now)
            if prices.input_mtok is None or prices.output_mtok is None:
                continue  # embeddings, images, audio: not a prompting-vs-tuning candidate
            ids.append(info.id)
        if ids:
            missing[provider.name] = tuple(sorted(ids, key=str.lower))
    return DriftReport(
        threshold_pct,
        tuple(compared),
        tuple(not_compared),
        missing,
        snapshot.snapshot_as_of(),
        snapshot.package_version(),
    )


def _fmt_pct(x: float) -> str:
    return "new" if math.isinf(x) else f"{x:+.0f}%"


def _fmt_usd(x: float | None) -> str:
    return "none" if x is None else f"{x:g}"


def format_drift(report: DriftReport, *, show_all: bool = False, limit: int = 15) -> str:
    """The report as text for a terminal; ``limit`` ids of missing models per provider."""
    lines = [
        f"Drift against the genai-prices {report.snapshot_version} snapshot (prices checked up "
        f"to {report.snapshot_as_of}; threshold {report.threshold_pct:g} %).",
        "",
    ]
    rows = report.compared if show_all else report.drifted
    if rows:
        lines.append(
            f"{'model':<28}{'provider':<16}{'YAML in/out':>16}{'snapshot in/out':>20}{'change':>14}"
        )
        for d in sorted(rows, key=lambda d: (-d.max_abs_pct, d.model_id)):
            lines.append(
                f"{d.model_id:<28}{d.provider:<16}"
                f"{f'{d.yaml_in:g} / {d.yaml_out:g}':>16}"
                f"{f'{d.snapshot_in:g} / {d.snapshot_out:g}':>20}"
                f"{f'{_fmt_pct(d.in_pct)} / {_fmt_pct(d.out_pct)}':>14}"
            )
            for o in d.others:
                lines.append(
                    f"  {o.label}: YAML {_fmt_usd(o.yaml)}, snapshot {_fmt_usd(o.snapshot)}"
                    f" ({_fmt_pct(o.pct)})"
                )
        lines.append("(USD per 1M tokens; change = YAML relative to the snapshot)")
    n_ok = len(report.compared) - len(report.drifted)
    lines.append(
        f"{len(report.drifted)} of {len(report.compared)} compared model(s) differ by more than "
        f"{report.threshold_pct:g} %; {n_ok} within it."
    )

    def wrap(text: str) -> list[str]:
        return textwrap.wrap(
            text,
            width=100,
            initial_indent="  ",
            subsequent_indent="    ",
            break_on_hyphens=False,
            break_long_words=False,
        )

    if report.incomplete:
        lines.append("")
        lines.append(
            f"{len(report.incomplete)} model(s) lack prices the snapshot has "
            "(fill them with `tcocalc pricing import ID`):"
        )
        for d in report.incomplete:
            lines.extend(wrap(f"{d.model_id}: {', '.join(d.missing)}"))
    if report.not_compared:
        lines.append("")
        lines.append(
            f"{len(report.not_compared)} YAML model(s) with no same-provider entry in the snapshot"
        )
        lines.append("(where genai-prices spells the id differently, set the entry's snapshot_id):")
        for nc in report.not_compared:
            other = f"; the snapshot lists it at {nc.elsewhere}" if nc.elsewhere else ""
            looked = f" as {nc.looked_up!r}" if nc.looked_up and nc.looked_up != nc.model_id else ""
            text = f"{nc.model_id} [{nc.provider}], looked up{looked or ' by its id'}{other}"
            lines.extend(wrap(text))
    lines.append("")
    if report.missing:
        lines.append(
            f"{report.missing_count} snapshot chat model(s) from providers the YAML covers are not "
            "in the YAML:"
        )
        for provider, ids in report.missing.items():
            shown = ", ".join(ids[:limit]) + (
                f", ... and {len(ids) - limit} more" if len(ids) > limit else ""
            )
            lines.extend(wrap(f"{provider} ({len(ids)}): {shown}"))
    else:
        lines.append("The YAML lists every snapshot chat model of the providers it covers.")
    return "\n".join(lines)
