"""Saving a scheme (its rules checked by the core parser and limited to the components the
platform can supply for its units), running it for a period over its units (the region's child
regions or its departments), confirming a run (frozen from then on). Audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.assess.models import (
    Adjustment,
    AdjustmentKind,
    ExpertScore,
    Run,
    Scheme,
    Talk,
    UnitKind,
)
from minsheng.assess.sources import (
    COMPONENTS,
    DEDUCTIONS,
    DEPARTMENT_COMPONENTS,
    DEPARTMENT_DEDUCTIONS,
    components,
)
from minsheng.assess.units import unit_in, units_of
from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.assess.engine import Entry, assess
from minsheng.core.assess.scheme import SchemeError, parse_scheme
from minsheng.core.assess.uncertainty import rank_intervals
from minsheng.core.index.periods import Period
from minsheng.orgs.models import Region

RANK_DRAWS = 1000  # draws behind a run's rank intervals


class RunError(ValueError):
    """A run that cannot be made or changed (the message is for the user)."""


def check_rules(rules: Any, units: str = UnitKind.REGIONS) -> None:
    """``SchemeError`` unless the rules parse and use only components the platform supplies
    for the scheme's kind of unit."""
    scheme = parse_scheme(rules)
    departments = units == UnitKind.DEPARTMENTS
    offered = DEPARTMENT_COMPONENTS if departments else COMPONENTS
    unknown = [c for c in scheme.components if c not in offered]
    if unknown:
        whose = "部门考核" if departments else "平台"
        raise SchemeError(
            f"{whose}不能提供组成部分 {'、'.join(unknown)}（可用：{'、'.join(offered)}）"
        )
    counted = DEPARTMENT_DEDUCTIONS if departments else tuple(DEDUCTIONS)
    strange = [d for d in scheme.deductions if d not in counted]
    if strange:
        raise SchemeError(f"不能统计扣分来源 {'、'.join(strange)}（可用：{'、'.join(counted)}）")


@transaction.atomic
def scheme_save(
    *,
    actor: Any,
    region: Region,
    year: int,
    name: str,
    rules: Any,
    scheme: Scheme | None = None,
    assessors: list[str] | None = None,
    units: str | None = None,
) -> Scheme:
    """Save the scheme; ``assessors``: the user names of its 专业评价 assessors (people of the
    region's organisations), when given; ``units``: whom it assesses (``UnitKind``; kept when
    not given, child regions for a new scheme)."""
    kind = units or (scheme.units if scheme is not None else UnitKind.REGIONS)
    if kind not in UnitKind.values:
        raise SchemeError("请选择考核对象：下级地区或本级部门")
    if scheme is not None and scheme.pk and kind != scheme.units and scheme.runs.exists():
        raise SchemeError("方案已有考核结果，不能再改变考核对象")
    check_rules(rules, kind)
    chosen: list[User] = []
    if assessors is not None:
        found = {
            u.username: u
            for u in User.objects.filter(
                username__in=assessors, is_active=True,
                **region.subtree_filter("organisation__region__"),
            )
        }  # fmt: skip
        missing = [n for n in assessors if n not in found]
        if missing:
            raise SchemeError(f"本地区没有用户 {'、'.join(missing)}")
        chosen = [found[n] for n in assessors]
    if not name.strip():
        raise SchemeError("方案名称不能为空")
    if len(name.strip()) > 100:
        raise SchemeError("方案名称超过 100 个字符")
    person = actor if getattr(actor, "is_authenticated", False) else None
    if scheme is None:
        scheme = Scheme(region=region)
    clash = Scheme.objects.filter(region=region, year=year, name=name.strip())
    if clash.exclude(pk=scheme.pk).exists():
        raise SchemeError(f"{year} 年已有名为“{name.strip()}”的方案")
    scheme.year, scheme.name, scheme.rules, scheme.updated_by = year, name.strip(), rules, person
    scheme.units = kind
    scheme.save()
    if assessors is not None:
        scheme.assessors.set(chosen)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=scheme, region_code=region.code)
    return scheme


@transaction.atomic
def run_compute(*, actor: Any, scheme: Scheme, period: Period) -> Run:
    """A run of the scheme over its units for ``period`` from the platform's figures."""
    parsed = parse_scheme(scheme.rules)
    units = units_of(scheme)
    if not units:
        raise RunError(
            "这个地区没有可以考核的部门"
            if scheme.units == UnitKind.DEPARTMENTS
            else "这个地区没有下级地区可以考核"
        )
    names = {u.code: u.name for u in units}
    values = components(
        units, period, set(parsed.components), scheme_id=scheme.pk, deductions=parsed.deductions
    )
    entries = [
        Entry(code, str(period), component, value)
        for code, found in values.items()
        for component, value in found.items()
    ]
    entries += [
        Entry(a.unit, str(period), f"{a.kind}:{a.reason}", 1.0 if a.kind == "veto" else a.points)
        for a in Adjustment.objects.filter(scheme=scheme, period=str(period), unit__in=names)
    ]
    results = assess(parsed, entries).get(str(period), [])
    errors = {
        (e.unit, e.component.partition(":")[2]): e.value
        for e in entries
        if e.component.startswith("se:")
    }
    if errors and results:
        intervals = rank_intervals(parsed, results, errors, draws=RANK_DRAWS)
        for r in results:
            r.rank_interval = intervals[r.unit]
    person = actor if getattr(actor, "is_authenticated", False) else None
    run = Run.objects.create(
        scheme=scheme,
        period=str(period),
        rules=scheme.rules,
        results=[
            {
                **r.as_json(),
                "name": names.get(r.unit, r.unit),
                "components": {k: round(v, 4) for k, v in r.components.items()},
                "deductions": {k: round(v, 4) for k, v in r.deductions.items()},
                "bonuses": {k: round(v, 4) for k, v in r.bonuses.items()},
                "vetoes": list(r.vetoes),
            }
            for r in results
        ],
        computed_by=person,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=run,
        note=f"assessment run {period}: {len(results)} units",
        region_code=scheme.region.code,
    )
    return run


