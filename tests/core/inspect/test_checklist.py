"""Checklists, a visit's score and a round's figures, against sums done by hand.

Reference: the score rule stated in ``core/inspect/checklist.py`` (points passed ÷ points that
apply × 100, n.a. left out on both sides) worked by hand on small lists below; the round's pass
rates counted mark by mark."""

from __future__ import annotations

import pytest

from minsheng.core.inspect.checklist import (
    DEFAULTS,
    ChecklistError,
    Item,
    as_lines,
    check_results,
    deduction_points,
    parse_items,
    parse_lines,
    visit_score,
)
from minsheng.core.inspect.report import VisitRecord, round_report

ITEMS = [
    Item("A", "六有", "场所", 10),
    Item("B", "首问负责", "首问", 20),
    Item("C", "窗口纪律", "纪律", 30),
]


def test_score_counts_points_that_apply() -> None:
    # pass A (10), fail B (20), n.a. C: 10 ÷ (10 + 20) × 100
    assert visit_score(ITEMS, {"A": "pass", "B": "fail", "C": "na"}) == pytest.approx(100 / 3)
    assert visit_score(ITEMS, {"A": "pass", "B": "pass", "C": "pass"}) == 100
    assert visit_score(ITEMS, {"A": "na", "B": "na", "C": "na"}) is None
    assert deduction_points(ITEMS, {"A": "fail", "B": "pass", "C": "fail"}) == 40


def test_every_item_must_be_marked_and_known() -> None:
    with pytest.raises(ChecklistError, match="“首问”（B）尚未判定"):
        check_results(ITEMS, {"A": "pass", "C": "pass"})
    with pytest.raises(ChecklistError, match="没有编号 Z"):
        check_results(ITEMS, {"A": "pass", "B": "pass", "C": "pass", "Z": "fail"})
    with pytest.raises(ChecklistError, match="尚未判定"):
        check_results(ITEMS, {"A": "ok", "B": "pass", "C": "pass"})


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "至少要有一项"),
        ([{"code": "A", "text": "x", "points": 1}, {"code": "A", "text": "y", "points": 1}],
         "编号 A 重复"),
        ([{"code": "A", "text": "x", "points": 0}], "分值"),
        ([{"code": "A", "text": "x", "points": True}], "分值"),
        ([{"code": "", "text": "x", "points": 1}], "编号不能为空"),
        ([{"code": "A", "text": "", "points": 1}], "检查内容不能为空"),
    ],
)  # fmt: skip
def test_bad_checklists_say_which_item(raw: object, message: str) -> None:
    with pytest.raises(ChecklistError, match=message):
        parse_items(raw)


def test_lines_round_trip_and_bad_lines_are_located() -> None:
    items = DEFAULTS["service_centre"]
    assert parse_lines(as_lines(items)) == items
    with pytest.raises(ChecklistError, match="第 2 行须为"):
        parse_lines("A|g|t|1\nB|g|t")
    with pytest.raises(ChecklistError, match="第 1 行：分值“十”不是数字"):
        parse_lines("A|g|t|十")
    assert parse_lines("A｜g｜t｜2")[0].points == 2  # full-width bars typed on a phone


def test_round_figures_counted_by_hand() -> None:
    visits = [
        VisitRecord("1", "甲中心", "东区", {"A": "pass", "B": "fail", "C": "pass"}),
        VisitRecord("2", "乙中心", "东区", {"A": "fail", "B": "fail", "C": "na"}, frozenset({"B"})),
        VisitRecord("3", "丙中心", "西区", {"A": "pass", "B": "pass", "C": "pass"}),
    ]
    report = round_report(ITEMS, visits)
    # A: 2 of 3 pass; B: 1 of 3; C: 2 of 2 (n.a. left out). Overall 5 of 8.
    rates = {r.item.code: (r.passed, r.applies) for r in report.items}
    assert rates == {"A": (2, 3), "B": (1, 3), "C": (2, 2)}
    assert report.pass_rate == pytest.approx(5 / 8)
    assert report.findings == 3 and report.repeated == 1
    # Worst first: 乙 0 of 30 points (0.0), 甲 40 of 60 (66.7), 丙 100.
    assert [s.name for s in report.sites] == ["乙中心", "甲中心", "丙中心"]
    assert report.sites[1].score == pytest.approx(40 / 60 * 100)
    assert [i.code for i in report.sites[0].repeated] == ["B"]
    assert [s.name for s in report.worst(5)] == ["乙中心", "甲中心"]  # 丙 had no finding
