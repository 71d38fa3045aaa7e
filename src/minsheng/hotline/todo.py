"""What waits on the hotline: for a dispatcher, orders to dispatch and extension requests to
decide; for a department or township, orders to accept (签收) and to answer, earliest deadline
first."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from minsheng.hotline.access import dispatcher_city, handling_unit
from minsheng.hotline.models import Extension, State, WorkOrder
from minsheng.web.todo import TodoItem, local_date, todo_provider


@todo_provider("hotline")
def hotline_todo(user: Any, limit: int) -> tuple[int, list[TodoItem]]:
    city = dispatcher_city(user)
    if city is not None:
        waiting = WorkOrder.objects.filter(city=city, state=State.RECEIVED).order_by("received_at")
        asked = Extension.objects.filter(order__city=city, granted=None).select_related("order")
        total = waiting.count() + asked.count()
        if not limit or not total:
            return total, []
        items = [
            TodoItem(_("延期申请待审核"), f"{e.order.order_no} +{e.days}",
                     reverse("hotline_order", args=[e.order_id]), local_date(e.requested_at))
            for e in asked[:limit]
        ]  # fmt: skip
        items += [
            TodoItem(_("工单待派单"), f"{o.order_no} {o.text[:30]}",
                     reverse("hotline_order", args=[o.pk]), local_date(o.received_at))
            for o in waiting[: max(limit - len(items), 0)]
        ]  # fmt: skip
        return total, items
    unit = handling_unit(user)
    if unit is None:
        return 0, []
    open_states = (State.DISPATCHED, State.ACCEPTED, State.HANDLING)
    waiting = WorkOrder.objects.filter(unit=unit, state__in=open_states).order_by(
        F("answer_due").asc(nulls_last=True)
    )
    total = waiting.count()
    if not limit or not total:
        return total, []
    return total, [
        TodoItem(
            _("工单待签收") if o.state == State.DISPATCHED else _("工单待答复"),
            f"{o.order_no} {o.text[:30]}",
            reverse("hotline_order", args=[o.pk]),
            local_date(o.answer_due),
        )
        for o in waiting[:limit]
    ]