@transaction.atomic
def run_confirm(*, actor: Any, run: Run) -> Run:
    if run.confirmed_at is not None:
        raise RunError("这次考核结果已经确认")
    run.confirmed_at = timezone.now()
    run.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    run.save(update_fields=["confirmed_at", "confirmed_by"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=run,
        note="assessment confirmed",
        region_code=run.scheme.region.code,
    )
    return run


def _consequence(run: Run, trigger: str) -> str:
    for t in run.rules.get("triggers", []):
        if t.get("name") == trigger:
            return str(t.get("consequence", ""))
    return ""


def trigger_task(*, actor: Any, run: Run, unit: str, trigger: str) -> Any:
    """The rectification task of a trigger fired on ``unit`` in a confirmed run."""
    from minsheng.supervision.findings import task_from_trigger

    if run.confirmed_at is None:
        raise RunError("考核结果确认后才能问责")
    found = unit_in(run.scheme, unit)
    if found is None:
        raise RunError("这个单位不在考核范围内")
    return task_from_trigger(
        actor=actor, run=run, region=found.region, trigger=trigger,
        consequence=_consequence(run, trigger), department=found.department,
    )  # fmt: skip


@transaction.atomic
def talk_record(*, actor: Any, run: Run, unit: str, trigger: str, values: dict[str, Any]) -> Talk:
    """Record a consequence carried out (约谈 …) with its rectification task."""
    task = trigger_task(actor=actor, run=run, unit=unit, trigger=trigger)
    row = next(r for r in run.results if r["unit"] == unit)
    talk = Talk.objects.create(
        run=run, unit=unit, unit_name=row["name"], trigger=trigger, task=task,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None, **values,
    )  # fmt: skip
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=talk, region_code=run.scheme.region.code
    )
    return talk


@transaction.atomic
def expert_scores_save(
    *, actor: Any, scheme: Scheme, period: Period, scores: dict[str, tuple[float, str]]
) -> int:
    """The assessor's own scores ({unit code: (score 0–100, reason)}) for the period; a score
    needs its reason; the assessor must be one the scheme names. Returns how many were saved."""
    if not getattr(actor, "pk", None) or not scheme.assessors.filter(pk=actor.pk).exists():
        raise RunError("只有方案指定的评价人可以评分")
    units = {u.code: u.name for u in units_of(scheme)}
    for unit, (score, reason) in scores.items():
        if unit not in units:
            raise RunError(f"{unit} 不在考核范围内")
        if not 0 <= score <= 100:
            raise RunError(f"{units[unit]}的得分须在 0 到 100 之间")
        if not reason.strip():
            raise RunError(f"{units[unit]}的评分须写明理由")
    for unit, (score, reason) in scores.items():
        ExpertScore.objects.update_or_create(
            scheme=scheme, period=str(period), unit=unit, assessor=actor,
            defaults={"score": score, "reason": reason.strip()},
        )  # fmt: skip
    if scores:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=scheme,
            note=f"expert scores {period}: {len(scores)} units",
            region_code=scheme.region.code,
        )
    return len(scores)


@transaction.atomic
def adjustment_record(
    *,
    actor: Any,
    scheme: Scheme,
    period: Period,
    unit: str,
    kind: str,
    reason: str,
    points: float = 0.0,
) -> Adjustment:
    """一票否决, a bonus or a deduction for a unit in a period, with its reason (the next run of
    the period takes it in)."""
    if unit_in(scheme, unit) is None:
        raise RunError("这个单位不在考核范围内")
    if kind not in AdjustmentKind.values:
        raise RunError("请选择一票否决、加分或扣分")
    reason = reason.strip()
    if not reason or len(reason) > 200:
        raise RunError("请写明事由（最多 200 个字符）")
    if kind == AdjustmentKind.VETO:
        points = 0.0
    elif not 0 < points <= 100:
        raise RunError("分值须在 0 到 100 之间")
    adjustment, _made = Adjustment.objects.update_or_create(
        scheme=scheme, period=str(period), unit=unit, kind=kind, reason=reason,
        defaults={
            "points": points,
            "recorded_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )  # fmt: skip
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=adjustment, region_code=scheme.region.code
    )
    return adjustment
