"""What waits in 好差评: cases the department (or window) must verify, rectify or answer, and for
the quality office appeals to review and answers to close; integrity findings to check."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from minsheng.accounts.access import user_scope
from minsheng.accounts.models import Role
from minsheng.reviews.access import cases_visible
from minsheng.reviews.models import CaseState, FlagStatus, IntegrityFlag, RectificationCase
from minsheng.web.todo import TodoItem, local_date, todo_provider

S = CaseState
ACTING = [S.OPEN, S.VERIFYING, S.RECTIFYING]
OFFICE = [S.APPEALED, S.ANSWERED]


@todo_provider("cases")
def case_todo(user: Any, limit: int) -> tuple[int, list[TodoItem]]:
    role = getattr(user, "role", None)
    if role in (Role.DEPARTMENT_REPORTER, Role.WINDOW_STAFF):
        cases = cases_visible(user).filter(state__in=ACTING)  # one department's or centre's
    elif role == Role.QUALITY_OFFICE:
        # Counted on every page: the few cases waiting for the office first, then the city
        # (joined the other way round, SQLite walks every rating of the city: 84 ms, not 2 ms).
        waiting = RectificationCase.objects.filter(state__in=OFFICE).values("pk")
        cases = cases_visible(user).filter(pk__in=waiting)
    else:
        return 0, []
    total = cases.count()
    if not limit or not total:
        return total, []
    rows = cases.select_related("rating").order_by("rectify_due", "pk")[:limit]
    return total, [
        TodoItem(
            _("差评整改"),
            _("办件 %(no)s · %(state)s") % {"no": c.rating.case_no, "state": c.get_state_display()},
            reverse("review_case", args=[c.pk]),
            local_date(c.verify_due if c.state == S.OPEN else c.rectify_due)
            if c.state in ACTING
            else None,
        )
        for c in rows
    ]


@todo_provider("integrity")
def integrity_todo(user: Any, limit: int) -> tuple[int, list[TodoItem]]:
    scope = user_scope(user)
    if getattr(user, "role", None) != Role.QUALITY_OFFICE or scope.region is None:
        return 0, []
    flags = IntegrityFlag.objects.filter(
        Q(**scope.region.subtree_filter("centre__region__"))
        | Q(**scope.region.subtree_filter("region__")),
        status=FlagStatus.OPEN,
    )
    total = flags.count()
    if not limit or not total:
        return total, []
    url = reverse("review_integrity")
    return total, [
        TodoItem(
            _("数据异常核查"),
            f"{f.month} · {f.place}",
            f"{url}?domain={f.domain}&of={f.source.split(':', 1)[1] if f.source else f.month}",
            None,
        )
        for f in flags.select_related("centre", "region").order_by("-month", "pk")[:limit]
    ]
