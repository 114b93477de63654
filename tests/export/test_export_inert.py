"""User text in the exports is text: no formula runs from a scenario name, no control character
breaks a workbook (the issue's ``=HYPERLINK(…)`` in Summary!A1 and its crashing names)."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tcocalc.export.common import FORMULA_START, csv_text, document_text, is_formula_like
from tcocalc.export.data import workbook_xlsx
from tcocalc.model.projection import project
from tests.conftest import updated

HOSTILE_NAMES = [
    '=HYPERLINK("https://evil.example/login","Session expired")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_formula_in_the_name_is_written_as_text(name, article, shipped_catalog):
    result = project(updated(article, {"name": name}), shipped_catalog)
    book = load_workbook(io.BytesIO(workbook_xlsx(result, shipped_catalog)))
    a1 = book["Summary"]["A1"]
    assert (a1.value, a1.data_type, a1.quotePrefix) == (name, "s", True)
    for ws in book.worksheets:  # nowhere else either
        for row in ws.iter_rows():
            assert not [c.coordinate for c in row if c.data_type == "f"], ws.title


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.text(max_size=40))
def test_csv_text_never_starts_like_a_formula(text: str) -> None:
    out, clean = csv_text(text), document_text(text)
    assert not is_formula_like(out)
    assert out == ("'" + clean if clean.startswith(FORMULA_START) else clean)
