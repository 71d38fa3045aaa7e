"""The checks on a department's form, and the template that round-trips through Excel."""

from __future__ import annotations

import io

from minsheng.core.index.collection import Entry, Rule, check, read_template
from minsheng.core.index.form_book import TemplateRow, write_form_template
from minsheng.core.tabular import read_table

RULES = {"A": Rule("A", "床位数", valid_min=0, valid_max=30, jump_threshold=0.3)}


def entries(values: list[float | None], explanation: str = "") -> list[Entry]:
    return [
        Entry(f"R{k}", "A", v, explanation, row=k + 2, sheet="填报") for k, v in enumerate(values)
    ]


def test_out_of_range_is_an_error_at_its_row() -> None:
    result = check(entries([5, 31]), RULES, {}, submitting=False)
    assert [(e.row, e.column) for e in result.errors] == [(3, "本期数值")]
    assert "超出有效范围 [0, 30]" in result.errors[0].message


def test_jump_beyond_threshold_needs_an_explanation() -> None:
    # 5 → 7 is +40 % > 30 %
    previous = {("R0", "A"): 5.0}
    result = check(entries([7]), RULES, previous, submitting=False)
    assert result.errors and "+40%" in result.errors[0].message
    explained = check(entries([7], "新院区开业"), RULES, previous, submitting=False)
    assert not explained.errors and "+40%" in explained.flags[("R0", "A")]
    assert not check(entries([6]), RULES, previous, submitting=False).errors  # +20 %


def test_outlier_against_the_other_regions() -> None:
    # nine values 10, 11, ..., 18 and one 29: the others have mean 14 and sd 2.7386 (n − 1),
    # so z = (29 − 14) / 2.7386 = 5.48 > 3
    values: list[float | None] = [10, 11, 12, 13, 14, 15, 16, 17, 18, 29]
    result = check(entries(values), RULES, {}, submitting=False)
    assert len(result.errors) == 1 and "z = +5.5" in result.errors[0].message
    assert result.errors[0].row == 11


def test_blank_needs_an_explanation_only_when_submitting() -> None:
    assert not check(entries([None]), RULES, {}, submitting=False).errors
    assert check(entries([None]), RULES, {}, submitting=True).errors
    assert not check(entries([None], "本季度未统计"), RULES, {}, submitting=True).errors


def test_template_round_trip_and_rows_outside_the_form() -> None:
    rows = [TemplateRow("R0", "甲镇", "A", "床位数", "张", 5.0, 6.0, "")]
    buffer = io.BytesIO()
    write_form_template(buffer, rows, RULES, title="t")
    table = read_table(buffer.getvalue(), filename="t.xlsx")
    got, errors = read_template(table, {("R0", "A")})
    assert errors == [] and got[0].value == 6.0 and got[0].row == 2
    got, errors = read_template(table, {("R1", "A")})
    assert got == [] and errors[0].row == 2 and "不在本表单中" in errors[0].message
