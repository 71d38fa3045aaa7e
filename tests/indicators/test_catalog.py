"""The catalog round-trips through Excel; a bad workbook changes nothing and says where."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from minsheng.audit.models import AuditEntry
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
    before = AuditEntry.objects.count()
    response = _upload(city, _export(city))
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert AuditEntry.objects.count() == before


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
