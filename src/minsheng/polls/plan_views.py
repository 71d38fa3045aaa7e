"""The sampling plan of a poll round: frame counts by region × stratum (e.g. carrier) uploaded by
the quality office, an allocation (proportional, equal per region with a minimum n, or Neyman
from the previous round's spread), the sample size a margin of error needs, and the quota table
for the vendor as xlsx; saved as the poll's plan, it gives the design weights (``polls.planning``).
Computation: ``core.survey.sampling``."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minsheng.core.survey.design import DesignError
from minsheng.core.survey.sampling import (
    PlanError,
    allocate,
    equal_per_region,
    quota_table,
    sample_size,
)
from minsheng.core.tabular import TableError, read_table
from minsheng.core.xlsx import Sheet
from minsheng.polls.access import access_links
from minsheng.polls.planning import plan_save, read_frame
from minsheng.polls.results import score_spread
from minsheng.polls.selectors import plan_cells
from minsheng.web.downloads import sheets_response


@login_required
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = access_links(request.user, poll_id)
    errors: list[str] = []
    context: dict[str, Any] = {"poll": poll}
    if request.method == "POST":
        upload = request.FILES.get("file")
        method = request.POST.get("method", "proportional")
        try:
            margin = float(request.POST.get("margin") or 0.03)
            deff = float(request.POST.get("deff") or 1.5)
            per_region = int(request.POST.get("per_region") or 0)
            total = int(request.POST.get("total") or 0)
            minimum = int(request.POST.get("min_n") or 0)
        except ValueError:
            errors.append(_("数字填写有误"))
            margin, deff, per_region, total, minimum = 0.03, 1.5, 0, 0, 0
        if upload is None:
            errors.append(_("请选择抽样框文件"))
        if not errors and upload is not None:
            try:
                frame = read_frame(read_table(upload.read(), filename=upload.name or ""))
                need = sample_size(margin, deff=deff)
                if method == "equal":
                    n = max(per_region or need.n, minimum)
                    allocation = equal_per_region(frame, n, min_n=minimum)
                else:
                    region_totals = {r: sum(s.values()) for r, s in frame.items()}
                    spread = (
                        score_spread(poll.previous)
                        if method == "neyman" and poll.previous is not None
                        else None
                    )
                    if spread is not None:
                        mean_sd = float(np.mean(list(spread.values()))) if spread else 1.0
                        spread = {r: spread.get(r, mean_sd) for r in region_totals}
                    n_total = total or need.n * len(frame)
                    by_region = allocate(region_totals, n_total, spread=spread)
                    allocation = {r: allocate(frame[r], by_region[r]) for r in frame}
                rows = quota_table(allocation, frame)
                if request.POST.get("format") == "xlsx":
                    return sheets_response(
                        f"{poll}-{_('配额')}",
                        [
                            Sheet(
                                _("配额"),
                                [_("地区"), _("层"), _("抽样框"), _("配额")],
                                [[r.region, r.stratum, r.frame, r.quota] for r in rows],
                            )
                        ],
                    )
                if request.POST.get("action") == "save":
                    plan_save(poll, rows, actor=request.user)
                    context["saved"] = True
                context.update(rows=rows, need=need, total=sum(r.quota for r in rows))
            except TableError as exc:
                errors = [str(e) for e in exc.errors]
            except (PlanError, DesignError) as exc:
                errors = [str(exc)]
    context["errors"] = errors
    context["saved_cells"] = len(plan_cells(poll))
    return render(request, "polls/plan.html", context)
