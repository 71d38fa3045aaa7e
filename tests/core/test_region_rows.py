from __future__ import annotations

import pytest

from minsheng.core.region_rows import parse_region_table
from minsheng.core.regions import Level
from minsheng.core.tabular import TableError, read_table


def _table(text: str):  # type: ignore[no-untyped-def]
    return read_table(text.encode(), filename="regions.csv")


def test_valid_rows_come_back_parents_first() -> None:
    table = _table("区划代码,名称\n320102001,梅园街道\n3201,南京市\n320102,玄武区\n")
    rows = parse_region_table(table, existing_codes={"320000000000"})
    assert [(r.code, r.level) for r in rows] == [
        ("320100000000", Level.CITY),
        ("320102000000", Level.COUNTY),
        ("320102001000", Level.TOWNSHIP),
    ]


def test_every_problem_is_reported_with_row_and_column() -> None:
    table = _table(
        "code,name,parent_code\n"
        "3201,南京市,32\n"  # row 2: fine
        "32x1,坏代码,\n"  # row 3: malformed code
        "320102,,3201\n"  # row 4: empty name
        "3201,南京市,\n"  # row 5: duplicate of row 2
        "320599001,无上级,\n"  # row 6: parent neither in file nor database
        "320103,秦淮区,3202\n"  # row 7: wrong parent code
    )
    with pytest.raises(TableError) as caught:
        parse_region_table(table, existing_codes={"320000000000"})
    found = [(e.row, e.column, e.message.split("：")[0]) for e in caught.value.errors]
    assert found == [
        (3, "code", "区划代码“32x1”只能包含数字"),
        (4, "name", "名称为空"),
        (5, "code", "区划代码 320100000000 与第 2 行重复"),
        (6, "code", "上级地区 320599000000 既不在文件中，也不在系统中"),
        (7, "parent_code", "上级代码应为 320100000000，不是 3202"),
    ]
