"""What waits in 督办: a unit's tasks to do or redo, and the reports the office must decide."""

from __future__ import annotations

from typing import Any

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
        tasks = Task.objects.filter(
            unit=scope.organisation, state__in=[TaskState.ASSIGNED, TaskState.RETURNED]
        )
    elif role == Role.QUALITY_OFFICE and scope.region is not None:
        tasks = Task.objects.filter(
            state=TaskState.REPORTED, **scope.region.subtree_filter("region__")
        )
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
            t.due,
        )
        for t in tasks.select_related("unit").order_by("due", "pk")[:limit]
    ]
