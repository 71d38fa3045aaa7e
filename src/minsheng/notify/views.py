"""Notification pages: my messages (open marks read), my channel preferences and mobile number,
and for the quality office its units' group robots with the delivery log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.validators import URLValidator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minsheng.accounts.access import organisations_visible, user_scope
from minsheng.accounts.models import Role
from minsheng.notify.models import (
    Channel,
    Contact,
    Delivery,
    DeliveryStatus,
    GroupRobot,
    Kind,
    Notification,
)
from minsheng.notify.services import mark_read, notify, preferences, set_phone, set_preferences


def _me(request: HttpRequest) -> int:
    """The signed-in user's key (every view here is behind ``login_required``)."""
    return int(request.user.pk or 0)


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        mark_read(request.user)
        return redirect("notifications")
    notes = Notification.objects.filter(user_id=_me(request))
    unread = request.GET.get("unread") == "1"
    if unread:
        notes = notes.filter(read_at=None)
    page = Paginator(notes, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/inbox.html",
        {"paged": {"page": page, "query": "unread=1" if unread else ""}, "unread": unread},
    )


@login_required
def open_message(request: HttpRequest, note_id: int) -> HttpResponse:
    note = Notification.objects.filter(pk=note_id, user_id=_me(request)).first()
    if note is None:
        raise Http404("no such message")
    mark_read(request.user, [note.pk])
    safe = note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts=None)
    return redirect(note.url if safe else "notifications")


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    error = ""
    if request.method == "POST":
        try:
            set_phone(user, request.POST.get("phone", ""))
        except ValueError as exc:
            error = str(exc)
        else:
            set_preferences(
                user,
                {
                    (kind, channel): f"{kind}:{channel}" in request.POST
                    for kind, channel in preferences(user)
                },
            )
            messages.success(request, _("已保存通知设置。"))
            return redirect("notification_settings")
    chosen = preferences(user)
    rows = [
        (label, [(f"{kind}:{c}", chosen[(kind, c)]) for c in (Channel.EMAIL, Channel.SMS)])
        for kind, label in Kind.choices
    ]
    return render(
        request,
        "notify/settings.html",
        {
            "rows": rows,
            "has_phone": Contact.objects.filter(user_id=_me(request)).exists(),
            "email": getattr(user, "email", ""),
            "error": error,
        },
        status=400 if error else 200,
    )


def _office_orgs(user: Any) -> Any:
    scope = user_scope(user)
    if not scope.everything and getattr(user, "role", None) != Role.QUALITY_OFFICE:
        raise PermissionDenied("group robots are set up by the quality office")
    return organisations_visible(user)


def _robot_form(request: HttpRequest, orgs: Any) -> str:
    """Add the robot the form describes; returns the error, or "" when it was added."""
    org = orgs.filter(pk=request.POST.get("organisation") or 0).first()
    channel = request.POST.get("channel", "")
    url = request.POST.get("url", "").strip()
    if org is None:
        return _("请选择机构")
    if channel not in (Channel.WECOM, Channel.DINGTALK):
        return _("请选择机器人类型")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return _("Webhook 地址不是有效的网址")
    GroupRobot.objects.create(
        organisation=org,
        channel=channel,
        name=request.POST.get("name", "").strip()[:100] or org.name,
        url=url,
        secret=request.POST.get("secret", "").strip()[:200],
    )
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def robots(request: HttpRequest) -> HttpResponse:
    orgs = _office_orgs(request.user)
    mine = GroupRobot.objects.filter(organisation__in=orgs).select_related("organisation")
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "add":
            error = _robot_form(request, orgs)
            if not error:
                messages.success(request, _("已添加群机器人。"))
                return redirect("notification_robots")
        else:
            robot = mine.filter(pk=request.POST.get("robot") or 0).first()
            if robot is None:
                raise Http404("no such robot")
            if action == "delete":
                robot.delete()
                messages.success(request, _("已删除群机器人。"))
            elif action == "test":
                users: list[Any] = list(robot.organisation.users.filter(is_active=True)[:1])
                notify(
                    users or [request.user],
                    Kind.TASK_ASSIGNED,
                    _("测试消息"),
                    _("群机器人连接测试。"),
                )
                messages.success(request, _("已发出测试消息，请稍后查看投递记录。"))
            else:
                raise Http404("unknown action")
            return redirect("notification_robots")
    deliveries = (
        Delivery.objects.filter(notification__user__organisation__in=orgs)
        .select_related("notification__user", "robot")
        .order_by("-pk")
    )
    status = request.GET.get("status", "")
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    page = Paginator(deliveries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/robots.html",
        {
            "robots": list(mine.order_by("organisation__name", "pk")),
            "orgs": list(orgs.order_by("region__code", "name")),
            "channels": [(c, c.label) for c in (Channel.WECOM, Channel.DINGTALK)],
            "paged": {"page": page, "query": f"status={status}" if status else ""},
            "status": status,
            "statuses": DeliveryStatus.choices,
            "error": error,
        },
        status=400 if error else 200,
    )
