"""The Excel template of a collection form: one row per region × indicator, the previous value
beside it, only 本期数值 and 说明 unlocked, and Excel's own data validation on each indicator's
valid range so most mistakes are stopped while typing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from minsheng.core.index.collection import TEMPLATE_HEADERS, Rule
from minsheng.core.xlsx import guard_formulas

SHEET = "填报"
_EDITABLE = PatternFill("solid", fgColor="FFF8E1")


@dataclass(frozen=True, slots=True)
class TemplateRow:
    region: str
    region_name: str
    indicator: str
    indicator_name: str
    unit: str
    previous: float | None
    value: float | None
    explanation: str


def write_form_template(
    target: IO[bytes], rows: Sequence[TemplateRow], rules: dict[str, Rule], *, title: str
) -> None:
    book = Workbook()
    book.remove(book.worksheets[0])
    ws = book.create_sheet(SHEET)
    ws.append(list(TEMPLATE_HEADERS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ranges: dict[str, list[str]] = defaultdict(list)
    for n, row in enumerate(rows, start=2):
        ws.append(
            [
                row.region,
                row.region_name,
                row.indicator,
                row.indicator_name,
                row.unit,
                row.previous,
                row.value,
                row.explanation,
            ]
        )
        guard_formulas(ws[n])
        for col in ("G", "H"):
            ws[f"{col}{n}"].protection = Protection(locked=False)
            ws[f"{col}{n}"].fill = _EDITABLE
        ranges[row.indicator].append(f"G{n}")
    for code, cells in ranges.items():
        rule = rules[code]
        lo = -1e15 if rule.valid_min is None else rule.valid_min
        hi = 1e15 if rule.valid_max is None else rule.valid_max
        dv = DataValidation(
            type="decimal",
            operator="between",
            formula1=str(lo),
            formula2=str(hi),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="数值无效",
            error=f"{rule.name} 应为 {lo:g} 至 {hi:g} 之间的数字",
        )
        if _contiguous(cells):
            dv.add(f"{cells[0]}:{cells[-1]}")
        else:
            for cell in cells:
                dv.add(cell)
        ws.add_data_validation(dv)
    for col, width in zip("ABCDEFGH", (14, 14, 10, 28, 10, 12, 12, 30), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.oddHeader.center.text = title
    book.save(target)


def _contiguous(cells: list[str]) -> bool:
    numbers = [int(c[1:]) for c in cells]
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))
