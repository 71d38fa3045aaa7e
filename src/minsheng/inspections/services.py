"""Inspections: checklists saved, a round planned with its seeded draw and its inspectors (no
one in their own unit), a visit's marks and photos submitted from the phone (idempotent: a form
sent twice by a flaky connection is kept once), and the round's findings handed on as
rectification tasks. Audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.evidence import EvidenceError, check_evidence
from minsheng.core.index.periods import Period, PeriodError
from minsheng.core.inspect.checklist import (
    FAIL,
    ChecklistError,
    Item,
    check_results,
    parse_items,
    visit_score,
)
from minsheng.core.inspect.draw import DrawError, Inspector, assign, draw_sites
from minsheng.core.inspect.draw import Site as DrawSite
from minsheng.core.inspect.sites import read_sites
from minsheng.core.tabular import CellError, Table, TableError
from minsheng.inspections.models import Checklist, Photo, Plan, Site, SiteKind, Visit, VisitState
from minsheng.jobs.uploads import upload_store
from minsheng.notify.models import Kind
from minsheng.notify.services import notify
from minsheng.orgs.models import Organisation, OrgKind, Region

MAX_PHOTOS = 20
PHOTO_TYPES = {"image/jpeg", "image/png"}


class InspectionError(ValueError):
    """Something that cannot be done as asked (the message is for the user)."""


def items_of(plan_or_checklist: Plan | Checklist) -> list[Item]:
    return parse_items(plan_or_checklist.items)


@transaction.atomic
def checklist_save(
    *,
    actor: Any,
    region: Region,
    kind: str,
    name: str,
    items: list[Item],
    checklist: Checklist | None = None,
) -> Checklist:
    if kind not in SiteKind.values:
        raise InspectionError("未知的检查对象类型")
    name = name.strip()
    if not name or len(name) > 100:
        raise InspectionError("清单名称不能为空，最多 100 个字符")
    checklist = checklist or Checklist(region=region)
    clash = Checklist.objects.filter(region=region, name=name).exclude(pk=checklist.pk)
    if clash.exists():
        raise InspectionError(f"已有名为“{name}”的检查清单")
    checklist.kind, checklist.name = kind, name
    checklist.items = [i.as_json() for i in parse_items([i.as_json() for i in items])]
    checklist.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    checklist.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=checklist, region_code=region.code)
    return checklist


def sites_sync(region: Region) -> int:
    """Every active service centre of the region's subtree is a site (made on first use)."""
    have = set(Site.objects.filter(organisation__isnull=False).values_list("organisation_id"))
    centres = Organisation.objects.filter(
        kind=OrgKind.SERVICE_CENTRE, is_active=True, **region.subtree_filter("region__")
    ).exclude(pk__in=[pk for (pk,) in have])
    made = [
        Site(region_id=c.region_id, kind=SiteKind.SERVICE_CENTRE, name=c.name, organisation=c)
        for c in centres
    ]
    Site.objects.bulk_create(made, ignore_conflicts=True)
    return len(made)


@transaction.atomic
def sites_import(*, actor: Any, region: Region, table: Table) -> tuple[int, int]:
    """The office's list of schools, nursing homes and hospitals (all or nothing): each row's
    region must lie in the office's region. Returns (new, already listed)."""
    rows, errors = read_sites(table)
    regions = {
        r.code: r
        for r in Region.objects.filter(
            code__in={row.region for row in rows}, **region.subtree_filter()
        )
    }
    errors += [
        CellError(table.sheet, row.row, "区划代码", f"{row.region} 不在{region.name}范围内")
        for row in rows
        if row.region not in regions
    ]
    if errors:
        raise TableError(sorted(errors, key=lambda e: e.row))
    made = 0
    for row in rows:
        _site, created = Site.objects.get_or_create(
            region=regions[row.region], kind=row.kind, name=row.name
        )
        made += created
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=region, region_code=region.code,
        note=f"inspection sites: {made} new of {len(rows)}",
    )  # fmt: skip
    return made, len(rows) - made


