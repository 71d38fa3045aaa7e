from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from minsheng.jobs.access import access_job
from minsheng.jobs.services import jobs_reap


@login_required
def job_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    jobs_reap(run_id=run_id)  # a run whose worker died shows failed even with no worker
    run = access_job(request.user, run_id)
    template = "jobs/_progress.html" if request.headers.get("HX-Request") else "jobs/detail.html"
    return render(request, template, {"run": run, "result_template": _result_template(run.kind)})


def _result_template(kind: str) -> str:
    """A kind's own result block (``orgs.register`` → ``orgs/register_job.html``), if any."""
    name = f"{kind.replace('.', '/')}_job.html"
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return ""
    return name


@login_required
def job_download(request: HttpRequest, run_id: int) -> FileResponse:
    run = access_job(request.user, run_id)
    name = run.result.get("file") if run.finished else None
    if not name:
        raise Http404("this job has no file")
    path = (Path(settings.MEDIA_ROOT) / "exports" / Path(name).name).resolve()
    if not path.is_file():
        raise Http404("the file is gone")
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=run.result.get("download_name", path.name)
    )
