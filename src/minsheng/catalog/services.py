"""Storing a catalog read from its worksheet, all or nothing: every 所属区划 must be a region
the importer may manage and every 实施主体 an organisation of the register (or, with
``create_missing``, one made as a department of the item's region). Unchanged items stay as
they are; a changed item's current version is closed and a new one added."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.catalog.models import CatalogItem, HallTarget, StandardItem, StandardList
from minsheng.core.catalog.items import Item
from minsheng.core.catalog.metrics import TARGETS, region_prefix
from minsheng.core.catalog.standards import StandardRow
from minsheng.core.tabular import CellError, TableError
from minsheng.orgs.models import Organisation, OrgKind, Region

FIELDS = (
    "name", "kind", "level", "legal_days", "promised_days", "instant", "visits", "depth",
    "entered", "not_entered_reason", "basic_code", "visit_reason", "conditions", "steps", "faq",
    "place", "hours", "consult_phone", "complaint_phone",
)  # fmt: skip
JSON_FIELDS = ("materials", "fees")


@dataclass(frozen=True, slots=True)
class Stored:
    created: int
    changed: int
    unchanged: int
    organisations_created: int


def stored_values(item: Item) -> dict[str, Any]:
    """The stored columns of an item (materials and fees as JSON lists)."""
    return {
        **{f: getattr(item, f) for f in FIELDS},
        "materials": [m.as_json() for m in item.materials],
        "fees": [f.as_json() for f in item.fees],
    }


def version(
    item: Item,
    *,
    organisation: Organisation,
    region: Region,
    valid_from: dt.datetime,
    created_by: Any = None,
) -> CatalogItem:
    """A new (unsaved) version of ``item`` in force from ``valid_from``."""
    return CatalogItem(
        code=item.code,
        organisation=organisation,
        region=region,
        valid_from=valid_from,
        created_by=created_by,
        **stored_values(item),
    )


@transaction.atomic
def catalog_store(
    items: list[Item], *, root: Region, actor: Any, create_missing: bool = False
) -> Stored:
    """Store ``items`` under ``root`` (the importer's region); ``TableError`` locating every
    region or organisation that cannot be used, and nothing stored."""
    regions = {r.code: r for r in Region.objects.filter(code__in={i.region for i in items})}
    allowed = set(
        Region.objects.filter(**root.subtree_filter(), code__in=regions).values_list(
            "code", flat=True
        )
    )
    named: dict[str, list[Organisation]] = {}
    for org in Organisation.objects.filter(
        is_active=True, name__in={i.organisation for i in items}, **root.subtree_filter("region__")
    ).select_related("region"):
        named.setdefault(org.name, []).append(org)

    def find(item: Item) -> Organisation | None:
        """The organisation of that name nearest the item: in its region, else any."""
        found = named.get(item.organisation, [])
        near = [o for o in found if item.region.startswith(region_prefix(o.region.code))]
        chosen = near or found
        return chosen[0] if chosen else None

    errors: list[CellError] = []
    for item in items:
        if item.region not in regions:
            errors.append(CellError("", item.row, "所属区划", f"没有区划代码 {item.region}"))
        elif item.region not in allowed:
            errors.append(CellError("", item.row, "所属区划", f"{item.region} 不在本地区范围内"))
        elif find(item) is None and not create_missing:
            errors.append(
                CellError("", item.row, "实施主体", f"机构名册中没有“{item.organisation}”")
            )
    if errors:
        raise TableError(errors)
    made_orgs = 0
    for item in items:
        if find(item) is None:
            region = regions[item.region]
            named[item.organisation] = [
                Organisation.objects.create(
                    key=f"dept-{region.code}-{slugify(item.organisation, allow_unicode=True)}"[:64],
                    name=item.organisation,
                    kind=OrgKind.DEPARTMENT,
                    region=region,
                )
            ]
            made_orgs += 1
    now = timezone.now()
    current = {
        (c.region.code, c.code): c
        for c in CatalogItem.objects.filter(
            valid_to=None, region__code__in={i.region for i in items}
        ).select_related("region", "organisation")
    }
    created = changed = unchanged = 0
    person = actor if getattr(actor, "is_authenticated", False) else None
    for item in items:
        found = find(item)
        if found is None:  # pragma: no cover - every name was found or made above
            raise TableError([CellError("", item.row, "实施主体", "机构未找到")])
        org = found
        before = current.get((item.region, item.code))
        if before is not None:
            same = stored_values(item) == {f: getattr(before, f) for f in (*FIELDS, *JSON_FIELDS)}
            if same and before.organisation_id == org.pk:
                unchanged += 1
                continue
            CatalogItem.objects.filter(pk=before.pk).update(valid_to=now)
            changed += 1
        else:
            created += 1
        version(item, organisation=org, region=regions[item.region], valid_from=now,
                created_by=person).save()  # fmt: skip
    audit_record(
        actor=actor,
        action=AuditAction.BULK,
        object_type="catalog.catalogitem",
        note=f"catalog import: created {created}, changed {changed}, unchanged {unchanged}",
        region_code=root.code,
    )
    return Stored(created, changed, unchanged, made_orgs)


class TargetError(ValueError):
    """A target that cannot be stored (the message is for the user)."""


@transaction.atomic
def targets_save(
    *, actor: Any, region: Region, year: int, values: dict[str, float | None]
) -> dict[str, float]:
    """Set the region's own targets for ``year`` (fractions 0–1); None removes the region's own
    target so the one above applies again. Audited; returns the region's own targets."""
    unknown = sorted(set(values) - set(TARGETS))
    if unknown:
        raise TargetError(f"没有这项大厅指标：{'、'.join(unknown)}")
    if not 2000 <= year <= 2100:
        raise TargetError(f"年度 {year} 不合理")
    for metric, value in values.items():
        if value is not None and not 0 <= value <= 1:
            raise TargetError(f"{metric} 的目标应在 0 到 100% 之间")
    person = actor if getattr(actor, "is_authenticated", False) else None
    before = dict(
        HallTarget.objects.filter(region=region, year=year).values_list("metric", "target")
    )
    for metric, value in values.items():
        if value is None:
            HallTarget.objects.filter(region=region, year=year, metric=metric).delete()
        else:
            HallTarget.objects.update_or_create(
                region=region,
                year=year,
                metric=metric,
                defaults={"target": value, "updated_by": person},
            )
    after = dict(
        HallTarget.objects.filter(region=region, year=year).values_list("metric", "target")
    )
    if after != before:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="catalog.halltarget",
            note=f"hall targets {year}: {before} -> {after}",
            region_code=region.code,
        )
    return after