def _stratum(region: Region) -> str:
    """The county a site lies in (its stratum); a site above county level forms its own."""
    return region.county.name if region.county is not None else region.name


def _chain(region: Region, top: Region) -> tuple[str, ...]:
    """The codes of the regions between a site's region and the plan's region (both left out):
    their governments answer for the site."""
    codes: list[str] = []
    for ancestor in (region.township, region.county, region.city):
        if ancestor is not None and ancestor.pk not in (region.pk, top.pk):
            if ancestor.level <= top.level:
                break
            codes.append(ancestor.code)
    return tuple(codes)


@dataclass(frozen=True, slots=True)
class Draft:
    name: str
    kind: str
    period: str
    checklist: Checklist
    per_stratum: int
    seed: int
    starts_on: dt.date
    ends_on: dt.date
    inspectors: list[str]  # user names


@transaction.atomic
def plan_create(*, actor: Any, region: Region, draft: Draft) -> Plan:
    """The round: its sites drawn per county, each with an inspector from outside its unit."""
    try:
        period = Period.parse(draft.period)
    except PeriodError as exc:
        raise InspectionError(str(exc)) from None
    if not draft.name.strip() or len(draft.name.strip()) > 100:
        raise InspectionError("检查名称不能为空，最多 100 个字符")
    if draft.ends_on < draft.starts_on:
        raise InspectionError("结束日期不能早于开始日期")
    if not 1 <= draft.per_stratum <= 500:
        raise InspectionError("每个县（市、区）抽取的数量须在 1 到 500 之间")
    if draft.checklist.kind != draft.kind:
        raise InspectionError("检查清单与检查对象的类型不一致")
    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=draft.inspectors, is_active=True,
            **region.subtree_filter("organisation__region__"),
        ).select_related("organisation")
    }  # fmt: skip
    missing = [n for n in draft.inspectors if n not in people]
    if missing:
        raise InspectionError(f"本地区没有用户 {'、'.join(missing)}")
    if not people:
        raise InspectionError("请指定检查人员")
    if draft.kind == SiteKind.SERVICE_CENTRE:
        sites_sync(region)
    sites = list(
        Site.objects.filter(kind=draft.kind, **region.subtree_filter("region__"))
        .select_related("region", "region__township", "region__county", "region__city")
        .annotate(last=Max("visits__visited_at"))
    )
    if not sites:
        raise InspectionError("本地区没有这类检查对象")
    by_key = {str(s.pk): s for s in sites}
    today = timezone.localdate()
    candidates = [
        DrawSite(
            str(s.pk), _stratum(s.region), s.region.code,
            timezone.localtime(s.last).date() if s.last else None, _chain(s.region, region),
        )
        for s in sites
    ]  # fmt: skip
    try:
        chosen = draw_sites(candidates, draft.per_stratum, seed=draft.seed, today=today)
    except DrawError as exc:
        raise InspectionError(str(exc)) from None
    inspectors = [
        Inspector(u.username, u.organisation.region.code if u.organisation else "")
        for u in (people[n] for n in draft.inspectors)
    ]
    plan = Plan.objects.create(
        region=region, name=draft.name.strip(), kind=draft.kind, period=str(period),
        items=draft.checklist.items, checklist_name=draft.checklist.name, seed=draft.seed,
        per_stratum=draft.per_stratum, starts_on=draft.starts_on, ends_on=draft.ends_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    plan.inspectors.set(list(people.values()))
    visits = [
        Visit(plan=plan, site=by_key[v.site.key], inspector=people.get(v.inspector or ""))
        for v in assign(chosen, inspectors)
    ]
    Visit.objects.bulk_create(visits)
    for person in people.values():
        mine = sum(1 for v in visits if v.inspector == person)
        if mine:
            notify(
                [person], Kind.INSPECTION, f"{plan.name}：分配给您 {mine} 个检查对象",
                f"检查时间 {plan.starts_on:%Y年%m月%d日} 至 {plan.ends_on:%Y年%m月%d日}，"
                "请勿提前告知被检查单位。",
                reverse("inspection_mine"),
            )  # fmt: skip
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=plan,
        note=f"inspection round: {len(visits)} sites, seed {draft.seed}", region_code=region.code,
    )  # fmt: skip
    return plan


