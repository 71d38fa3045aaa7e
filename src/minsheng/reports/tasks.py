"""Making a report in the background: the page returns at once and shows the progress; the
finished report is archived and linked from the job page."""

from __future__ import annotations

from django_tasks import task

from minsheng.accounts.models import User
from minsheng.core.index.periods import Period
from minsheng.core.reports.render import TemplateError
from minsheng.jobs.services import job_progress, job_running
from minsheng.orgs.models import Region
from minsheng.reports.facts import FactsError
from minsheng.reports.services import quarterly_make, report_store


@task()
def make_quarterly(*, run_id: int, region_id: int, period: str, user_id: int) -> int:
    with job_running(run_id) as run:
        user = User.objects.get(pk=user_id)
        region = Region.objects.get(pk=region_id)
        job_progress(run_id, done=0, total=100)
        try:
            made = quarterly_make(
                region,
                Period.parse(period),
                progress=lambda done, message: job_progress(
                    run_id, done=done, total=100, message=message
                ),
            )
        except (FactsError, TemplateError) as exc:
            run.result = {"ok": False, "message": str(exc)}
            return 0
        report = report_store(actor=user, region=region, period=Period.parse(period), made=made)
        job_progress(run_id, done=100, total=100)
        run.result = {"ok": True, "report": report.pk, "title": report.title}
        return 1


@task()
def make_scheduled() -> int:
    """Hourly: the reports schedules owe today."""
    from minsheng.reports.services import scheduled_reports

    return scheduled_reports()
