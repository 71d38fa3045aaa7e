"""The sampling plan of a poll round: frame counts by region × stratum (e.g. carrier) uploaded by
the quality office, an allocation (proportional, equal per region with a minimum n, or Neyman
from the previous round's spread), the sample size a margin of error needs, and the quota table
for the vendor as xlsx; saved as the poll's plan, it gives the design weights (``polls.planning``).
Computation: ``core.survey.sampling``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
from minsheng.polls.services import poll_regions
from minsheng.web.downloads import sheets_response

# name: (label, smallest, largest, whole number)
NUMBERS: dict[str, tuple[Any, float, float, bool]] = {
    "margin": (gettext_lazy("误差界"), 0.001, 0.5, False),
    "deff": (gettext_lazy("设计效应"), 0.1, 20, False),
    "total": (gettext_lazy("总样本量"), 0, 10_000_000, True),
    "per_region": (gettext_lazy("每地区样本量"), 0, 1_000_000, True),
    "min_n": (gettext_lazy("每地区最少"), 0, 1_000_000, True),
}


def _number(request: HttpRequest, name: str, default: float, errors: list[str]) -> float:
    """A number of the plan form within its range; otherwise an error naming the field."""
    text = request.POST.get(name, "").strip()
    if not text:
        return default
    label, low, high, whole = NUMBERS[name]
    try:
        value = float(text) if len(text) <= 30 else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high or (whole and value != int(value)):
        kind = _("整数") if whole else _("数字")
        errors.append(
            _("%(label)s须为 %(low)s 至 %(high)s 之间的%(kind)s")
            % {"label": label, "low": f"{low:g}", "high": f"{high:,g}", "kind": kind}
        )
        return default
    return value


@login_required
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = access_links(request.user, poll_id)
    errors: list[str] = []
    context: dict[str, Any] = {"poll": poll}
    if request.method == "POST":
        upload = request.FILES.get("file")
        method = request.POST.get("method", "proportional")
        margin = _number(request, "margin", 0.03, errors)
        deff = _number(request, "deff", 1.5, errors)
        per_region = int(_number(request, "per_region", 0, errors))
        total = int(_number(request, "total", 0, errors))
        minimum = int(_number(request, "min_n", 0, errors))
        if upload is None:
            errors.append(_("请选择抽样框文件"))
        if not errors and upload is not None:
            try:
                frame = read_frame(
                    read_table(upload.read(), filename=upload.name or ""), poll_regions(poll)
                )
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
