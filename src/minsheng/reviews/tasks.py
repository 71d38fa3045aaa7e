"""Background tasks of the ratings capability (run by ``minsheng worker``)."""

from __future__ import annotations

from django_tasks import task

from minsheng.reviews.services.cases import sweep


@task()
def sweep_deadlines() -> dict[str, int]:
    """Deadline reminders and escalations (every 15 minutes)."""
    report = sweep()
    return {"reminded": report.reminded, "escalated": report.escalated}
