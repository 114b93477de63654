"""Engine speed: one projection, the break-even volume solve, loading every shipped YAML file."""

from __future__ import annotations

import numpy as np
from ruamel.yaml import YAML

from bench import ALL_COMPONENTS_120_MONTHS, median_seconds, report
from tcocalc.inputs.loader import (
    DEFAULT_SCENARIO,
    PRICING_DIR,
    load_catalog,
    load_scenario,
    pricing_files,
    scenario_files,
)
from tcocalc.model.breakeven import breakeven_volume
from tcocalc.model.projection import project
from tests.conftest import updated


def main() -> None:
    print("engine")
    catalog = load_catalog()
    # 3 strategies x 120 months, every component active: growth, category changes, drift re-trains,
    # lead time, error cost, and dedicated GPU replicas for the tuned model.
    scenario = updated(load_scenario(DEFAULT_SCENARIO, catalog), ALL_COMPONENTS_120_MONTHS)
    months = np.arange(1.0, 121.0)

    def one_formula() -> object:
        return np.cumsum(1e5 * 1.02 ** (months - 1) * 0.0005)

    base = median_seconds(one_formula, repeat=2000)
    proj = median_seconds(lambda: project(scenario, catalog), repeat=500)
    report("projection, 3 strategies x 120 months", proj, 2e-3, base, "one numpy formula")
    proj_be = median_seconds(lambda: project(scenario, catalog).fine_tuning_breakeven, repeat=500)
    report("projection + break-even", proj_be, 2e-3, base, "one numpy formula")
    volume = median_seconds(lambda: breakeven_volume(scenario, catalog), repeat=30)
    report("break-even volume solve", volume, 50e-3, proj, "one projection")

    files = [*pricing_files(PRICING_DIR), *scenario_files()]
    texts = [f.read_text(encoding="utf-8") for f in files]

    def parse_only() -> object:
        return [YAML(typ="rt", pure=True).load(t) for t in texts]

    parse = median_seconds(parse_only, repeat=10)

    def load_all() -> object:
        cat = load_catalog()
        return [load_scenario(p, cat) for p in scenario_files()]

    load = median_seconds(load_all, repeat=10)
    report(
        f"load + validate all shipped YAML ({len(files)} files)",
        load,
        0.3,
        parse,
        "YAML parse only",
    )


if __name__ == "__main__":
    main()
