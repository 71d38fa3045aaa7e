"""Starting long jobs and reporting their progress.

A view calls ``job_start`` (the task is enqueued after the transaction commits); the task wraps
its work in ``job_running`` and calls ``job_progress`` as it goes. A failure is recorded on the
run with its message, so the user sees what went wrong instead of a spinner forever.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.utils import timezone

from minsheng.jobs.models import JobRun, JobStatus

logger = logging.getLogger("minsheng.jobs")


def job_start(*, owner: Any, kind: str, title: str, task: Any, **kwargs: Any) -> JobRun:
    """Create a run and enqueue ``task(run_id=..., **kwargs)`` once the caller's transaction
    commits (a rolled-back request never leaves a task behind)."""
    run = JobRun.objects.create(owner=owner, kind=kind, title=title)
    transaction.on_commit(lambda: task.enqueue(run_id=run.pk, **kwargs))
    return run


def job_progress(run_id: int, *, done: int, total: int | None = None, message: str = "") -> None:
    values: dict[str, Any] = {"done": done}
    if total is not None:
        values["total"] = total
    if message:
        values["message"] = message[:300]
    JobRun.objects.filter(pk=run_id).update(**values)


@contextmanager
def job_running(run_id: int) -> Iterator[JobRun]:
    """Mark the run as running; on exit mark it succeeded, or failed with the error's message."""
    JobRun.objects.filter(pk=run_id).update(status=JobStatus.RUNNING, started_at=timezone.now())
    run = JobRun.objects.get(pk=run_id)
    try:
        yield run
    except Exception as exc:
        logger.exception("job %s (%s) failed", run_id, run.kind)
        JobRun.objects.filter(pk=run_id).update(
            status=JobStatus.FAILED,
            error=str(exc)[:2000] or type(exc).__name__,
            finished_at=timezone.now(),
        )
        raise
    JobRun.objects.filter(pk=run_id).update(
        status=JobStatus.SUCCEEDED, result=run.result, finished_at=timezone.now()
    )
