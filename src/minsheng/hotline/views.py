"""12345 热线 pages: the orders a user sees (search, filters, pages, Excel with contacts masked),
one order with its history and the steps the user may take, and a dispatcher's new order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.analytics.store import month_bounds
from minsheng.hotline.access import (
    access_order,
    can_read_hotline,
    dispatcher_city,
    handling_unit,
    orders_visible,
    require_dispatcher,
)
from minsheng.hotline.models import (
    Category,
    Channel,
    Extension,
    Followup,
    RequestType,
    State,
    WorkOrder,
)
from minsheng.hotline.routing import Offer, model_facts, suggestions
from minsheng.hotline.selectors import MONTH
from minsheng.hotline.services import flow
from minsheng.hotline.services.intake import Intake, IntakeError, order_create
from minsheng.hotline.timeline import timeline
from minsheng.orgs.models import Organisation, Region
from minsheng.reviews.services.contact import decrypt
from minsheng.web.downloads import sheets_response
from minsheng.web.paging import page_query

OPEN = (State.DISPATCHED, State.ACCEPTED, State.HANDLING)


def _filtered(request: HttpRequest, orders: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    q = request.GET.get("q", "").strip()
    if q:
        orders = orders.filter(Q(order_no__icontains=q) | Q(text__icontains=q))
    if request.GET.get("state") in State.values:
        orders = orders.filter(state=request.GET["state"])
    if request.GET.get("type") in RequestType.values:
        orders = orders.filter(type=request.GET["type"])
    unit = request.GET.get("unit", "")
    if unit.isdigit():
        orders = orders.filter(unit_id=int(unit))
    centre = request.GET.get("centre", "")
    if centre.isdigit():
        orders = orders.filter(centre_id=int(centre))
    month = request.GET.get("month", "")
    if MONTH.match(month):
        start, end = month_bounds(month)
        orders = orders.filter(received_at__gte=start, received_at__lt=end)
    if request.GET.get("overdue"):
        orders = orders.filter(state__in=OPEN, answer_due__lt=timezone.now())
    return orders


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    if not can_read_hotline(request.user):
        raise PermissionDenied("the hotline's orders are for dispatchers, the office and units")
    orders = _filtered(request, orders_visible(request.user)).select_related("unit", "region")
    if request.GET.get("format") == "xlsx":
        return _orders_workbook(orders)
    units = Organisation.objects.filter(
        pk__in=orders_visible(request.user).exclude(unit=None).values("unit").distinct()
    ).order_by("name")
    return render(
        request,
        "hotline/list.html",
        {
            "paged": page_query(request, orders.order_by("-received_at")),
            "states": State.choices,
            "types": RequestType.choices,
            "units": units,
            "chosen": request.GET,
            "is_dispatcher": dispatcher_city(request.user) is not None,
        },
    )


def _orders_workbook(orders: QuerySet[WorkOrder]) -> HttpResponse:
    from minsheng.core.xlsx import DATETIME, Sheet

    rows = [
        [o.order_no, o.get_channel_display(), o.get_type_display(), o.category_text,
         o.region.name if o.region else "", o.unit.name if o.unit else "", o.text,
         o.caller_masked, o.phone_masked, _local(o.received_at), _local(o.dispatched_at),
         _local(o.answered_at), o.get_state_display(), o.get_followup_display()]
        for o in orders.order_by("-received_at")[:100_000]
    ]  # fmt: skip
    sheet = Sheet(
        "工单",
        ["工单编号", "来源渠道", "诉求类型", "诉求分类", "所属区域", "承办单位", "诉求内容",
         "来电人", "联系电话", "受理时间", "派单时间", "办结时间", "状态", "回访结果"],
        rows,
        formats=[None] * 9 + [DATETIME] * 3 + [None, None],
        caption="12345热线工单（来电人信息已脱敏）",
    )  # fmt: skip
    return sheets_response("热线工单", [sheet])


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


@login_required
def order_page(request: HttpRequest, order_id: int) -> HttpResponse:
    order = access_order(request.user, order_id)
    city = dispatcher_city(request.user)
    dispatching = city is not None and city.pk == order.city_id
    mine = handling_unit(request.user)
    is_unit = mine is not None and order.unit_id == mine.pk
    units = []
    offers: tuple[list[Offer], list[Offer]] = ([], [])
    if dispatching and order.state == State.RECEIVED:
        offers = suggestions(order)
        units = list(
            Organisation.objects.filter(
                region__city_id=order.city_id, kind__in=("department", "government"),
                is_active=True,
            ).order_by("kind", "name")
        )  # fmt: skip
    return render(
        request,
        "hotline/order.html",
        {
            "order": order,
            "events": timeline(order),
            "dispatching": dispatching,
            "is_unit": is_unit,
            "open": order.state in OPEN,
            "units": units,
            "suggested": _preselect(order, offers[0]),
            "unit_offers": offers[0],
            "category_offers": offers[1],
            "model": model_facts(order.city) if offers[0] or offers[1] else None,
            "duplicates": flow.duplicates_of(order) if dispatching else [],
            "pending": order.extensions.filter(granted=None).first(),
            "followups": Followup.choices,
            "is_dispatcher": city is not None,
        },
    )


def _preselect(order: WorkOrder, offers: list[Offer]) -> int | None:
    """The unit the dispatch form starts on: the first suggestion, else the category's
    default unit."""
    for offer in offers:
        if offer.unit is not None:
            return offer.unit.pk
    return order.category.department_id if order.category else None


def _step(request: HttpRequest, order_id: int) -> tuple[WorkOrder, bool, bool]:
    order = access_order(request.user, order_id)
    city = dispatcher_city(request.user)
    mine = handling_unit(request.user)
    return (
        order,
        city is not None and city.pk == order.city_id,
        mine is not None and order.unit_id == mine.pk,
    )


@login_required
@require_POST
def order_action(request: HttpRequest, order_id: int, action: str) -> HttpResponse:
    """One step on an order: the dispatcher's (dispatch, followup, merge, remind, decide,
    answer) or the unit's (accept, return, answer, extend)."""
    order, dispatching, is_unit = _step(request, order_id)
    allowed = {
        "dispatch": dispatching, "followup": dispatching, "merge": dispatching,
        "classify": dispatching,
        "remind": dispatching, "decide": dispatching,
        "answer": dispatching or is_unit, "accept": is_unit, "return": is_unit,
        "extend": is_unit,
    }  # fmt: skip
    if not allowed.get(action, False):
        raise PermissionDenied("this step is not the user's to take")
    post = request.POST
    try:
        _take(request, order, action, post)
    except (flow.OrderError, ValueError) as exc:
        messages.error(request, str(exc) if isinstance(exc, flow.OrderError) else _("输入有误"))
    else:
        messages.success(request, _("已办理"))
    return redirect("hotline_order", order_id=order.pk)


