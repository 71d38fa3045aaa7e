"""Background tasks of the foundation (Django's tasks API, database backend)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from minsheng.jobs.services import jobs_reap


@task()
def clear_expired_sessions() -> int:
    """Delete expired sessions; returns how many were removed."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@task()
def prune_task_results(min_age_days: int = 30) -> int:
    """Delete finished task results older than ``min_age_days``; returns how many."""
    cutoff = timezone.now() - timedelta(days=min_age_days)
    deleted, _ = DBTaskResult.objects.filter(finished_at__lt=cutoff).delete()
    return deleted


@task()
def reap_stale_jobs() -> int:
    """Mark runs whose worker died as failed; returns how many."""
    return jobs_reap()
