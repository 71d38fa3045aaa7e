"""Findings → tasks: the one service every capability hands its findings to
(``task_from_finding``), and its callers — an indicator warning, a poll item to improve, an
overdue or repeated bad-rating case, a confirmed integrity finding, a hall metric below its
target. Each task is for the unit that must act, due in 15 working days, with the finding
kept as it was (``evidence``); the same finding twice gives the task already made."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.models import Role
from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.index.periods import Period, PeriodError
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.notify.models import Kind
from minsheng.orgs.models import Organisation, OrgKind, Region, RegionLevel
from minsheng.reviews.services.deadlines import work_calendar
from minsheng.supervision import messages
from minsheng.supervision.models import Alert, Task, TaskSource
from minsheng.supervision.services import TaskError, record_event

FINDING_DAYS = 15  # working days to act on a finding, as for a bad rating's rectification


def region_government(region: Region) -> Organisation | None:
    return (
        Organisation.objects.filter(region=region, kind=OrgKind.GOVERNMENT, is_active=True)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def task_from_finding(
    *,
    actor: Any,
    source: str,
    key: str,
    region: Region,
    unit: Organisation,
    title: str,
    message: str,
    evidence: dict[str, Any],
    days: int = FINDING_DAYS,
    escalated: bool = False,
) -> Task:
    """The one way a finding (an indicator warning, a poll item to improve, …) becomes a task:
    for ``unit``, due in 15 working days, the finding kept as it was. The same finding twice
    (``key``) gives the task already made."""
    existing = Task.objects.filter(source_key=key).first()
    if existing is not None:
        return existing
    due = work_calendar().due(timezone.now(), days).astimezone(SHANGHAI).date()
    task = Task.objects.create(
        title=title[:200],
        text=message,
        unit=unit,
        region=region,
        due=due,
        source=source,
        source_key=key[:200],
        evidence=evidence,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        alert=Alert.ESCALATED if escalated else Alert.NONE,
    )
    record_event(task, actor, "created", message)
    messages.tell_assigned([task])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=task,
        note=f"task from {source}",
        region_code=region.code,
    )
    return task


REPEAT_DAYS = 90  # a case is "repeated" when its department had another on the item within


def case_reason(case: Any, now: dt.datetime | None = None) -> str:
    """Why a bad-rating case may be handed to supervision ("" when it may not): overdue, or
    repeated (another case on the same item at the same department within 90 days)."""
    from minsheng.reviews.models import RectificationCase
    from minsheng.reviews.services.cases import overdue

    if overdue(case, now):
        return _("逾期未整改")
    rating = case.rating
    if rating.service_item_id is not None:
        since = rating.rated_at - dt.timedelta(days=REPEAT_DAYS)
        others = RectificationCase.objects.filter(
            department_id=case.department_id,
            rating__service_item_id=rating.service_item_id,
            rating__rated_at__gte=since,
            rating__rated_at__lte=rating.rated_at,
        ).exclude(pk=case.pk)
        if others.exists():
            return _("%(n)s 日内同一事项重复差评") % {"n": REPEAT_DAYS}
    return ""


def task_from_case(*, actor: Any, case: Any) -> Task:
    """A task for the rated department on an overdue or repeated bad-rating case; the case
    and the department's bad-rating figures of its month are kept as they were."""
    reason = case_reason(case)
    if not reason:
        raise TaskError(_("只有逾期或重复的差评案件可以转为督办任务"))
    rating = case.rating
    department = case.department
    month = rating.rated_at.astimezone(SHANGHAI).strftime("%Y-%m")
    item = rating.service_item.name if rating.service_item_id else "未登记事项"
    message = f"{department.name}“{item}”差评（办件 {rating.case_no}）{reason}"
    return task_from_finding(
        actor=actor,
        source=TaskSource.CASE,
        key=f"case:{case.pk}",
        region=department.region,
        unit=department,
        title=f"{department.name}差评整改督办（{item}）",
        message=message,
        evidence={
            "case": case.pk,
            "case_no": rating.case_no,
            "department": department.pk,
            "month": month,
            "reason": reason,
            "message": message,
        },
    )


