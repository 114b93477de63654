"""``tcocalc export FILE --pptx OUT --xlsx OUT --csv OUT --yaml OUT --png DIR --svg DIR [--no-hybrid]``.

Any subset of the outputs; at least one. Exit codes as for every command: 0 ok, 1 invalid input
(or no Chromium for the images, with how to install it), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

OUTPUT_OPTIONS = ("pptx", "xlsx", "csv", "yaml", "png", "svg")


def register_cli(subparsers: Any) -> None:
    """Add the ``export`` sub-command to the ``tcocalc`` parser."""
    p = subparsers.add_parser(
        "export",
        help="write a scenario's deck, workbook, tables and chart images",
        description="Write any subset of the exports of a scenario (at least one).",
    )
    p.add_argument("file", help="scenario YAML file")
    p.add_argument("--pptx", metavar="OUT", help="PowerPoint deck with native charts (16:9)")
    p.add_argument("--xlsx", metavar="OUT", help="workbook: summary, monthly table, assumptions")
    p.add_argument("--csv", metavar="OUT", help="monthly table: month, strategy, component, usd")
    p.add_argument("--yaml", metavar="OUT", help="the scenario as YAML (reads back exactly)")
    p.add_argument("--png", metavar="DIR", help="folder for the chart images as PNG (1920x1080)")
    p.add_argument("--svg", metavar="DIR", help="folder for the chart images as SVG")
    p.add_argument(
        "--no-hybrid",
        action="store_true",
        help="leave the hybrid out of the deck and the chart images (as the page's toggle does; "
        "the workbook and the CSV keep every strategy)",
    )
    p.add_argument(
        "--pricing",
        action="append",
        metavar="DIR",
        help="pricing folder (repeatable; default: the shipped pricing/)",
    )
    p.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from tcocalc.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, catalog_from_args
    from tcocalc.inputs.loader import load_scenario
    from tcocalc.model.projection import project

    wanted = {name: getattr(args, name) for name in OUTPUT_OPTIONS if getattr(args, name)}
    if not wanted:
        print(
            "tcocalc export: nothing to write; give at least one of "
            + ", ".join(f"--{n}" for n in OUTPUT_OPTIONS),
            file=sys.stderr,
        )
        return EXIT_USAGE
    if "png" in wanted or "svg" in wanted:
        from tcocalc.export.images import ChromiumNotFoundError, require_chromium

        try:
            require_chromium()
        except ChromiumNotFoundError as exc:
            print(f"tcocalc export: {exc}", file=sys.stderr)
            return EXIT_INVALID

    catalog = catalog_from_args(args)
    scenario = load_scenario(Path(args.file), catalog)
    result = project(scenario, catalog)
    written: list[Path] = []

    def write(path: str, data: bytes) -> None:
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        written.append(out)

    if "pptx" in wanted:
        from tcocalc.export.deck import deck_pptx

        write(wanted["pptx"], deck_pptx(result, catalog, show_hybrid=not args.no_hybrid))
    if "xlsx" in wanted:
        from tcocalc.export.data import workbook_xlsx

        write(wanted["xlsx"], workbook_xlsx(result, catalog))
    if "csv" in wanted:
        from tcocalc.export.data import monthly_csv

        write(wanted["csv"], monthly_csv(result))
    if "yaml" in wanted:
        from tcocalc.export.data import scenario_yaml

        write(wanted["yaml"], scenario_yaml(scenario))
    for fmt in ("png", "svg"):
        if fmt in wanted:
            from tcocalc.export.images import chart_images

            for name, data in chart_images(result, fmt, show_hybrid=not args.no_hybrid).items():
                write(str(Path(wanted[fmt]) / f"{name}.{fmt}"), data)
    for out in written:
        print(out)
    return EXIT_OK
