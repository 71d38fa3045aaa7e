"""The office's board: per unit and per plan, from the tasks the user may see.

- 按时办结率 (on-time rate): of the tasks that should be finished by today (due today or
  earlier) or are finished, the share accepted on or before their due date (Asia/Shanghai);
- 逾期 (overdue): not accepted and past the due date;
- 数据验证率 (verified by data): of the tasks data has judged (已验证 or 未达到), the share
  已验证; tasks with 数据不足 are left out of both.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Max

from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.supervision.models import TaskEvent, TaskState, Verdict


@dataclass(slots=True)
class Tally:
    name: str
    tasks: int = 0
    open: int = 0
    overdue: int = 0
    accepted: int = 0
    due_or_done: int = 0
    on_time: int = 0
    verified: int = 0
    judged: int = 0
    percent_sum: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due_or_done if self.due_or_done else None

    @property
    def verified_rate(self) -> float | None:
        return self.verified / self.judged if self.judged else None

    @property
    def mean_percent(self) -> float | None:
        return self.percent_sum / self.tasks if self.tasks else None


def _accepted_on(task_ids: list[int]) -> dict[int, dt.date]:
    rows = (
        TaskEvent.objects.filter(task_id__in=task_ids, action="accepted")
        .values("task_id")
        .annotate(at=Max("at"))
    )
    return {r["task_id"]: r["at"].astimezone(SHANGHAI).date() for r in rows}


def _count(tally: Tally, task: Any, today: dt.date, accepted_on: dict[int, dt.date]) -> None:
    tally.tasks += 1
    tally.percent_sum += 100 if task.state == TaskState.ACCEPTED else task.percent
    done = task.state == TaskState.ACCEPTED
    if done:
        tally.accepted += 1
    else:
        tally.open += 1
        if task.due is not None and task.due < today:
            tally.overdue += 1
    if task.due is not None and (done or task.due <= today):
        tally.due_or_done += 1
        finished = accepted_on.get(task.pk)
        if done and finished is not None and finished <= task.due:
            tally.on_time += 1
    if task.verdict in (Verdict.VERIFIED, Verdict.NOT_MET):
        tally.judged += 1
        tally.verified += task.verdict == Verdict.VERIFIED


def board(tasks: Any, today: dt.date) -> tuple[list[Tally], list[Tally]]:
    """(per unit, per plan), units sorted by overdue then name. Parent tasks of a plan that
    fan out to responsible units are counted through their sub-tasks only."""
    rows = list(
        tasks.select_related(None)
        .select_related("unit", "plan")
        .only("pk", "state", "percent", "due", "verdict", "unit__name", "plan__title", "parent_id")
    )
    parents = {t.parent_id for t in rows if t.parent_id}
    rows = [t for t in rows if t.pk not in parents]
    accepted_on = _accepted_on([t.pk for t in rows if t.state == TaskState.ACCEPTED])
    units: dict[int, Tally] = {}
    plans: dict[int, Tally] = defaultdict(lambda: Tally(""))
    for task in rows:
        unit = units.setdefault(task.unit_id, Tally(task.unit.name))
        _count(unit, task, today, accepted_on)
        if task.plan_id:
            plan = plans[task.plan_id]
            plan.name = task.plan.title
            _count(plan, task, today, accepted_on)
    by_unit = sorted(units.values(), key=lambda t: (-t.overdue, t.name))
    by_plan = sorted(plans.values(), key=lambda t: t.name)
    return by_unit, by_plan


def tally(tasks: Any, today: dt.date) -> Tally:
    """All of ``tasks`` counted together (sub-tasks instead of the parents they fan out from)."""
    rows = list(tasks.only("pk", "state", "percent", "due", "verdict", "parent_id"))
    parents = {t.parent_id for t in rows if t.parent_id}
    rows = [t for t in rows if t.pk not in parents]
    accepted_on = _accepted_on([t.pk for t in rows if t.state == TaskState.ACCEPTED])
    total = Tally("")
    for task in rows:
        _count(total, task, today, accepted_on)
    return total
