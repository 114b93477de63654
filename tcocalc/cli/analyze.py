"""``tcocalc analyze``: the decision analytics on the command line.

``tcocalc analyze FILE [--tornado] [--map] [--monte-carlo N] [--json]`` prints the tornado with
switching values, the break-even map (as a character grid) and the Monte Carlo summary; without
any of the three flags it prints all three. ``--csv DIR`` also writes each analysis as CSV.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from tcocalc import analytics as A
from tcocalc.model.engine import STRATEGIES, STRATEGY_LABELS

EXIT_OK, EXIT_INVALID = 0, 1
MAP_ROWS, MAP_COLS = 12, 50
MAP_LETTERS = {"prompting": "·", "fine_tuning": "F", "hybrid": "H"}


def _range(text: str) -> tuple[str, list[float] | None]:
    """``KEY=LOW,LIKELY,HIGH`` (or ``KEY=off``), in the units the page shows (accuracy in %)."""
    key, sep, values = text.partition("=")
    key = key.strip()
    if not sep or key not in A.DRIVERS:
        known = ", ".join(A.DRIVERS)
        raise argparse.ArgumentTypeError(f"{text!r}: expected KEY=LOW,LIKELY,HIGH; keys: {known}")
    if values.strip().lower() == "off":
        return key, None
    try:
        numbers = [float(v) for v in values.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) != 3:
        raise argparse.ArgumentTypeError(f"{text!r}: give three numbers, LOW,LIKELY,HIGH")
    return key, numbers


def _share(text: str) -> float:
    try:
        pct = float(text.rstrip("%"))
    except ValueError:
        pct = -1.0
    if not 0 < pct < 100:
        raise argparse.ArgumentTypeError(f"{text!r}: a percentage between 0 and 100, e.g. 25")
    return pct / 100.0


def _driver(text: str) -> str:
    if text not in A.DRIVERS:
        raise argparse.ArgumentTypeError(f"{text!r}: choose from {', '.join(A.DRIVERS)}")
    return text


def register_cli(subparsers: Any) -> None:
    """Add ``analyze`` to ``tcocalc``'s sub-commands (see :data:`tcocalc.cli.main.EXTRA_COMMANDS`)."""
    p = subparsers.add_parser(
        "analyze",
        help="what flips the decision (tornado, break-even map) and how sure it is (Monte Carlo)",
        description=(
            "Sensitivity tornado with switching values, break-even map and Monte Carlo of a "
            "scenario. Without --tornado, --map or --monte-carlo, all three are printed."
        ),
    )
    p.add_argument("file", help="scenario YAML file")
    p.add_argument(
        "--tornado", action="store_true", help="sensitivity tornado and switching values"
    )
    p.add_argument("--map", action="store_true", help="cheapest strategy over two drivers")
    p.add_argument(
        "--monte-carlo",
        type=int,
        metavar="N",
        help=f"Monte Carlo with N draws (default when all analyses run: {A.DEFAULT_DRAWS:,})",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--csv", metavar="DIR", help="also write each analysis as CSV into DIR")
    p.add_argument(
        "--challenger",
        choices=A.CHALLENGERS,
        default="fine_tuning",
        help="strategy compared with prompting in the tornado (default fine_tuning)",
    )
    p.add_argument(
        "--share", type=_share, default=A.DEFAULT_TORNADO_SHARE, metavar="PCT",
        help="tornado variation either way, in %% (default 25)",
    )  # fmt: skip
    p.add_argument("--map-x", type=_driver, default="monthly_calls", metavar="KEY")
    p.add_argument("--map-y", type=_driver, default="new_categories_per_year", metavar="KEY")
    p.add_argument("--points", type=int, default=50, help="map points per axis (default 50)")
    p.add_argument(
        "--range",
        type=_range,
        action="append",
        default=[],
        metavar="KEY=LOW,LIKELY,HIGH",
        help="an uncertain input (accuracy in %%); replaces its default range; KEY=off drops it",
    )
    p.add_argument(
        "--no-default-ranges", action="store_true",
        help="use only the --range inputs, not the defaults taken from the scenario",
    )  # fmt: skip
    p.add_argument("--seed", type=int, default=A.DEFAULT_SEED)
    p.add_argument("--distribution", choices=("pert", "triangular"), default="pert")
    p.add_argument(
        "--pricing", action="append", metavar="DIR",
        help="pricing folder (repeatable; default: the shipped pricing/)",
    )  # fmt: skip
    p.set_defaults(handler=cmd_analyze)


def cmd_analyze(args: argparse.Namespace) -> int:
    from tcocalc.cli.common import catalog_from_args
    from tcocalc.inputs.loader import load_scenario

    catalog = catalog_from_args(args)
    scenario = load_scenario(Path(args.file), catalog)
    basis = A.Basis.build(scenario, catalog)
    everything = not (args.tornado or args.map or args.monte_carlo is not None)
    out: dict[str, Any] = {
        "scenario": scenario.name,
        "horizon_months": scenario.horizon_months,
        "currency": "USD",
    }
    csv_dir = Path(args.csv) if args.csv else None
    if csv_dir is not None:
        csv_dir.mkdir(parents=True, exist_ok=True)

    if args.monte_carlo is not None and args.monte_carlo < 1:
        print("--monte-carlo: give at least 1 draw", file=sys.stderr)
        return EXIT_INVALID
    ranges = None
    if everything or args.monte_carlo is not None:
        ranges, problems = _ranges(basis, args.range, args.no_default_ranges)
        if problems:
            for problem in problems:
                print(f"--range {problem}", file=sys.stderr)
            return EXIT_INVALID
    if args.map and args.map_x == args.map_y:
        print("--map-x and --map-y must differ", file=sys.stderr)
        return EXIT_INVALID

    text: list[str] = [f"{scenario.name} — {scenario.horizon_months} months, USD", ""]
    if everything or args.tornado:
        t = A.tornado(basis, args.share, args.challenger)
        out["tornado"] = _tornado_json(t)
        text += _tornado_text(t)
        if csv_dir is not None:
            (csv_dir / "tornado.csv").write_bytes(A.tornado_csv(t))
    if everything or args.map:
        m = A.breakeven_map(basis, args.map_x, args.map_y, points=max(2, args.points))
        out["map"] = _map_json(m)
        text += _map_text(m)
        if csv_dir is not None:
            (csv_dir / "map.csv").write_bytes(A.map_csv(m))
    if ranges is not None:
        draws = args.monte_carlo or A.DEFAULT_DRAWS
        mc = A.monte_carlo(basis, ranges, draws, args.seed, args.distribution)
        out["monte_carlo"] = mc.summary()
        voi = A.value_of_information(mc)
        out["value_of_information"] = voi.summary()
        text += _mc_text(mc) + _voi_text(voi)
        if csv_dir is not None:
            (csv_dir / "draws.csv").write_bytes(A.draws_csv(mc))
            (csv_dir / "percentiles.csv").write_bytes(A.percentiles_csv(mc))
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print("\n".join(text).rstrip())
    return EXIT_OK


def _ranges(
    basis: A.Basis, given: list[tuple[str, list[float] | None]], only_given: bool
) -> tuple[list[A.Uncertain], list[str]]:
    chosen = {} if only_given else {u.driver: u for u in A.default_ranges(basis)}
    problems: list[str] = []
    for key, numbers in given:
        if numbers is None:
            chosen.pop(key, None)
            continue
        k = A.display_scale(key)
        try:
            chosen[key] = A.Uncertain(key, *(v / k for v in numbers))
        except ValueError as exc:
            problems.append(f"{key}: {exc}")
    return list(chosen.values()), problems


# --- Tornado -----------------------------------------------------------------------------------


def _tornado_json(t: A.Tornado) -> dict[str, Any]:
    return {
        "challenger": t.challenger,
        "share": t.share,
        "base_difference_usd": round(t.base_difference_usd, 2),
        "base_breakeven_month": t.base_breakeven_month or None,
        "verdict": t.verdict,
        "sentence": t.sentence,
        "rows": [
            {
                "driver": r.driver,
                "label": r.label,
                "unit": r.unit,
                "base_value": r.base_value,
                "low_value": r.low_value,
                "high_value": r.high_value,
                "difference_low_usd": round(r.difference_low_usd, 2),
                "difference_high_usd": round(r.difference_high_usd, 2),
                "breakeven_month_low": r.breakeven_low or None,
                "breakeven_month_high": r.breakeven_high or None,
                "flips": r.flips,
            }
            for r in t.rows
        ],
        "switching_values": [
            {
                "driver": s.driver,
                "base_value": s.base_value,
                "value": s.value,
                "direction": s.direction,
                "searched": [s.searched_low, s.searched_high],
            }
            for s in t.switching
        ],
        "unchanged": [{"label": label, "reason": reason} for label, reason in t.unchanged],
    }


def _table(rows: list[dict[str, str]]) -> list[str]:
    if not rows:
        return []
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) if i == 0 else c.rjust(widths[c])
                       for i, c in enumerate(columns))]  # fmt: skip
    for r in rows:
        lines.append(
            "  ".join(
                r[c].ljust(widths[c]) if i == 0 else r[c].rjust(widths[c])
                for i, c in enumerate(columns)
            ).rstrip()
        )
    return lines


