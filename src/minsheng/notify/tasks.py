"""The worker's delivery job: every minute, and at once after a notification is made."""

from __future__ import annotations

from django_tasks import task

from minsheng.notify.services import deliver_due


@task()
def deliver_notifications() -> dict[str, int]:
    return deliver_due()
