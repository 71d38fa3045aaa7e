"""The office's board (rates computed by hand below), its Excel export, and a task's printable
督办单 (Word), with their gates."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
from django.urls import reverse

from minsheng.supervision.models import Task, TaskEvent, TaskState
from minsheng.web.todo import today
from tests.conftest import City


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _setup(city: City) -> dict[str, Task]:
    Task.objects.all().delete()
    unit = city.users["county"].organisation
    assert unit is not None
    d = today()
    spec = {
        # name: (due, state, accepted on, verdict)
        "t1": (
            d - dt.timedelta(days=10),
            TaskState.ACCEPTED,
            d - dt.timedelta(days=12),
            "verified",
        ),
        "t2": (d - dt.timedelta(days=10), TaskState.ACCEPTED, d - dt.timedelta(days=5), "not_met"),
        "t3": (d - dt.timedelta(days=3), TaskState.ASSIGNED, None, ""),
        "t4": (d + dt.timedelta(days=5), TaskState.ASSIGNED, None, ""),
        "t5": (d + dt.timedelta(days=5), TaskState.ACCEPTED, d - dt.timedelta(days=1), "no_data"),
    }
    tasks = {}
    for name, (due, state, accepted, verdict) in spec.items():
        task = Task.objects.create(
            title=name, unit=unit, region=city.county, due=due, state=state, verdict=verdict
        )
        if accepted is not None:
            event = TaskEvent.objects.create(task=task, action="accepted")
            TaskEvent.objects.filter(pk=event.pk).update(at=_at(accepted))
        tasks[name] = task
    return tasks


def test_rates_by_hand(city: City) -> None:
    _setup(city)
    page = city.client("quality").get(reverse("supervision_board"))
    assert page.status_code == 200
    (row,) = page.context["units"]
    # Should be finished: t1, t2, t3 (past due) and t5 (finished early); on time: t1 and t5.
    assert (row.tasks, row.open, row.overdue, row.accepted) == (5, 2, 1, 3)
    assert (row.on_time, row.due_or_done) == (2, 4) and row.on_time_rate == 0.5
    # Judged by data: t1 (verified) and t2 (not met); t5's 数据不足 is left out.
    assert (row.verified, row.judged) == (1, 2)
    body = page.content.decode()
    assert "50.0%" in body and "（2/4）" in body


def test_board_excel(city: City) -> None:
    _setup(city)
    response = city.client("leader").get(reverse("supervision_board"), {"format": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["按单位"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    header = rows.index(next(r for r in rows if r[0] == "单位"))
    assert rows[header] == [
        "单位",
        "任务数",
        "办理中",
        "已逾期",
        "已办结",
        "按时办结率",
        "数据验证率",
    ]
    assert rows[header + 1][1:] == [5, 2, 1, 3, 0.5, 0.5]
    assert sheet.cell(header + 2, 6).number_format == "0.0%"


def test_board_gates(city: City) -> None:
    _setup(city)
    url = reverse("supervision_board")
    for outsider in ("county", "reporter", "window", "vendor"):
        assert city.client(outsider).get(url).status_code == 403, outsider
    assert city.client("other_quality").get(url).context["units"] == []
    assert city.client(None).get(url).status_code == 302


def test_the_order_is_a_word_document(city: City) -> None:
    task = _setup(city)["t3"]
    url = reverse("supervision_task_order", args=[task.pk])
    response = city.client("county").get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    xml = zipfile.ZipFile(io.BytesIO(response.content)).read("word/document.xml").decode()
    due = task.due
    assert due is not None
    for text in ("督 办 单", task.unit.name, f"{due.year}年{due.month}月{due.day}日", "待办理"):
        assert text in xml, text
    for outsider in ("other_county", "vendor", "other_quality"):
        assert city.client(outsider).get(url).status_code == 403, outsider
