"""热点 (the week's surges, repeated complaints, clusters of the same problem) and handing a hot
spot or the month's theme (每月一题) to supervision as a task."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.accounts.access import can_administer, user_scope
from minsheng.hotline.access import can_read_hotline, dispatcher_city, orders_visible
from minsheng.hotline.hotspots import Finding, hot_spots, last_full_week
from minsheng.hotline.models import Category
from minsheng.hotline.selectors import month_topic
from minsheng.orgs.models import Region
from minsheng.supervision.findings import task_from_hotline
from minsheng.supervision.services import TaskError


def _monday(request: HttpRequest) -> dt.date:
    raw = request.GET.get("week") or request.POST.get("week") or ""
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return last_full_week(timezone.localdate())
    return day - dt.timedelta(days=day.weekday())


def assigning_city(request: HttpRequest) -> Region | None:
    """The city whose hot spots the user may hand on: a dispatcher's, or the office's city."""
    city = dispatcher_city(request.user)
    if city is not None:
        return city
    scope = user_scope(request.user)
    if can_administer(request.user) and scope.region is not None and scope.region.level == 2:
        return scope.region
    return None


@login_required
def hotspots_page(request: HttpRequest) -> HttpResponse:
    if not can_read_hotline(request.user):
        raise PermissionDenied("hot spots are for dispatchers, the office and units")
    monday = _monday(request)
    findings = hot_spots(orders_visible(request.user), monday)
    return render(
        request,
        "hotline/hotspots.html",
        {
            "monday": monday,
            "sunday": monday + dt.timedelta(days=6),
            "earlier": monday - dt.timedelta(days=7),
            "later": monday + dt.timedelta(days=7),
            "findings": findings,
            "can_assign": assigning_city(request) is not None,
            "is_dispatcher": dispatcher_city(request.user) is not None,
        },
    )


def _unit_for(city: Region, finding: Finding) -> object:
    category = Category.objects.filter(city=city, path=finding.category).first()
    return category.department if category is not None else None


@login_required
@require_POST
def hotspot_assign(request: HttpRequest) -> HttpResponse:
    city = assigning_city(request)
    if city is None:
        raise PermissionDenied("the office or a dispatcher hands hot spots on")
    monday = _monday(request)
    key = request.POST.get("key", "")
    finding = next(
        (f for f in hot_spots(orders_visible(request.user), monday) if f.key == key), None
    )
    if finding is None:
        messages.error(request, _("这个热点已不存在，请刷新页面"))
        return redirect(f"{reverse('hotline_hotspots')}?week={monday}")
    try:
        task = task_from_hotline(
            actor=request.user, city=city, key=finding.key, title=f"热线热点：{finding.title}",
            message=f"{finding.title}。{finding.detail}请核实原因并整改，按期报送。",
            evidence={"kind": finding.kind, "week": str(monday), "orders": finding.orders},
            unit=_unit_for(city, finding),  # type: ignore[arg-type]
        )  # fmt: skip
    except TaskError as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('hotline_hotspots')}?week={monday}")
    return redirect("supervision_task", task_id=task.pk)


@login_required
@require_POST
def topic_assign(request: HttpRequest) -> HttpResponse:
    """每月一题: the month's most frequent problem becomes a city-wide task."""
    city = assigning_city(request)
    if city is None:
        raise PermissionDenied("the office or a dispatcher sets the month's theme")
    month = request.POST.get("month", "")
    topic = month_topic(orders_visible(request.user), month) if len(month) == 7 else None
    if topic is None:
        messages.error(request, _("这个月没有可作为“每月一题”的问题"))
        return redirect("hotline_stats")
    places = "、".join(f"{name}（{n}）" for name, n in topic.regions)
    category = Category.objects.filter(city=city, path=topic.category).first()
    try:
        task = task_from_hotline(
            actor=request.user, city=city, key=f"topic:{month}",
            title=f"每月一题（{month}）：{topic.category}",
            message=(
                f"{month} 热线受理“{topic.category}”类求助、投诉、举报 {topic.orders} 张"
                f"（上月 {topic.before} 张），主要集中在{places}。请牵头研究共性问题，"
                f"制定全市解决方案并按期报送。"
            ),
            evidence={"month": month, "orders": topic.orders, "before": topic.before},
            unit=category.department if category is not None else None,
        )  # fmt: skip
    except TaskError as exc:
        messages.error(request, str(exc))
        return redirect("hotline_stats")
    return redirect("supervision_task", task_id=task.pk)
