"""The quality office's weighting page: design weights from the saved sampling plan (with the
vendor's issued counts for the nonresponse adjustment), then raking or post-stratifying to
uploaded population margins, optionally trimming — with the weight diagnostics before and after."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minsheng.core.survey.design import DesignError
from minsheng.core.tabular import TableError, read_table
from minsheng.polls.access import access_links
from minsheng.polls.models import Poll
from minsheng.polls.planning import design_weights_apply
from minsheng.polls.selectors import plan_cells, weight_summary
from minsheng.polls.weighting import margins_check, weights_compute


def _calibrate(request: HttpRequest, poll: Poll) -> tuple[list[str], dict[str, Any] | None]:
    upload = request.FILES.get("file")
    method = request.POST.get("method", "rake")
    ratio_text = request.POST.get("trim", "").strip()
    errors: list[str] = []
    try:
        ratio = float(ratio_text) if ratio_text else None
    except ValueError:
        ratio = None
        errors.append(_("截尾倍数须为数字"))
    if upload is None:
        errors.append(_("请选择总体边际文件"))
    if method not in ("rake", "poststratify"):
        errors.append(_("未知的加权方法"))
    if errors or upload is None:
        return errors, None
    margins = margins_check(
        poll, read_table(upload.read(), filename=upload.name or ""), method=method
    )
    before, after = weights_compute(
        poll,
        margins,
        method=method,  # type: ignore[arg-type]
        trim_ratio=ratio,
        actor=request.user,
    )
    return [], {"before": before, "after": after}


def _design(request: HttpRequest, poll: Poll) -> tuple[list[str], dict[str, Any] | None]:
    before = weight_summary(poll)
    upload = request.FILES.get("issued")
    issued = read_table(upload.read(), filename=upload.name or "") if upload else None
    design_weights_apply(poll, issued=issued, actor=request.user)
    return [], {"before": before, "after": weight_summary(poll)}


@login_required
@require_http_methods(["GET", "POST"])
def weights(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = access_links(request.user, poll_id)
    errors: list[str] = []
    done: dict[str, Any] | None = None
    if request.method == "POST":
        step = _design if request.POST.get("action") == "design" else _calibrate
        try:
            errors, done = step(request, poll)
        except TableError as exc:
            errors = [str(e) for e in exc.errors]
        except DesignError as exc:
            errors = [str(exc)]
    current = weight_summary(poll)
    return render(
        request,
        "polls/weights.html",
        {
            "poll": poll,
            "errors": errors,
            "done": done,
            "current": current,
            "cells": plan_cells(poll),
        },
    )
