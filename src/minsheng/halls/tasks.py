"""Background import of an application file: the page returns at once; the job reads the file,
stores it all or nothing with progress, and keeps every located error for the page."""

from __future__ import annotations

from django_tasks import task

from minsheng.accounts.models import User
from minsheng.core.halls.applications import records_from_table
from minsheng.core.tabular import TableError, read_table
from minsheng.halls.services import applications_store
from minsheng.jobs.services import job_progress, job_running
from minsheng.jobs.uploads import upload_load
from minsheng.orgs.models import Region

SHOWN_ERRORS = 500


@task()
def import_applications(
    *, run_id: int, path: str, filename: str, user_id: int, region_id: int
) -> int:
    with job_running(run_id) as run:
        user = User.objects.get(pk=user_id)
        region = Region.objects.get(pk=region_id)
        try:
            records = records_from_table(read_table(upload_load(path), filename=filename))
            job_progress(run_id, done=0, total=len(records))
            stored = applications_store(
                records,
                region=region,
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
        run.result = {"ok": True, "applications": stored.as_json()}
        return len(records)