def task_from_flag(*, actor: Any, flag: Any, kind_label: str, message: str) -> Task:
    """A task on a confirmed integrity finding: ratings gamed at a centre (for the government
    of the centre's region, which runs the centre), a poll's fieldwork (for the government of
    the poll's region, which commissioned it) or a region's reported figures (for that region's
    government)."""
    from minsheng.reviews.models import FlagStatus

    if flag.status != FlagStatus.CONFIRMED:
        raise TaskError(_("只有确认异常的线索可以转为督办任务"))
    centre = flag.centre
    region = centre.region if centre is not None else flag.region
    unit = region_government(region) or centre
    if unit is None:
        raise TaskError(_("这个地区没有可承办的单位（政府）"))
    name = flag.place
    title = {
        "ratings": "评价异常整改",
        "polls": "调查过程核查整改",
        "indicators": "统计数据核查整改",
    }
    return task_from_finding(
        actor=actor,
        source=TaskSource.INTEGRITY,
        key=f"integrity:{flag.pk}",
        region=region,
        unit=unit,
        title=f"{name}{title.get(flag.domain, '数据异常整改')}（{kind_label}）",
        message=f"{flag.month} {name}：{message}",
        evidence={
            "flag": flag.pk,
            "domain": flag.domain,
            "kind": flag.kind,
            "centre": centre.pk if centre is not None else None,
            "region": region.code,
            "source": flag.source,
            "unit": flag.unit,
            "month": flag.month,
            "message": message,
        },
    )


def task_from_hall(
    *, actor: Any, region: Region, metric: str, label: str, value: float, target: float, year: int
) -> Task:
    """A task for the region's government on a hall metric below its target (大厅指标未达标):
    one per region, metric and year."""
    unit = region_government(region)
    if unit is None:
        raise TaskError(_("这个地区没有可承办的单位（政府）"))
    if value >= target:
        raise TaskError(_("这项指标已达到目标"))
    message = (
        f"{region.name}{label}为 {value * 100:.1f}%，低于 {year} 年度目标 {target * 100:.0f}%。"
    )
    return task_from_finding(
        actor=actor,
        source=TaskSource.HALL,
        key=f"hall:{region.code}:{metric}:{year}",
        region=region,
        unit=unit,
        title=f"{region.name}{label}未达标整改（{year}年）",
        message=message,
        evidence={
            "region": region.code,
            "metric": metric,
            "label": label,
            "value": value,
            "target": target,
            "year": year,
            "message": message,
        },
    )


def task_from_trigger(
    *,
    actor: Any,
    run: Any,
    region: Region,
    trigger: str,
    consequence: str,
    department: Organisation | None = None,
) -> Task:
    """A rectification task for a unit an assessment trigger fired on (考核问责): for the
    region's government, or the assessed department itself; one per run, unit and trigger."""
    unit = department or region_government(region)
    if unit is None:
        raise TaskError(_("这个地区没有可承办的单位（政府）"))
    code = department.key if department is not None else region.code
    name = department.name if department is not None else region.name
    row = next((r for r in run.results if r["unit"] == code), None)
    if row is None or trigger not in row["triggers"]:
        raise TaskError(_("这个单位没有触发这项问责"))
    what = consequence or trigger
    message = (
        f"{run.scheme.name}{_period_label(run.period)}：{name}总分 {row['total']:.2f}，"
        f"排名第 {row['rank']} 位，触发“{trigger}”（{what}），请制定整改措施并按期报送。"
    )
    return task_from_finding(
        actor=actor,
        source=TaskSource.ASSESS,
        key=f"assess:{run.pk}:{code}:{trigger}",
        region=region,
        unit=unit,
        title=f"{name}考核问责整改（{what}）",
        message=message,
        evidence={
            "run": run.pk,
            "scheme": run.scheme_id,
            "period": run.period,
            "unit": code,
            "trigger": trigger,
            "total": row["total"],
            "rank": row["rank"],
            "message": message,
        },
    )


def _period_label(period: str) -> str:
    try:
        return f"（{Period.parse(period).label}）"
    except PeriodError:
        return ""


def task_from_warning(
    *, actor: Any, region: Region, indicator: Any, rule: str, period: str, message: str
) -> Task:
    """A task for the region's government (or the indicator's lead department when the region
    is the city itself) to act on an indicator warning."""
    unit = region_government(region)
    if unit is None or (region.level == RegionLevel.CITY and indicator is not None):
        unit = getattr(indicator, "lead_department", None) or unit
    if unit is None:
        raise TaskError(_("这个地区没有可承办的单位（政府或牵头部门）"))
    name = indicator.name if indicator is not None else "水平指数"
    return task_from_finding(
        actor=actor,
        source=TaskSource.WARNING,
        key=f"warning:{region.code}:{indicator.code if indicator else ''}:{rule}:{period}",
        region=region,
        unit=unit,
        title=f"{region.name}{name}预警整改{_period_label(period)}",
        message=message,
        evidence={
            "period": period,
            "rule": rule,
            "message": message,
            "region": region.code,
            "indicator": indicator.code if indicator else "",
        },
    )


