"""A city's hotline deadlines, counted in working days on the one calendar
(``core.workdays``): an order is to be accepted (签收) within ``accept_days`` of its dispatch and
answered within its type's ``answer_days`` (紧急 orders: ``urgent_days``, 0 = the same day). A
deadline of N working days ends at 23:59:59 on the N-th working day after the day of dispatch.
An extension (延期) must be asked for at least ``extension_notice`` working days before the
deadline. Orders from the same caller, or about the same place and category, within
``duplicate_days`` days are offered for merging. The monthly 三率 ranking weighs 响应率, 解决率
and 满意率 by ``rank_weights`` and ranks units with at least ``rank_min_n`` follow-ups.

Defaults (common local rules; the city sets its own): 咨询 and 求助 5 working days, 投诉, 举报,
意见建议 and 表扬 15; 签收 1 working day; 紧急 the same day; extensions one working day ahead;
duplicates within 7 days; ranking weights 10 / 45 / 45 and at least 30 follow-ups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from minsheng.core.hotline.metrics import RANK_WEIGHTS
from minsheng.core.hotline.vocabulary import TYPE_LABELS, RequestType
from minsheng.core.workdays.calendar import MAX_WORKING_DAYS, SHANGHAI, WorkCalendar

DEFAULT_ANSWER_DAYS: dict[str, int] = {
    "consult": 5,
    "help": 5,
    "complaint": 15,
    "report": 15,
    "suggestion": 15,
    "praise": 15,
}


class RulesError(ValueError):
    """Deadline rules that cannot be used (the message is for the user)."""


@dataclass(frozen=True)
class DeadlineRules:
    answer_days: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_ANSWER_DAYS))
    accept_days: int = 1
    urgent_days: int = 0
    extension_notice: int = 1
    duplicate_days: int = 7
    rank_weights: Mapping[str, float] = field(default_factory=lambda: dict(RANK_WEIGHTS))
    rank_min_n: int = 30

    def days_for(self, kind: str, *, urgent: bool = False) -> int:
        return (
            self.urgent_days
            if urgent
            else self.answer_days.get(kind, max(self.answer_days.values()))
        )

    def answer_due(
        self,
        calendar: WorkCalendar,
        kind: str,
        dispatched: dt.datetime,
        *,
        urgent: bool = False,
        extra_days: int = 0,
    ) -> dt.datetime:
        return calendar.due(dispatched, self.days_for(kind, urgent=urgent) + extra_days)

    def accept_due(self, calendar: WorkCalendar, dispatched: dt.datetime) -> dt.datetime:
        return calendar.due(dispatched, self.accept_days)

    def extension_allowed(self, calendar: WorkCalendar, due: dt.datetime, now: dt.datetime) -> bool:
        """Whether ``now`` is at least ``extension_notice`` working days before the deadline's
        day (an extension asked on the last day is too late)."""
        return calendar.working_days_between(now.date(), due.date()) >= self.extension_notice

    def as_json(self) -> dict[str, Any]:
        return {
            "answer_days": dict(self.answer_days),
            "accept_days": self.accept_days,
            "urgent_days": self.urgent_days,
            "extension_notice": self.extension_notice,
            "duplicate_days": self.duplicate_days,
            "rank_weights": dict(self.rank_weights),
            "rank_min_n": self.rank_min_n,
        }


class DueMemo:
    """``WorkCalendar.due`` of a start on a given day (the hour does not matter), remembered:
    a year of orders asks for a few thousand distinct deadlines, not one per order."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self._seen: dict[tuple[dt.date, int], dt.datetime] = {}

    def __call__(self, day: dt.date, days: int) -> dt.datetime:
        key = (day, days)
        if key not in self._seen:
            start = dt.datetime.combine(day, dt.time(12), tzinfo=SHANGHAI)
            self._seen[key] = self.calendar.due(start, days)
        return self._seen[key]


def _days(value: Any, what: str, *, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise RulesError(f"{what}须为整数（工作日），实际“{value}”")
    if not low <= int(value) <= MAX_WORKING_DAYS:
        raise RulesError(f"{what}须在 {low} 到 {MAX_WORKING_DAYS} 之间，实际 {int(value)}")
    return int(value)


def rules_from_json(data: Any) -> DeadlineRules:
    """Rules as stored or uploaded (missing keys take the defaults); ``RulesError`` names the
    first bad value."""
    if data is None:
        return DeadlineRules()
    if not isinstance(data, dict):
        raise RulesError("期限规则须为 JSON 对象")
    unknown = sorted(set(data) - set(DeadlineRules().as_json()))
    if unknown:
        raise RulesError(f"未知的设置：{'、'.join(unknown)}")
    answer = dict(DEFAULT_ANSWER_DAYS)
    given = data.get("answer_days", {})
    if not isinstance(given, dict):
        raise RulesError("answer_days 须为“诉求类型: 工作日”")
    for kind, days in given.items():
        if kind not in TYPE_LABELS:
            known = "、".join(f"{k}（{v}）" for k, v in TYPE_LABELS.items())
            raise RulesError(f"未知的诉求类型“{kind}”（可用：{known}）")
        answer[RequestType(kind).value] = _days(days, f"{TYPE_LABELS[kind]}的办理期限", low=0)
    return DeadlineRules(
        answer_days=answer,
        accept_days=_days(data.get("accept_days", 1), "签收期限"),
        urgent_days=_days(data.get("urgent_days", 0), "紧急工单期限"),
        extension_notice=_days(data.get("extension_notice", 1), "延期申请提前量"),
        duplicate_days=_days(data.get("duplicate_days", 7), "重复工单合并期", low=1),
        rank_weights=_weights(data.get("rank_weights", RANK_WEIGHTS)),
        rank_min_n=_days(data.get("rank_min_n", 30), "参与排名的最少回访数", low=1),
    )


def _weights(given: Any) -> dict[str, float]:
    names = {"response": "响应率", "solved": "解决率", "satisfied": "满意率"}
    if not isinstance(given, dict) or set(given) - set(names):
        raise RulesError("rank_weights 须为 response、solved、satisfied 的权重")
    out = dict(RANK_WEIGHTS)
    for key, value in given.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise RulesError(f"{names[key]}的权重须为非负数，实际“{value}”")
        out[key] = float(value)
    if sum(out.values()) <= 0:
        raise RulesError("三率权重之和须大于 0")
    return out
