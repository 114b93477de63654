"""``tcocalc`` on the command line: report, validate, schema (and the commands other modules add).

Exit codes: 0 ok, 1 invalid input (errors printed as ``file:line:col: field: message``), 2 usage.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tcocalc.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, Handler, catalog_from_args
from tcocalc.inputs.loader import (
    PRICING_DIR,
    InputFileError,
    load_scenario,
    pricing_files,
)
from tcocalc.present.inert import terminal_text


def report_json(result: Any, volume: Any) -> dict[str, Any]:
    """The machine-readable report (keys documented in the README; keep them stable)."""
    from tcocalc.model.engine import STRATEGIES
    from tcocalc.present.summary import verdict

    h = result.horizon_months

    def be(b: Any) -> dict[str, Any]:
        return {
            "first_month": b.first_month,
            "durable_month": b.durable_month,
            "lead_changes": list(b.lead_changes),
            "estimated_month": b.estimated_month,
            "savings_at_horizon_usd": round(b.savings_at_horizon_usd, 2),
            "summary": b.describe(),
        }

    checkpoints = sorted({m for m in (12, 24, 36, h) if m <= h})
    return {
        "scenario": result.scenario.name,
        "horizon_months": h,
        "currency": "USD",
        "include_engineering": result.params.include_engineering,
        "include_error_cost": result.params.include_error_cost,
        "totals_usd": {
            s: {str(m): round(result.total(s, m), 2) for m in checkpoints} for s in STRATEGIES
        },
        "components_usd": {
            s: {k: round(v, 2) for k, v in result.component_totals(s).items()} for s in STRATEGIES
        },
        "breakeven": {
            "fine_tuning": be(result.fine_tuning_breakeven),
            "hybrid": be(result.hybrid_breakeven),
        },
        "breakeven_volume_calls_per_month": None
        if volume.monthly_calls is None
        else round(volume.monthly_calls),
        "cost_per_category_change_usd": {
            k: round(v, 2) for k, v in result.cost_per_category_change.items()
        },
        "category_changes": [
            {
                "month": e.month,
                "new_categories": e.new_categories,
                "tuned_model_live": e.live,
                "prompting_usd": round(e.prompting_usd, 2),
                "fine_tuning_usd": round(e.fine_tuning_usd, 2),
            }
            for e in result.category_changes
        ],
        "warnings": list(result.warnings),
        # Issue 11: money over time and what the bill says.
        "verdict": verdict(result),
        "breakeven_basis": result.basis,
        "discount_rate_pct_per_year": result.discount_rate_pct_per_year,
        "discounted_totals_usd": {
            s: {
                str(m): round(float(result.discounted_cumulative[i, m - 1]), 2) for m in checkpoints
            }
            for i, s in enumerate(STRATEGIES)
        },
        "breakeven_by_basis": {
            basis: {c: be(result.breakeven_on(c, basis)) for c in ("fine_tuning", "hybrid")}
            for basis in ("plain", "discounted")
        },
        "price_overrides": {
            model_id: {
                **o.prices(),
                **({"fine_tuning": o.tuned_prices()} if o.tuned_prices() else {}),
                "note": o.note,
            }
            for model_id, o in result.scenario.price_overrides.items()
        },
    }


def cmd_report(args: argparse.Namespace) -> int:
    from tcocalc.inputs.link_keys import format_overrides
    from tcocalc.model.breakeven import breakeven_volume
    from tcocalc.model.engine import COMPONENT_LABELS, COMPONENTS, STRATEGIES, STRATEGY_LABELS
    from tcocalc.model.projection import project
    from tcocalc.present.labels import describe_overrides
    from tcocalc.present.summary import verdict

    catalog = catalog_from_args(args)
    scenario = load_scenario(Path(args.file), catalog)
    result = project(scenario, catalog)
    volume = breakeven_volume(scenario, catalog)
    if args.csv:
        result.table().to_csv(args.csv, index=False)
    if args.json:
        print(json.dumps(report_json(result, volume), indent=2))
        return EXIT_OK
    h = result.horizon_months
    checkpoints = sorted({m for m in (12, 24, 36, h) if m <= h})
    print(f"{scenario.name} — {h} months, USD")
    toggles = []
    toggles.append(
        "engineering " + ("included" if result.params.include_engineering else "excluded")
    )
    toggles.append("error cost " + ("included" if result.params.include_error_cost else "excluded"))
    print("(" + ", ".join(toggles) + ")\n")
    header = f"{'cumulative cost':<22}" + "".join(f"{'month ' + str(m):>14}" for m in checkpoints)
    print(header)
    for s in STRATEGIES:
        print(
            f"{STRATEGY_LABELS[s]:<22}"
            + "".join(f"{result.total(s, m):>14,.0f}" for m in checkpoints)
        )
    print()
    print(f"{'component (horizon)':<22}" + "".join(f"{STRATEGY_LABELS[s]:>14}" for s in STRATEGIES))
    for k in COMPONENTS:
        cells = "".join(f"{result.component_totals(s)[k]:>14,.0f}" for s in STRATEGIES)
        flag = "" if result.mask[COMPONENTS.index(k)] else "  (not in totals)"
        print(f"{COMPONENT_LABELS[k]:<22}{cells}{flag}")
    print()
    if result.basis == "discounted":
        print(
            f"{'discounted (month 1 $)':<22}"
            + "".join(
                f"{result.discounted_cumulative[i, m - 1]:>14,.0f}"
                for i in range(len(STRATEGIES))
                for m in checkpoints[-1:]
            )
            + f"   at month {h}, {result.discount_rate_pct_per_year:g} %/year"
        )
        print("Break-evens below compare discounted totals.")
    for model_id, o in result.scenario.price_overrides.items():
        print(
            terminal_text(
                "negotiated prices: " + describe_overrides(format_overrides({model_id: o}))
            )
        )
    print(f"Fine-tuning {result.fine_tuning_breakeven.describe()}.")
    print(f"Hybrid {result.hybrid_breakeven.describe()}.")
    if volume.monthly_calls is None:
        print("No steady volume up to 10 billion calls/month makes fine-tuning pay back in time.")
    else:
        print(
            f"Fine-tuning pays back within {h} months above {volume.monthly_calls:,.0f} calls/month."
        )
    changes = result.category_changes
    for e in changes[:3] if len(changes) > 4 else changes:
        print(
            f"Category change in month {e.month} ({e.new_categories:g} new"
            + ("" if e.live else ", before go-live")
            + f"): fine-tuning {e.fine_tuning_usd:,.0f}, prompting {e.prompting_usd:,.0f}."
        )
    if len(changes) > 4:
        print(f"... and {len(changes) - 3} more category changes (each one: --json).")
    for w in result.warnings:
        print(f"warning: {w}")
    print(terminal_text(verdict(result)))
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from tcocalc.inputs.loader import PricingFileError, load_pricing_file

    paths = [Path(p) for p in args.paths] or [PRICING_DIR, Path("scenarios")]
    errors: list[str] = []
    checked = 0
    pricing: list[Path] = []
    scenarios: list[Path] = []
    for path in paths:
        if path.is_dir():
            for f in pricing_files(path):
                (pricing if _is_pricing(f) else scenarios).append(f)
        elif path.exists():
            (pricing if _is_pricing(path) else scenarios).append(path)
        else:
            errors.append(f"{path}:1:1: file not found")
    for f in pricing:
        checked += 1
        try:
            load_pricing_file(f)
        except PricingFileError as exc:
            errors.extend(map(str, exc.problems))
    try:
        catalog = catalog_from_args(args)
    except InputFileError as exc:
        errors.extend(map(str, exc.problems))
        catalog = None
    for f in scenarios:
        checked += 1
        try:
            load_scenario(f, catalog)
        except InputFileError as exc:
            errors.extend(map(str, exc.problems))
    for line in dict.fromkeys(errors):
        print(line, file=sys.stderr)
    if errors:
        return EXIT_INVALID
    print(f"{checked} file(s) valid")
    return EXIT_OK


def _is_pricing(path: Path) -> bool:
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    except OSError:
        return False
    return any(
        line.startswith(("models:", "gpu_offers:", "labeling_methods:", "currency:"))
        for line in head.splitlines()
    )


def cmd_schema(args: argparse.Namespace) -> int:
    from tcocalc.model.scenario import Scenario
    from tcocalc.pricing.catalog import PricingFile

    model = PricingFile if args.pricing_file else Scenario
    print(json.dumps(model.model_json_schema(), indent=2))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tcocalc",
        description="Total cost of ownership: prompting vs fine-tuning vs hybrid.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def pricing_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--pricing",
            action="append",
            metavar="DIR",
            help="pricing folder (repeatable; default: the shipped pricing/)",
        )

    p = sub.add_parser("report", help="totals, break-even and components of a scenario")
    p.add_argument("file", help="scenario YAML file")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--csv", metavar="OUT", help="write the monthly component table as CSV")
    pricing_option(p)
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("validate", help="check scenario and pricing files")
    p.add_argument("paths", nargs="*", help="files or folders (default: pricing/ and scenarios/)")
    pricing_option(p)
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of a scenario file")
    p.add_argument("--pricing-file", action="store_true", help="the pricing file schema instead")
    p.set_defaults(handler=cmd_schema)

    for module_name in EXTRA_COMMANDS:
        importlib.import_module(module_name).register_cli(sub)
    return parser


EXTRA_COMMANDS: list[str] = [
    "tcocalc.cli.export",
    "tcocalc.cli.pricing",
    "tcocalc.cli.analyze",
    "tcocalc.cli.evidence",
]
"""Modules whose ``register_cli(subparsers)`` adds sub-commands (export, pricing, analyze,
tokens and import)."""


class _InertStream:
    """A text stream that drops escape sequences and control characters from what is written
    (a scenario name must not recolour, retitle or clear the terminal)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(terminal_text(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) and EXIT_USAGE
    out, err = _InertStream(sys.stdout), _InertStream(sys.stderr)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            handler: Handler = args.handler
            try:
                return handler(args)
            except InputFileError as exc:
                for problem in exc.problems:
                    print(problem, file=sys.stderr)
                return EXIT_INVALID
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
