"""Demo data for supervision: seed 004 (a city's real action plan) imported for the demo city,
its sub-tasks in every state — some reported, returned, accepted, a few overdue — and two tasks
made from the latest period's indicator warnings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from minsheng.core.plans.document import paragraphs
from minsheng.core.plans.parse import parse_plan
from minsheng.core.regions import Level
from minsheng.demo.registry import DemoContext, register
from minsheng.indicators import results
from minsheng.indicators.models import Indicator
from minsheng.indicators.selectors import index_result, periods_available, region_peers
from minsheng.orgs.models import RegionLevel
from minsheng.supervision.models import Task, TaskState
from minsheng.supervision.services import (
    plan_preview,
    plan_store,
    task_decide,
    task_from_warning,
    task_report,
)

SEED = Path(__file__).parent / "data" / "seed_004_plan.txt"
DUE = dt.date(2026, 12, 31)
OVERDUE = dt.date(2026, 11, 27)


@register("supervision", order=80)
def supervision(ctx: DemoContext) -> None:
    city = ctx.regions[next(ctx.plan.regions_at(Level.CITY)).code]
    office = ctx.organisations[f"quality-{city.code}"]
    quality = ctx.users.get("quality")
    parsed = parse_plan(paragraphs(SEED.read_bytes(), filename=SEED.name))
    plan = plan_store(plan_preview(parsed, city), office=office, region=city, actor=quality)
    Task.objects.filter(plan=plan).update(due=DUE)
    rng = ctx.rng("supervision")
    children = list(Task.objects.filter(plan=plan).exclude(parent=None).order_by("pk"))
    for task in children:
        roll = rng.random()
        if roll < 0.1:
            Task.objects.filter(pk=task.pk).update(due=OVERDUE)  # overdue, nothing reported
        elif roll < 0.45:
            task_report(
                task,
                actor=quality,
                note="已按方案部署落实，正在推进。",
                percent=rng.choice([30, 50, 80]),
            )
            if roll < 0.2:
                task_decide(task, actor=quality, accept=False, comment="请补充具体措施和完成时间。")
            elif roll < 0.3:
                task_decide(task, actor=quality, accept=True, comment="")
    made = 0
    available = periods_available()
    county = next((r for r in city.children.all() if r.level == RegionLevel.COUNTY), None)
    if available and county is not None:
        peers = region_peers(county)
        result = index_result(peers, available[-1])
        for warning in results.warning_rows(result, {r.code for r in peers})[:2]:
            region = next(r for r in peers if r.code == warning.region)
            indicator = Indicator.objects.filter(code=warning.indicator).first()
            task_from_warning(
                actor=quality,
                region=region,
                indicator=indicator,
                rule=warning.rule,
                period=str(available[-1]),
                message=warning.message,
            )
            made += 1
    ctx.summary.update(
        supervision_tasks=Task.objects.count(),
        supervision_overdue=Task.objects.filter(due__lt=DUE)
        .exclude(state=TaskState.ACCEPTED)
        .count(),
        supervision_from_warnings=made,
    )
