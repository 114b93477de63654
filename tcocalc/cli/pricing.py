"""``tcocalc pricing validate|show|diff|import``: the pricing folders from the command line.

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
    shown_name,
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


def _snapshot_provider(name: str) -> Any:
    """The one genai-prices provider a name means, or raise ``LookupError`` saying why."""
    from tcocalc.pricing import snapshot
    from tcocalc.pricing.drift import providers_for

    found = providers_for(name, snapshot.providers())
    if len(found) != 1:
        known = ", ".join(sorted(p.id for p in snapshot.providers()))
        what = "names no" if not found else f"is ambiguous ({', '.join(p.id for p in found)}) as a"
        raise LookupError(f"{name!r} {what} genai-prices provider; known: {known}")
    return found[0]


def cmd_import(args: argparse.Namespace) -> int:
    """Fill a model's cached, batch, tier and dated prices from the bundled snapshot."""
    from tcocalc.inputs.editor import EditRefusedError, save, text_hash
    from tcocalc.inputs.importer import default_notes, import_model
    from tcocalc.pricing import snapshot

    folders = _folders(args)
    layered = load_layered(folders)  # PricingFileError -> exit 1 in cli.main
    today = args.today or dt.datetime.now(dt.UTC).date()
    model_id = args.id
    entry = layered.catalog.models.get(model_id)
    target = folders.editable
    if entry is not None:
        origin = layered.origins[("models", model_id)]
        path = next(p for p in folders.files() if shown_name(p) == origin)
        if path.parent.resolve() != target.resolve():
            print(
                f"{origin}: models.{model_id} is in the shipped folder, but edits go to "
                f"{target}; copy the entry there first (or run with --dir pricing --alone)",
                file=sys.stderr,
            )
            return EXIT_INVALID
        name = path.name
    else:
        name = args.file or "llm_apis.yaml"
    try:
        if args.provider or entry is not None:
            provider = _snapshot_provider(args.provider or (entry.provider if entry else ""))
            wanted = args.snapshot_id or (entry.snapshot_id if entry else None) or model_id
            info = snapshot.find_at(provider, wanted)
            if info is None:
                raise LookupError(
                    f"genai-prices lists no {wanted!r} at {provider.name}; give the id it uses "
                    "there with --snapshot-id"
                )
        else:  # a new id, no provider given: only its maker's first-hand price
            made = snapshot.snapshot_model(args.snapshot_id or model_id, day=today)
            if made is None:
                raise LookupError(f"genai-prices does not list {model_id!r}")
            provider = _snapshot_provider(made.provider)
            info = snapshot.find_at(provider, made.snapshot_id or model_id)
            assert info is not None
    except LookupError as exc:
        print(f"tcocalc pricing import: {exc}", file=sys.stderr)
        return EXIT_INVALID
    fields = snapshot.entry_fields(info, today)
    if fields is None:
        print(f"tcocalc pricing import: {info.id} is not priced per token", file=sys.stderr)
        return EXIT_INVALID
    tuned_fields = None
    if entry is not None and entry.fine_tuning is not None and entry.fine_tuning.snapshot_id:
        tuned = snapshot.find_at(provider, entry.fine_tuning.snapshot_id)
        tuned_fields = snapshot.entry_fields(tuned, today) if tuned is not None else None
    path = target / name
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    text = (
        current
        or "# yaml-language-server: $schema=./schema.json\nschema_version: 2\ncurrency: USD\n"
    )
    new_entry = {
        "provider": provider.name,
        "name": info.name or info.id,
        "source": (provider.pricing_urls or [snapshot.GENAI_PRICES_URL])[0],
        "as_of": snapshot.snapshot_as_of(),
        "notes": default_notes(f"{provider.id}/{info.id}", snapshot.package_version(), today),
    }
    result = import_model(
        text,
        shown_name(path),
        model_id,
        fields,
        tuned_fields=tuned_fields,
        new_entry=new_entry,
        snapshot_id=info.id,
    )
    note = snapshot.second_hand(provider, info)
    if note:
        print(f"note: genai-prices says of this price: {note}")
    if not result.changes:
        print(f"{shown_name(path)}: models.{model_id} already has the snapshot's prices")
        return EXIT_OK
    for line in result.changes:
        print(f"  {line}")
    if args.dry_run:
        print(f"(dry run: {shown_name(path)} not written)")
        return EXIT_OK
    try:
        save(PricingFolders(None, target), name, result.text, text_hash(current))
    except EditRefusedError as exc:
        print(f"tcocalc pricing import: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(
        f"{shown_name(path)}: models.{model_id} updated from the genai-prices "
        f"{snapshot.package_version()} snapshot; check source and as_of, then run "
        "`tcocalc pricing validate`"
    )
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

    p = sub.add_parser(
        "import",
        help="fill a model's cached, batch, tier and dated prices from the genai-prices snapshot",
        description="Rewrite models.ID in its pricing file with the prices of the genai-prices "
        "snapshot bundled with the install (comments and layout kept; the previous version goes "
        "to .backups/). An ID no file has is added, by default to llm_apis.yaml.",
    )
    p.add_argument("id", metavar="ID", help="the model's id in the pricing files")
    dir_option(p)
    p.add_argument(
        "--provider", metavar="NAME", help="the genai-prices provider (default: the entry's)"
    )
    p.add_argument(
        "--snapshot-id", metavar="SID", help="the id genai-prices uses (default: snapshot_id or ID)"
    )
    p.add_argument("--file", metavar="NAME", help="file for a new id (default llm_apis.yaml)")
    p.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="prices in force that day")
    p.add_argument("--dry-run", action="store_true", help="print the changes, write nothing")
    p.set_defaults(handler=cmd_import)
