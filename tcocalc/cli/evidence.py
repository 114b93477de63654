"""``tcocalc tokens`` and ``tcocalc import traffic|eval``: evidence from the command line.

``tcocalc tokens PROMPT --model ID`` counts a prompt template; ``tcocalc import traffic FILE`` reads
a usage export or gateway log; ``tcocalc import eval FILE`` reads an eval set. Each prints what it
found and the scenario fields it would set; with ``--scenario S --out OUT.yaml`` it writes the
updated scenario (all changes or none), and it prints the ``--range`` arguments that carry the
evidence's uncertainty into ``tcocalc analyze``. ``--json`` prints the same machine-readably.
Exit codes: 0 ok, 1 invalid input (every problem as ``file:line:col: column: message``), 2 usage.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from typing import Any

from tcocalc.cli.common import EXIT_INVALID, EXIT_OK, catalog_from_args
from tcocalc.evidence.changes import (
    Change,
    Range,
    apply_changes,
    changes_table,
    range_arguments,
    ranges_table,
)
from tcocalc.inputs.loader import (
    display_name,
    dump_scenario,
    load_scenario,
)
from tcocalc.model.scenario import Scenario
from tcocalc.pricing.catalog import UnknownIdError


def _pricing_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--pricing", action="append", metavar="DIR",
        help="pricing folder (repeatable; default: the shipped pricing/)",
    )  # fmt: skip


def _scenario_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scenario", metavar="FILE", help="scenario YAML the evidence updates")
    p.add_argument(
        "--out", metavar="FILE", help="write the updated scenario here (needs --scenario)"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    _pricing_option(p)


def register_cli(subparsers: Any) -> None:
    """Add ``tokens`` and ``import`` (see :data:`tcocalc.cli.main.EXTRA_COMMANDS`)."""
    p = subparsers.add_parser(
        "tokens",
        help="count a prompt template's tokens (static prefix, few-shot examples per category)",
        description=(
            "Exact token counts for OpenAI models (o200k_base, cl100k_base; offline), a "
            "labelled estimate for other providers. Mark the variable part with {text} and "
            'few-shot examples with <example category="NAME">...</example>.'
        ),
    )
    p.add_argument("file", help="prompt template (UTF-8 text)")
    p.add_argument("--model", required=True, metavar="ID", help="model id, e.g. gpt-4.1-mini")
    p.add_argument("--sample", metavar="FILE", help="a typical input, counted as the variable part")
    p.add_argument(
        "--placeholder", default="{text}", help="marks the variable part (default {text})"
    )
    _scenario_options(p)
    p.set_defaults(handler=cmd_tokens)

    imp = subparsers.add_parser(
        "import", help="read a traffic export or an eval set into a scenario"
    )
    kinds = imp.add_subparsers(dest="kind", required=True)
    p = kinds.add_parser(
        "eval",
        help="accuracy per strategy and category with intervals, from an eval set",
        description=(
            "Rows (example_id, label, prompting, fine_tuning[, category]) or counts "
            "(strategy, correct, total[, category]), CSV or JSON Lines."
        ),
    )
    p.add_argument("file", help="eval set (CSV or JSON Lines)")
    _scenario_options(p)
    p.set_defaults(handler=cmd_import_eval)

    from tcocalc.evidence.layouts import LAYOUTS

    p = kinds.add_parser(
        "traffic",
        help="monthly calls, growth, peak, tokens and categories from a usage export",
        description="A usage export or gateway log, CSV (streamed) or JSON Lines. Layouts: "
        + "; ".join(f"{k}: {v.title}" for k, v in LAYOUTS.items()),
    )
    p.add_argument("file", help="usage export (CSV or JSON Lines)")
    p.add_argument(
        "--layout", choices=list(LAYOUTS), help="the export's layout (default: detected)"
    )
    p.add_argument(
        "--map", action="append", default=[], metavar="FIELD=COLUMN", type=_mapping,
        help="read FIELD (timestamp, calls, input_tokens, output_tokens, cached_tokens, model, "
        "category) from COLUMN",
    )  # fmt: skip
    _scenario_options(p)
    p.set_defaults(handler=cmd_import_traffic)


# --- shared output -------------------------------------------------------------------------------


def _table(rows: list[dict[str, str]]) -> list[str]:
    if not rows:
        return []
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in columns}
    out = ["  ".join(c.ljust(widths[c]) for c in columns).rstrip()]
    out += ["  ".join(r[c].ljust(widths[c]) for c in columns).rstrip() for r in rows]
    return out


def finish(
    args: argparse.Namespace,
    summary: dict[str, Any],
    lines: list[str],
    changes: list[Change],
    ranges: list[Range],
    scenario: Scenario | None,
) -> int:
    """Print the findings, the changes and the ranges; write ``--out`` when asked."""
    from tcocalc.analytics.ranges import display_scale

    scale = {r.driver: display_scale(r.driver) for r in ranges}
    updated = None
    if scenario is not None and changes:
        updated = apply_changes(scenario, changes, args.scenario)
    if args.out:
        if updated is None:
            print("--out needs --scenario (and something to change)", file=sys.stderr)
            return EXIT_INVALID
        Path(args.out).write_text(dump_scenario(updated), encoding="utf-8")
    if args.json:
        summary = {
            **summary,
            "changes": [{"field": c.dotted, "value": c.value, "source": c.source} for c in changes],
            "ranges": [
                {
                    "driver": r.driver,
                    "low": r.low,
                    "likely": r.likely,
                    "high": r.high,
                    "source": r.source,
                }
                for r in ranges
            ],
            "analyze_arguments": range_arguments(ranges, scale),
        }
        print(json.dumps(summary, indent=2))
        return EXIT_OK
    out = list(lines)
    if changes:
        out += ["", "Scenario fields:"]
        if scenario is not None:
            out += _table(changes_table(scenario, changes))
        else:
            out += [f"  {c.dotted} = {c.value}  ({c.source})" for c in changes]
    if ranges:
        out += ["", "Monte Carlo ranges:", *_table(ranges_table(ranges))]
        out += ["", "In tcocalc analyze: " + range_arguments(ranges, scale)]
    if args.out:
        out += ["", f"Wrote {args.out}"]
    print("\n".join(out))
    return EXIT_OK


def load_target(args: argparse.Namespace) -> tuple[Scenario | None, Any]:
    catalog = catalog_from_args(args)
    scenario = load_scenario(Path(args.scenario), catalog) if args.scenario else None
    return scenario, catalog


def read_file(path: str, limit: int) -> tuple[bytes, str]:
    """A file's bytes (refused unread past ``limit`` bytes) and its display name."""
    from tcocalc.evidence.changes import EvidenceError
    from tcocalc.inputs.loader import Problem

    p = Path(path)
    name = display_name(p)
    try:
        size = p.stat().st_size
        if size > limit:
            raise EvidenceError(
                [Problem(name, 1, 1, "", f"file is {size:,} bytes; the limit is {limit:,}")]
            )
        return p.read_bytes(), name
    except OSError as exc:
        raise EvidenceError([Problem(name, 1, 1, "", f"cannot read: {exc.strerror}")]) from None


