"""A work order's life: dispatch (派单) to a department or a township's government, accept
(签收), answer (答复), follow-up (回访: 不满意 reopens it, 重办), return (退回: the wrong unit,
back to dispatch with the reason), extension (延期: asked one working day ahead at least,
decided by the dispatcher), merge (a duplicate joins its original), 催办. Each step is one
``OrderEvent``; the unit's people and the dispatchers are told through the one notification
service. Deadlines come from the city's rules on the one working-day calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.hotline.access import UNIT_KINDS
from minsheng.hotline.models import Category, Extension, OrderEvent, State, WorkOrder
from minsheng.hotline.rules import city_rules
from minsheng.notify.models import Kind
from minsheng.notify.services import notify
from minsheng.orgs.models import Organisation, OrgKind
from minsheng.reviews.services.deadlines import work_calendar

OPEN = (State.DISPATCHED, State.ACCEPTED, State.HANDLING)
MAX_NOTE = 2000


class OrderError(ValueError):
    """A step that cannot be taken now (the message is for the user)."""


def _who(actor: Any) -> tuple[Any, str]:
    person = actor if getattr(actor, "is_authenticated", False) else None
    label = getattr(actor, "display_name", "") or getattr(actor, "username", "") or str(actor)
    return person, label[:100]


def order_event(order: WorkOrder, action: str, actor: Any, *, note: str = "", unit: Any = None,
           at: dt.datetime | None = None) -> OrderEvent:  # fmt: skip
    person, label = _who(actor)
    return OrderEvent.objects.create(
        order=order, action=action, at=at or timezone.now(), actor=person, actor_label=label,
        unit=unit, note=note[:MAX_NOTE],
    )  # fmt: skip


def _tell(unit: Organisation | None, title: str, order: WorkOrder) -> None:
    if unit is None:
        return
    people = User.objects.filter(organisation=unit, is_active=True)
    notify(people, Kind.HOTLINE, title, order.text[:200], reverse("hotline_order", args=[order.pk]))


def _tell_dispatchers(order: WorkOrder, title: str) -> None:
    people = User.objects.filter(
        organisation__kind=OrgKind.HOTLINE, organisation__region_id=order.city_id, is_active=True
    )
    notify(people, Kind.HOTLINE, title, order.text[:200], reverse("hotline_order", args=[order.pk]))


def _locked(order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.select_for_update().get(pk=order.pk)


def _set_deadlines(order: WorkOrder, start: dt.datetime) -> None:
    rules, calendar = city_rules(order.city), work_calendar()
    order.due_reminded_at = order.escalated_at = None  # a new deadline is chased anew
    order.accept_due = rules.accept_due(calendar, start)
    order.answer_due = rules.answer_due(
        calendar, order.type, start, urgent=order.urgent, extra_days=order.extension_days
    )


@transaction.atomic
def dispatch(*, actor: Any, order: WorkOrder, unit: Organisation, note: str = "") -> WorkOrder:
    order = _locked(order)
    if order.state not in (State.RECEIVED,):
        raise OrderError("只有待派单的工单可以派单")
    if unit.kind not in UNIT_KINDS or not unit.is_active:
        raise OrderError("只能派给职能部门或乡镇（街道）政府")
    if unit.region.city_id != order.city_id:
        raise OrderError("承办单位不在本市")
    now = timezone.now()
    order.unit, order.state, order.dispatched_at = unit, State.DISPATCHED, now
    order.accepted_at = None
    _set_deadlines(order, now)
    order.save()
    order_event(order, "dispatch", actor, note=note, unit=unit, at=now)
    _tell(unit, f"新派工单 {order.order_no}（{order.get_type_display()}）", order)
    return order


@transaction.atomic
def accept(*, actor: Any, order: WorkOrder) -> WorkOrder:
    order = _locked(order)
    if order.state != State.DISPATCHED:
        raise OrderError("只有待签收的工单可以签收")
    order.state, order.accepted_at = State.HANDLING, timezone.now()
    order.save(update_fields=["state", "accepted_at", "updated_at"])
    order_event(order, "accept", actor, unit=order.unit)
    return order


@transaction.atomic
def return_order(*, actor: Any, order: WorkOrder, reason: str) -> WorkOrder:
    """退回: not this unit's matter; back to dispatch with the reason."""
    order = _locked(order)
    if order.state not in OPEN:
        raise OrderError("只有办理中的工单可以退回")
    if not reason.strip():
        raise OrderError("请写明退回理由（应由哪个单位办理）")
    unit = order.unit
    order.state, order.unit, order.returned = State.RECEIVED, None, order.returned + 1
    order.accept_due = order.answer_due = None
    order.save()
    order_event(order, "return", actor, note=reason.strip(), unit=unit)
    _tell_dispatchers(order, f"工单 {order.order_no} 被退回：{reason.strip()[:60]}")
    return order


