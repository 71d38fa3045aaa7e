from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from minsheng.jobs.schedule import periodic_jobs, scheduler_tick


@pytest.mark.django_db
def test_due_jobs_are_enqueued_once_per_interval() -> None:
    now = timezone.now()
    first = scheduler_tick(now)
    assert sorted(first) == sorted(j.name for j in periodic_jobs())
    assert scheduler_tick(now + timedelta(seconds=30)) == []
    later = scheduler_tick(now + timedelta(hours=6, seconds=1))
    # Every job whose interval has passed (sessions every 6 h, the rating sweep every 15 min),
    # not the daily pruning.
    assert later == sorted(j.name for j in periodic_jobs() if j.every <= timedelta(hours=6))
    assert "clear-expired-sessions" in later and "prune-task-results" not in later
    assert DBTaskResult.objects.count() == len(first) + len(later)


@pytest.mark.django_db(transaction=True)  # the worker commits and recycles connections
def test_worker_runs_the_queued_tasks() -> None:
    old = SessionStore()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    scheduler_tick()
    call_command("worker", batch=True, no_startup_delay=True, verbosity=0)
    results = DBTaskResult.objects.all()
    assert results and all(r.status == "SUCCESSFUL" for r in results)
    assert not Session.objects.filter(session_key=old.session_key).exists()
