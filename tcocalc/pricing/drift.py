"""Drift between the YAML prices and the ``genai-prices`` snapshot bundled with the install.

:func:`drift_report` compares each YAML model's inference prices with the snapshot's price *from
the same provider* (a Together price is not compared with OVHcloud's), and lists the snapshot's
chat models from the providers the YAML already covers that no YAML file lists. Only the bundled
snapshot is read (never the network), so the report is the same on every machine with the same
lock file.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

from genai_prices import data as _bundled
from genai_prices.types import Provider

from tcocalc.pricing.catalog import Catalog, LlmModel
from tcocalc.pricing.snapshot import SNAPSHOT_AS_OF, _to_llm_model, snapshot_model

DEFAULT_THRESHOLD_PCT = 5.0


@dataclass(frozen=True)
class PriceDrift:
    """One YAML model next to the snapshot's price from the same provider."""

    model_id: str
    provider: str
    snapshot_id: str
    yaml_in: float
    yaml_out: float
    snapshot_in: float
    snapshot_out: float

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
    """A YAML model the snapshot has no price for from the same provider."""

    model_id: str
    provider: str
    elsewhere: str
    """The snapshot's price for the id from another provider (the fallback's price), or ''."""


@dataclass(frozen=True)
class DriftReport:
    threshold_pct: float
    compared: tuple[PriceDrift, ...]
    not_compared: tuple[NotCompared, ...]
    missing: dict[str, tuple[str, ...]]
    """Snapshot provider name -> chat model ids it lists that the YAML lacks."""
    snapshot_as_of: dt.date = SNAPSHOT_AS_OF

    @property
    def drifted(self) -> tuple[PriceDrift, ...]:
        """Compared models whose input or output price differs by more than the threshold."""
        return tuple(d for d in self.compared if d.max_abs_pct > self.threshold_pct)

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
    exact = [p for p in providers if want in (_norm(p.id), _norm(p.name))]
    if exact:
        return exact
    return [
        p
        for p in providers
        if any(n.startswith(want) or want.startswith(n) for n in (_norm(p.id), _norm(p.name)) if n)
    ]


def _priced(provider: Provider, model_id: str, now: dt.datetime) -> tuple[str, LlmModel] | None:
    info = provider.find_model(model_id)
    if info is None:
        return None
    entry = _to_llm_model(provider, info, now)
    return (info.id, entry) if entry is not None else None


def drift_report(
    catalog: Catalog,
    threshold_pct: float = DEFAULT_THRESHOLD_PCT,
    *,
    providers: Iterable[Provider] | None = None,
    now: dt.datetime | None = None,
) -> DriftReport:
    """Compare the catalog's YAML models with the snapshot (``providers``: default the bundled
    data; tests pass their own)."""
    bundled = providers is None
    providers = list(_bundled.providers if providers is None else providers)
    now = now or dt.datetime.now(dt.UTC)
    compared: list[PriceDrift] = []
    not_compared: list[NotCompared] = []
    covered: dict[str, Provider] = {}
    matched: set[tuple[str, str]] = set()  # (provider id, snapshot model id) the YAML has
    for model_id, model in sorted(catalog.models.items()):
        if model.from_snapshot:
            continue
        holders = providers_for(model.provider, providers)
        covered.update((p.id, p) for p in holders)
        hit = next((h for p in holders if (h := _priced(p, model_id, now))), None)
        if hit is None:
            other = snapshot_model(model_id) if bundled else None
            elsewhere = (
                f"{other.provider}: ${other.usd_per_1m_input_tokens:g} in / "
                f"${other.usd_per_1m_output_tokens:g} out"
                if other
                else ""
            )
            not_compared.append(NotCompared(model_id, model.provider, elsewhere))
            continue
        snap_id, snap = hit
        matched.update((p.id, snap_id) for p in holders)
        compared.append(
            PriceDrift(
                model_id=model_id,
                provider=snap.provider,
                snapshot_id=snap_id,
                yaml_in=model.usd_per_1m_input_tokens,
                yaml_out=model.usd_per_1m_output_tokens,
                snapshot_in=snap.usd_per_1m_input_tokens,
                snapshot_out=snap.usd_per_1m_output_tokens,
            )
        )
    yaml_ids = {k.lower() for k in catalog.models}
    missing: dict[str, tuple[str, ...]] = {}
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
    return DriftReport(threshold_pct, tuple(compared), tuple(not_compared), missing)


def _fmt_pct(x: float) -> str:
    return "new" if math.isinf(x) else f"{x:+.0f}%"


def format_drift(report: DriftReport, *, show_all: bool = False, limit: int = 15) -> str:
    """The report as text for a terminal; ``limit`` ids of missing models per provider."""
    lines = [
        f"Drift against the genai-prices snapshot of {report.snapshot_as_of} "
        f"(threshold {report.threshold_pct:g} %).",
        "",
    ]
    rows = report.compared if show_all else report.drifted
    if rows:
        lines.append(
            f"{'model':<28}{'provider':<16}{'YAML in/out':>16}{'snapshot in/out':>20}{'change':>14}"
        )
        for d in sorted(rows, key=lambda d: -d.max_abs_pct):
            lines.append(
                f"{d.model_id:<28}{d.provider:<16}"
                f"{f'{d.yaml_in:g} / {d.yaml_out:g}':>16}"
                f"{f'{d.snapshot_in:g} / {d.snapshot_out:g}':>20}"
                f"{f'{_fmt_pct(d.in_pct)} / {_fmt_pct(d.out_pct)}':>14}"
            )
        lines.append("(USD per 1M tokens; change = YAML relative to the snapshot)")
    n_ok = len(report.compared) - len(report.drifted)
    lines.append(
        f"{len(report.drifted)} of {len(report.compared)} compared model(s) differ by more than "
        f"{report.threshold_pct:g} %; {n_ok} within it."
    )
    if report.not_compared:
        lines.append("")
        lines.append(
            f"{len(report.not_compared)} YAML model(s) with no same-provider price in the snapshot:"
        )
        for nc in report.not_compared:
            other = f" (snapshot has {nc.elsewhere})" if nc.elsewhere else ""
            lines.append(f"  {nc.model_id} [{nc.provider}]{other}")
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
            lines.extend(
                textwrap.wrap(
                    f"{provider} ({len(ids)}): {shown}",
                    width=100,
                    initial_indent="  ",
                    subsequent_indent="    ",
                    break_on_hyphens=False,
                    break_long_words=False,
                )
            )
    else:
        lines.append("The YAML lists every snapshot chat model of the providers it covers.")
    return "\n".join(lines)
