"""Starting long jobs and reporting their progress.

A view calls ``job_start`` (the task is enqueued after the transaction commits); the task wraps
its work in ``job_running`` and calls ``job_progress`` as it goes. A failure is recorded on the
run with its message, so the user sees what went wrong instead of a spinner forever.

While a task runs, a thread of its worker touches ``heartbeat_at`` every ``HEARTBEAT`` seconds.
When the worker dies (killed, out of memory, the machine restarted) the heartbeat stops and
``jobs_reap`` — run by the worker every minute and by the job page itself — marks the run
failed after ``STALE``. An uploaded file waiting for a task is deleted when its run ends,
whatever the end.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.jobs.models import JobRun, JobStatus

logger = logging.getLogger("minsheng.jobs")


HEARTBEAT = 10.0  # seconds between heartbeats of a running task
STALE = timedelta(minutes=3)  # no heartbeat for this long: the worker is gone


def job_start(
    *, owner: Any, kind: str, title: str, task: Any, upload: str = "", **kwargs: Any
) -> JobRun:
    """Create a run and enqueue ``task(run_id=..., **kwargs)`` once the caller's transaction
    commits (a rolled-back request never leaves a task behind). ``upload`` is the path of a
    file the task reads; it is deleted when the run ends."""
    run = JobRun.objects.create(owner=owner, kind=kind, title=title, upload=upload)
    transaction.on_commit(lambda: task.enqueue(run_id=run.pk, **kwargs))
    return run


def _beat(run_id: int, stop: threading.Event) -> None:
    try:
        while not stop.wait(HEARTBEAT):
            try:
                JobRun.objects.filter(pk=run_id).update(heartbeat_at=timezone.now())
            except DatabaseError:  # a long write holds the lock: the next beat will do
                logger.warning("heartbeat of job %s skipped: database busy", run_id)
    finally:
        connection.close()


def _drop_upload(run_id: int) -> None:
    path = JobRun.objects.filter(pk=run_id).values_list("upload", flat=True).first()
    if path:
        Path(path).unlink(missing_ok=True)
        JobRun.objects.filter(pk=run_id).update(upload="")


def jobs_reap(now: Any = None, *, run_id: int | None = None) -> int:
    """Mark runs whose worker died as failed (and delete their uploads); returns how many.
    ``run_id`` limits it to one run (the job page, which polls every second)."""
    now = now or timezone.now()
    cutoff = now - STALE
    stale = JobRun.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
    if run_id is not None:
        stale = stale.filter(pk=run_id)
    reaped = 0
    for run in stale:
        updated = JobRun.objects.filter(
            pk=run.pk, status=JobStatus.RUNNING, heartbeat_at__lt=cutoff
        ).update(
            status=JobStatus.FAILED,
            error=_("后台进程中断，任务没有完成，未保存任何数据。请重新提交。"),
            finished_at=now,
        )
        if updated:
            reaped += 1
            logger.warning("job %s (%s) lost its worker; marked failed", run.pk, run.kind)
            _drop_upload(run.pk)
    return reaped


def job_progress(run_id: int, *, done: int, total: int | None = None, message: str = "") -> None:
    values: dict[str, Any] = {"done": done, "heartbeat_at": timezone.now()}
    if total is not None:
        values["total"] = total
    if message:
        values["message"] = message[:300]
    JobRun.objects.filter(pk=run_id).update(**values)


@contextmanager
def job_running(run_id: int) -> Iterator[JobRun]:
    """Mark the run as running and keep its heartbeat while it runs; on exit mark it succeeded,
    or failed with the error's message. Its upload is deleted either way."""
    now = timezone.now()
    JobRun.objects.filter(pk=run_id).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now
    )
    run = JobRun.objects.get(pk=run_id)
    stop = threading.Event()
    beat = threading.Thread(target=_beat, args=(run_id, stop), name=f"job-{run_id}", daemon=True)
    beat.start()
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
    finally:
        stop.set()
        beat.join(HEARTBEAT + 5)
        _drop_upload(run_id)
    JobRun.objects.filter(pk=run_id).update(
        status=JobStatus.SUCCEEDED, result=run.result, finished_at=timezone.now()
    )
