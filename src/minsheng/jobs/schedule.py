"""Periodic jobs and the tick that enqueues the due ones.

Later capabilities add their periodic jobs (reminders, escalations, recomputation) with
``periodic(...)`` from their ``AppConfig.ready``, naming the task by its dotted path: the task's
module (and the services it imports) loads when the job is first enqueued, not when any command
starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from minsheng.jobs import tasks
from minsheng.jobs.models import PeriodicJob


@dataclass(frozen=True, slots=True)
class Periodic:
    name: str
    target: Any  # a django_tasks Task, or its dotted path ("minsheng.polls.tasks.refresh")
    every: timedelta

    @property
    def task(self) -> Any:
        return import_string(self.target) if isinstance(self.target, str) else self.target


_PERIODIC: dict[str, Periodic] = {}


def periodic(name: str, task: Any, every: timedelta) -> None:
    _PERIODIC[name] = Periodic(name, task, every)


def periodic_jobs() -> list[Periodic]:
    return sorted(_PERIODIC.values(), key=lambda p: p.name)


periodic("clear-expired-sessions", tasks.clear_expired_sessions, timedelta(hours=6))
periodic("prune-task-results", tasks.prune_task_results, timedelta(days=1))
periodic("reap-stale-jobs", tasks.reap_stale_jobs, timedelta(minutes=1))


def scheduler_tick(now: datetime | None = None) -> list[str]:
    """Enqueue every periodic job that is due at ``now``; returns the names enqueued."""
    now = now or timezone.now()
    enqueued: list[str] = []
    for job in periodic_jobs():
        PeriodicJob.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
        with transaction.atomic():
            claimed = PeriodicJob.objects.filter(name=job.name, next_run_at__lte=now).update(
                next_run_at=now + job.every, last_enqueued_at=now
            )
            if claimed:
                job.task.enqueue()
                enqueued.append(job.name)
    return enqueued
