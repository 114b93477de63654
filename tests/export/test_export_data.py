"""CSV, XLSX and YAML read back: the same numbers as the engine, exactly."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from tcocalc.export.assumptions import input_lines, price_lines
from tcocalc.export.common import verdict
from tcocalc.export.data import TIDY_SHEET, monthly_csv, scenario_yaml, workbook_xlsx
from tcocalc.inputs.loader import load_scenario, parse_scenario, scenario_files
from tcocalc.model.engine import COMPONENTS, STRATEGIES, STRATEGY_LABELS
from tcocalc.model.projection import Result, project
from tcocalc.model.scenario import Scenario
from tcocalc.pricing.catalog import Catalog
from tests.conftest import updated
from tests.export_support import breaking_even

TODAY = dt.date(2027, 3, 4)


@pytest.fixture(scope="module")
def result(article: Scenario, fixture_catalog: Catalog) -> Result:
    return breaking_even(article, fixture_catalog)


@pytest.fixture(scope="module")
def sheets(result: Result, fixture_catalog: Catalog) -> dict[str, pd.DataFrame]:
    raw = workbook_xlsx(result, fixture_catalog, today=TODAY)
    return pd.read_excel(io.BytesIO(raw), sheet_name=None)


def test_csv_reads_back_to_the_engine_table(result: Result) -> None:
    back = pd.read_csv(io.BytesIO(monthly_csv(result)))
    pd.testing.assert_frame_equal(back, result.table(), check_dtype=False, check_exact=True)
    assert len(back) == 3 * 7 * 60


def test_xlsx_sheets(sheets: dict[str, pd.DataFrame]) -> None:
    assert list(sheets) == ["Summary", "Monthly", TIDY_SHEET, "Inputs", "Prices"]


def test_xlsx_tidy_sheet_equals_the_engine_table(
    sheets: dict[str, pd.DataFrame], result: Result
) -> None:
    # openpyxl writes floats with 16 significant digits ("%.16g"), as Excel keeps about 15:
    # 200.00000000000003 comes back as 200.0. Equal to 1e-15 relative, far below a cent.
    pd.testing.assert_frame_equal(
        sheets[TIDY_SHEET], result.table(), check_dtype=False, rtol=1e-15, atol=0
    )


def test_xlsx_wide_sheet(sheets: dict[str, pd.DataFrame], result: Result) -> None:
    wide = sheets["Monthly"]
    assert wide["Month"].tolist() == list(range(1, 61))
    for i, s in enumerate(STRATEGIES):
        label = STRATEGY_LABELS[s]
        for column, expected in (
            ("total", result.monthly_totals[i]),
            ("cumulative", result.cumulative[i]),
            ("Inference", result.components[i, COMPONENTS.index("inference")]),
        ):
            np.testing.assert_allclose(wide[f"{label}: {column}"], expected, rtol=1e-15, atol=0)
    # Wrong answers are not counted in the article's accounting, and the header says so.
    assert "Prompting: Wrong answers (not counted)" in wide.columns
    assert wide.shape[1] == 1 + 3 * (len(COMPONENTS) + 2)


def test_xlsx_summary(result: Result, fixture_catalog: Catalog) -> None:
    wb = load_workbook(io.BytesIO(workbook_xlsx(result, fixture_catalog, today=TODAY)))
    ws = wb["Summary"]
    cells = {str(c.value): c for row in ws.iter_rows() for c in row if c.value is not None}
    assert ws["A1"].value == result.scenario.name
    assert verdict(result) in cells
    assert "month 14" in verdict(result)
    header = cells["Month 60"]
    prompting_row = header.row + 1
    assert ws.cell(row=prompting_row, column=1).value == "Prompting"
    value = ws.cell(row=prompting_row, column=header.column).value
    assert value == pytest.approx(result.total("prompting"), rel=1e-15)
    assert ws.cell(row=prompting_row, column=header.column).number_format == "#,##0.00"


def test_xlsx_assumptions(
    sheets: dict[str, pd.DataFrame], result: Result, fixture_catalog: Catalog
) -> None:
    inputs = sheets["Inputs"]
    lines = input_lines(result.scenario)
    assert inputs["Input"].tolist() == [x.path for x in lines]
    assert inputs["Unit"].notna().all()
    prices = sheets["Prices"]
    expected = price_lines(result.scenario, fixture_catalog)
    assert prices["USD"].tolist() == [p.value for p in expected]
    assert prices["Source"].tolist() == [p.source for p in expected]
    assert {str(d)[:10] for d in prices["As of"]} == {"2026-11-01"}


def test_yaml_round_trip_is_exact(shipped_catalog: Catalog, article: Scenario) -> None:
    scenarios = [load_scenario(p, shipped_catalog) for p in scenario_files()]
    scenarios.append(
        updated(
            article,
            {
                "name": "Edited: ünïcode, 'quotes' and: colons",
                "workload.monthly_calls": 123_456.789,
                "prompting.accuracy": 0.8765432101234,
                "hybrid.traffic_share_per_new_category": None,
                "category_changes": {
                    "every_months": 5,
                    "new_categories_per_change": 2,
                    "events": [{"month": 3, "new_categories": 4}],
                },
            },
        )
    )
    for scenario in scenarios:
        text = scenario_yaml(scenario, today=TODAY)
        back = parse_scenario(text, "export.yaml", shipped_catalog)
        assert back == scenario
        np.testing.assert_array_equal(
            project(back, shipped_catalog).components, project(scenario, shipped_catalog).components
        )
    assert text.startswith(b"# tcocalc scenario, exported 2027-03-04.")


def test_xlsx_is_fast_enough_to_build_on_click(result: Result, fixture_catalog: Catalog) -> None:
    """Not a benchmark (see bench/export.py), a guard against a quadratic slip."""
    import time

    start = time.perf_counter()
    workbook_xlsx(result, fixture_catalog)
    assert time.perf_counter() - start < 5
