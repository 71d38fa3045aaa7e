"""The reminder sweep (提醒 → 催办 → 升级督办, in working days of the one calendar; each step
once per task, in the history, the audit log and one message per person) and extensions
(asked by the unit, decided by the office; a granted one starts the reminders over)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from minsheng.audit.models import AuditEntry
from minsheng.notify.models import Kind, Notification
from minsheng.supervision.models import Alert, Extension, ExtensionState, Task, TaskState
from minsheng.supervision.sweep import sweep
from tests.conftest import City

# Monday 9 March 2026; no holiday in March 2026, so working days are Monday to Friday.
MONDAY = dt.date(2026, 3, 9)


def _tasks(city: City) -> dict[str, Task]:
    Task.objects.update(state=TaskState.ACCEPTED)  # the demo's tasks stay out of the way
    unit = city.users["county"].organisation
    assert unit is not None
    dues = {
        "in3": dt.date(2026, 3, 12),  # 3 working days ahead: reminded
        "in4": dt.date(2026, 3, 13),  # 4 ahead: nothing yet
        "late1": dt.date(2026, 3, 6),  # Friday: 1 working day late (9 Mar): urged
        "late4": dt.date(2026, 3, 3),  # 4 working days late (4, 5, 6, 9 Mar): urged
        "late5": dt.date(2026, 3, 2),  # 5 working days late (3, 4, 5, 6, 9 Mar): escalated
    }
    return {
        name: Task.objects.create(title=name, unit=unit, region=city.county, due=due)
        for name, due in dues.items()
    }


def test_each_step_once_in_working_days(city: City) -> None:
    tasks = _tasks(city)
    before = Notification.objects.count()
    last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    counts = sweep(MONDAY)
    assert counts["reminded"] == 1 and counts["urged"] == 2 and counts["escalated"] == 1
    alerts = {t.title: t.alert for t in Task.objects.filter(pk__in=[t.pk for t in tasks.values()])}
    assert alerts == {
        "in3": Alert.REMINDED,
        "in4": Alert.NONE,
        "late1": Alert.URGED,
        "late4": Alert.URGED,
        "late5": Alert.ESCALATED,
    }
    late5 = tasks["late5"]
    assert list(late5.events.filter(action__startswith="alert").values_list("action", "note")) == [
        ("alert3", "超过完成时限 5 个工作日，升级督办")
    ]
    assert AuditEntry.objects.filter(
        object_type="supervision.task", object_pk=str(late5.pk), note="sweep: escalated"
    ).exists()
    # One message per person and step, listing that person's tasks.
    county = city.users["county"]
    got = Notification.objects.filter(user=county, pk__gt=last).order_by("pk")
    assert sorted(n.kind for n in got) == sorted(
        [Kind.TASK_DUE_SOON, Kind.TASK_URGED, Kind.TASK_ESCALATED]
    )
    urged = got.get(kind=Kind.TASK_URGED)
    assert "late1" in urged.body and "late4" in urged.body and "2026年3月6日前" in urged.body
    for role in ("quality", "leader"):
        assert Notification.objects.filter(
            user=city.users[role], kind=Kind.TASK_ESCALATED
        ).exists(), role
    assert not Notification.objects.filter(
        user=city.users["other_quality"], kind=Kind.TASK_ESCALATED
    ).exists()
    sent = Notification.objects.count() - before
    assert counts["messages"] == sent
    # The next run the same day does nothing; on Tuesday "late4" reaches 5 working days.
    assert sweep(MONDAY) == {"reminded": 0, "urged": 0, "escalated": 0, "messages": 0}
    tuesday = sweep(MONDAY + dt.timedelta(days=1))
    assert tuesday["escalated"] == 1 and tuesday["reminded"] == 1  # "in4" is now 3 ahead
    assert Task.objects.get(pk=tasks["late4"].pk).alert == Alert.ESCALATED


def test_reported_and_finished_tasks_are_left_alone(city: City) -> None:
    tasks = _tasks(city)
    Task.objects.filter(pk=tasks["late5"].pk).update(state=TaskState.REPORTED)
    assert sweep(MONDAY)["escalated"] == 0


def test_extension_asked_by_the_unit_and_decided_by_the_office(city: City) -> None:
    task = _tasks(city)["late5"]
    sweep(MONDAY)
    url = reverse("supervision_task", args=[task.pk])
    county, office = city.client("county"), city.client("quality")
    too_early = county.post(url, {"action": "extend", "new_due": "2026-03-01", "reason": "x"})
    assert too_early.status_code == 400 and "晚于" in too_early.content.decode()
    no_reason = county.post(url, {"action": "extend", "new_due": "2026-04-30", "reason": " "})
    assert no_reason.status_code == 400
    for outsider in ("other_county", "reporter"):
        response = city.client(outsider).post(
            url, {"action": "extend", "new_due": "2026-04-30", "reason": "x"}
        )
        assert response.status_code == 403, outsider
    asked = county.post(url, {"action": "extend", "new_due": "2026-04-30", "reason": "需招标"})
    assert asked.status_code == 302
    extension = Extension.objects.get(task=task)
    assert extension.state == ExtensionState.PENDING and extension.due_before == task.due
    assert Notification.objects.filter(user=city.users["quality"], kind=Kind.EXTENSION).exists()
    assert county.post(url, {"action": "grant"}).status_code == 403  # the unit cannot decide
    assert city.client("other_quality").post(url, {"action": "grant"}).status_code == 403
    assert office.post(url, {"action": "refuse", "comment": ""}).status_code == 400
    assert office.post(url, {"action": "grant", "comment": "同意"}).status_code == 302
    task.refresh_from_db()
    extension.refresh_from_db()
    assert extension.state == ExtensionState.GRANTED and task.due == dt.date(2026, 4, 30)
    assert task.alert == Alert.NONE  # reminders start over for the new date
    assert Notification.objects.filter(
        user=city.users["county"], kind=Kind.EXTENSION, title="延期申请已同意"
    ).exists()
    assert AuditEntry.objects.filter(object_pk=str(task.pk), note="extension granted").exists()
    page = county.get(url).content.decode()
    assert "同意延期" in page and "申请延期至" in page


def test_the_sweep_is_a_command(city: City) -> None:
    import json
    from io import StringIO

    from django.core.management import call_command

    _tasks(city)
    out = StringIO()
    call_command("supervision", "sweep", "--date", MONDAY.isoformat(), stdout=out)
    assert json.loads(out.getvalue())["escalated"] == 1
    out = StringIO()
    call_command("supervision", "tasks", "--region", city.county.code, stdout=out)
    rows = json.loads(out.getvalue())
    assert {r["title"]: r["alert"] for r in rows if r["state"] == "assigned"}["late5"] == 3


def test_extension_over_the_api(city: City) -> None:
    import json

    task = _tasks(city)["in3"]
    url = f"/api/supervision/tasks/{task.pk}/extension"
    body = json.dumps({"new_due": "2026-05-01", "reason": "设备到货延迟"})
    refused = city.client("other_county").post(url, body, content_type="application/json")
    assert refused.status_code == 403
    early = json.dumps({"new_due": "2026-03-01", "reason": "x"})
    assert (
        city.client("county").post(url, early, content_type="application/json").status_code == 422
    )
    done = city.client("county").post(url, body, content_type="application/json")
    assert done.status_code == 200 and done.json()["events"][-1]["action"] == "extension"
    assert Extension.objects.get(task=task).reason == "设备到货延迟"


def test_a_report_by_date_before_the_due_date_is_the_deadline(city: City) -> None:
    tasks = _tasks(city)
    # Due in April, but the plan's cascade wants the report to the lead by Friday 6 March.
    Task.objects.filter(pk=tasks["in4"].pk).update(
        due=dt.date(2026, 4, 30), report_by=dt.date(2026, 3, 6)
    )
    sweep(MONDAY)
    task = Task.objects.get(pk=tasks["in4"].pk)
    assert task.alert == Alert.URGED
    note = Notification.objects.filter(user=city.users["county"], kind=Kind.TASK_URGED).latest("pk")
    assert "in4（2026年3月6日前）" in note.body.replace(" ", "")
