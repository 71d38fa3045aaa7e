"""Supervision services: storing a plan read from its document (unit names matched to the
register, "each county …" fanned out into one sub-task per unit), tasks from findings, and the
report → accept / return steps. Every change is audited in the same transaction and written
into the task's history."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.evidence import MAX_FILES, Checked, EvidenceError, check_evidence
from minsheng.core.index.periods import Period, PeriodError
from minsheng.core.plans.parse import Plan as ParsedPlan
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.jobs.uploads import upload_store
from minsheng.orgs.models import Organisation, OrgKind, Region, RegionLevel
from minsheng.reviews.services.deadlines import work_calendar
from minsheng.supervision import messages
from minsheng.supervision.models import (
    Alert,
    Extension,
    ExtensionState,
    Plan,
    Target,
    Task,
    TaskEvent,
    TaskFile,
    TaskSource,
    TaskState,
    UnitAlias,
)

FINDING_DAYS = 15  # working days to act on a finding, as for a bad rating's rectification
# Unit classes a plan names instead of units: one sub-task per unit of the class.
FAN_OUT = (
    (re.compile(r"^各县(\(市、区\))?(人民)?政府$"), RegionLevel.COUNTY, OrgKind.GOVERNMENT),
    (
        re.compile(r"^各乡镇(\(街道\))?(人民)?(政府|办事处)?$"),
        RegionLevel.TOWNSHIP,
        OrgKind.GOVERNMENT,
    ),
)


class TaskError(Exception):
    """A step that is not allowed in the task's state (said in Chinese)."""


@dataclass(slots=True)
class Matched:
    """The units of one parsed task, matched to the register."""

    leads: list[Organisation] = field(default_factory=list)
    cooperating: list[Organisation] = field(default_factory=list)
    responsible: list[Organisation] = field(default_factory=list)


@dataclass(slots=True)
class Preview:
    plan: ParsedPlan
    matched: list[Matched]
    unmatched: list[str]  # names found in no form in the register (shown before storing)


def _match(
    name: str,
    region: Region,
    orgs: dict[str, Organisation],
    aliases: dict[str, Organisation] | None = None,
) -> list[Organisation] | None:
    for pattern, level, kind in FAN_OUT:
        if pattern.match(name):
            return list(
                Organisation.objects.filter(
                    kind=kind,
                    region__level=level,
                    is_active=True,
                    **region.subtree_filter("region__"),
                ).order_by("region__code")
            )
    candidates = [name]
    city = region.city or region
    if name.startswith("市") and city.name.endswith("市"):
        candidates.append(city.name[:-1] + name)  # "市教育体育局" in 清河市's plan
    if name.startswith("县") and region.level == RegionLevel.COUNTY:
        candidates.append(region.name[:-1] + name)
    for candidate in candidates:
        if candidate in orgs:
            return [orgs[candidate]]
    if aliases and name in aliases:
        return [aliases[name]]
    return None


def region_aliases(region: Region) -> dict[str, Organisation]:
    """The names the office matched by hand, from the region and the regions above it."""
    rows = UnitAlias.objects.filter(
        region_id__in=region.lineage_ids(), organisation__is_active=True
    ).select_related("organisation", "region")
    ordered = sorted(rows, key=lambda a: a.region.level)  # the nearest region wins
    return {a.name: a.organisation for a in ordered}


def aliases_save(choices: dict[str, int], *, region: Region, actor: Any) -> list[UnitAlias]:
    """Remember the office's matches (name → organisation of the region); returns them."""
    allowed = Organisation.objects.filter(is_active=True, **region.subtree_filter("region__"))
    found = {o.pk: o for o in allowed.filter(pk__in=set(choices.values()))}
    saved: list[UnitAlias] = []
    person = actor if getattr(actor, "is_authenticated", False) else None
    for name, org_id in choices.items():
        org = found.get(org_id)
        if org is None or not name.strip():
            continue
        alias, _created = UnitAlias.objects.update_or_create(
            region=region,
            name=name.strip()[:200],
            defaults={
                "organisation": org,
                "created_by": person,
            },
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=alias,
            note="unit alias",
            region_code=region.code,
        )
        saved.append(alias)
    return saved


def plan_preview(parsed: ParsedPlan, region: Region) -> Preview:
    """What storing would do: each task's units as organisations, and the names not found."""
    orgs = {
        o.name: o
        for o in Organisation.objects.filter(is_active=True, **region.subtree_filter("region__"))
    }
    aliases = region_aliases(region)
    matched: list[Matched] = []
    unmatched: list[str] = []
    for task in parsed.tasks:
        units = Matched()
        for names, into in (
            (task.lead, units.leads),
            (task.cooperating, units.cooperating),
            (task.responsible, units.responsible),
        ):
            for name in names:
                found = _match(name, region, orgs, aliases)
                if found is None:
                    if name not in unmatched:
                        unmatched.append(name)
                else:
                    into.extend(o for o in found if o not in into)
        matched.append(units)
    return Preview(parsed, matched, unmatched)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _event(task: Task, actor: Any, action: str, note: str = "") -> TaskEvent:
    return TaskEvent.objects.create(
        task=task,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=str(getattr(actor, "display_name", "") or actor or "系统")[:150],
        action=action,
        note=note,
    )


