"""Exports never hand a spreadsheet a live formula (OWASP CSV injection): text starting with
=, +, -, @, tab or CR comes back as the same text, in xlsx and in CSV."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from minsheng.core.xlsx import FORMULA_STARTS, write_csv, write_table

PAYLOADS = ['=HYPERLINK("http://x","点此")', "+1+2", "-3+4", "@SUM(A1)", "\tx", "\rcmd"]


def test_formula_like_text_is_text_in_xlsx() -> None:
    out = io.BytesIO()
    write_table(out, sheet="s", headers=["名称", "数值"], rows=[[p, -5] for p in PAYLOADS])
    ws = load_workbook(io.BytesIO(out.getvalue()))["s"]
    for row, payload in zip(ws.iter_rows(min_row=2), PAYLOADS, strict=True):
        name, number = row
        assert (name.value, name.data_type) == (payload, "s")
        assert name.quotePrefix is True
        assert (number.value, number.data_type) == (-5, "n")  # numbers stay numbers


def test_formula_like_text_is_quoted_in_csv() -> None:
    out = io.BytesIO()
    write_csv(out, headers=["名称"], rows=[[p] for p in [*PAYLOADS, "普通文字"]])
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"), newline="")))
    assert rows[0] == ["名称"]
    for (cell,), payload in zip(rows[1:-1], PAYLOADS, strict=True):
        assert cell == "'" + payload
    assert rows[-1] == ["普通文字"]


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_listed_start_is_guarded(start: str) -> None:
    out = io.BytesIO()
    write_table(out, sheet="s", headers=["a"], rows=[[f"{start}1"]])
    cell = load_workbook(io.BytesIO(out.getvalue()))["s"]["A2"]
    assert cell.data_type == "s" and cell.value == f"{start}1"
