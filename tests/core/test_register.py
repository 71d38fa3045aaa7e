from __future__ import annotations

from collections.abc import Sequence

import pytest

from minsheng.core.register import Known, parse_register
from minsheng.core.roles import OrgKind
from minsheng.core.tabular import Row, Table, TableError

KNOWN = Known(
    region_codes={"390100000000", "390101000000", "390102000000", "399900000000"},
    org_regions={"centre-a": "390101000000", "foreign": "399900000000", "gov-a": "390101000000"},
    centre_keys={"centre-a", "foreign"},
    windows={("centre-a", 1)},
    staff_centres={"S1": "centre-a", "F1": "foreign"},
)


def in_city(code: str) -> bool:
    return code.startswith("3901")


def table(sheet: str, headers: Sequence[str], *rows: Sequence[object]) -> Table:
    t = Table(sheet=sheet, headers=list(headers))
    for i, values in enumerate(rows, start=2):
        t.rows.append(
            Row(i, {h: (v if v != "" else None) for h, v in zip(headers, values, strict=True)})
        )  # type: ignore[misc]
    return t


def test_a_good_register_parses_with_labels_or_codes_and_excel_numbers() -> None:
    tables = {
        "机构": table(
            "机构",
            ["标识", "名称", "类型", "区划代码", "启用"],
            ["centre-b", "乙中心", "政务（便民）服务中心", 390102000000.0, "是"],
            ["dept-x", "某局", "department", "390100000000", ""],
        ),
        "窗口": table("窗口", ["服务中心标识", "窗口号", "名称"], ["centre-b", 1.0, "综合受理"]),
        "窗口工作人员": table(
            "窗口工作人员",
            ["工号", "姓名", "服务中心标识", "窗口号", "在岗"],
            ["S2", "王芳", "centre-b", 1, "在岗"],
            ["S1", "李明", "centre-a", "", "否"],
        ),
    }
    register = parse_register(tables, known=KNOWN, region_allowed=in_city)
    assert [(o.key, o.kind, o.active) for o in register.organisations] == [
        ("centre-b", OrgKind.SERVICE_CENTRE, True),
        ("dept-x", OrgKind.DEPARTMENT, True),
    ]
    assert register.windows[0].number == 1
    assert [(s.staff_no, s.window_number, s.active) for s in register.staff] == [
        ("S2", 1, True),
        ("S1", None, False),
    ]


def test_every_error_has_its_sheet_row_and_column() -> None:
    tables = {
        "机构": table(
            "机构",
            ["标识", "名称", "类型", "区划代码"],
            ["bad key!", "甲", "人民政府", "390101000000"],
            ["x1", "", "局", "390101000000"],
            ["x2", "乙", "人民政府", "123"],
            ["x3", "丙", "人民政府", "399900000000"],
            ["foreign", "夺取", "政务（便民）服务中心", "390101000000"],
            ["centre-a", "改类型", "人民政府", "390101000000"],
        ),
        "窗口": table(
            "窗口",
            ["服务中心标识", "窗口号", "名称"],
            ["centre-a", "三", "x"],
            ["gov-a", 1, "x"],
            ["centre-a", 2, "y"],
            ["centre-a", 2, "z"],
        ),
        "窗口工作人员": table(
            "窗口工作人员",
            ["工号", "姓名", "服务中心标识", "窗口号", "在岗"],
            ["F1", "外人", "centre-a", "", ""],
            ["S9", "张三", "centre-a", 7, "也许"],
        ),
    }
    with pytest.raises(TableError) as caught:
        parse_register(tables, known=KNOWN, region_allowed=in_city)
    found = {(e.sheet, e.row, e.column) for e in caught.value.errors}
    assert found == {
        ("机构", 2, "标识"),
        ("机构", 3, "名称"),
        ("机构", 3, "类型"),
        ("机构", 4, "区划代码"),
        ("机构", 5, "区划代码"),
        ("机构", 6, "标识"),
        ("机构", 7, "类型"),
        ("窗口", 2, "窗口号"),
        ("窗口", 3, "服务中心标识"),
        ("窗口", 5, "窗口号"),
        ("窗口工作人员", 2, "工号"),
        ("窗口工作人员", 3, "窗口号"),
        ("窗口工作人员", 3, "在岗"),
    }
    messages = {e.message for e in caught.value.errors}
    assert "地区 399900000000 不在您的权限范围内" in messages
    assert "机构 foreign 不在您的权限范围内" in messages
    assert "窗口号“三”应为 1–999 的整数" in messages
    assert "服务中心 centre-a 没有 7 号窗口" in messages


def test_a_workbook_without_register_sheets_is_refused_at_once() -> None:
    with pytest.raises(TableError, match="找不到工作表"):
        parse_register({"Sheet1": table("Sheet1", ["a"], [1])}, known=KNOWN, region_allowed=in_city)