@transaction.atomic
def plan_store(preview: Preview, *, office: Organisation, region: Region, actor: Any) -> Plan:
    """Store the previewed plan: a task per parsed task carried by its first lead unit, and one
    sub-task per responsible unit. Names that matched nothing are left out (the preview showed
    them)."""
    rules = [
        {"from": r.source, "to": r.to, "due": r.due, "rule": r.rule} for r in preview.plan.reports
    ]
    plan = Plan.objects.create(
        title=preview.plan.title[:200] or "工作方案",
        region=region,
        office=office,
        reports=rules,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # The cascade: responsible units report to their lead by one date, leads to the office by
    # a later one (the first dated rule of each).
    to_lead = next(
        (_date(r.due) for r in preview.plan.reports if r.source == "responsible" and r.due), None
    )
    to_office = next(
        (_date(r.due) for r in preview.plan.reports if r.source == "lead" and r.due), None
    )
    made: list[Task] = []
    for parsed, units in zip(preview.plan.tasks, preview.matched, strict=True):
        carrier = units.leads[0] if units.leads else office
        task = Task.objects.create(
            plan=plan,
            number=parsed.number,
            title=parsed.title[:200],
            text=parsed.text,
            unit=carrier,
            region=carrier.region,
            due=_date(parsed.due),
            report_by=to_office,
            source=TaskSource.PLAN,
            created_by=plan.created_by,
        )
        task.leads.set(units.leads)
        task.cooperating.set(units.cooperating)
        Target.objects.bulk_create(
            Target(
                task=task,
                metric=t.metric[:200],
                op=t.op,
                value=t.value,
                unit=t.unit,
                due=_date(t.due),
            )
            for t in parsed.targets
        )
        _event(task, actor, "created", "导入工作方案")
        made.append(task)
        for unit in units.responsible:
            child = Task.objects.create(
                plan=plan,
                parent=task,
                number=parsed.number,
                title=parsed.title[:200],
                text=parsed.text,
                unit=unit,
                region=unit.region,
                due=task.due,
                report_by=to_lead,
                source=TaskSource.PLAN,
                created_by=plan.created_by,
            )
            _event(child, actor, "created", "导入工作方案")
            made.append(child)
    messages.tell_assigned(made)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=plan,
        note=f"plan imported: {len(preview.plan.tasks)} tasks",
        region_code=region.code,
    )
    return plan


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
) -> Task:
    """The one way a finding (an indicator warning, a poll item to improve, …) becomes a task:
    for ``unit``, due in 15 working days, the finding kept as it was. The same finding twice
    (``key``) gives the task already made."""
    existing = Task.objects.filter(source_key=key).first()
    if existing is not None:
        return existing
    due = work_calendar().due(timezone.now(), FINDING_DAYS).astimezone(SHANGHAI).date()
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
    )
    _event(task, actor, "created", message)
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
    """A task on a confirmed integrity finding (ratings gamed at a centre): for the government
    of the centre's region, which runs the centre."""
    from minsheng.reviews.models import FlagStatus

    if flag.status != FlagStatus.CONFIRMED:
        raise TaskError(_("只有确认异常的线索可以转为督办任务"))
    centre = flag.centre
    unit = region_government(centre.region) or centre
    return task_from_finding(
        actor=actor,
        source=TaskSource.INTEGRITY,
        key=f"integrity:{flag.pk}",
        region=centre.region,
        unit=unit,
        title=f"{centre.name}评价异常整改（{kind_label}）",
        message=f"{flag.month} {centre.name}：{message}",
        evidence={
            "flag": flag.pk,
            "kind": flag.kind,
            "centre": centre.pk,
            "month": flag.month,
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


def _checked_files(files: list[tuple[str, bytes]]) -> list[tuple[Checked, bytes]]:
    if len(files) > MAX_FILES:
        raise TaskError(_("每次最多上传 %(n)s 个附件") % {"n": MAX_FILES})
    try:
        return [(check_evidence(name, data), data) for name, data in files]
    except EvidenceError as exc:
        raise TaskError(str(exc)) from None


@transaction.atomic
def task_report(
    task: Task,
    *,
    actor: Any,
    note: str,
    percent: int,
    files: list[tuple[str, bytes]] | None = None,
) -> Task:
    """The unit reports progress, with supporting documents (checked before anything is kept;
    a refused file stores nothing)."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.state not in (TaskState.ASSIGNED, TaskState.RETURNED):
        raise TaskError(_("任务已报送或已办结，不能再报送"))
    if not note.strip():
        raise TaskError(_("请填写进展情况"))
    checked = _checked_files(files or [])
    before = {"state": task.state, "percent": task.percent}
    task.state, task.percent = TaskState.REPORTED, max(0, min(100, percent))
    task.save(update_fields=["state", "percent"])
    event = _event(task, actor, "reported", f"{note.strip()}（完成 {task.percent}%）")
    written: list[str] = []
    try:
        for info, data in checked:
            written.append(upload_store(data, prefix=f"task{task.pk}", kept=True))
            TaskFile.objects.create(
                task=task,
                event=event,
                name=info.name,
                content_type=info.content_type,
                size=info.size,
                path=written[-1],
                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except BaseException:
        for path in written:
            Path(path).unlink(missing_ok=True)
        raise
    messages.tell_reported(task)
    audit_record(
        actor=actor,
        action=AuditAction.STATE,
        obj=task,
        before=before,
        after={"state": task.state, "percent": task.percent},
        region_code=task.region.code,
    )
    return task


@transaction.atomic
def task_decide(task: Task, *, actor: Any, accept: bool, comment: str) -> Task:
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.state != TaskState.REPORTED:
        raise TaskError(_("只有已报送的任务可以办结或退回"))
    if not accept and not comment.strip():
        raise TaskError(_("退回时请写明原因"))
    before = {"state": task.state}
    task.state = TaskState.ACCEPTED if accept else TaskState.RETURNED
    task.save(update_fields=["state"])
    _event(task, actor, "accepted" if accept else "returned", comment.strip())
    messages.tell_decided(task, accept, comment.strip())
    audit_record(
        actor=actor,
        action=AuditAction.STATE,
        obj=task,
        before=before,
        after={"state": task.state},
        region_code=task.region.code,
    )
    return task


@transaction.atomic
def extension_request(task: Task, *, actor: Any, new_due: dt.date, reason: str) -> Extension:
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.state not in (TaskState.ASSIGNED, TaskState.RETURNED):
        raise TaskError(_("只有办理中的任务可以申请延期"))
    if not reason.strip():
        raise TaskError(_("请写明延期理由"))
    if task.due is not None and new_due <= task.due:
        raise TaskError(_("申请的日期须晚于现在的完成时限"))
    if task.extensions.filter(state=ExtensionState.PENDING).exists():
        raise TaskError(_("已有一份延期申请在等待批复"))
    extension = Extension.objects.create(
        task=task,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        due_before=task.due,
        new_due=new_due,
        reason=reason.strip(),
    )
    _event(task, actor, "extension", f"申请延期至 {new_due:%Y-%m-%d}：{reason.strip()}")
    messages.tell_extension(task, requested=True)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=extension,
        note="extension requested",
        region_code=task.region.code,
    )
    return extension


@transaction.atomic
def extension_decide(extension: Extension, *, actor: Any, grant: bool, comment: str) -> Extension:
    extension = Extension.objects.select_for_update().select_related("task").get(pk=extension.pk)
    if extension.state != ExtensionState.PENDING:
        raise TaskError(_("这份延期申请已批复"))
    if not grant and not comment.strip():
        raise TaskError(_("不同意时请写明原因"))
    task = extension.task
    extension.state = ExtensionState.GRANTED if grant else ExtensionState.REFUSED
    extension.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    extension.decided_at = timezone.now()
    extension.comment = comment.strip()
    extension.save()
    before = {"due": task.due.isoformat() if task.due else None, "alert": task.alert}
    if grant:
        # Reminders start over for the new date.
        task.due, task.alert = extension.new_due, Alert.NONE
        task.save(update_fields=["due", "alert"])
    verdict = "同意延期" if grant else "不同意延期"
    _event(task, actor, "extension", verdict + (f"：{comment.strip()}" if comment.strip() else ""))
    messages.tell_extension(task, requested=False, granted=grant, reason=comment.strip())
    audit_record(
        actor=actor,
        action=AuditAction.STATE,
        obj=task,
        before=before,
        after={"due": task.due.isoformat() if task.due else None, "alert": task.alert},
        note="extension granted" if grant else "extension refused",
        region_code=task.region.code,
    )
    return extension


def consolidated_note(parent: Task) -> str:
    """The lead unit's report drafted from its responsible units' latest reports."""
    lines = ["各责任单位报送情况："]
    children = parent.children.select_related("unit").order_by("unit__region__code", "pk")
    latest = {
        e.task_id: e
        for e in TaskEvent.objects.filter(task__parent=parent, action="reported").order_by("at")
    }
    for child in children:
        event = latest.get(child.pk)
        state = child.get_state_display()
        lines.append(
            f"{child.unit.name}（{state}）：{event.note}"
            if event
            else f"{child.unit.name}：尚未报送"
        )
    return "\n".join(lines)
