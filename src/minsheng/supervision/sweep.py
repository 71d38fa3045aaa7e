"""The reminder sweep over open tasks, in working days (the one calendar), against each task's
next deadline (its report-by date in a plan's cascade when that comes first, else its due date):

- 提醒: due within ``REMIND_DAYS`` working days → the unit is reminded;
- 催办: past its due date → the unit is urged, and the office sees it;
- 升级督办: ``ESCALATE_DAYS`` working days past due → the unit again, the office and the
  region's leaders.

Each step happens once per task (``Task.alert`` remembers how far it went; a granted extension
starts over), is written into the task's history and the audit log, and each person gets one
message listing their tasks, not one per task. Set-based: 100,000 open tasks are one query per
step plus bulk writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Case, DateField, F, Q, When
from django.utils import timezone

from minsheng.accounts.models import Role
from minsheng.audit.models import AuditAction, AuditEntry
from minsheng.audit.services import audit_entry
from minsheng.core.workdays.calendar import SHANGHAI, WorkCalendar
from minsheng.notify.models import Kind
from minsheng.reviews.services.deadlines import work_calendar
from minsheng.supervision import messages
from minsheng.supervision.models import Alert, Task, TaskEvent, TaskState

REMIND_DAYS = 3
ESCALATE_DAYS = 5
BATCH = 5000
NOTES = {
    Alert.REMINDED: "到期提醒",
    Alert.URGED: "已超过完成时限，催办",
    Alert.ESCALATED: f"超过完成时限 {ESCALATE_DAYS} 个工作日，升级督办",
}


# What a unit must meet next: its report-by date in a plan's cascade when that comes first (a
# task not yet reported), else its due date.
DEADLINE = Case(
    When(report_by__isnull=False, due__isnull=True, then=F("report_by")),
    When(report_by__lt=F("due"), then=F("report_by")),
    default=F("due"),
    output_field=DateField(),
)


def working_days_before(calendar: WorkCalendar, day: dt.date, n: int) -> dt.date:
    """The latest date d with n working days in (d, day]."""
    current, left = day, n
    while left:
        if calendar.is_working_day(current):
            left -= 1
        current -= dt.timedelta(days=1)
    return current


def _step(open_tasks: Any, level: Alert, due_filter: dict[str, Any]) -> list[Task]:
    """Move the tasks matching ``due_filter`` that are below ``level`` to it; returns them."""
    latest = due_filter["deadline__lte" if "deadline__lte" in due_filter else "deadline__lt"]
    # The deadline is no later than either date: an indexed pre-filter on both.
    near = Q(due__lte=latest) | Q(report_by__lte=latest)
    chosen = list(
        open_tasks.filter(near, alert__lt=level, **due_filter)
        .select_related("region")
        .only("pk", "number", "title", "due", "report_by", "unit_id", "region__code", "region_id")
        .order_by("deadline", "pk")
    )
    for start in range(0, len(chosen), BATCH):
        part = chosen[start : start + BATCH]
        with transaction.atomic():
            Task.objects.filter(pk__in=[t.pk for t in part]).update(alert=level)
            TaskEvent.objects.bulk_create(
                TaskEvent(task=t, actor_label="系统", action=f"alert{level}", note=NOTES[level])
                for t in part
            )
            AuditEntry.objects.bulk_create(
                audit_entry(
                    actor="system",
                    action=AuditAction.STATE,
                    obj=t,
                    object_type="supervision.task",
                    after={"alert": int(level)},
                    note=f"sweep: {Alert(level).name.lower()}",
                    region_code=t.region.code,
                )
                for t in part
            )
    return chosen


def sweep(today: dt.date | None = None) -> dict[str, int]:
    """Run the three steps for ``today`` (Asia/Shanghai); returns counts of tasks and
    messages."""
    today = today or timezone.now().astimezone(SHANGHAI).date()
    calendar = work_calendar()
    open_tasks = (
        Task.objects.filter(state__in=[TaskState.ASSIGNED, TaskState.RETURNED])
        .annotate(deadline=DEADLINE)
        .filter(deadline__isnull=False)
    )
    escalated = _step(
        open_tasks,
        Alert.ESCALATED,
        {"deadline__lte": working_days_before(calendar, today, ESCALATE_DAYS)},
    )
    urged = _step(open_tasks, Alert.URGED, {"deadline__lt": today})
    reminded = _step(
        open_tasks,
        Alert.REMINDED,
        {
            "deadline__gte": today,
            "deadline__lte": calendar.add_working_days(today, REMIND_DAYS),
        },
    )
    sent = 0
    if reminded:
        sent += messages.tell_units(reminded, Kind.TASK_DUE_SOON, "督办任务即将到期")
    if urged:
        sent += messages.tell_units(urged, Kind.TASK_URGED, "催办：督办任务已超过完成时限")
    if escalated:
        title = "升级督办：督办任务逾期未办"
        sent += messages.tell_units(escalated, Kind.TASK_ESCALATED, title)
        sent += messages.tell_region(escalated, Role.QUALITY_OFFICE, Kind.TASK_ESCALATED, title)
        sent += messages.tell_region(escalated, Role.LEADER, Kind.TASK_ESCALATED, title)
    return {
        "reminded": len(reminded),
        "urged": len(urged),
        "escalated": len(escalated),
        "messages": sent,
    }
