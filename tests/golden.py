"""Golden monthly components for each shipped scenario, priced with the shipped catalog.

Regenerate after an intended change to the cost model, a scenario or a price (then review the diff):

    make golden          # = .venv/bin/python -m tests.golden
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tcocalc.inputs.loader import load_catalog, load_scenario, scenario_files
from tcocalc.model.projection import project

GOLDEN_DIR = Path(__file__).parent / "golden"


def golden_table(path: Path) -> pd.DataFrame:
    catalog = load_catalog()
    table = project(load_scenario(path, catalog), catalog).table()
    table["usd"] = table["usd"].round(6)
    return table


def regenerate() -> list[Path]:
    GOLDEN_DIR.mkdir(exist_ok=True)
    written = []
    for path in scenario_files():
        out = GOLDEN_DIR / f"{path.stem}.csv"
        golden_table(path).to_csv(out, index=False)
        written.append(out)
    return written


if __name__ == "__main__":
    for out in regenerate():
        print(f"wrote {out}")
