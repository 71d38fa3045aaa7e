"""Supervision services: storing a plan read from its file (unit names matched to the register
and to the office's remembered aliases, "each county …" fanned out into one sub-task per unit,
the report-by cascade), and a task's steps — report (with supporting documents) → accept /
return, extensions, the lead unit's consolidated report. Every change is audited in the same
transaction and written into the task's history. Findings → tasks are in ``findings.py``."""

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
from minsheng.core.plans.parse import Plan as ParsedPlan
from minsheng.core.workdays.calendar import MAX_WORKING_DAYS, SHANGHAI
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
        alias, created = UnitAlias.objects.update_or_create(
            region=region,
            name=name.strip()[:200],
            defaults={
                "organisation": org,
                "created_by": person,
            },
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
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


def record_event(task: Task, actor: Any, action: str, note: str = "") -> TaskEvent:
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
    calendar = work_calendar()
    today = timezone.now().astimezone(SHANGHAI).date()
    for parsed, units in zip(preview.plan.tasks, preview.matched, strict=True):
        due = _date(parsed.due)
        if due is None and parsed.workdays:  # "15个工作日内": counted from today's storing
            due = calendar.add_working_days(today, min(parsed.workdays, MAX_WORKING_DAYS))
        carrier = units.leads[0] if units.leads else office
        task = Task.objects.create(
            plan=plan,
            number=parsed.number,
            title=parsed.title[:200],
            text=parsed.text,
            unit=carrier,
            region=carrier.region,
            due=due,
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
        record_event(task, actor, "created", "导入工作方案")
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
            record_event(child, actor, "created", "导入工作方案")
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
    event = record_event(task, actor, "reported", f"{note.strip()}（完成 {task.percent}%）")
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
    record_event(task, actor, "accepted" if accept else "returned", comment.strip())
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
    record_event(task, actor, "extension", f"申请延期至 {new_due:%Y-%m-%d}：{reason.strip()}")
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
        # Reminders start over for the new date, which also replaces a report-by date.
        task.due, task.alert, task.report_by = extension.new_due, Alert.NONE, None
        task.save(update_fields=["due", "alert", "report_by"])
    verdict = "同意延期" if grant else "不同意延期"
    record_event(
        task, actor, "extension", verdict + (f"：{comment.strip()}" if comment.strip() else "")
    )
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


@dataclass(frozen=True, slots=True)
class TargetIn:
    metric: str
    op: str
    value: float
    unit: str = ""


@transaction.atomic
def task_create(
    *,
    actor: Any,
    unit: Organisation,
    title: str,
    text: str,
    due: dt.date,
    today: dt.date,
    target: TargetIn | None = None,
) -> Task:
    """A task the office writes by hand, for one unit, with an optional measurable target."""
    if not title.strip():
        raise TaskError(_("请填写任务名称"))
    if due < today:
        raise TaskError(_("完成时限不能早于今天"))
    task = Task.objects.create(
        title=title.strip()[:200],
        text=text.strip(),
        unit=unit,
        region=unit.region,
        due=due,
        source=TaskSource.MANUAL,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if target is not None:
        Target.objects.create(
            task=task,
            metric=target.metric[:200],
            op=target.op,
            value=target.value,
            unit=target.unit[:10],
            due=due,
        )
    record_event(task, actor, "created", "手工创建")
    messages.tell_assigned([task])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=task,
        note="task by hand",
        region_code=unit.region.code,
    )
    return task
