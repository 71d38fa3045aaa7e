"""What waits in 指标监测: a department's forms of the open periods not yet sent (or returned),
and the forms the quality office has to review."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from minsheng.accounts.access import organisations_visible, user_scope
from minsheng.accounts.models import Role
from minsheng.core.index.periods import Period
from minsheng.indicators.models import Submission, SubmissionState
from minsheng.indicators.selectors import open_periods
from minsheng.orgs.models import OrgKind
from minsheng.web.todo import TodoItem, todo_provider

EDITABLE = (SubmissionState.DRAFT, SubmissionState.RETURNED)


@todo_provider("forms")
def form_todo(user: Any, limit: int) -> tuple[int, list[TodoItem]]:
    scope = user_scope(user)
    role = getattr(user, "role", None)
    org = scope.organisation
    items: list[TodoItem] = []
    if role == Role.DEPARTMENT_REPORTER and org is not None and org.kind == OrgKind.DEPARTMENT:
        if not org.lead_indicators.filter(is_active=True).exists():
            return 0, []
        states = dict(Submission.objects.filter(organisation=org).values_list("period", "state"))
        for period in open_periods():
            state = states.get(str(period))
            if state is None or state in EDITABLE:
                label = _("退回修改") if state == SubmissionState.RETURNED else _("待填报")
                items.append(
                    TodoItem(
                        _("指标填报"),
                        f"{period.label} · {label}",
                        reverse("indicator_form", args=[str(period)]),
                        None,
                    )
                )
        return len(items), items[:limit]
    if role == Role.QUALITY_OFFICE and scope.region is not None:
        waiting = Submission.objects.filter(
            state=SubmissionState.SUBMITTED, organisation__in=organisations_visible(user)
        )
        total = waiting.count()
        if not limit or not total:
            return total, []
        return total, [
            TodoItem(
                _("报表审核"),
                f"{s.organisation.name} · {Period.parse(s.period).label}",
                reverse("indicator_review", args=[s.pk]),
                None,
            )
            for s in waiting.select_related("organisation").order_by("period", "pk")[:limit]
        ]
    return 0, []
