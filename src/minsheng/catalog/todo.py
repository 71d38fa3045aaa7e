"""What waits in the catalog: declarations for the quality office to review, and a department's
returned declarations (until it declares the item again)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from minsheng.accounts.access import can_administer, user_scope
from minsheng.accounts.models import Role
from minsheng.catalog.models import Declaration, DeclarationState
from minsheng.web.todo import TodoItem, local_date, todo_provider


@todo_provider("catalog")
def catalog_todo(user: Any, limit: int) -> tuple[int, list[TodoItem]]:
    scope = user_scope(user)
    role = getattr(user, "role", None)
    if can_administer(user) and scope.region is not None:
        waiting = Declaration.objects.filter(
            state=DeclarationState.SUBMITTED, **scope.region.subtree_filter("region__")
        )
        url, label = reverse("catalog_declarations"), _("事项申报审核")
    elif role == Role.DEPARTMENT_REPORTER and scope.organisation is not None:
        later = Declaration.objects.filter(
            organisation=OuterRef("organisation"),
            region=OuterRef("region"),
            code=OuterRef("code"),
            submitted_at__gt=OuterRef("submitted_at"),
        )
        waiting = Declaration.objects.filter(
            organisation=scope.organisation, state=DeclarationState.RETURNED
        ).exclude(Exists(later))
        url, label = reverse("catalog_declare"), _("事项申报退回")
    else:
        return 0, []
    total = waiting.count()
    if not limit or not total:
        return total, []
    return total, [
        TodoItem(label, f"{d.code} {d.name}", url, local_date(d.submitted_at))
        for d in waiting.select_related("organisation")[:limit]
    ]
