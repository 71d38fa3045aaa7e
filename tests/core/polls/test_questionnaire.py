"""Questionnaire items from a sheet: Chinese or English headers, every error located, rules
across items (unique codes, one overall item, a scored item)."""

from __future__ import annotations

import pytest

from minsheng.core.polls.questionnaire import ItemData, check_items, read_items
from minsheng.core.polls.scales import Scale
from minsheng.core.tabular import TableError, read_table

DEPARTMENTS = {"市公安局": "dept-police", "dept-police": "dept-police"}


def _read(text: str) -> list[ItemData]:
    return read_items(read_table(text.encode("gbk"), filename="items.csv"), DEPARTMENTS)


def test_items_with_chinese_headers_and_defaults() -> None:
    items = _read(
        "题号,题目,量表,领域,被评部门,权重,总体题\n"
        "D01,您对本地公共教育的满意程度,五级满意度,公共教育,,2,\n"
        "G1,您对公安机关服务的评价,satisfaction5,政务服务,市公安局,,否\n"
        "S1,您觉得夜间出行安全吗,五级安全感,公共安全,,,\n"
        "Q0,总体满意程度,五级满意度,总体,,,是\n"
    )
    assert [i.code for i in items] == ["D01", "G1", "S1", "Q0"]
    assert items[0].weight == 2.0 and items[1].weight == 1.0  # blank weight → 1
    assert items[1].department == "dept-police"
    assert items[2].scale == Scale.SAFETY
    assert [i.is_overall for i in items] == [False, False, False, True]


def test_every_error_is_located() -> None:
    with pytest.raises(TableError) as caught:
        _read(
            "code,text,scale,department,weight,overall\n"
            "A1,题一,七级量表,,1,\n"  # unknown scale
            "A1,题二,是/否,卫健委,-1,\n"  # duplicate code, unknown department, negative weight
            ",题三,0–10 分,,x,也许\n"  # no code, weight not a number, overall not 是/否
        )
    found = {(e.row, e.column) for e in caught.value.errors}
    assert found == {
        (2, "scale"),
        (3, "code"),
        (3, "department"),
        (3, "weight"),
        (4, "code"),
        (4, "weight"),
        (4, "overall"),
    }
    with pytest.raises(TableError) as missing:
        _read("题号,量表\nA1,是/否\n")
    assert [e.column for e in missing.value.errors] == ["text"]


def test_rules_across_items() -> None:
    one = ItemData("Q0", "总体", Scale.SATISFACTION, is_overall=True)
    assert check_items([one]) == ["至少需要一道计分题"]
    two = [one, ItemData("Q9", "总体二", Scale.SATISFACTION, is_overall=True)]
    assert any("只能有一道总体满意度题" in e for e in check_items(two))
    with pytest.raises(TableError) as caught:
        _read("题号,题目,量表,总体题\nQ0,总体,五级满意度,是\n")
    assert "计分题" in str(caught.value.errors[0])
