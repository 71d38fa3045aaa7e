from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from minsheng.accounts.access import audit_region_filter
from minsheng.audit.models import AuditEntry


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor: str = ""
    object_type: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


def audit_entries(*, user: Any, filters: AuditFilter) -> QuerySet[AuditEntry]:
    """Audit rows the user may read (refused for roles outside the quality office), filtered."""
    rows = AuditEntry.objects.filter(audit_region_filter(user)).select_related("actor")
    if filters.actor:
        rows = rows.filter(actor_label__icontains=filters.actor)
    if filters.object_type:
        rows = rows.filter(object_type=filters.object_type)
    if filters.action:
        rows = rows.filter(action=filters.action)
    if filters.date_from:
        rows = rows.filter(at__date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(at__date__lte=filters.date_to)
    return rows
