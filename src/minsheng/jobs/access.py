"""Who may see a job run: the user who started it, and admins."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from minsheng.jobs.models import JobRun


def access_job(user: Any, run_id: int) -> JobRun:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("not signed in")
    run = JobRun.objects.filter(pk=run_id).first()
    if run is None:
        raise Http404("no such job")
    if run.owner_id != user.pk and not user.is_superuser:
        raise PermissionDenied("another user's job")
    return run
