"""Value of information: EVPI >= every EVPPI >= 0, irrelevant inputs worth ~0, no value without
doubt about the winner."""

from __future__ import annotations

import numpy as np
import pytest

from tcocalc import analytics as A
from tcocalc.analytics.value_of_information import evpi, evppi, value_of_information
from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_catalog, load_scenario
from tests.conftest import FIXTURE_PRICING, updated


def test_evpi_by_hand():
    # Strategy means 2.0 and 2.0 (choose either: 2.0); with perfect information 1 and 2 -> 1.5.
    assert evpi(np.array([[1.0, 2.0], [3.0, 2.0]])) == 0.5
    # One strategy always cheapest: nothing to learn.
    assert evpi(np.array([[1.0, 2.0], [1.5, 9.0], [0.0, 0.1]])) == 0.0


def test_evppi_of_the_input_that_decides_is_the_evpi_and_of_noise_is_zero():
    rng = np.random.default_rng(1)
    n = 10_000
    x = rng.uniform(-1, 1, n)  # decides: strategy 1 is cheaper when x > 0
    noise = rng.normal(size=n)  # does not enter the costs
    costs = np.column_stack([np.zeros(n), -1000 * x])
    total = evpi(costs)  # = E[max(0, 1000 x)] = 250
    assert total == pytest.approx(250, rel=0.03)
    assert evppi(x, costs) == pytest.approx(total, rel=0.05)
    assert evppi(noise, costs) < 0.01 * total


@pytest.fixture(scope="module")
def mc():
    catalog = load_catalog(FIXTURE_PRICING)
    s = updated(load_scenario(DEFAULT_SCENARIO), {"accounting.include_engineering": False})
    basis = A.Basis.build(s, catalog)
    ranges = [
        A.Uncertain("monthly_calls", 40_000, 100_000, 250_000),
        A.Uncertain("prompting_price", 0.5, 1.0, 1.0),
        # Does not enter the totals here: engineering is not counted.
        A.Uncertain("engineer_usd_per_hour", 50, 100, 200),
    ]
    return A.monte_carlo(basis, ranges, draws=10_000, seed=3)


def test_evpi_bounds_every_evppi_and_an_unused_input_is_worth_nothing(mc):
    v = value_of_information(mc)
    assert v.evpi_usd > 0
    assert all(0 <= x <= v.evpi_usd for x in v.evppi_usd.values())
    assert v.evppi_usd["engineer_usd_per_hour"] == pytest.approx(0, abs=1e-6 * v.evpi_usd + 1e-9)
    assert next(iter(v.evppi_usd)) in ("monthly_calls", "prompting_price")
    rows = v.rows()
    assert rows[0]["sentence"].startswith("Knowing ") and rows[0]["evppi_usd"] > 0
    assert "worth up to" in v.sentence()


def test_no_value_when_one_strategy_wins_every_draw(mc):
    costs = mc.totals_usd.copy()
    costs[:, 0] = costs.min(axis=1) - 1.0  # prompting cheapest in every draw
    fixed = A.MonteCarlo(**{**mc.__dict__, "totals_usd": costs})
    v = value_of_information(fixed)
    assert v.evpi_usd == 0 and all(x == 0 for x in v.evppi_usd.values())
    assert "would not change the decision" in v.sentence()
