"""The catalog round-trips through Excel; a bad workbook changes nothing and says where."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.audit.models import AuditEntry
from minsheng.audit.services import audit_snapshot
from minsheng.indicators.models import Indicator, Target
from tests.conftest import City


def _export(city: City) -> io.BytesIO:
    response = city.client("quality").get(reverse("indicator_catalog_export"))
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["类别", "指标", "目标值"]
    return io.BytesIO(response.content)


def _upload(city: City, book_bytes: io.BytesIO) -> object:
    book_bytes.name = "catalog.xlsx"
    return city.client("quality").post(reverse("indicator_catalog"), {"file": book_bytes})


def test_export_then_import_changes_nothing(city: City) -> None:
    before = AuditEntry.objects.exclude(action="security").count()
    response = _upload(city, _export(city))
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert AuditEntry.objects.exclude(action="security").count() == before


def test_edited_indicator_and_target_are_updated_and_audited(city: City) -> None:
    book = load_workbook(_export(city))
    book["指标"]["B2"] = "生均校舍建筑面积"
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    assert _upload(city, out).status_code == 302  # type: ignore[attr-defined]
    code = book["指标"]["A2"].value
    assert Indicator.objects.get(code=code).name == "生均校舍建筑面积"
    assert AuditEntry.objects.filter(note="catalog import").count() == 1


def test_a_city_cannot_change_the_provincial_target(city: City) -> None:
    book = load_workbook(_export(city))
    book["目标值"]["D2"] = 12.5
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    response = _upload(city, out)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "只能修改本地区的目标值" in response.content.decode()  # type: ignore[attr-defined]
    assert not Target.objects.filter(value=12.5).exists()


def test_bad_workbook_changes_nothing_and_lists_every_error(city: City) -> None:
    book = load_workbook(_export(city))
    book["指标"]["D3"] = "NOPE"  # unknown category
    book["指标"]["F4"] = "越大越好"  # not a polarity
    book["目标值"]["B2"] = "明年"
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    names = list(Indicator.objects.values_list("code", "name", "category_id", "polarity"))
    response = _upload(city, out)
    body = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "工作表 指标，第 3 行，列 类别代码" in body
    assert "工作表 指标，第 4 行，列 方向" in body
    assert "工作表 目标值，第 2 行，列 年度" in body
    assert list(Indicator.objects.values_list("code", "name", "category_id", "polarity")) == names


def _formula_book(city: City, numerator: str, denominator: str) -> io.BytesIO:
    book = load_workbook(_export(city))
    sheet = book["指标"]
    headers = [c.value for c in sheet[1]]
    col = {h: headers.index(h) + 1 for h in ("分子", "分母", "系数")}
    # Row 4 is the third indicator: it becomes a formula over the first two.
    sheet.cell(4, col["分子"]).value = numerator or None
    sheet.cell(4, col["分母"]).value = denominator or None
    sheet.cell(4, col["系数"]).value = 100
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_formula_columns_round_trip_and_are_checked(city: City) -> None:
    codes = list(Indicator.objects.order_by("order", "code").values_list("code", flat=True))
    ok = _formula_book(city, codes[0], codes[1])
    assert _upload(city, ok).status_code == 302  # type: ignore[attr-defined]
    formula = Indicator.objects.get(code=codes[2])
    assert (formula.numerator, formula.denominator, formula.factor) == (codes[0], codes[1], 100)
    half = _formula_book(city, codes[0], "")
    page = _upload(city, half).content.decode()  # type: ignore[attr-defined]
    assert "分子与分母须同时填写" in page
    unknown = _formula_book(city, "NOPE", codes[1])
    assert "没有 NOPE" in _upload(city, unknown).content.decode()  # type: ignore[attr-defined]


def test_catalog_export_writes_formula_like_text_as_text(city: City) -> None:
    Indicator.objects.filter(code="EDU01").update(name="=1+1", definition="@SUM(A1:A9)")
    book = load_workbook(_export(city))
    cells = [c for row in book["指标"].iter_rows() for c in row]
    assert {c.value for c in cells if c.data_type == "s"} >= {"=1+1", "@SUM(A1:A9)"}
    assert not [c for c in cells if c.data_type == "f"]


def _upload_as(city: City, user: str, book: object) -> object:
    out = io.BytesIO()
    book.save(out)  # type: ignore[attr-defined]
    out.seek(0)
    out.name = "catalog.xlsx"
    return city.client(user).post(reverse("indicator_catalog"), {"file": out})


# A valid new value for each column of the 指标 sheet another city might change.
FOREIGN_EDITS = {
    "指标名称": "被改的名称",
    "英文名称": "Renamed",
    "单位": "个",
    "方向": "越低越好",
    "小数位": 4,
    "有效下限": -1,
    "有效上限": 99999,
    "频率": "年度",
    "权重": 7,
    "标准化下限": 0.5,
    "标准化上限": 99998,
    "环比变动阈值": 0.9,
    "定义": "改过的定义",
    "数据来源": "改过的来源",
}


@pytest.mark.parametrize("column", list(FOREIGN_EDITS))
def test_another_city_cannot_change_our_catalog(city: City, column: str) -> None:
    response = city.client("other_quality").get(reverse("indicator_catalog_export"))
    book = load_workbook(io.BytesIO(response.content))
    ws = book["指标"]
    headers = [c.value for c in ws[1]]
    ws.cell(row=2, column=headers.index(column) + 1, value=FOREIGN_EDITS[column])
    # The other city names its own departments: blank ours rather than fail on the names.
    ws_dept = headers.index("牵头部门") + 1
    code = ws["A2"].value
    before = Indicator.objects.get(code=code)
    for row in ws.iter_rows(min_row=2):
        row[ws_dept - 1].value = None
    audits = AuditEntry.objects.exclude(action="security").count()
    answer = _upload_as(city, "other_quality", book)
    assert answer.status_code == 400  # type: ignore[attr-defined]
    body = answer.content.decode()  # type: ignore[attr-defined]
    assert f"第 2 行，列 {column}：{code} 由" in body and "本地区不能修改" in body, body.split(
        "errors"
    )[1][:1500]
    assert "列 牵头部门" in body  # blanking our lead departments is refused too
    after = Indicator.objects.get(code=code)
    assert audit_snapshot(after) == audit_snapshot(before)
    assert AuditEntry.objects.exclude(action="security").count() == audits
    # The city that maintains the catalog makes the same change.
    mine = load_workbook(_export(city))
    mine["指标"].cell(row=2, column=headers.index(column) + 1, value=FOREIGN_EDITS[column])
    assert _upload_as(city, "quality", mine).status_code == 302  # type: ignore[attr-defined]


def test_another_city_may_add_indicators_of_its_own(city: City) -> None:
    response = city.client("other_quality").get(reverse("indicator_catalog_export"))
    book = load_workbook(io.BytesIO(response.content))
    ws = book["指标"]
    headers = [c.value for c in ws[1]]
    new = [c.value for c in ws[2]]
    new[headers.index("指标代码")] = "OTH01"
    new[headers.index("牵头部门")] = None
    # A file of its own indicator only (and no targets): ours are not in it.
    ws.delete_rows(2, ws.max_row + 10_000)
    ws.append(new)
    book["目标值"].delete_rows(2, 10_000)
    assert _upload_as(city, "other_quality", book).status_code == 302  # type: ignore[attr-defined]
    added = Indicator.objects.get(code="OTH01")
    assert added.owner is not None and added.owner.name == "外市"


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("权重", -1, "权重应在 0 至 100 之间"),
        ("权重", 1e308, "权重应在 0 至 100 之间"),
        ("环比变动阈值", -0.5, "环比变动阈值应在 0 至 10 之间"),
        ("有效上限", 1e300, "数值过大"),
        ("标准化上限", -5, "标准化上限必须大于标准化下限"),
    ],
)
def test_catalog_numbers_out_of_range_are_refused(
    city: City, column: str, value: float, message: str
) -> None:
    book = load_workbook(_export(city))
    ws = book["指标"]
    headers = [c.value for c in ws[1]]
    ws.cell(row=3, column=headers.index("标准化下限") + 1, value=0)
    ws.cell(row=3, column=headers.index(column) + 1, value=value)
    response = _upload_as(city, "quality", book)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert f"第 3 行，列 {column}：{message}" in response.content.decode()  # type: ignore[attr-defined]
