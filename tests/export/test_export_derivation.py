"""The derivation of own-GPU training in the workbook: parameters, FLOPs per token, utilisation,
tokens/s and GPU-hours, each with its unit and how it was obtained."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tcocalc.export.data import workbook_xlsx
from tcocalc.export.derivation import training_derivation
from tcocalc.inputs.loader import PRICING_DIR, SCENARIOS_DIR, load_catalog, load_scenario
from tcocalc.model.projection import project


def test_workbook_shows_the_training_derivation() -> None:
    catalog = load_catalog(PRICING_DIR, use_snapshot=False)
    scenario = load_scenario(SCENARIOS_DIR / "high_volume_extraction.yaml", catalog)
    rows = {r.quantity: r for r in training_derivation(scenario, catalog)}
    # 4 x 8.03e9 FLOPs/token (LoRA); 989 TFLOPS x 0.65 x 0.70 -> 14,009 tokens/s per GPU
    assert rows["Parameters"].value == 8.03
    assert rows["Training FLOPs per token"].value == pytest.approx(3.212e10)
    assert rows["Model FLOPs utilisation"].value == pytest.approx(0.455)
    assert rows["Training throughput"].value == pytest.approx(989e12 * 0.455 / 3.212e10)
    # 84M token passes / (14,009 x 3,600) = 1.666 GPU-hours
    assert rows["GPU-hours per run"].value == pytest.approx(
        84e6 / (989e12 * 0.455 / 3.212e10) / 3600
    )
    wb = load_workbook(io.BytesIO(workbook_xlsx(project(scenario, catalog), catalog)))
    sheet = wb["Derivation"]
    table = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [r[0] for r in table] == list(rows)
    assert table[0][3].startswith("llama-3.1-8b-instruct: https://huggingface.co/")
