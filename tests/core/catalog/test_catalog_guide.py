"""The 办事指南 fields of an item: the materials sheet read with every problem located, the
provinces' further checks (a visit needs its reason, a fee its basis, two different phones),
the cross-level check worked out by hand, and the workbook written back and read again."""

from __future__ import annotations

import io

import openpyxl
import pytest

from minsheng.core.catalog.items import Fee, Material, inconsistencies, lint
from minsheng.core.catalog.sheet import (
    ALL_HEADERS,
    MATERIAL_HEADERS,
    catalog_sheets,
    items_from_sheet,
)
from minsheng.core.tabular import TableError
from minsheng.core.xlsx import write_workbook
from tests.core.catalog.test_catalog import _item

CITY, COUNTY, TOWN, VILLAGE = "390100000000", "390101000000", "390101001000", "390101001001"


def _book(items: list[list[object]], materials: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "事项"
    first.append(ALL_HEADERS)
    for row in items:
        first.append(row + [""] * (len(ALL_HEADERS) - len(row)))
    second = book.create_sheet("材料")
    second.append(MATERIAL_HEADERS)
    for row in materials:
        second.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# The 13 columns, the nine guide texts (基本编码 … 投诉电话), then the fee's three.
ROW = ["A1", "婚姻登记", "行政确认", "市民政局", "市", CITY, 1, 0, "即办件", 1, 3, "是", "",
       "B-1", "双方须本人到场", "", "", "", "", "", "12345", "12345", "", "", ""]  # fmt: skip


def test_materials_sheet_and_guide_fields() -> None:
    data = _book(
        [ROW],
        [
            ["A1", CITY, "居民身份证", "原件", 2, "必要", "申请人自备"],
            ["A1", CITY, "户口簿", "原件", "", "容缺后补", ""],
        ],
    )
    (item,) = items_from_sheet(data, filename="清单.xlsx")
    assert item.basic_code == "B-1" and item.family == "B-1"
    assert item.materials == (
        Material("居民身份证", "原件", 2, "必要", "申请人自备"),
        Material("户口簿", "原件", 1, "容缺后补", ""),
    )
    assert lint(item) == ["咨询电话与投诉电话不能相同"]


def test_materials_errors_are_located_on_their_sheet() -> None:
    data = _book(
        [ROW],
        [
            ["A9", CITY, "居民身份证", "原件", 1, "必要", ""],  # no such item
            ["A1", CITY, "", "扫描件", "两份", "可选", ""],
            ["A1", CITY, "户口簿", "原件", 1, "必要", ""],
            ["A1", CITY, "户口簿", "原件", 1, "必要", ""],
        ],
    )
    with pytest.raises(TableError) as caught:
        items_from_sheet(data, filename="清单.xlsx")
    assert {(e.sheet, e.row, e.column) for e in caught.value.errors} == {
        ("材料", 2, "事项编码"),
        ("材料", 3, "材料名称"),
        ("材料", 3, "材料形式"),
        ("材料", 3, "份数"),
        ("材料", 3, "必要性"),
        ("材料", 5, "材料名称"),  # 户口簿 twice
    }


def test_fee_needs_its_basis() -> None:
    item = _item("F", CITY, fees=(Fee("工本费", "每本 9 元", ""),), visits=1, visit_reason="核验")
    assert lint(item) == ["收费项目“工本费”缺少收费依据"]


def test_cross_level_differences_by_hand() -> None:
    """B-1 at the city asks for 身份证 (必要) and 户口簿 (必要), promises 5 days. The county's
    matches. The township drops 户口簿, adds 结婚证 and promises 7 days (three findings against
    the county, its nearest level above). The village repeats the county but marks 户口簿
    容缺后补 — compared with the township above it: 结婚证 missing, 户口簿 extra (the township
    has none), and the village promises 3: fine."""
    id_card, book = Material("身份证"), Material("户口簿")
    items = [
        _item("C", CITY, basic_code="B-1", promised_days=5, materials=(id_card, book)),
        _item("K", COUNTY, basic_code="B-1", promised_days=5, materials=(id_card, book)),
        _item("T", TOWN, basic_code="B-1", promised_days=7,
              materials=(id_card, Material("结婚证"))),
        _item("V", VILLAGE, basic_code="B-1", promised_days=3,
              materials=(id_card, Material("户口簿", need="容缺后补"))),
        _item("X", COUNTY, basic_code="OTHER", promised_days=9),
    ]  # fmt: skip
    found = [(i.region, i.upper_region, i.message) for i in inconsistencies(items)]
    assert found == [
        (TOWN, COUNTY, "多出材料：结婚证"),
        (TOWN, COUNTY, "缺少材料：户口簿"),
        (TOWN, COUNTY, "承诺时限 7 个工作日，长于上级的 5 个工作日"),
        (VILLAGE, TOWN, "多出材料：户口簿"),
        (VILLAGE, TOWN, "缺少材料：结婚证"),
    ]


def test_written_workbook_reads_back_the_same() -> None:
    data = _book(
        [
            [
                *ROW[:20],
                "0391-1234567",
                "12345",
                "结婚登记工本费",
                "每对 9 元",
                "发改价格〔2020〕1号",
            ]
        ],
        [["A1", CITY, "居民身份证", "原件和复印件", 1, "必要", "申请人自备"]],
    )
    items = items_from_sheet(data, filename="清单.xlsx")
    out = io.BytesIO()
    write_workbook(out, catalog_sheets(items))
    again = items_from_sheet(out.getvalue(), filename="导出.xlsx")
    assert again == items and again[0].fees[0].basis == "发改价格〔2020〕1号"
    assert again[0].consult_phone == "0391-1234567" and len(again[0].materials) == 1


def test_over_long_text_is_located_not_stored() -> None:
    """What the catalog's storage cannot hold is an error at its cell (found by the fuzz suite
    on PostgreSQL, where a too-long name failed at the database)."""
    long_row = [*ROW]
    long_row[1] = "名" * 201  # 事项名称
    long_row[20] = "1" * 51  # 咨询电话
    data = _book([long_row], [["A1", CITY, "证" * 201, "原件", 1, "必要", ""]])
    with pytest.raises(TableError) as caught:
        items_from_sheet(data, filename="清单.xlsx")
    assert {(e.sheet, e.row, e.column) for e in caught.value.errors} == {
        ("事项", 2, "事项名称"),
        ("事项", 2, "咨询电话"),
        ("材料", 2, "材料名称"),
    }