@transaction.atomic
def answer(*, actor: Any, order: WorkOrder, text: str) -> WorkOrder:
    order = _locked(order)
    if order.state not in OPEN and order.state != State.RECEIVED:
        raise OrderError("这张工单已经答复或办结")
    if not text.strip():
        raise OrderError("请填写答复内容")
    order.state, order.answered_at, order.answer = State.ANSWERED, timezone.now(), text.strip()
    if order.accepted_at is None and order.dispatched_at is not None:
        order.accepted_at = order.answered_at
    order.save()
    order_event(order, "answer", actor, note=text.strip(), unit=order.unit)
    return order


@transaction.atomic
def follow_up(
    *, actor: Any, order: WorkOrder, result: str, solved: bool | None, note: str = ""
) -> WorkOrder:
    """回访: 满意 / 基本满意 close the order; 不满意 sends it back to the unit (重办) with a new
    deadline from now."""
    order = _locked(order)
    if order.state != State.ANSWERED:
        raise OrderError("只有已答复的工单可以回访")
    if result not in ("satisfied", "mostly", "unsatisfied"):
        raise OrderError("请选择回访结果：满意、基本满意或不满意")
    now = timezone.now()
    order.followup, order.solved, order.followed_up_at = result, solved, now
    order_event(order, "followup", actor, note=note, unit=order.unit, at=now)
    if result == "unsatisfied" and order.unit is not None:
        order.reopened += 1
        order.state, order.answered_at = State.HANDLING, None
        _set_deadlines(order, now)
        order_event(order, "reopen", actor, note="回访不满意，重办", unit=order.unit, at=now)
        _tell(order.unit, f"工单 {order.order_no} 回访不满意，请重办", order)
    else:
        order.state = State.CLOSED
    order.save()
    return order


@transaction.atomic
def extension_request(*, actor: Any, order: WorkOrder, days: int, reason: str) -> Extension:
    order = _locked(order)
    if order.state not in OPEN or order.answer_due is None:
        raise OrderError("只有办理中的工单可以申请延期")
    if order.extensions.filter(granted=None).exists():
        raise OrderError("已有待审核的延期申请")
    if not 1 <= days <= 30:
        raise OrderError("延期天数须在 1 到 30 个工作日之间")
    if not reason.strip():
        raise OrderError("请写明延期理由")
    rules = city_rules(order.city)
    if not rules.extension_allowed(work_calendar(), order.answer_due, timezone.localtime()):
        raise OrderError(f"延期须在办理时限前至少 {rules.extension_notice} 个工作日申请")
    person, _label = _who(actor)
    ext = Extension.objects.create(order=order, days=days, reason=reason.strip()[:500],
                                   requested_by=person)  # fmt: skip
    order_event(order, "extension", actor, note=f"申请延期 {days} 个工作日：{reason.strip()}",
           unit=order.unit)  # fmt: skip
    _tell_dispatchers(order, f"工单 {order.order_no} 申请延期 {days} 个工作日")
    return ext


@transaction.atomic
def extension_decide(
    *, actor: Any, extension: Extension, granted: bool, note: str = ""
) -> Extension:
    order = _locked(extension.order)
    if extension.granted is not None:
        raise OrderError("这项延期申请已经审核")
    person, _label = _who(actor)
    extension.granted, extension.decided_by = granted, person
    extension.decided_at, extension.note = timezone.now(), note.strip()[:500]
    extension.save()
    if granted and order.dispatched_at is not None:
        order.extension_days += extension.days
        rules = city_rules(order.city)
        order.answer_due = rules.answer_due(
            work_calendar(), order.type, order.dispatched_at, urgent=order.urgent,
            extra_days=order.extension_days,
        )  # fmt: skip
        order.due_reminded_at = order.escalated_at = None
        order.save(
            update_fields=[
                "extension_days",
                "answer_due",
                "due_reminded_at",
                "escalated_at",
                "updated_at",
            ]
        )
    verdict = "同意" if granted else "不同意"
    said = f"{verdict}延期" + (f"：{note}" if note else "")
    order_event(order, "extension_decided", actor, note=said, unit=order.unit)
    _tell(order.unit, f"工单 {order.order_no} 延期申请：{verdict}", order)
    return extension


