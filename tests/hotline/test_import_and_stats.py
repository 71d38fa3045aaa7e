"""``minsheng hotline import`` and ``minsheng hotline stats``: a platform export stored
idempotently (a re-import updates), every bad cell located with nothing stored, and the month's
figures equal to a plain-Python count of the same rows with each deadline from the working-day
calendar (National Day 2026 and its make-up Saturday inside the month)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from minsheng.core.workdays.calendar import SHANGHAI, WorkCalendar
from minsheng.hotline.models import WorkOrder
from minsheng.orgs.models import Organisation
from tests.conftest import City

HEADER = ["order_no", "channel", "type", "category", "region", "department", "text", "received_at",
          "dispatched_at", "accepted_at", "answered_at", "followup", "reopened"]  # fmt: skip
DAYS = {"咨询": 5, "求助": 5, "投诉": 15, "举报": 15, "意见建议": 15, "表扬": 15}


@pytest.fixture(autouse=True)
def _no_demo_orders(city: City) -> None:
    WorkOrder.objects.all().delete()  # rolled back after each test


def _rows(city: City) -> list[list[str]]:
    housing = Organisation.objects.get(key=f"dept-{_city_code(city)}-housing").name
    market = Organisation.objects.get(key=f"dept-{_city_code(city)}-market").name
    t = city.township
    return [
        # answered on the call, never dispatched
        ["T1", "电话", "咨询", "政务服务/办事效率", t.code, "", "咨询落户材料",
         "2026-10-08T09:00", "", "", "2026-10-08T09:10", "满意", "0"],
        # 投诉 dispatched 10-08: 15 working days end on 10-28 (10-10 is a make-up Saturday)
        ["T2", "电话", "投诉", "城乡建设/物业管理", t.code, housing, "电梯坏了",
         "2026-10-08T09:00", "2026-10-08T10:00", "2026-10-08T11:00", "2026-10-28T23:00",
         "不满意", "1"],
        ["T3", "app", "投诉", "城乡建设/物业管理", t.name, housing, "物业费",
         "2026-10-09T09:00", "2026-10-09T10:00", "2026-10-12T09:00", "2026-10-30T09:00", "", "0"],
        ["T4", "网站", "求助", "市场监管/消费维权", "", market, "预付卡退费",
         "2026-10-12T09:00", "2026-10-12T09:30", "2026-10-12T10:00", "2026-10-16T18:00",
         "基本满意", "0"],
        ["T5", "电话", "求助", "市场监管/消费维权", t.code, market, "退货",
         "2026-10-15T09:00", "2026-10-15T09:30", "", "", "", "0"],
        ["T6", "电话", "举报", "市场监管/食品安全", t.code, market, "过期食品",
         "2026-10-20T09:00", "", "", "", "", "0"],
        ["T7", "信箱", "意见建议", "交通出行/公交服务", t.code, housing, "加开公交",
         "2026-10-31T20:00", "2026-11-02T09:00", "2026-11-02T10:00", "2026-11-20T10:00", "满意",
         "0"],
        ["T8", "电话", "投诉", "城乡建设/物业管理", t.code, housing, "九月的单子",
         "2026-09-30T16:00", "2026-09-30T17:00", "", "2026-10-13T20:00", "满意", "0"],
    ]  # fmt: skip


def _city_code(city: City) -> str:
    root = city.county.parent
    assert root is not None
    return root.code


def _csv(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def _write(tmp_path: Path, rows: list[list[str]], name: str = "orders.csv", **kw: str) -> Path:
    path = tmp_path / name
    path.write_bytes(_csv(rows, **kw))
    return path


def _import(path: Path, *args: str) -> dict[str, int]:
    out = StringIO()
    call_command("hotline", "import", str(path), *args, stdout=out, stderr=StringIO())
    return dict(json.loads(out.getvalue()))


def _by_hand(rows: list[list[str]], month: str) -> dict[str, dict[str, object]]:
    """The spec's figures per type, counted row by row with the calendar's deadline."""
    calendar = WorkCalendar()

    def at(text: str) -> dt.datetime | None:
        return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI) if text else None

    out: dict[str, dict[str, object]] = {}
    for r in rows:
        received = at(r[7])
        assert received is not None
        if received.strftime("%Y-%m") != month:
            continue
        g = out.setdefault(r[2], {"orders": 0, "answered": 0, "on_time": 0, "both": 0,
                                  "followed_up": 0, "content": 0, "reopened": 0})  # fmt: skip
        dispatched, answered = at(r[8]), at(r[10])
        g["orders"] += 1  # type: ignore[operator]
        if answered:
            g["answered"] += 1  # type: ignore[operator]
        if dispatched and answered:
            g["both"] += 1  # type: ignore[operator]
            if answered <= calendar.due(dispatched, DAYS[r[2]]):
                g["on_time"] += 1  # type: ignore[operator]
        if r[11]:
            g["followed_up"] += 1  # type: ignore[operator]
            g["content"] += r[11] in ("满意", "基本满意")  # type: ignore[operator]
        g["reopened"] += r[12] == "1"  # type: ignore[operator]
    return out


def test_import_is_idempotent_and_stats_match_a_count_by_hand(city: City, tmp_path: Path) -> None:
    rows = _rows(city)
    assert _import(_write(tmp_path, rows, encoding="gbk"))["created"] == len(rows)  # GBK read
    assert WorkOrder.objects.count() == len(rows)
    t2 = WorkOrder.objects.get(order_no="T2")
    assert t2.answer_due == dt.datetime(2026, 10, 28, 23, 59, 59, tzinfo=SHANGHAI)  # by hand
    assert t2.region == city.township and t2.reopened == 1
    assert WorkOrder.objects.get(order_no="T3").region == city.township  # matched by name
    rows[4][10], rows[4][9] = "2026-10-20T10:00", "2026-10-15T10:00"  # T5 answered since
    again = _import(_write(tmp_path, rows))
    assert (again["created"], again["updated"]) == (0, len(rows))
    assert WorkOrder.objects.count() == len(rows)
    assert WorkOrder.objects.get(order_no="T5").answered_at is not None
    out = StringIO()
    call_command("hotline", "stats", "--month", "2026-10", "--by", "type", stdout=out)
    got = {g["group"]: g for g in json.loads(out.getvalue())}
    expected = _by_hand(rows, "2026-10")
    assert set(got) == set(expected)
    for group, e in expected.items():
        g = got[group]
        assert (g["orders"], g["answered"], g["on_time"], g["followed_up"]) == (
            e["orders"], e["answered"], e["on_time"], e["followed_up"]), group  # fmt: skip
        both, followed = e["both"], e["followed_up"]
        answered = e["answered"]
        assert g["on_time_rate"] == (pytest.approx(e["on_time"] / both) if both else None)  # type: ignore[operator]
        assert g["satisfied_rate"] == (
            pytest.approx(e["content"] / followed) if followed else None  # type: ignore[operator]
        )
        assert g["reopened_rate"] == (
            pytest.approx(e["reopened"] / answered) if answered else None  # type: ignore[operator]
        )
    # 投诉 in October: T2 on time (answered 10-28 23:00, due 23:59:59), T3 late (10-30).
    assert (got["投诉"]["on_time"], got["投诉"]["on_time_rate"]) == (1, 0.5)
    by_dept = StringIO()
    call_command("hotline", "stats", "--month", "2026-10", "--by", "department", stdout=by_dept)
    groups = {g["group"] for g in json.loads(by_dept.getvalue())}
    assert "未派单" in groups and Organisation.objects.get(
        key=f"dept-{_city_code(city)}-housing").name in groups  # fmt: skip


def test_bad_rows_are_located_and_nothing_is_stored(city: City, tmp_path: Path) -> None:
    rows = _rows(city)
    rows[1][2] = "吐槽"  # T2: unknown type (row 3 of the file)
    rows[2][10] = "2026-10-01T09:00"  # T3: answered before it was received
    rows[3][5] = "不存在的局"  # T4: unknown unit
    rows[4][7] = "十月"  # T5: not a time
    rows[5][4] = "火星"  # T6: unknown region
    rows.append(list(rows[0]))  # T1 twice
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("hotline", "import", str(_write(tmp_path, rows)), stderr=err)
    assert raised.value.returncode == 2
    text = err.getvalue()
    needles = (
        "第 3 行，列 type", "第 4 行，列 answered_at", "第 5 行，列 department",
        "第 6 行，列 received_at", "第 7 行，列 region", "第 10 行，列 order_no",
    )  # fmt: skip
    for needle in needles:
        assert needle in text, needle
    assert not WorkOrder.objects.exists()
    rows = _rows(city)
    rows[3][5] = "新成立的局"
    with pytest.raises(CommandError):
        call_command("hotline", "import", str(_write(tmp_path, rows)), stderr=StringIO())
    made = _import(_write(tmp_path, rows), "--create-missing")
    assert made["units_created"] == 1 and Organisation.objects.filter(name="新成立的局").exists()


def test_the_centre_and_the_item_an_order_is_about(city: City, tmp_path: Path) -> None:
    from minsheng.reviews.models import ServiceItem

    centre = city.users["window"].organisation
    assert centre is not None
    item = ServiceItem.objects.create(code="HX-1", name="营业执照办理")
    header = [*HEADER, "服务中心", "服务事项"]
    rows = [[*r, centre.name, "营业执照办理"] for r in _rows(city)[:2]]
    rows.append([*_rows(city)[2], "不存在的中心", "HX-9"])
    path = tmp_path / "about.csv"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("hotline", "import", str(path), stderr=err)
    assert "第 4 行，列 服务中心" in err.getvalue() and "第 4 行，列 服务事项" in err.getvalue()
    path.write_text(out.getvalue().replace("不存在的中心", centre.key).replace("HX-9", "HX-1"),
                    encoding="utf-8")  # fmt: skip
    assert _import(path)["created"] == 3
    assert set(WorkOrder.objects.values_list("centre_id", "service_item_id")) == {
        (centre.pk, item.pk)
    }


def test_unreadable_file_and_bad_month_exit_2(city: City, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("hotline", "import", str(tmp_path / "none.csv"))
    assert raised.value.returncode == 2
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError) as raised:
        call_command("hotline", "import", str(empty), stderr=StringIO())
    assert raised.value.returncode == 2
    with pytest.raises(CommandError) as raised:
        call_command("hotline", "stats", "--month", "2026-13", "--by", "type")
    assert raised.value.returncode == 2
