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