@transaction.atomic
def merge(*, actor: Any, order: WorkOrder, into: WorkOrder) -> WorkOrder:
    """A duplicate (the same caller, or the same problem) joins its original."""
    order = _locked(order)
    if order.pk == into.pk or into.merged_into_id is not None or into.city_id != order.city_id:
        raise OrderError("不能并入这张工单")
    if order.state not in (State.RECEIVED, State.DISPATCHED):
        raise OrderError("只有尚未办理的工单可以合并")
    order.state, order.merged_into = State.MERGED, into
    order.save(update_fields=["state", "merged_into", "updated_at"])
    order_event(order, "merge", actor, note=f"并入工单 {into.order_no}")
    order_event(into, "merged", actor, note=f"工单 {order.order_no} 并入本工单")
    return order


@transaction.atomic
def classify(*, actor: Any, order: WorkOrder, category: Category) -> WorkOrder:
    """The dispatcher sets (or corrects) the order's category."""
    order = _locked(order)
    if category.city_id != order.city_id or not category.is_active:
        raise OrderError("诉求分类不属于本市")
    order.category, order.category_text = category, category.path
    order.save(update_fields=["category", "category_text", "updated_at"])
    order_event(order, "classify", actor, note=category.path)
    return order


@transaction.atomic
def remind(*, actor: Any, order: WorkOrder, note: str = "") -> WorkOrder:
    """催办: the dispatcher presses the unit on an open order."""
    order = _locked(order)
    if order.state not in OPEN:
        raise OrderError("只有办理中的工单可以催办")
    order.reminded += 1
    order.save(update_fields=["reminded", "updated_at"])
    order_event(order, "remind", actor, note=note, unit=order.unit)
    _tell(order.unit, f"催办：工单 {order.order_no} 请抓紧办理", order)
    return order


def duplicates_of(order: WorkOrder) -> list[WorkOrder]:
    """Possible duplicates: the same caller, or the same category at the same place, within the
    city's ``duplicate_days`` before or after."""
    days = city_rules(order.city).duplicate_days
    near = WorkOrder.objects.filter(
        city_id=order.city_id,
        received_at__gte=order.received_at - dt.timedelta(days=days),
        received_at__lte=order.received_at + dt.timedelta(days=days),
        merged_into=None,
    ).exclude(pk=order.pk)
    same_caller = near.filter(phone_hash=order.phone_hash) if order.phone_hash else near.none()
    same_place = (
        near.filter(region=order.region, category_text=order.category_text)
        if order.region_id and order.category_text
        else near.none()
    )
    return list((same_caller | same_place).exclude(state=State.MERGED).order_by("received_at")[:10])


REMIND_BEFORE = dt.timedelta(hours=24)


@dataclass(frozen=True)
class SweepReport:
    reminded: int
    escalated: int


def sweep(now: dt.datetime | None = None) -> SweepReport:
    """Remind the unit of an answer deadline within 24 hours; when it passes, escalate once:
    the unit and the city's dispatchers are told, and the order's history says so. Run every
    quarter of an hour by the worker (``minsheng hotline sweep``)."""
    now = now or timezone.now()
    open_orders = WorkOrder.objects.filter(state__in=OPEN, answer_due__isnull=False)
    reminded = escalated = 0
    for order in open_orders.filter(answer_due__lt=now, escalated_at=None).select_related(
        "unit", "city"
    ):
        with transaction.atomic():
            if not WorkOrder.objects.filter(pk=order.pk, escalated_at=None).update(
                escalated_at=now, due_reminded_at=now
            ):
                continue  # another sweep took it
            when = timezone.localtime(order.answer_due).strftime("%Y-%m-%d %H:%M")
            order_event(order, "escalate", "系统", note=f"已超过办理时限 {when}，升级督办",
                        unit=order.unit)  # fmt: skip
            _tell(order.unit, f"工单 {order.order_no} 已超期，请立即办理", order)
            _tell_dispatchers(order, f"工单 {order.order_no} 已超期（{order.unit}）")
            escalated += 1
    soon = open_orders.filter(
        answer_due__gte=now, answer_due__lte=now + REMIND_BEFORE, due_reminded_at=None
    ).select_related("unit")
    for order in soon:
        if WorkOrder.objects.filter(pk=order.pk, due_reminded_at=None).update(due_reminded_at=now):
            order_event(order, "due_soon", "系统", note="距办理时限不足 24 小时", unit=order.unit)
            _tell(order.unit, f"工单 {order.order_no} 将于 24 小时内到期", order)
            reminded += 1
    return SweepReport(reminded, escalated)