def _tornado_text(t: A.Tornado) -> list[str]:
    challenger = STRATEGY_LABELS[t.challenger].lower()
    pct = round(t.share * 100)
    lines = [
        t.sentence,
        "",
        f"Sensitivity: each input {pct} % down and up, the others held; "
        f"{challenger} − prompting at month {t.horizon_months} (today "
        f"{A.format_usd(t.base_difference_usd)}). Flips when: the switching value.",
    ]
    lines += _table(t.display_rows())
    if t.unchanged:
        lines.append(
            "Not varied: " + "; ".join(f"{label} ({reason})" for label, reason in t.unchanged)
        )
    return [*lines, ""]


# --- Map ------------------------------------------------------------------------------------------


def _map_json(m: A.BreakEvenMap) -> dict[str, Any]:
    return {
        "x_driver": m.x_driver,
        "y_driver": m.y_driver,
        "x": m.x.tolist(),
        "y": m.y.tolist(),
        "current": list(m.current),
        "cheapest": np.array(STRATEGIES)[m.cheapest].tolist(),
        "shares": {k: round(v, 4) for k, v in m.shares().items()},
        "note": m.note,
    }


def _map_text(m: A.BreakEvenMap) -> list[str]:
    rows = np.unique(np.linspace(0, m.y.size - 1, min(MAP_ROWS, m.y.size)).round().astype(int))
    cols = np.unique(np.linspace(0, m.x.size - 1, min(MAP_COLS, m.x.size)).round().astype(int))
    cheapest = m.cheapest
    letters = np.array([MAP_LETTERS[s] for s in STRATEGIES])
    cx = int(np.argmin(np.abs(np.log(m.x[cols] / m.current[0])))) if m.current[0] > 0 and m.x.min() > 0 \
        else int(np.argmin(np.abs(m.x[cols] - m.current[0])))  # fmt: skip
    cy = int(np.argmin(np.abs(m.y[rows] - m.current[1])))
    y_label = [A.format_value(m.y_driver, float(v)).split(" ")[0] for v in m.y[rows]]
    width = max(len(s) for s in y_label)
    x_name, y_name = A.DRIVERS[m.x_driver].label, A.DRIVERS[m.y_driver].label
    lines = [
        f"Cheapest strategy by month {m.horizon_months}: {x_name.lower()} (across) × "
        f"{y_name[0].lower() + y_name[1:]} (up)",
        "  ".join(f"{letters[i]} {STRATEGY_LABELS[s].lower()}" for i, s in enumerate(STRATEGIES))
        + "  * today",
    ]
    for j in range(rows.size - 1, -1, -1):
        cells = letters[cheapest[rows[j], cols]].copy()
        if j == cy:
            cells[cx] = "*"
        lines.append(f"{y_label[j].rjust(width)} |{''.join(cells)}")
    lo, hi = (A.format_value(m.x_driver, float(v)) for v in (m.x[0], m.x[-1]))
    lines.append(" " * width + " +" + "-" * cols.size)
    lines.append(" " * (width + 2) + lo + hi.rjust(max(1, cols.size - len(lo))))
    shares = ", ".join(f"{STRATEGY_LABELS[s].lower()} {v:.0%}" for s, v in m.shares().items())
    lines.append(f"Share of the map where each is cheapest: {shares}.")
    if m.note:
        lines.append(m.note)
    return [*lines, ""]


