"""Background import of the register workbook: the page returns at once, the job checks the
file and writes it all or nothing; every error keeps its sheet, row and column."""

from __future__ import annotations

from django_tasks import task

from minsheng.accounts.access import register_region_allowed
from minsheng.accounts.models import User
from minsheng.core.register import parse_register
from minsheng.core.tabular import TableError, read_workbook
from minsheng.jobs.services import job_progress, job_running
from minsheng.jobs.uploads import upload_load
from minsheng.orgs.register_services import register_import
from minsheng.orgs.selectors import register_known

SHOWN_ERRORS = 500


@task()
def import_register(
    *, run_id: int, path: str, filename: str, user_id: int, check_only: bool = False
) -> int:
    """Returns the number of rows read; the page shows the counts or the located errors."""
    with job_running(run_id) as run:
        user = User.objects.get(pk=user_id)
        region_allowed = register_region_allowed(user)  # the user's scope when the job runs
        try:
            tables = read_workbook(upload_load(path), filename=filename)
            register = parse_register(tables, known=register_known(), region_allowed=region_allowed)
        except TableError as exc:
            run.result = {
                "ok": False,
                "errors": [e.as_dict() for e in exc.errors[:SHOWN_ERRORS]],
                "count": len(exc.errors),
            }
            return 0
        rows = len(register.organisations) + len(register.windows) + len(register.staff)
        counts = {
            "organisations": len(register.organisations),
            "windows": len(register.windows),
            "staff": len(register.staff),
        }
        if check_only:
            run.result = {"ok": True, "checked": counts}
            return rows
        job_progress(run_id, done=0, total=rows)
        summary = register_import(actor=user, register=register, note=f"upload {filename}")
        job_progress(run_id, done=rows, total=rows)
        run.result = {
            "ok": True,
            "register": {
                part: {
                    "created": getattr(summary, part).created,
                    "updated": getattr(summary, part).updated,
                    "unchanged": getattr(summary, part).unchanged,
                }
                for part in counts
            },
        }
        return rows
