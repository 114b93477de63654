"""Data a reader can check in a spreadsheet: the monthly table as CSV and XLSX, the scenario as YAML.

- :func:`monthly_csv`: the engine's tidy table (``month, strategy, component, usd, included``),
  the same columns ``tcocalc report --csv`` writes.
- :func:`workbook_xlsx`: a workbook with a ``Summary``, the monthly table twice (``Monthly``, one
  row per month and a column per strategy and component, with totals; ``Monthly tidy``, the CSV's
  rows), and the assumptions (``Inputs``, ``Prices``).
- :func:`scenario_yaml`: the scenario file, which uploads back to the same numbers exactly.

Amounts are written unrounded (USD, floats); number formats only change how they display.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any, cast

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tcocalc.export.assumptions import describe_as_of, input_lines, price_lines
from tcocalc.export.common import (
    CHALLENGERS,
    checkpoints,
    document_text,
    is_formula_like,
    verdict,
)
from tcocalc.export.derivation import serving_derivation, training_derivation
from tcocalc.inputs.loader import dump_scenario
from tcocalc.model.engine import COMPONENT_LABELS, COMPONENTS, STRATEGIES, STRATEGY_LABELS
from tcocalc.present.summary import breakeven_value, difference_sentence

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from tcocalc.model.engine import Strategy
    from tcocalc.model.projection import Result
    from tcocalc.model.scenario import Scenario
    from tcocalc.present.compare import Comparison
    from tcocalc.pricing.catalog import Catalog

USD_FORMAT = "#,##0.00"
TIDY_SHEET = "Monthly tidy"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F2937")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)


def monthly_csv(result: Result) -> bytes:
    """The monthly table as UTF-8 CSV: one row per month, strategy and component.

    ``included`` says whether the component counts towards totals under the accounting
    settings; ``usd`` is unrounded.
    """
    return result.table().to_csv(index=False, lineterminator="\n").encode("utf-8")


def scenario_yaml(scenario: Scenario, *, today: dt.date | None = None) -> bytes:
    """The scenario as a YAML file that :func:`tcocalc.inputs.loader.parse_scenario` reads back equal."""
    today = today or dt.date.today()
    header = (
        f"# tcocalc scenario, exported {today.isoformat()}.\n"
        "# Upload it on the page or run: tcocalc report FILE\n"
    )
    return (header + dump_scenario(scenario)).encode("utf-8")


def workbook_xlsx(
    result: Result,
    catalog: Catalog,
    *,
    today: dt.date | None = None,
    comparison: Comparison | None = None,
) -> bytes:
    """The workbook as ``.xlsx`` bytes (sheets: Summary, Monthly, Monthly tidy, Inputs, Prices,
    Derivation when the model is trained or served on own GPUs, and Comparison when
    ``comparison`` is given)."""
    today = today or dt.date.today()
    prices = price_lines(result.scenario, catalog)
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "Summary"
    _summary(summary, result, describe_as_of(prices), today)
    _monthly_wide(wb.create_sheet("Monthly"), result)
    _monthly_tidy(wb.create_sheet(TIDY_SHEET), result)

    inputs = wb.create_sheet("Inputs")
    _table(
        inputs,
        ["Input", "Value", "Unit", "What it is"],
        [[x.path, x.value, x.unit, x.description] for x in input_lines(result.scenario)],
        widths=[44, 22, 20, 80],
    )
    sheet = wb.create_sheet("Prices")
    _table(
        sheet,
        ["Used for", "Catalog id", "Price of", "USD", "Unit", "Source", "As of", "Note"],
        [
            [p.used_for, p.catalog_id, p.item, p.value, p.unit, p.source, p.as_of, p.note]
            for p in prices
        ],
        widths=[34, 26, 24, 12, 28, 48, 12, 60],
        formats={4: "#,##0.00####", 7: "yyyy-mm-dd"},
    )
    for row in range(2, len(prices) + 2):
        cell = sheet.cell(row=row, column=6)
        if str(cell.value).startswith(("http://", "https://")):
            cell.hyperlink = str(cell.value)
            cell.style = "Hyperlink"
    derivation = training_derivation(result.scenario, catalog) + serving_derivation(
        result.scenario, catalog
    )
    if derivation:
        _table(
            wb.create_sheet("Derivation"),
            ["Quantity", "Value", "Unit", "How (formula or source)"],
            [[r.quantity, r.value, r.unit, r.how] for r in derivation],
            widths=[36, 16, 22, 100],
            formats={2: "#,##0.####"},
        )
    if comparison is not None:
        _comparison(wb.create_sheet("Comparison"), comparison)
    _as_text(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _text(value: Any) -> Any:
    """A cell value XML can hold (see :func:`tcocalc.export.common.document_text`)."""
    return document_text(value) if isinstance(value, str) else value


def _as_text(wb: Workbook) -> None:
    """Every string that a spreadsheet would evaluate (``=HYPERLINK(…)``, ``@SUM``, ``-2+3``) is
    stored as text with Excel's quote prefix: shown as typed, never run."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if is_formula_like(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def _comparison(ws: Worksheet, c: Comparison) -> None:
    """The headline of each scenario, then every input that differs."""
    heads = c.headline_rows()
    measures = [k for k in heads[0] if k != "Scenario"]
    _header(ws, 1, ["", *c.names])
    row = 1
    for m in measures:
        row += 1
        ws.cell(row=row, column=1, value=m).font = BOLD
        for j, h in enumerate(heads, start=2):
            ws.cell(row=row, column=j, value=_text(h[m]))
    row += 2
    _header(ws, row, ["Inputs that differ", *c.names])
    for r in c.differing_inputs():
        row += 1
        for j, value in enumerate([r["Input"], *(r[n] for n in c.names)], start=1):
            ws.cell(row=row, column=j, value=_text(value))
    ws.column_dimensions["A"].width = 40
    for j in range(2, len(c.names) + 2):
        ws.column_dimensions[get_column_letter(j)].width = 34


