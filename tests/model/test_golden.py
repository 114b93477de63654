"""Each shipped scenario's monthly components equal its golden CSV (see tests/golden.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from tcocalc.inputs.loader import scenario_files
from tests.golden import GOLDEN_DIR, golden_table


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: p.stem)
def test_matches_golden(path):
    golden = GOLDEN_DIR / f"{path.stem}.csv"
    assert golden.exists(), f"no golden file for {path.name}: run `make golden` and review it"
    expected = pd.read_csv(golden)
    actual = golden_table(path)
    pd.testing.assert_frame_equal(
        actual.reset_index(drop=True),
        expected,
        check_dtype=False,
        atol=1e-6,
        obj=f"{path.name} (intended change? `make golden`, then review the diff)",
    )