@transaction.atomic
def standards_store(
    rows: list[StandardRow], *, name: str, region: Region | None, actor: Any, sample: bool = False
) -> StandardList:
    """A new edition (the earlier ones stay); every indicator code a row names must exist, and
    every checklist item code must be on one of the region's (or above's) inspection checklists,
    else ``TableError`` locating each and nothing stored."""
    from minsheng.indicators.models import Indicator
    from minsheng.inspections.models import Checklist

    if not name.strip() or len(name.strip()) > 100:
        raise TableError([CellError("", 0, "", "清单名称须为 1–100 个字符")])
    codes = {c for r in rows for c in r.indicators}
    known = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    errors = [
        CellError("", r.row, "监测指标", f"没有指标代码 {c}")
        for r in rows
        for c in r.indicators
        if c not in known
    ]
    lineage = region.lineage_ids() if region is not None else []
    checklists = Checklist.objects.filter(region_id__in=lineage) if region else Checklist.objects
    on_lists = {i["code"] for c in checklists.all() for i in c.items}
    errors += [
        CellError("", r.row, "检查项目", f"检查清单中没有编号 {c}")
        for r in rows
        for c in r.checks
        if c not in on_lists
    ]
    if errors:
        raise TableError(errors)
    person = actor if getattr(actor, "is_authenticated", False) else None
    edition = StandardList.objects.create(
        name=name, region=region, is_sample=sample, loaded_by=person
    )
    for r in rows:
        item = StandardItem.objects.create(
            standard_list=edition, area=r.area, category=r.category, number=r.number,
            name=r.name, recipients=r.recipients, content=r.content, standard=r.standard,
            funding=r.funding, lead=r.lead, flag=r.flag, checks=list(r.checks),
        )  # fmt: skip
        if r.indicators:
            item.indicators.set([known[c] for c in r.indicators])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=edition,
        note=f"standards imported: {len(rows)} items",
        region_code=region.code if region else None,
    )
    return edition