@dataclass(frozen=True, slots=True)
class PhotoIn:
    name: str
    data: bytes
    item: str
    taken_at: dt.datetime | None


@transaction.atomic
def visit_submit(
    *,
    actor: Any,
    visit: Visit,
    results: dict[str, Any],
    notes: dict[str, str],
    summary: str,
    unannounced: bool,
    visited_at: dt.datetime,
    photos: list[PhotoIn],
) -> tuple[Visit, bool]:
    """Keep the inspector's form; returns (visit, stored). The same form sent again once kept
    (a retry after a dropped connection) stores nothing and is not an error; a different one
    is refused — a submitted visit is final."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.inspector_id != getattr(actor, "pk", None):
        raise InspectionError("只有分配的检查人员可以提交")
    items = items_of(visit.plan)
    try:
        marks = check_results(items, results)
    except ChecklistError as exc:
        raise InspectionError(str(exc)) from None
    if visit.state == VisitState.SUBMITTED:
        if marks == visit.results:
            return visit, False
        raise InspectionError("这次检查已经提交，不能再修改")
    codes = {i.code for i in items}
    clean_notes = {
        k: str(v).strip()[:500] for k, v in notes.items() if k in codes and str(v).strip()
    }
    missing = [i.text for i in items if marks[i.code] == FAIL and i.code not in clean_notes]
    if missing:
        raise InspectionError(f"不合格项须写明问题：{missing[0]}")
    if len(photos) > MAX_PHOTOS:
        raise InspectionError(f"每次检查最多上传 {MAX_PHOTOS} 张照片")
    checked = []
    for photo in photos:
        try:
            info = check_evidence(photo.name, photo.data)
        except EvidenceError as exc:
            raise InspectionError(str(exc)) from None
        if info.content_type not in PHOTO_TYPES:
            raise InspectionError(f"“{info.name}”不是照片（只收 jpg、png）")
        checked.append((info, photo))
    now = timezone.now()
    if visited_at > now + dt.timedelta(minutes=10):
        raise InspectionError("检查时间不能晚于现在")
    visit.results, visit.notes, visit.summary = marks, clean_notes, summary.strip()[:2000]
    visit.unannounced, visit.visited_at, visit.submitted_at = unannounced, visited_at, now
    visit.score = visit_score(items, marks)
    visit.state = VisitState.SUBMITTED
    visit.save()
    written: list[str] = []
    try:
        for info, photo in checked:
            written.append(upload_store(photo.data, prefix=f"visit{visit.pk}", kept=True))
            Photo.objects.create(
                visit=visit, item=photo.item if photo.item in codes else "", name=info.name,
                content_type=info.content_type, size=info.size, path=written[-1],
                taken_at=photo.taken_at,
            )  # fmt: skip
    except BaseException:
        for path in written:
            Path(path).unlink(missing_ok=True)
        raise
    audit_record(
        actor=actor, action=AuditAction.STATE, obj=visit,
        note=f"inspection submitted: score {visit.score}", region_code=visit.site.region.code,
    )  # fmt: skip
    return visit, True


def findings_hand_on(*, actor: Any, plan: Plan) -> int:
    """Every submitted visit with findings becomes a rectification task (one per visit; the
    same again gives the same task). Returns how many visits have a task now."""
    from minsheng.inspections.selectors import earlier_fails_of
    from minsheng.supervision.findings import task_from_inspection

    visits = [
        v
        for v in plan.visits.filter(state=VisitState.SUBMITTED).select_related(
            "site", "site__region", "plan"
        )
        if any(mark == FAIL for mark in v.results.values())
    ]
    earlier = earlier_fails_of(visits)
    for visit in visits:
        task_from_inspection(actor=actor, visit=visit, repeated=earlier[visit.pk])
    return len(visits)


def period_of(plan: Plan) -> Period:
    return Period.parse(plan.period)
