"""Demo data for supervision: seed 004 (a city's real action plan) imported for the demo city,
its sub-tasks in every state — some reported, returned, accepted, a few overdue — and tasks made
from indicator warnings (two verified by the later period's data, one not met, two waiting)
and from the round before the latest poll (an item to improve, a county whose score fell)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from minsheng.core.plans.document import read_plan
from minsheng.core.regions import Level
from minsheng.demo.registry import DemoContext, register
from minsheng.indicators import results
from minsheng.indicators.models import Indicator
from minsheng.indicators.selectors import index_result, periods_available, region_peers
from minsheng.orgs.models import RegionLevel
from minsheng.supervision.findings import (
    task_from_poll_fall,
    task_from_poll_item,
    task_from_warning,
)
from minsheng.supervision.models import Task, TaskState, Verdict
from minsheng.supervision.services import (
    consolidated_note,
    plan_preview,
    plan_store,
    task_decide,
    task_report,
)
from minsheng.supervision.sweep import sweep
from minsheng.supervision.verify import Checker, measurable_tasks, verify_tasks

SEED = Path(__file__).parent / "data" / "seed_004_plan.txt"
DUE = dt.date(2026, 12, 31)
OVERDUE = dt.date(2026, 11, 27)


@register("supervision", order=80)
def supervision(ctx: DemoContext) -> None:
    city = ctx.regions[next(ctx.plan.regions_at(Level.CITY)).code]
    office = ctx.organisations[f"quality-{city.code}"]
    quality = ctx.users.get("quality")
    parsed = read_plan(SEED.read_bytes(), filename=SEED.name)
    plan = plan_store(plan_preview(parsed, city), office=office, region=city, actor=quality)
    Task.objects.filter(plan=plan).update(due=DUE)
    # The seed's report-by dates are of 2020; in the demo, units report to their lead first.
    Task.objects.filter(plan=plan).exclude(parent=None).update(
        report_by=DUE - dt.timedelta(days=11)
    )
    Task.objects.filter(plan=plan, parent=None).update(report_by=DUE - dt.timedelta(days=6))
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
    # Two lead units consolidate their counties' reports and report up to the office.
    for parent in Task.objects.filter(plan=plan, parent=None).order_by("pk")[:2]:
        task_report(parent, actor=quality, note=consolidated_note(parent), percent=50)
    made = _from_warnings(city, quality) + _from_polls(city, quality)
    checked = verify_tasks(measurable_tasks())
    swept = sweep()  # the overdue tasks are urged, as the worker would have done
    ctx.summary.update(
        supervision_tasks=Task.objects.count(),
        supervision_overdue=Task.objects.filter(due__lt=DUE)
        .exclude(state=TaskState.ACCEPTED)
        .count(),
        supervision_from_warnings=made,
        supervision_verified=checked.get(Verdict.VERIFIED, 0),
        supervision_not_met=checked.get(Verdict.NOT_MET, 0),
        supervision_urged=swept["urged"] + swept["escalated"],
    )


def _from_warnings(city: Any, quality: Any) -> int:
    """Tasks from warnings: of the previous period, two whose warning the latest data no longer
    shows and one it still shows (all reported and accepted by the office, so the verdict is the
    data's); and two of the latest period, open, waiting for the next period's data."""
    available = periods_available()
    county = next((r for r in city.children.all() if r.level == RegionLevel.COUNTY), None)
    if not available or county is None:
        return 0
    peers = region_peers(county)
    visible = {r.code for r in peers}
    latest = results.warning_rows(index_result(peers, available[-1]), visible)
    chosen: list[tuple[Any, str, bool]] = [(w, str(available[-1]), False) for w in latest[:2]]
    if len(available) > 1:
        still = {(w.region, w.indicator, w.rule) for w in latest}
        earlier = results.warning_rows(index_result(peers, available[-2]), visible)
        checker = Checker()
        regions = {r.code: r for r in peers}
        gone = [
            w
            for w in earlier
            if (w.region, w.indicator, w.rule) not in still
            and checker.later(available[-2], regions[w.region], w.indicator or "") is not None
        ][:2]
        stays = [w for w in earlier if (w.region, w.indicator, w.rule) in still][:1]
        chosen += [(w, str(available[-2]), True) for w in gone + stays]
    for warning, period, done in chosen:
        region = next(r for r in peers if r.code == warning.region)
        task = task_from_warning(
            actor=quality,
            region=region,
            indicator=Indicator.objects.filter(code=warning.indicator).first(),
            rule=warning.rule,
            period=period,
            message=warning.message,
        )
        if done and task.state == TaskState.ASSIGNED:
            task_report(task, actor=quality, note="已完成整改。", percent=100)
            task_decide(task, actor=quality, accept=True, comment="")
    return len(chosen)


def _from_polls(city: Any, quality: Any) -> int:
    """From the newest rounds that have a later round (which then decides them): the first item
    to improve first, and the first county whose score fell beyond sampling error."""
    from minsheng.polls.models import Poll
    from minsheng.polls.results import poll_results

    item_done = fall_done = False
    followed = Poll.objects.filter(previous__isnull=False).values("previous_id")
    for poll in Poll.objects.filter(region=city, pk__in=followed).order_by("-pk"):
        results = poll_results(poll, "county")
        item = next((i for i in results.items if i.quadrant == "improve"), None)
        if item is not None and not item_done:
            task_from_poll_item(actor=quality, poll=poll, item=item, region=city)
            item_done = True
        fell = next(
            (
                r
                for r in results.rows
                if r.change and r.change.significant and r.change.difference < 0
            ),
            None,
        )
        if fell is not None and not fall_done:
            region = city.children.get(code=fell.code)
            task_from_poll_fall(actor=quality, poll=poll, row=fell, region=region)
            fall_done = True
        if item_done and fall_done:
            break
    return int(item_done) + int(fall_done)
