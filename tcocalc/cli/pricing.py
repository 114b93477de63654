"""``tcocalc pricing validate|show|diff``: the pricing folders from the command line.

The folders are those of the app (``TCOCALC_PRICING_DIR`` layered over the shipped ``pricing/``,
see :mod:`tcocalc.inputs.store`); ``--dir DIR`` names another company folder for one run.
Exit codes as for every command: 0 ok, 1 invalid input (or drift with ``diff --check``), 2 usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from tcocalc.inputs.loader import PricingFileError
from tcocalc.inputs.store import (
    PricingFolders,
    configured_folders,
    load_layered,
    pricing_table,
    stale_after_days,
)

EXIT_OK, EXIT_INVALID = 0, 1


def _folders(args: argparse.Namespace) -> PricingFolders:
    """``--dir DIR`` layered over the shipped folder as the app would (alone with ``--alone``
    or ``TCOCALC_PRICING_LAYERED=0``); without it, the configured folders."""
    configured = configured_folders()
    folder = getattr(args, "dir", None)
    if not folder:
        return configured
    company = Path(folder)
    shipped = None if getattr(args, "alone", False) else configured.shipped
    if shipped is not None and shipped.resolve() == company.resolve():
        shipped = None
    return PricingFolders(shipped, company)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def cmd_validate(args: argparse.Namespace) -> int:
    folders = _folders(args)
    for folder in folders.layers:
        if not folder.is_dir():
            print(f"{folder}:1:1: not a folder", file=sys.stderr)
            return EXIT_INVALID
    try:
        layered = load_layered(folders)
    except PricingFileError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in {folders.describe()}", file=sys.stderr)
        return EXIT_INVALID
    cat = layered.catalog
    print(
        f"{len(cat.files)} file(s) valid: {len(cat.models)} models, {len(cat.gpu_offers)} GPU "
        f"offers, {len(cat.labeling_methods)} labeling methods ({folders.describe()})"
    )
    for name in layered.replaced_files:
        print(f"  {name}: the company file replaces the shipped one")
    for o in layered.overrides:
        print(f"  {o.section}.{o.entry_id}: {o.company_file} overrides {o.shipped_file}")
    table = pricing_table(cat, today=dt.date.today(), stale_after=stale_after_days())
    n_stale, n_ended = int(table.stale.sum()), int(table.ended.sum())
    if n_stale or n_ended:
        print(
            f"note: {n_stale} price(s) older than {stale_after_days()} days, {n_ended} past their "
            "end of availability; see `tcocalc pricing show --stale`"
        )
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    folders = _folders(args)
    layered = load_layered(folders)  # PricingFileError -> exit 1 in cli.main
    stale_after = args.max_age_days or stale_after_days()
    today = args.today or dt.date.today()
    table = pricing_table(
        layered.catalog, today=today, stale_after=stale_after, origins=layered.origins
    )
    if args.stale:
        table = table[table.stale | table.ended]
    if args.kind:
        table = table[table.kind == args.kind]
    if args.json:
        records: list[dict[str, Any]] = json.loads(
            table.to_json(orient="records", date_format="iso")
        )
        print(json.dumps(records, indent=2))
        return EXIT_OK
    if table.empty:
        what = "stale or ended entries" if args.stale else "entries"
        print(f"No {what} (prices older than {stale_after} days count as stale).")
        return EXIT_OK
    for kind, group in table.groupby("kind", sort=False):
        print(f"{kind} ({len(group)})")
        for row in group.to_dict("records"):
            flags = f"  [{row['flags']}]" if row["flags"] else ""
            print(f"  {row['id']:<28} {row['price']}")
            print(f"  {'':<28} as of {row['as_of']} from {row['source']} ({row['file']}){flags}")
        print()
    n_stale = int(table.stale.sum())
    print(f"{n_stale} of {len(table)} price(s) older than {stale_after} days on {today}.")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from tcocalc.pricing.drift import drift_report, format_drift

    layered = load_layered(_folders(args))
    report = drift_report(layered.catalog, args.threshold)
    print(format_drift(report, show_all=args.all, limit=args.limit))
    if args.check and report.drifted:
        return EXIT_INVALID
    return EXIT_OK


def register_cli(subparsers: Any) -> None:
    """Add ``pricing validate|show|diff`` to the ``tcocalc`` parser."""
    from tcocalc.pricing.drift import DEFAULT_THRESHOLD_PCT

    pricing = subparsers.add_parser(
        "pricing",
        help="check, list and compare the pricing YAML",
        description=(
            "The pricing folders: TCOCALC_PRICING_DIR layered over the shipped pricing/ "
            "(company entries win per id; a company file with a shipped file's name replaces it)."
        ),
    )
    sub = pricing.add_subparsers(dest="pricing_command", required=True)

    def dir_option(p: argparse.ArgumentParser, positional: bool = False) -> None:
        help_ = "company pricing folder for this run (default: TCOCALC_PRICING_DIR)"
        if positional:
            p.add_argument("dir", nargs="?", metavar="DIR", help=help_)
        else:
            p.add_argument("--dir", metavar="DIR", help=help_)
        p.add_argument(
            "--alone", action="store_true", help="read DIR alone, not layered over pricing/"
        )

    p = sub.add_parser("validate", help="check every pricing file; errors as file:line:col")
    dir_option(p, positional=True)
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("show", help="list every price with its source, as_of and flags")
    dir_option(p)
    p.add_argument("--stale", action="store_true", help="only stale or ended entries")
    p.add_argument(
        "--max-age-days",
        type=int,
        metavar="N",
        help="a price older than N days is stale (default: TCOCALC_STALE_DAYS or 90)",
    )
    p.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="date to judge ages on")
    p.add_argument("--kind", choices=["model", "GPU", "labeling"], help="one kind of entry")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("diff", help="drift of the YAML prices from the genai-prices snapshot")
    dir_option(p)
    p.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD_PCT,
        metavar="PCT",
        help=f"report prices that differ by more than PCT %% (default {DEFAULT_THRESHOLD_PCT:g})",
    )
    p.add_argument("--all", action="store_true", help="list every compared model")
    p.add_argument(
        "--limit", type=int, default=15, metavar="N", help="missing model ids shown per provider"
    )
    p.add_argument("--check", action="store_true", help="exit 1 when a price drifted")
    p.set_defaults(handler=cmd_diff)
