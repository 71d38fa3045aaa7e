"""The worker's supervision jobs."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.supervision.sweep import sweep
from minsheng.supervision.verify import measurable_tasks, verify_tasks

FIRST_HOUR = 8  # messages go out in the working day, not at night


@task()
def sweep_tasks() -> dict[str, int]:
    """Hourly; each step happens once per task, so the runs after the first in a day do
    nothing unless a task became due or overdue in between."""
    if timezone.now().astimezone(SHANGHAI).hour < FIRST_HOUR:
        return {}
    counts = sweep()
    counts.update(verify_tasks(measurable_tasks()))  # new data may have arrived
    return counts
