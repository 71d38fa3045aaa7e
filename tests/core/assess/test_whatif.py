"""What-if on an assessment: the totals under new weights worked by hand, and which units move.

Reference: the total formula of issue 15 (Σ wᵢcᵢ ÷ Σ wᵢ − deductions + min(bonuses, cap))
computed by hand for three units below."""

from __future__ import annotations

import pytest

from minsheng.core.assess.scheme import SchemeError, parse_scheme
from minsheng.core.assess.whatif import entries_of, what_if

ROWS = [
    {"unit": "A", "components": {"index": 90, "ratings": 60}, "deductions": {"逾期": 2}},
    {"unit": "B", "components": {"index": 70, "ratings": 90}, "bonuses": {"创新": 3}},
    {"unit": "C", "components": {"index": 80, "ratings": 80}, "vetoes": ["数据造假"]},
]
BEFORE = {
    "components": {"index": 50, "ratings": 50},
    "bonus_cap": 2,
    "grades": [[80, "良好"], [0, "一般"]],
}


def test_weights_moved_by_hand() -> None:
    # Before (50/50): A 75 − 2 = 73; B 80 + min(3, 2) = 82; C 80 (vetoed → 一般).
    # After (80/20):  A 84 − 2 = 82; B 74 + 2 = 76;        C 80.
    after = {**BEFORE, "components": {"index": 80, "ratings": 20}}
    moves = {
        m.unit: m
        for m in what_if(parse_scheme(BEFORE), parse_scheme(after), entries_of(ROWS, "P"), "P")
    }
    assert moves["A"].total_before == pytest.approx(73)
    assert moves["A"].total_after == pytest.approx(82)
    assert (moves["A"].rank_before, moves["A"].rank_after) == (3, 1)
    assert (moves["A"].grade_before, moves["A"].grade_after) == ("一般", "良好")
    assert moves["B"].total_after == pytest.approx(76)
    assert (moves["B"].rank_before, moves["B"].rank_after) == (1, 3)
    assert moves["C"].grade_after == "一般" and moves["C"].rank_after == 2
    assert all(m.moved for m in moves.values() if m.unit != "C")


def test_nothing_changed_nothing_moves() -> None:
    scheme = parse_scheme(BEFORE)
    assert not any(m.moved for m in what_if(scheme, scheme, entries_of(ROWS, "P"), "P"))


def test_deductions_per_occurrence_are_checked() -> None:
    assert parse_scheme({**BEFORE, "deductions": {"overdue_task": 1.5}}).deductions == {
        "overdue_task": 1.5
    }
    with pytest.raises(SchemeError, match="不能为负数"):
        parse_scheme({**BEFORE, "deductions": {"overdue_task": -1}})
    with pytest.raises(SchemeError, match="须为数字"):
        parse_scheme({**BEFORE, "deductions": {"overdue_task": "一分"}})


def test_scheme_round_trips_through_excel_and_bad_cells_are_located() -> None:
    import io

    from minsheng.core.assess.scheme_book import scheme_from_book, scheme_sheets
    from minsheng.core.tabular import TableError, read_workbook
    from minsheng.core.xlsx import write_workbook

    rules = {
        **BEFORE,
        "bonus_cap": 5.0,
        "deductions": {"overdue_task": 1.0},
        "triggers": [{"name": "约谈", "when": {"all": [{"rank_bottom": 1, "periods": 2},
                                                       {"total_below": 75}]},
                      "consequence": "约谈"}],
    }  # fmt: skip
    buffer = io.BytesIO()
    write_workbook(buffer, scheme_sheets(rules))
    back = scheme_from_book(read_workbook(buffer.getvalue(), filename="s.xlsx").get)
    assert parse_scheme(back) == parse_scheme(rules)
    # A weight that is not a number and a condition that is not JSON, each located.
    sheets = scheme_sheets(rules)
    sheets[0] = type(sheets[0])("组成部分", ["组成部分", "权重"], [["index", "五十"]])
    sheets[4] = type(sheets[4])("触发条件", ["名称", "条件", "措施"], [["约谈", "{末位", "约谈"]])
    buffer = io.BytesIO()
    write_workbook(buffer, sheets)
    with pytest.raises(TableError) as caught:
        scheme_from_book(read_workbook(buffer.getvalue(), filename="s.xlsx").get)
    located = {(e.sheet, e.row, e.column) for e in caught.value.errors}
    assert located == {("组成部分", 2, "权重"), ("触发条件", 2, "条件")}
