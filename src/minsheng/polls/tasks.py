"""Background import of a fieldwork file, with progress for the page, followed by the round's
fieldwork checks."""

from __future__ import annotations

from pathlib import Path

from django_tasks import task

from minsheng.accounts.models import User
from minsheng.core.tabular import TableError
from minsheng.jobs.services import job_progress, job_running
from minsheng.jobs.uploads import upload_load
from minsheng.polls.models import Poll
from minsheng.polls.services import fieldwork_import

SHOWN_ERRORS = 500


@task()
def import_fieldwork(*, run_id: int, poll_id: int, path: str, filename: str, user_id: int) -> int:
    """All or nothing; the row errors (first 500) go into the run's result for the page."""
    upload = Path(path)
    with job_running(run_id) as run:
        poll = Poll.objects.get(pk=poll_id)
        user = User.objects.get(pk=user_id)
        try:
            count = fieldwork_import(
                poll,
                upload_load(path),
                filename=filename,
                actor=user,
                progress=lambda done, total: job_progress(run_id, done=done, total=total),
            )
        except TableError as exc:
            run.result = {
                "ok": False,
                "errors": [e.as_dict() for e in exc.errors[:SHOWN_ERRORS]],
                "count": len(exc.errors),
            }
            return 0
        finally:
            upload.unlink(missing_ok=True)
        run.result = {"ok": True, "imported": count}
    check_poll.enqueue(poll_id=poll_id)  # the fieldwork checks, once the import is in
    return count


@task()
def check_poll(*, poll_id: int) -> dict[str, object]:
    """The round's fieldwork checks after an import (regions by county), kept for the quality
    office on 数据核查, and the run audited."""
    from minsheng.polls.integrity import detect_poll
    from minsheng.reviews.services.integrity import record_run

    poll = Poll.objects.get(pk=poll_id)
    found = detect_poll(poll)
    record_run(actor="worker", period=poll.round, found=len(found), region=poll.region)
    return {"poll": poll_id, "findings": len(found)}


@task()
def refresh_snapshots() -> int:
    """Every minute: the columns of polls taking online answers (see ``polls.store``)."""
    from minsheng.polls.store import refresh_fieldwork

    return refresh_fieldwork()