def _header(ws: Worksheet, row: int, values: list[str]) -> None:
    for j, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=j, value=_text(value))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)


def _table(
    ws: Worksheet,
    header: list[str],
    rows: list[list[Any]],
    *,
    widths: list[int],
    formats: dict[int, str] | None = None,
) -> None:
    """A plain table from A1: bold header, frozen, filterable."""
    _header(ws, 1, header)
    for row in rows:
        ws.append([_text(v) for v in row])
    for column, number_format in (formats or {}).items():
        for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = number_format
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def _summary(ws: Worksheet, result: Result, as_of: str, today: dt.date) -> None:
    r = result
    h = r.horizon_months
    ws["A1"] = _text(r.scenario.name)
    ws["A1"].font = TITLE_FONT
    lines = [
        ("Exported", today),
        ("Horizon", f"{h} months from {r.scenario.start_date.isoformat()}"),
        ("Prices", f"USD, {as_of}"),
        ("People's time", "counted" if r.params.include_engineering else "not counted"),
        ("Wrong answers", "counted" if r.params.include_error_cost else "not counted"),
        ("Verdict", verdict(r)),
    ]
    row = 3
    for label, value in lines:
        ws.cell(row=row, column=1, value=label).font = BOLD
        cell = ws.cell(row=row, column=2, value=_text(value))
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
            cell.alignment = Alignment(horizontal="left")
        row += 1

    row += 1
    ws.cell(row=row, column=1, value="Cumulative cost, USD").font = BOLD
    row += 1
    months = checkpoints(h)
    _header(ws, row, ["Strategy", *(f"Month {m}" for m in months)])
    for s in STRATEGIES:
        row += 1
        ws.cell(row=row, column=1, value=STRATEGY_LABELS[s])
        for j, m in enumerate(months, start=2):
            ws.cell(row=row, column=j, value=r.total(s, m)).number_format = USD_FORMAT

    row += 2
    ws.cell(row=row, column=1, value="Break-even against prompting").font = BOLD
    row += 1
    _header(
        ws,
        row,
        [
            "Strategy",
            "Break-even",
            "First month ahead",
            "Trend estimate",
            "Saving, USD",
            "Against prompting",
        ],
    )
    for challenger in CHALLENGERS:
        b = r.fine_tuning_breakeven if challenger == "fine_tuning" else r.hybrid_breakeven
        row += 1
        values = [
            STRATEGY_LABELS[challenger],
            breakeven_value(b),
            b.first_month,
            b.estimated_month,
            b.savings_at_horizon_usd,
            difference_sentence(cast("Strategy", challenger), b.savings_at_horizon_usd, h),
        ]
        for j, value in enumerate(values, start=1):
            ws.cell(row=row, column=j, value=value)
        ws.cell(row=row, column=5).number_format = USD_FORMAT
    row += 1
    ws.cell(
        row=row,
        column=1,
        value=f"Saving: cumulative at month {h} against prompting (negative: costs more). "
        "Break-even: the first month from which the strategy stays at or below prompting.",
    )

    row += 2
    ws.cell(row=row, column=1, value=f"Total by component over {h} months, USD").font = BOLD
    row += 1
    _header(ws, row, ["Component", *(STRATEGY_LABELS[s] for s in STRATEGIES), "Counted"])
    totals = {s: r.component_totals(s) for s in STRATEGIES}
    for i, k in enumerate(COMPONENTS):
        row += 1
        ws.cell(row=row, column=1, value=COMPONENT_LABELS[k])
        for j, s in enumerate(STRATEGIES, start=2):
            ws.cell(row=row, column=j, value=totals[s][k]).number_format = USD_FORMAT
        ws.cell(row=row, column=5, value="yes" if r.mask[i] else "no")

    if r.warnings:
        row += 2
        ws.cell(row=row, column=1, value="Warnings").font = BOLD
        for warning in r.warnings:
            row += 1
            ws.cell(row=row, column=1, value=_text(warning))

    ws.column_dimensions["A"].width = 30
    for col in "BCDEF":
        ws.column_dimensions[col].width = 18


