"""The office writes a task by hand for a unit of its region, with an optional target; bad
input is said in Chinese and stores nothing; others are refused."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from minsheng.notify.models import Kind, Notification
from minsheng.supervision.models import Task, TaskSource
from minsheng.web.todo import today
from tests.conftest import City


def test_the_office_writes_a_task_by_hand(city: City) -> None:
    url = reverse("supervision_task_new")
    unit = city.users["county"].organisation
    assert unit is not None
    due = (today() + dt.timedelta(days=20)).isoformat()
    office = city.client("quality")
    assert office.get(url).status_code == 200
    for bad, message in (
        ({"title": "", "unit": unit.pk, "due": due}, "请填写任务名称"),
        ({"title": "x", "unit": "", "due": due}, "请选择承办单位"),
        ({"title": "x", "unit": unit.pk, "due": "2020-01-01"}, "不能早于今天"),
        ({"title": "x", "unit": unit.pk, "due": due, "metric": "率", "value": "九十"}, "须为数字"),
    ):
        response = office.post(url, bad)
        assert response.status_code == 400 and message in response.content.decode(), message
    assert not Task.objects.filter(source=TaskSource.MANUAL).exists()
    made = office.post(
        url,
        {
            "title": "提升政务服务事项全程网办率",
            "text": "年底前完成事项梳理",
            "unit": unit.pk,
            "due": due,
            "metric": "政务服务事项全程网办率",
            "op": ">=",
            "value": "80",
            "target_unit": "%",
        },
    )
    task = Task.objects.get(source=TaskSource.MANUAL)
    assert made["Location"] == reverse("supervision_task", args=[task.pk])
    assert task.unit == unit and task.due.isoformat() == due  # type: ignore[union-attr]
    assert [(t.metric, t.op, t.value, t.unit) for t in task.targets.all()] == [
        ("政务服务事项全程网办率", ">=", 80.0, "%")
    ]
    assert Notification.objects.filter(user=city.users["county"], kind=Kind.TASK_ASSIGNED).exists()
    # A unit of another city is not offered and not accepted.
    other = city.users["other_quality"].organisation
    assert other is not None
    refused = office.post(url, {"title": "x", "unit": other.pk, "due": due})
    assert refused.status_code == 400
    for outsider in ("county", "reporter", "leader", "window", "vendor"):
        assert city.client(outsider).get(url).status_code == 403, outsider