# --- Monte Carlo ----------------------------------------------------------------------------------


def _mc_text(mc: A.MonteCarlo) -> list[str]:
    dist = "PERT" if mc.distribution == "pert" else "triangular"
    lines = [f"Monte Carlo: {mc.draws:,} draws ({dist}, seed {mc.seed}), inputs independent"]
    rows = []
    for u in mc.ranges:
        rows.append(
            {
                "input": A.DRIVERS[u.driver].label,
                "low": A.format_value(u.driver, u.low),
                "likely": A.format_value(u.driver, u.likely),
                "high": A.format_value(u.driver, u.high),
            }
        )
    lines += _table(rows) if rows else ["(no uncertain inputs: every draw is the scenario)"]
    h = mc.horizon_months
    for c in A.CHALLENGERS:
        name = STRATEGY_LABELS[c]
        s = mc.savings_percentiles(c)
        months = [mc.breakeven_percentile(c, q) for q in (10, 50, 90)]
        month_text = "/".join("never" if m is None else str(m) for m in months)
        lines.append(
            f"{name} cheaper by month {h} in {mc.probability_cheaper(c):.1%} of draws "
            f"(± {mc.standard_error(c):.1%}); saves P10/P50/P90 "
            f"{A.format_usd(s['p10'])} / {A.format_usd(s['p50'])} / {A.format_usd(s['p90'])}; "
            f"break-even month P10/P50/P90 {month_text}"
        )
    cheapest = ", ".join(
        f"{STRATEGY_LABELS[s].lower()} {v:.1%}" for s, v in mc.probability_cheapest().items()
    )
    lines.append(f"Cheapest at month {h}: {cheapest}")
    return [*lines, ""]


def _voi_text(v: A.ValueOfInformation) -> list[str]:
    """The sentence, then the inputs most worth measuring (EVPPI, USD over the horizon)."""
    lines = [v.sentence()]
    if v.evpi_usd > 0:
        lines += [
            f"  knowing {A.DRIVERS[key].label.lower()}: {A.format_usd(usd)}"
            for key, usd in list(v.evppi_usd.items())[:6]
        ]
    return [*lines, ""]
