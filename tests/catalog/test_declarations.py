"""Departments declare, the office reviews: a department downloads its own items, uploads them
edited; only changed or new items become declarations (another unit's rows are refused, every
one located); the office sees what changes and approves (a new version) or returns with a
reason; both sides are told and see it in 我的待办; outsiders are refused."""

from __future__ import annotations

import io

import openpyxl
from django.test import Client
from django.urls import reverse

from minsheng.catalog.models import CatalogItem, Declaration, DeclarationState
from minsheng.core.catalog.sheet import items_from_sheet
from minsheng.notify.models import Notification
from minsheng.web.todo import todo_items
from tests.conftest import City


def _edited(workbook: bytes, change: dict[str, object]) -> bytes:
    """The downloaded workbook with ``change`` (header → value) in its first data row."""
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    sheet = book["事项"]
    headers = [c.value for c in sheet[1]]
    for header, value in change.items():
        sheet.cell(row=2, column=headers.index(header) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_declare_review_and_approve(city: City) -> None:
    reporter = city.client("reporter")  # 市教育体育局
    url = reverse("catalog_declare")
    download = reporter.get(url, {"format": "xlsx"})
    own = items_from_sheet(download.content, filename="a.xlsx")
    assert own and all(i.organisation == own[0].organisation for i in own)
    first = own[0]
    # The same file back: nothing to declare.
    same = reporter.post(url, {"file": _upload(download.content)})
    assert same.status_code == 302 and not Declaration.objects.exists()
    edited = _edited(download.content, {"承诺办结时限": 1, "办理地点": "二楼 8 号窗口"})
    made = reporter.post(url, {"file": _upload(edited), "note": "压缩时限"})
    assert made.status_code == 302
    declaration = Declaration.objects.get()
    assert declaration.code == first.code and declaration.state == DeclarationState.SUBMITTED
    office_user = city.users["quality"]
    assert Notification.objects.filter(user=office_user, kind="catalog").exists()
    items, _counts = todo_items(office_user)
    assert any(i.url == reverse("catalog_declarations") for i in items)
    office = city.client("quality")
    review = office.get(reverse("catalog_declarations"))
    assert review.status_code == 200
    (row,) = review.context["rows"]
    assert ("办理地点", first.place or "—", "二楼 8 号窗口") in row[1].fields
    decide = reverse("catalog_decide", args=[declaration.pk])
    assert city.client("county").post(decide, {"decision": "approve"}).status_code == 403
    assert reporter.post(decide, {"decision": "approve"}).status_code == 403
    assert city.client("other_quality").post(decide, {"decision": "approve"}).status_code == 403
    assert not city.client("other_quality").get(reverse("catalog_declarations")).context["rows"]
    assert office.post(decide, {"decision": "approve"}).status_code == 302
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.APPROVED
    versions = CatalogItem.objects.filter(code=first.code, region__code=first.region)
    assert versions.count() == 2 and versions.get(valid_to=None).promised_days == 1
    assert Notification.objects.filter(user=city.users["reporter"], kind="catalog").exists()
    # Deciding twice is refused with a message, nothing changes.
    office.post(decide, {"decision": "return", "note": "x"})
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.APPROVED


def test_return_needs_a_reason_and_shows_in_the_departments_todo(city: City) -> None:
    reporter = city.client("reporter")
    url = reverse("catalog_declare")
    download = reporter.get(url, {"format": "xlsx"}).content
    reporter.post(url, {"file": _upload(_edited(download, {"承诺办结时限": 2}))})
    declaration = Declaration.objects.get()
    office = city.client("quality")
    decide = reverse("catalog_decide", args=[declaration.pk])
    office.post(decide, {"decision": "return", "note": " "})
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.SUBMITTED  # no reason: not returned
    office.post(decide, {"decision": "return", "note": "时限依据不足"})
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.RETURNED
    items, _counts = todo_items(city.users["reporter"])
    assert any(i.url == url for i in items)
    page = reporter.get(url)
    assert "时限依据不足" in page.content.decode()
    # Declaring the item again clears the returned one from the to-do list.
    reporter.post(url, {"file": _upload(_edited(download, {"承诺办结时限": 3}))})
    items, _counts = todo_items(city.users["reporter"])
    assert not any(i.url == url for i in items)


def test_another_units_rows_are_refused_and_located(city: City) -> None:
    reporter = city.client("reporter")
    url = reverse("catalog_declare")
    download = reporter.get(url, {"format": "xlsx"}).content
    bad = _edited(download, {"实施主体": "别的局"})
    answer = reporter.post(url, {"file": _upload(bad)})
    assert answer.status_code == 400
    assert "只能申报本单位" in answer.content.decode() and not Declaration.objects.exists()
    for outsider in ("quality", "county", "window", "vendor"):
        assert city.client(outsider).get(url).status_code == 403, outsider
    review = reverse("catalog_declarations")
    for outsider in ("reporter", "county", "leader", "window", "vendor"):
        assert city.client(outsider).get(review).status_code == 403, outsider
    assert Client().get(url).status_code == 302


def _upload(data: bytes) -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        "事项.xlsx",
        data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