def _monthly_wide(ws: Worksheet, result: Result) -> None:
    """One row per month; per strategy its components, its counted total and the running total."""
    r = result
    header = ["Month"]
    for s in STRATEGIES:
        for i, k in enumerate(COMPONENTS):
            note = "" if r.mask[i] else " (not counted)"
            header.append(f"{STRATEGY_LABELS[s]}: {COMPONENT_LABELS[k]}{note}")
        header += [f"{STRATEGY_LABELS[s]}: total", f"{STRATEGY_LABELS[s]}: cumulative"]
    _header(ws, 1, header)
    components = r.components
    totals, cumulative = r.monthly_totals, r.cumulative
    for m in range(r.horizon_months):
        row: list[float | int] = [m + 1]
        for si in range(len(STRATEGIES)):
            row.extend(float(v) for v in components[si, :, m])
            row += [float(totals[si, m]), float(cumulative[si, m])]
        ws.append(row)
    for column in ws.iter_cols(min_row=2, min_col=2):
        for cell in column:
            cell.number_format = USD_FORMAT
    ws.column_dimensions["A"].width = 8
    for j in range(2, len(header) + 1):
        ws.column_dimensions[get_column_letter(j)].width = 16
    ws.row_dimensions[1].height = 45
    ws.freeze_panes = "B2"


def _monthly_tidy(ws: Worksheet, result: Result) -> None:
    """Exactly :meth:`Result.table`: the rows a pivot table or pandas wants."""
    table = result.table()
    _header(ws, 1, list(table.columns))
    for month, strategy, component, usd, included in table.itertuples(index=False):
        ws.append([int(month), str(strategy), str(component), float(usd), bool(included)])
    for (cell,) in ws.iter_rows(min_row=2, min_col=4, max_col=4):
        cell.number_format = USD_FORMAT
    for col, width in zip("ABCDE", (8, 14, 14, 14, 10), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
