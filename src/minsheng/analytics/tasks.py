"""The worker keeps the analytics store current: every minute it copies new rows and refreshes
the recent months of the tables whose rows change; once an hour it also compares counts with the
database (see ``store.check``) and reads those recent months whole."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def sync_store() -> int:
    from minsheng.analytics.store import sync_all

    verify = timezone.now().minute == 0
    rows = sync_all(verify=verify)
    return sum(int(row.get("copied", 0)) + int(row.get("months_read", 0)) for row in rows)