def task_from_poll_item(*, actor: Any, poll: Any, item: Any, region: Region) -> Task:
    """A task to improve a poll item in the "优先改进" quadrant (important, scored low): for the
    organisation the item rates when it names one, else the region's government."""
    unit = (
        Organisation.objects.filter(name=item.department, is_active=True).first()
        if item.department
        else None
    ) or region_government(region)
    if unit is None:
        raise TaskError(_("这个地区没有可承办的单位（政府或牵头部门）"))
    message = (
        f"{poll.name}：“{item.text}”得分 {item.score:.1f}"
        f"（95%置信区间 {item.ci_low:.1f}–{item.ci_high:.1f}），重要性高、表现低，列为优先改进"
    )
    return task_from_finding(
        actor=actor,
        source=TaskSource.POLL,
        key=f"poll:{poll.pk}:{item.code}:{region.code}",
        region=region,
        unit=unit,
        title=f"{region.name}“{item.text}”满意度提升"[:200],
        message=message,
        evidence={
            "poll": poll.pk,
            "round": poll.round,
            "item": item.code,
            "text": item.text,
            "region": region.code,
            "score": item.score,
            "se": item.se,
            "message": message,
        },
    )


def task_from_poll_fall(*, actor: Any, poll: Any, row: Any, region: Region) -> Task:
    """A task for a county whose poll score fell beyond sampling error since the last round."""
    unit = region_government(region)
    if unit is None:
        raise TaskError(_("这个地区没有可承办的单位（政府或牵头部门）"))
    message = (
        f"{poll.name}：{region.name}得分 {row.score:.1f}，较上轮下降 "
        f"{abs(row.change.difference):.1f}（超出抽样误差）"
    )
    return task_from_finding(
        actor=actor,
        source=TaskSource.POLL,
        key=f"poll-fall:{poll.pk}:{region.code}",
        region=region,
        unit=unit,
        title=f"{region.name}群众满意度回升",
        message=message,
        evidence={
            "poll": poll.pk,
            "round": poll.round,
            "region": region.code,
            "score": row.score,
            "se": row.se,
            "message": message,
        },
    )


REPEATED_DAYS = 10  # working days for a finding the site was told about before (屡查屡犯)


def task_from_inspection(*, actor: Any, visit: Any, repeated: frozenset[str]) -> Task:
    """A rectification task for an inspection visit's findings (明察暗访发现问题): for the
    government of the site's region, one per visit. A finding the site already had on an earlier
    visit is 屡查屡犯: the task starts escalated, is due sooner, and the region's leaders hear."""
    from minsheng.core.inspect.checklist import failed, parse_items

    site = visit.site
    unit, region = None, site.region
    while unit is None and region is not None:  # a village centre answers to its township
        unit = region_government(region)
        region = region.parent if unit is None else region
    if unit is None or region is None:
        raise TaskError(_("这个地区没有可承办的单位（政府）"))
    fails = failed(parse_items(visit.plan.items), visit.results)
    if not fails:
        raise TaskError(_("这次检查没有发现问题"))
    again = [i for i in fails if i.code in repeated]
    lines = [
        f"{n}. {i.text}：{visit.notes.get(i.code, '')}" + ("（屡查屡犯）" if i in again else "")
        for n, i in enumerate(fails, start=1)
    ]
    when = visit.visited_at.astimezone(SHANGHAI) if visit.visited_at else None
    kind = "暗访" if visit.unannounced else "检查"
    message = (
        f"{visit.plan.name}{kind}{site.name}"
        + (f"（{when:%Y年%m月%d日}）" if when else "")
        + f"，发现问题 {len(fails)} 个：\n"
        + "\n".join(lines)
        + "\n请限期整改并报送整改情况。"
    )
    key = f"inspection:{visit.pk}"
    known = Task.objects.filter(source_key=key).exists()
    task = task_from_finding(
        actor=actor,
        source=TaskSource.INSPECTION,
        key=key,
        region=region,
        unit=unit,
        title=f"{site.name}明察暗访问题整改" + ("（屡查屡犯）" if again else ""),
        message=message,
        evidence={
            "visit": visit.pk,
            "plan": visit.plan_id,
            "site": site.pk,
            "failed": [i.code for i in fails],
            "repeated": [i.code for i in again],
            "score": visit.score,
            "message": message,
        },
        days=REPEATED_DAYS if again else FINDING_DAYS,
        escalated=bool(again),
    )
    if again and not known:
        messages.tell_region([task], Role.LEADER, Kind.TASK_ESCALATED, "屡查屡犯问题升级督办")
    return task


def task_from_hotline(
    *,
    actor: Any,
    city: Region,
    key: str,
    title: str,
    message: str,
    evidence: dict[str, Any],
    unit: Organisation | None = None,
) -> Task:
    """A hotline hot spot or the month's theme (每月一题) as a task: for the category's default
    unit when it has one, else the city's government; one per finding."""
    target = unit or region_government(city)
    if target is None:
        raise TaskError(_("这个地区没有可承办的单位（政府）"))
    return task_from_finding(
        actor=actor, source=TaskSource.HOTLINE, key=f"hotline:{key}", region=city, unit=target,
        title=title, message=message, evidence={**evidence, "message": message},
    )  # fmt: skip
