"""Publication (公开): the office makes a confirmed ranking, a poll's county results or an action
plan's progress public. What is published is a snapshot taken then (the page may change later;
the publication does not), with its date; withdrawing hides it again. Audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from minsheng.assess.models import Run
from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.index.periods import Period
from minsheng.core.reports.content import Table
from minsheng.orgs.models import Region
from minsheng.polls.models import Poll
from minsheng.polls.results import poll_results
from minsheng.reports.models import Publication, PublicationKind
from minsheng.supervision.board import tally
from minsheng.supervision.models import Plan, Task


class PublishError(ValueError):
    """Cannot be published (the message is for the user)."""


def ranking_snapshot(run: Run) -> tuple[str, str, Table]:
    if run.confirmed_at is None:
        raise PublishError("考核结果确认后才能公开")
    label = Period.parse(run.period).label
    rows = run.results
    summary = (
        f"{run.scheme.name}{label}共考核{len(rows)}个单位，"
        f"第一名{rows[0]['name']}（{rows[0]['total']:.2f}分）。" if rows else "没有考核结果。"
    )  # fmt: skip
    table = Table(
        "", ["排名", "单位", "总分", "等次"],
        [[str(r["rank"]), r["name"], f"{r['total']:.2f}", r["grade"]] for r in rows],
        [True, False, True, False],
    )  # fmt: skip
    return f"{run.scheme.name}（{label}）考核结果", summary, table


def poll_snapshot(poll: Poll) -> tuple[str, str, Table]:
    results = poll_results(poll, "county")
    if results.overall is None:
        raise PublishError("这轮测评还没有结果")
    ranked = [r for r in results.rows if r.rank.ranked]
    summary = (
        f"{poll.name}共调查{results.n}人，总体满意度{results.overall.estimate:.2f}分"
        + (f"，满意率{results.satisfied.estimate * 100:.1f}%" if results.satisfied else "")
        + "。"
    )
    table = Table(
        "", ["排名", "县（市、区）", "满意度得分", "95% 置信区间"],
        [[str(r.rank.rank), r.name, f"{r.score:.2f}", f"{r.ci_low:.2f}–{r.ci_high:.2f}"]
         for r in ranked],
        [True, False, True, True],
    )  # fmt: skip
    return f"{poll.name}（{poll.round}）县级结果", summary, table


def plan_snapshot(plan: Plan) -> tuple[str, str, Table]:
    tasks = Task.objects.filter(plan=plan, parent__isnull=True).select_related("unit")
    counted = tally(Task.objects.filter(plan=plan), timezone.localdate())
    rate = counted.on_time_rate
    summary = (
        f"《{plan.title}》共{counted.tasks}项任务，已办结{counted.accepted}项"
        + (f"，按时办结率{rate * 100:.1f}%" if rate is not None else "")
        + "。"
    )
    table = Table(
        "", ["序号", "任务", "牵头单位", "完成时限", "进展"],
        [[t.number or str(k), t.title, t.unit.name,
          f"{t.due.year}年{t.due.month}月{t.due.day}日" if t.due else "—",
          f"{t.get_state_display()}（{t.percent}%）"]
         for k, t in enumerate(tasks.order_by("number", "pk"), start=1)],
        [False, False, False, False, False],
    )  # fmt: skip
    return f"{plan.title}落实进展", summary, table


def index_snapshot(region: Region, period: Period) -> tuple[str, str, Table]:
    """The level index ranking of the region's child regions, as the ranking page shows it."""
    from minsheng.indicators.results import rank_rows
    from minsheng.indicators.selectors import index_result

    children = list(Region.objects.filter(parent=region).order_by("code"))
    if not children:
        raise PublishError("这个地区没有下级地区")
    rows = [
        r
        for r in rank_rows(index_result(children, period), {c.code for c in children})
        if r.index is not None
    ]
    if not rows:
        raise PublishError(f"{period.label}还没有指标监测结果")
    table = Table(
        "", ["排名", "地区", "水平指数", "达标指标"],
        [[str(r.rank), r.name, f"{r.index:.2f}", f"{r.met}/{r.indicators}"] for r in rows],
        [True, False, True, True],
    )  # fmt: skip
    summary = f"{region.name}各下级地区{period.label}公共服务水平指数，第一名{rows[0].name}。"
    return f"{region.name}公共服务水平指数排名（{period.label}）", summary, table


@transaction.atomic
def publish(
    *, actor: Any, region: Any, kind: str, source: str, snapshot: tuple[str, str, Table]
) -> Publication:
    """A new publication (the earlier one of the same source is withdrawn: one current each)."""
    if kind not in PublicationKind.values:
        raise PublishError("未知的发布类型")
    title, summary, table = snapshot
    Publication.objects.filter(region=region, source=source, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    item = Publication.objects.create(
        region=region, kind=kind, source=source, title=title[:200], summary=summary,
        table=table.as_json(),
        published_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=item, note="published",
        region_code=region.code,
    )  # fmt: skip
    return item


@transaction.atomic
def withdraw(*, actor: Any, item: Publication) -> None:
    if item.withdrawn_at is None:
        item.withdrawn_at = timezone.now()
        item.save(update_fields=["withdrawn_at"])
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=item, note="withdrawn",
            region_code=item.region.code,
        )  # fmt: skip
