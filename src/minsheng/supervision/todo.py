"""What waits in 督办: a unit's tasks to do or redo and, for a lead unit, its responsible units'
reports to decide; for the office, the reports no lead unit consolidates."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from minsheng.accounts.access import user_scope
from minsheng.accounts.models import Role
from minsheng.supervision.access import UNITS
from minsheng.supervision.models import Task, TaskState
from minsheng.web.todo import TodoItem, todo_provider


@todo_provider("tasks")
def task_todo(user: Any, limit: int) -> tuple[int, list[TodoItem]]:
    scope = user_scope(user)
    role = getattr(user, "role", None)
    if role in UNITS and scope.organisation is not None:
        # Its own tasks to do or redo, and its responsible units' reports when it leads.
        org = scope.organisation
        tasks = Task.objects.filter(
            Q(unit=org, state__in=[TaskState.ASSIGNED, TaskState.RETURNED])
            | Q(parent__leads=org, state=TaskState.REPORTED)
        ).distinct()
    elif role == Role.QUALITY_OFFICE and scope.region is not None:
        # Reports for the office: those no lead unit consolidates.
        tasks = Task.objects.filter(
            Q(parent=None) | Q(parent__leads=None),
            state=TaskState.REPORTED,
            **scope.region.subtree_filter("region__"),
        ).distinct()
    else:
        return 0, []
    total = tasks.count()
    if not limit or not total:
        return total, []
    return total, [
        TodoItem(
            _("督办任务"),
            f"{t.number} {t.title} · {t.get_state_display()}".strip(),
            reverse("supervision_task", args=[t.pk]),
            t.report_by if t.report_by and (t.due is None or t.report_by < t.due) else t.due,
        )
        for t in tasks.select_related("unit").order_by("due", "pk")[:limit]
    ]