def _take(request: HttpRequest, order: WorkOrder, action: str, post: Any) -> None:
    actor = request.user
    if action == "dispatch":
        unit = (
            Organisation.objects.filter(pk=int(post.get("unit") or 0))
            .select_related("region")
            .first()
        )
        if unit is None:
            raise flow.OrderError(_("请选择承办单位"))
        flow.dispatch(actor=actor, order=order, unit=unit, note=post.get("note", ""))
    elif action == "accept":
        flow.accept(actor=actor, order=order)
    elif action == "return":
        flow.return_order(actor=actor, order=order, reason=post.get("reason", ""))
    elif action == "answer":
        flow.answer(actor=actor, order=order, text=post.get("text", ""))
    elif action == "followup":
        solved = {"1": True, "0": False}.get(post.get("solved", ""))
        flow.follow_up(actor=actor, order=order, result=post.get("result", ""), solved=solved,
                       note=post.get("note", ""))  # fmt: skip
    elif action == "extend":
        flow.extension_request(actor=actor, order=order, days=int(post.get("days") or 0),
                               reason=post.get("reason", ""))  # fmt: skip
    elif action == "decide":
        ext = Extension.objects.filter(pk=int(post.get("extension") or 0), order=order).first()
        if ext is None:
            raise Http404("no such extension request")
        flow.extension_decide(actor=actor, extension=ext, granted=post.get("granted") == "1",
                              note=post.get("note", ""))  # fmt: skip
    elif action == "merge":
        into = WorkOrder.objects.filter(
            pk=int(post.get("into") or 0), city_id=order.city_id
        ).first()
        if into is None:
            raise flow.OrderError(_("没有这张工单"))
        flow.merge(actor=actor, order=order, into=into)
    elif action == "classify":
        category = Category.objects.filter(
            pk=int(post.get("category") or 0), city_id=order.city_id
        ).first()
        if category is None:
            raise flow.OrderError(_("请选择诉求分类"))
        flow.classify(actor=actor, order=order, category=category)
    elif action == "remind":
        flow.remind(actor=actor, order=order, note=post.get("note", ""))


@login_required
@require_POST
def reveal_contact(request: HttpRequest, order_id: int) -> HttpResponse:
    """A dispatcher calls the caller back: the number in clear, once, audited."""
    order, dispatching, _unit = _step(request, order_id)
    if not dispatching:
        raise PermissionDenied("only dispatchers see a caller's number")
    audit_record(actor=request.user, action=AuditAction.SECURITY, obj=order,
                 note="caller contact revealed", region_code=order.city.code)  # fmt: skip
    response = render(
        request,
        "hotline/contact.html",
        {"order": order, "caller": decrypt(order.caller_cipher) if order.caller_cipher else "",
         "phone": decrypt(order.phone_cipher) if order.phone_cipher else ""},
    )  # fmt: skip
    response["Cache-Control"] = "no-store"
    return response


@login_required
def order_new(request: HttpRequest) -> HttpResponse:
    city = require_dispatcher(request.user)
    categories = Category.objects.filter(city=city, is_active=True, parent__isnull=False)
    regions = Region.objects.filter(city=city).exclude(pk=city.pk).order_by("code")
    error = ""
    if request.method == "POST":
        post = request.POST
        region = regions.filter(code=post.get("region", "")).first()
        category = categories.filter(pk=int(post.get("category") or 0)).first()
        try:
            order = order_create(
                actor=request.user, city=city,
                intake=Intake(
                    channel=post.get("channel", ""), type=post.get("type", ""),
                    text=post.get("text", ""), region=region, category=category,
                    urgent=bool(post.get("urgent")), caller=post.get("caller", ""),
                    phone=post.get("phone", ""),
                ),
            )  # fmt: skip
        except IntakeError as exc:
            error = str(exc)
        else:
            messages.success(request, _("已受理工单 %(no)s") % {"no": order.order_no})
            return redirect("hotline_order", order_id=order.pk)
    return render(
        request,
        "hotline/new.html",
        {
            "channels": Channel.choices,
            "types": RequestType.choices,
            "categories": categories.order_by("code"),
            "regions": regions.filter(level__lte=3),
            "error": error,
            "values": request.POST,
        },
        status=400 if error else 200,
    )
