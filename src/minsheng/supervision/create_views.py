"""The office writes a task by hand: title, text, the unit (of its region), the due date and,
optionally, one measurable target (metric, ≥/≤, value, unit) that later data will check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minsheng.accounts.access import office_region
from minsheng.orgs.models import Organisation
from minsheng.supervision.access import UNIT_KINDS
from minsheng.supervision.services import TargetIn, TaskError, task_create
from minsheng.web.todo import today


def _target(post: Any) -> TargetIn | None:
    metric = post.get("metric", "").strip()
    if not metric:
        return None
    op = post.get("op", ">=")
    if op not in (">=", "<="):
        raise TaskError(_("请选择目标的比较方式"))
    try:
        value = float(post.get("value", ""))
    except ValueError:
        raise TaskError(_("目标值须为数字")) from None
    return TargetIn(metric, op, value, post.get("target_unit", "").strip())


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request: HttpRequest) -> HttpResponse:
    region = office_region(request.user)
    units = Organisation.objects.filter(
        is_active=True, kind__in=UNIT_KINDS, **region.subtree_filter("region__")
    ).order_by("region__code", "name")
    error = ""
    if request.method == "POST":
        unit = units.filter(pk=request.POST.get("unit") or 0).first()
        try:
            if unit is None:
                raise TaskError(_("请选择承办单位"))
            try:
                due = dt.date.fromisoformat(request.POST.get("due", ""))
            except ValueError:
                raise TaskError(_("请填写完成时限")) from None
            task = task_create(
                actor=request.user,
                unit=unit,
                title=request.POST.get("title", ""),
                text=request.POST.get("text", ""),
                due=due,
                today=today(),
                target=_target(request.POST),
            )
        except TaskError as exc:
            error = str(exc)
        else:
            return redirect("supervision_task", task_id=task.pk)
    return render(
        request,
        "supervision/new.html",
        {"units": list(units), "error": error, "form": request.POST, "today": today()},
        status=400 if error else 200,
    )
