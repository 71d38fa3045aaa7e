"""Background tasks of the ratings capability (run by ``minsheng worker``)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from minsheng.reviews.services.cases import sweep


@task()
def sweep_deadlines() -> dict[str, int]:
    """Deadline reminders and escalations (every 15 minutes)."""
    report = sweep()
    return {"reminded": report.reminded, "escalated": report.escalated}


@task()
def integrity_last_month() -> dict[str, object]:
    """Last month's integrity checks, once the month is over (daily; see check_last_month)."""
    from minsheng.core.workdays.calendar import SHANGHAI
    from minsheng.reviews.services.integrity import check_last_month

    month, found = check_last_month(timezone.now().astimezone(SHANGHAI).date())
    return {"month": month, "findings": found}
