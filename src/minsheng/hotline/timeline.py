"""An order's history as people read it: its recorded steps, or — for an order imported from
the hotline platform, whose steps were not recorded here — the steps its times show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from minsheng.hotline.models import WorkOrder

ACTIONS = {
    "receive": "受理",
    "dispatch": "派单",
    "accept": "签收",
    "return": "退回",
    "answer": "答复",
    "followup": "回访",
    "reopen": "重办",
    "extension": "申请延期",
    "extension_decided": "延期审核",
    "merge": "合并",
    "merged": "并入",
    "remind": "催办",
    "classify": "分类",
    "escalate": "超期升级",
    "due_soon": "到期提醒",
}


@dataclass(frozen=True)
class Step:
    at: dt.datetime
    action: str
    who: str
    unit: str
    note: str


def timeline(order: WorkOrder) -> list[Step]:
    events = list(order.events.select_related("unit"))
    if events:
        return [
            Step(e.at, ACTIONS.get(e.action, e.action), e.actor_label,
                 e.unit.name if e.unit else "", e.note)
            for e in events
        ]  # fmt: skip
    unit = order.unit.name if order.unit else ""
    steps = [Step(order.received_at, "受理", "热线平台", "", order.get_channel_display())]
    if order.dispatched_at:
        steps.append(Step(order.dispatched_at, "派单", "热线平台", unit, ""))
    if order.accepted_at:
        steps.append(Step(order.accepted_at, "签收", "", unit, ""))
    if order.answered_at:
        steps.append(Step(order.answered_at, "答复", "", unit, order.answer))
    if order.followup and order.followed_up_at:
        steps.append(
            Step(order.followed_up_at, "回访", "热线平台", "", order.get_followup_display())
        )
    return steps