# --- tokens --------------------------------------------------------------------------------------


def cmd_tokens(args: argparse.Namespace) -> int:
    from tcocalc.evidence.tokens import (
        MAX_PROMPT_BYTES,
        cost_per_call_usd,
        count_prompt,
        decode_prompt,
    )

    scenario, catalog = load_target(args)
    raw, name = read_file(args.file, MAX_PROMPT_BYTES)
    text = decode_prompt(raw, name)
    sample = None
    if args.sample:
        sraw, sname = read_file(args.sample, MAX_PROMPT_BYTES)
        sample = decode_prompt(sraw, sname)
    entry = None
    with contextlib.suppress(UnknownIdError):
        entry = catalog.model(args.model)
    provider = entry.provider if entry is not None else None
    c = count_prompt(
        text, args.model, provider, placeholder=args.placeholder, sample_input=sample, name=name
    )
    fallback = scenario.fine_tuning.input_tokens_per_call if scenario is not None else None
    changes = c.changes(fallback)
    ranges = c.ranges(fallback)
    summary: dict[str, Any] = {"file": name, **c.summary()}
    lines = [
        f"{name}: {c.characters:,} characters, {args.model}: {c.tokenizer.label}",
        f"  static prefix (cacheable) {c.static_prefix_tokens:>9,} tokens",
        f"  after the input           {c.static_suffix_tokens:>9,} tokens",
    ]
    if c.variable_tokens is not None:
        lines.append(f"  sample input              {c.variable_tokens:>9,} tokens")
    if c.categories:
        lines.append(
            f"  few-shot examples         {c.example_tokens:>9,} tokens in "
            f"{sum(e.examples for e in c.categories)} examples of {len(c.categories)} categories "
            f"({c.tokens_per_category:,.0f} per category)"
        )
        for e in c.categories:
            lines.append(f"    {e.category:<22} {e.examples:>3} example(s) {e.tokens:>8,} tokens")
    total = c.input_tokens_per_call(fallback)
    if entry is not None and total is not None:
        out_tokens = scenario.prompting.output_tokens_per_call if scenario is not None else 0.0
        usd = cost_per_call_usd(
            total, out_tokens, entry.usd_per_1m_input_tokens, entry.usd_per_1m_output_tokens
        )
        summary["cost_per_call_usd"] = usd
        lines.append(
            f"  one call: {total:,.0f} input + {out_tokens:,.0f} output tokens = ${usd:.6f} "
            f"at list prices (${entry.usd_per_1m_input_tokens:g} / "
            f"${entry.usd_per_1m_output_tokens:g} per 1M)"
        )
    lines += [f"warning: {w}" for w in c.warnings]
    return finish(args, summary, lines, changes, ranges, scenario)


