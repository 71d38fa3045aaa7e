"""Departments declare, the office reviews (事项申报与审核). A department uploads its items in the
catalog workbook (the export of its own items, edited); every new or changed item becomes a
declaration waiting for the quality office (a newer one replaces the one still waiting), all or
nothing with every problem located. The office approves — the item's next version is stored
through ``catalog_store`` — or returns it with a reason; the department is told either way."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.models import Role, User
from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.catalog.models import Declaration, DeclarationState
from minsheng.catalog.selectors import items_at
from minsheng.catalog.services import catalog_store, stored_values
from minsheng.core.catalog.items import Fee, Item, Material
from minsheng.core.tabular import CellError, TableError
from minsheng.notify.models import Kind
from minsheng.notify.services import notify
from minsheng.orgs.models import Organisation, Region


class DeclarationError(ValueError):
    """A decision that cannot be made (the message is for the user)."""


def payload_of(item: Item) -> dict[str, Any]:
    return {
        **stored_values(item),
        "code": item.code,
        "organisation": item.organisation,
        "region": item.region,
    }


def item_of_payload(payload: dict[str, Any]) -> Item:
    data = dict(payload)
    materials = tuple(Material(**m) for m in data.pop("materials", []))
    fees = tuple(Fee(**f) for f in data.pop("fees", []))
    return Item(**data, materials=materials, fees=fees)


@transaction.atomic
def declare(
    *, actor: Any, organisation: Organisation, items: list[Item], note: str = ""
) -> list[Declaration]:
    """One declaration per new or changed item of ``organisation``; ``TableError`` naming every
    row that is another unit's or outside the unit's region, and nothing stored."""
    root = organisation.region
    allowed = set(Region.objects.filter(**root.subtree_filter()).values_list("code", flat=True))
    errors = [
        CellError("事项", i.row, "实施主体", f"只能申报本单位（{organisation.name}）的事项")
        for i in items
        if i.organisation != organisation.name
    ] + [
        CellError("事项", i.row, "所属区划", f"{i.region} 不在本单位所在地区")
        for i in items
        if i.region not in allowed
    ]
    if errors:
        raise TableError(errors)
    current = {(i.region, i.code): i for i in items_at(root)}
    regions = {r.code: r for r in Region.objects.filter(code__in={i.region for i in items})}
    made: list[Declaration] = []
    person = actor if getattr(actor, "is_authenticated", False) else None
    for item in items:
        before = current.get((item.region, item.code))
        if before is not None and replace(before, row=0) == replace(item, row=0):
            continue
        Declaration.objects.filter(
            region=regions[item.region], code=item.code, state=DeclarationState.SUBMITTED
        ).delete()  # the newer declaration replaces the one still waiting
        made.append(
            Declaration.objects.create(
                organisation=organisation,
                region=regions[item.region],
                code=item.code,
                name=item.name,
                is_new=before is None,
                payload=payload_of(replace(item, row=0)),
                note=note,
                submitted_by=person,
            )
        )
    if made:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="catalog.declaration",
            note=f"declared {len(made)} items",
            region_code=root.code,
        )
        offices = User.objects.filter(
            role=Role.QUALITY_OFFICE,
            is_active=True,
            organisation__region__in=[r.pk for r in _lineage(root)],
        )
        notify(
            offices,
            Kind.CATALOG,
            f"{organisation.name}申报事项 {len(made)} 项待审核",
            "、".join(d.name for d in made[:5]) + ("等" if len(made) > 5 else ""),
            reverse("catalog_declarations"),
        )
    return made


def _lineage(region: Region) -> list[Region]:
    return list(Region.objects.filter(pk__in=region.lineage_ids()))


@transaction.atomic
def decide(
    *, actor: Any, declaration: Declaration, approve: bool, note: str, root: Region
) -> Declaration:
    """Approve (the item's next version, stored under the office's region ``root``) or return
    with a reason; the declaring unit's people are told."""
    if declaration.state != DeclarationState.SUBMITTED:
        raise DeclarationError("这项申报已经审核过")
    if not approve and not note.strip():
        raise DeclarationError("退回须写明原因")
    if approve:
        catalog_store([item_of_payload(declaration.payload)], root=root, actor=actor)
    declaration.state = DeclarationState.APPROVED if approve else DeclarationState.RETURNED
    declaration.review_note = note.strip()
    declaration.reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
    declaration.reviewed_at = timezone.now()
    declaration.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=declaration,
        note="declaration approved" if approve else "declaration returned",
        region_code=declaration.region.code,
    )
    verdict = "已通过" if approve else f"已退回：{note.strip()}"
    notify(
        User.objects.filter(organisation=declaration.organisation, is_active=True),
        Kind.CATALOG,
        f"事项申报{verdict[:3]}：{declaration.name}",
        verdict,
        reverse("catalog_declare"),
    )
    return declaration
