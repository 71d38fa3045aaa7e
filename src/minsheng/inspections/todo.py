"""The inspector's visits still to do, in the one to-do list (due on the round's last day)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from minsheng.inspections.models import Visit, VisitState
from minsheng.web.todo import TodoItem, todo_provider


@todo_provider("inspections")
def visits_to_do(user: Any, limit: int) -> tuple[int, list[TodoItem]]:
    waiting = Visit.objects.filter(inspector=user.pk, state=VisitState.ASSIGNED)
    count = waiting.count()
    shown = waiting.select_related("plan", "site").order_by("plan__ends_on", "site__name")
    return count, [
        TodoItem(
            _("明察暗访"),
            f"{v.plan.name}：{v.site.name}",
            reverse("inspection_visit", args=[v.pk]),
            v.plan.ends_on,
        )
        for v in shown[:limit]
    ]