# --- import eval ---------------------------------------------------------------------------------


def cmd_import_eval(args: argparse.Namespace) -> int:
    from tcocalc.evidence.evals import MAX_EVAL_BYTES, read_eval

    scenario, _ = load_target(args)
    raw, name = read_file(args.file, MAX_EVAL_BYTES)
    e = read_eval(raw, name)
    lines = [f"{name}: {e.examples:,} examples ({e.layout})", *_table(e.table()), "", e.verdict()]
    lines += [f"warning: {w}" for w in e.warnings]
    return finish(args, e.summary(), lines, e.changes(), e.ranges(), scenario)


# --- import traffic ------------------------------------------------------------------------------


def _mapping(text: str) -> tuple[str, str]:
    key, sep, column = text.partition("=")
    if not sep or not key.strip() or not column.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: expected FIELD=COLUMN")
    return key.strip(), column.strip()


def cmd_import_traffic(args: argparse.Namespace) -> int:
    from tcocalc.evidence.traffic import read_traffic

    scenario, _ = load_target(args)
    path = Path(args.file)
    name = display_name(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            t = read_traffic(
                stream, name, size=size, layout=args.layout, mapping=dict(args.map) or None
            )
    except OSError as exc:
        from tcocalc.evidence.changes import EvidenceError
        from tcocalc.inputs.loader import Problem

        raise EvidenceError([Problem(name, 1, 1, "", f"cannot read: {exc.strerror}")]) from None
    lines = [
        f"{name}: {t.rows:,} rows ({t.layout} layout), {t.calls:,.0f} calls, {t.first} to {t.last}",
        "",
        "month     calls in log  covered  full-month calls",
    ]
    lines += [
        f"{m.month}  {m.calls:>12,.0f}  {m.coverage:>6.0%}  {m.full_month_calls:>16,.0f}"
        for m in t.months
    ]
    f = t.fit
    if f is not None and f.slope_se is not None and f.growth_range_pct is not None:
        lo, hi = f.growth_range_pct
        lines.append(
            f"Growth {f.growth_pct:+.2f} %/month (95 %: {lo:+.2f} to {hi:+.2f}; standard error of "
            f"the log slope {f.slope_se:.4f}) over {f.months} months"
        )
    if t.peak_to_average is not None:
        lines.append(f"Peak-to-average {t.peak_to_average:.2f} (P99 hour / the month's mean hour)")
    for k, v in t.tokens.items():
        p90 = "" if v.p90 is None else f", P90 {v.p90:,.0f}"
        lines.append(f"{k.replace('_', ' ')} per call: mean {v.mean:,.1f}{p90}")
    if t.category_shares:
        top = ", ".join(f"{c or '(none)'} {v:.1%}" for c, v in list(t.category_shares.items())[:8])
        lines.append(f"Categories ({len(t.category_shares)}): {top}")
        if t.new_categories_per_year is not None:
            lines.append(
                f"New categories: {t.new_categories} after the first month, "
                f"{t.new_categories_per_year:.1f} a year"
            )
    lines += [f"warning: {w}" for w in t.warnings]
    return finish(args, t.summary(), lines, t.changes(), t.ranges(), scenario)
