"""The hotline import read and stored as columns: a re-import updates what the platform sends
and keeps what only Minsheng knows (the answer, extensions, reminders, returns); the deadline
counts an order's extension; the caller and the number are stored encrypted and masked, once per
distinct number; times with an offset read the same as naive Shanghai times; an order number of
another city is left alone; and the less common columns (urgent, solved) are read as words."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minsheng.core.tabular import TableError
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.hotline.models import State, WorkOrder
from minsheng.hotline.services.imports import blank_order, import_orders, insert_orders
from minsheng.orgs.models import Organisation, Region, RegionLevel
from minsheng.reviews.services.contact import decrypt
from minsheng.reviews.services.deadlines import work_calendar
from tests.conftest import City

HEADER = ["工单编号", "来源渠道", "诉求类型", "承办单位", "受理时间", "派单时间", "办结时间",
          "回访结果", "是否紧急", "是否解决", "来电人", "联系电话"]  # fmt: skip


@pytest.fixture(autouse=True)
def _no_demo_orders(city: City) -> None:
    WorkOrder.objects.all().delete()  # rolled back after each test


def _file(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def _city(city: City) -> Region:
    root = city.county.parent
    assert root is not None
    return root


def _import(city: City, rows: list[list[str]]) -> tuple[int, int]:
    report = import_orders(_file(rows), filename="orders.csv", actor="test", city=_city(city))
    return report.created, report.updated


def test_a_reimport_updates_what_the_file_says_and_keeps_the_rest(city: City) -> None:
    unit = Organisation.objects.get(key=f"dept-{_city(city).code}-housing").name
    rows = [
        ["C1", "电话", "投诉", unit, "2026-10-08T09:00+08:00", "2026-10-08T10:00", "", "", "是",
         "", "张三", "138 0013 8000"],
        ["C2", "app", "求助", unit, "2026-10-08 09:00:00", "2026-10-08T02:00Z", "", "", "0", "",
         "", "13800138000"],
    ]  # fmt: skip
    assert _import(city, rows) == (2, 0)
    c1, c2 = WorkOrder.objects.get(order_no="C1"), WorkOrder.objects.get(order_no="C2")
    assert c1.received_at == c2.received_at == dt.datetime(2026, 10, 8, 9, tzinfo=SHANGHAI)
    assert c2.dispatched_at == dt.datetime(2026, 10, 8, 10, tzinfo=SHANGHAI)  # 02:00Z
    assert c1.urgent and not c2.urgent and c1.solved is None
    assert c1.state == State.DISPATCHED and c1.caller_masked == "张*"
    assert decrypt(c1.caller_cipher) == "张三" and decrypt(c1.phone_cipher) == "138 0013 8000"
    assert c1.phone_masked == "138****8000" and c1.phone_hash == c2.phone_hash != ""
    # Minsheng's own work on C1 meanwhile: answered on the platform? not yet; extended 3 days.
    WorkOrder.objects.filter(pk=c1.pk).update(
        extension_days=3, reminded=2, returned=1, answer="已安排维修"
    )
    rows[0][6:10] = ["2026-10-20T10:00", "满意", "否", "已解决"]  # no longer urgent
    rows[0][10:] = ["", ""]  # the platform no longer sends the caller: what was stored stays
    assert _import(city, rows) == (0, 2)
    c1.refresh_from_db()
    assert (c1.extension_days, c1.reminded, c1.returned, c1.answer) == (3, 2, 1, "已安排维修")
    assert c1.state == State.CLOSED and c1.solved is True and c1.followup == "satisfied"
    assert decrypt(c1.caller_cipher) == "张三"
    # 投诉: 15 working days from 10-08 plus the 3 of the extension (10-10 a make-up Saturday).
    expected = work_calendar().due(dt.datetime(2026, 10, 8, 10, tzinfo=SHANGHAI), 18)
    assert c1.answer_due == expected and c1.followed_up_at == c1.answered_at


def test_another_citys_order_number_is_left_alone(city: City) -> None:
    other = Region.objects.get(name="外市", level=RegionLevel.CITY)  # conftest's other city
    theirs = blank_order(other, "X1")
    theirs.update(
        channel="phone", type="consult", received_at=dt.datetime(2026, 10, 1, tzinfo=SHANGHAI)
    )
    insert_orders([theirs])
    rows = [["X1", "电话", "咨询", "", "2026-10-08T09:00", "", "", "", "", "", "", ""]]
    assert _import(city, rows) == (0, 0)
    assert WorkOrder.objects.get(order_no="X1").city_id == other.pk


def test_words_the_columns_do_not_know_are_located(city: City) -> None:
    rows = [
        ["W1", "电话", "咨询", "", "2026-10-08T09:00", "", "", "", "也许", "", "", ""],
        ["W2", "电话", "咨询", "", "2026-10-08T09:00", "", "", "", "", "大概", "", ""],
        ["W3", "电话", "咨询", "", "2026-10-08T09:00", "2026-10-08T08:00", "", "满意", "", "",
         "", ""],
        ["W3", "电话", "咨询", "", "2026-10-08T09:00", "", "", "", "", "", "", ""],
        ["W3", "电话", "咨询", "", "2026-10-08T09:00", "", "", "", "", "", "", ""],
    ]  # fmt: skip
    with pytest.raises(TableError) as raised:
        _import(city, rows)
    found = {(e.row, e.column, e.message) for e in raised.value.errors}
    assert found == {
        (2, "是否紧急", "须为 1/0 或 是/否，实际“也许”"),
        (3, "是否解决", "须为 是/否（已解决/未解决），实际“大概”"),
        (4, "派单时间", "派单时间早于受理时间"),
        (4, "回访结果", "有回访结果但没有办结时间"),
        (6, "工单编号", "工单编号与第 5 行重复 / order number repeated"),
    }
    assert not WorkOrder.objects.exists()


def test_the_settings_page_lists_a_files_problems_in_chinese(city: City) -> None:
    rows = [
        ["P1", "电话", "咨询", "", "2026-10-08T09:00", "", "", "", "", "", "", ""],
        ["P1", "电话", "咨询", "", "2026-10-08T09:00", "", "", "", "", "", "", ""],
        ["", "电话", "咨询", "", "", "", "", "", "", "", "", ""],
    ]
    upload = SimpleUploadedFile("工单.csv", _file(rows), content_type="text/csv")
    page = city.client("dispatcher").post(
        reverse("hotline_settings"), {"what": "orders", "file": upload}
    )
    shown = [(e.row, e.column, e.message) for e in page.context["errors"]]
    assert shown == [
        (3, "工单编号", "工单编号与第 2 行重复"),
        (4, "受理时间", "不能为空"),
        (4, "工单编号", "不能为空"),
    ]
    assert "order number" not in page.content.decode() and not WorkOrder.objects.exists()
