"""大厅指标: the six hall metrics of a region's service catalog against the targets in force
(the region's own for the year, else the nearest above, else seed 004's), for the region, each
child region and each implementing department, with the last twelve months' trend; every miss
listed, and the quality office turns a miss into a supervision task. 大厅指标目标: the office sets
its regions' targets per year."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minsheng.accounts.access import can_administer, regions_visible
from minsheng.catalog.selectors import (
    by_department,
    items_at,
    metrics_tree,
    own_targets,
    targets_for,
    trend,
)
from minsheng.catalog.services import TargetError, targets_save
from minsheng.core.catalog.metrics import Metrics
from minsheng.core.xlsx import INTEGER, PERCENT, Sheet
from minsheng.halls.access import halls_region
from minsheng.orgs.models import Region
from minsheng.supervision.findings import task_from_hall
from minsheng.supervision.services import TaskError
from minsheng.web.downloads import sheets_response

LABELS = {
    "entry_rate": gettext_lazy("进驻率"),
    "online_rate": gettext_lazy("网上可办率"),
    "full_online_rate": gettext_lazy("全程网办率"),
    "instant_rate": gettext_lazy("即办件占比"),
    "one_visit_rate": gettext_lazy("最多跑一次比例"),
    "time_cut_rate": gettext_lazy("承诺时限压减率"),
}
Cells = list[tuple[float | None, bool | None]]


def _cells(metrics: Metrics, targets: dict[str, float]) -> Cells:
    values, met = metrics.as_json(), metrics.met(targets)
    return [(values[k], met[k]) for k in LABELS]


def _day(request: HttpRequest) -> dt.date | None:
    if not request.GET.get("date"):
        return None
    try:
        return dt.date.fromisoformat(request.GET["date"])
    except ValueError:
        raise Http404("bad date") from None


@login_required
def hall_metrics_page(request: HttpRequest) -> HttpResponse:
    region = halls_region(request.user, request.GET.get("region"))
    day = _day(request)
    year = (day or timezone.localdate()).year
    items = items_at(region, day)  # read once for the tree and the departments
    own, children = metrics_tree(region, day, items=items)
    targets = targets_for(region, year)
    rows = [(region, own, targets)] + [(c, m, targets_for(c, year)) for c, m in children]
    if request.GET.get("format") == "xlsx":
        when = day.isoformat() if day else timezone.localdate().isoformat()
        sheet = Sheet(
            str(_("大厅指标")),
            [str(_("地区")), str(_("事项数")), *[str(v) for v in LABELS.values()]],
            [[str(_("目标")), None, *[targets[k] for k in LABELS]]]
            + [[r.name, m.items, *[v for v, _met in _cells(m, t)]] for r, m, t in rows],
            formats=[None, INTEGER, *[PERCENT] * len(LABELS)],
            caption=_("%(name)s大厅指标（%(day)s）") % {"name": region.name, "day": when},
        )
        return sheets_response(f"{region.name}大厅指标-{when}", [sheet])
    misses = [
        (r, key, str(LABELS[key]), value, t[key])
        for r, m, t in rows
        for key, value in m.as_json().items()
        if key in LABELS and value is not None and m.met(t)[key] is False and m.items
    ]
    return render(
        request,
        "catalog/metrics.html",
        {
            "region": region,
            "day": day,
            "year": year,
            "labels": list(LABELS.values()),
            "targets": [targets[k] for k in LABELS],
            "own": (own.items, _cells(own, targets)),
            "children": [(c, m.items, _cells(m, t)) for c, m, t in rows[1:]],
            "departments": [(n, m.items, _cells(m, targets)) for n, m in by_department(items)],
            "trend": [(d, m.items, _cells(m, targets)) for d, m in trend(region)],
            "misses": misses,
            "can_assign": can_administer(request.user),
            "can_set": _settable(request.user).filter(pk=region.pk).exists(),
        },
    )


def _settable(user: object) -> QuerySet[Region]:
    """Regions whose hall targets the user sets: the quality office's subtree (admins: all)."""
    if not can_administer(user):
        return Region.objects.none()
    return regions_visible(user)


@login_required
def hall_targets_page(request: HttpRequest) -> HttpResponse:
    """The region's own targets for a year, each beside the one that would apply without it."""
    settable = _settable(request.user)
    if not settable.exists():
        raise PermissionDenied("hall targets are set by the quality office")
    region = halls_region(request.user, request.GET.get("region") or request.POST.get("region"))
    if not settable.filter(pk=region.pk).exists():
        raise PermissionDenied("region outside the office's scope")
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year)
    except ValueError:
        raise Http404("bad year") from None
    errors: list[str] = []
    if request.method == "POST":
        values: dict[str, float | None] = {}
        for key, label in LABELS.items():
            text = request.POST.get(key, "").strip().rstrip("%")
            if not text:
                values[key] = None
                continue
            try:
                values[key] = float(text) / 100
            except ValueError:
                errors.append(_("%(label)s：“%(text)s”不是百分数") % {"label": label, "text": text})
        if not errors:
            try:
                targets_save(actor=request.user, region=region, year=year, values=values)
            except TargetError as exc:
                errors.append(str(exc))
        if not errors:
            messages.success(request, _("已保存 %(year)s 年度目标") % {"year": year})
            url = reverse("catalog_targets") + f"?region={region.code}&year={year}"
            return redirect(url)
    own = own_targets(region, year)
    inherited = targets_for(region.parent, year) if region.parent else targets_for(region, 1)
    rows = [
        (
            key,
            label,
            request.POST.get(key) or (f"{own[key] * 100:g}" if key in own else ""),
            f"{inherited[key] * 100:g}",
        )
        for key, label in LABELS.items()
    ]
    return render(
        request,
        "catalog/targets.html",
        {"region": region, "year": year, "rows": rows, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
@require_POST
def from_hall(request: HttpRequest) -> HttpResponse:
    """A task for a region whose hall metric is below its target (checked again here)."""
    if not can_administer(request.user):
        raise PermissionDenied("tasks are assigned by the quality office")
    region = halls_region(request.user, request.POST.get("region"))
    metric = request.POST.get("metric", "")
    if metric not in LABELS:
        raise Http404("no such metric")
    year = timezone.localdate().year
    own, _children = metrics_tree(region)
    value = own.as_json()[metric]
    target = targets_for(region, year)[metric]
    back = reverse("catalog_metrics") + f"?region={region.code}"
    if value is None:
        messages.error(request, _("这项指标没有可计算的事项"))
        return redirect(back)
    try:
        task = task_from_hall(
            actor=request.user, region=region, metric=metric, label=str(LABELS[metric]),
            value=float(value), target=target, year=year,
        )  # fmt: skip
    except TaskError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    return redirect("supervision_task", task_id=task.pk)
