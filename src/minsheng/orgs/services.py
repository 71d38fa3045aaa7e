"""Writes on the region tree and organisations."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F

from minsheng.audit.models import AuditAction, AuditEntry
from minsheng.audit.services import audit_entry, audit_record, audit_snapshot
from minsheng.core.regions import AdminCode, Level
from minsheng.orgs.models import ANCESTOR_FIELDS, PeerGroup, Region

BATCH = 2000
_IN_CHUNK = 900  # stays under every SQLite build's limit on query parameters


@dataclass(slots=True)
class RegionUpsertSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_code: dict[str, Region] = field(default_factory=dict)


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing(codes: Iterable[str]) -> dict[str, Region]:
    wanted = sorted(set(codes))
    found: dict[str, Region] = {}
    for chunk in _chunks(wanted, _IN_CHUNK):
        found.update((r.code, r) for r in Region.objects.filter(code__in=chunk))
    return found


@transaction.atomic
def regions_upsert(
    *, actor: Any, regions: Sequence[tuple[str, str]], note: str, audit_each: bool = True
) -> RegionUpsertSummary:
    """Create the regions that are new and rename those whose name changed, parents first.
    Every parent must exist already or be in ``regions`` (checked by the caller, e.g.
    ``core.region_rows``). With ``audit_each`` every created or renamed region gets its own
    audit row; otherwise one bulk row records the counts (the demo generator)."""
    items = sorted(((AdminCode(c), n) for c, n in regions), key=lambda x: (x[0].level, x[0].value))
    needed = {c.value for c, _ in items} | {
        c.ancestor(Level(lv)).value for c, _ in items for lv in range(1, c.level)
    }
    by_code = _existing(needed)
    summary = RegionUpsertSummary()
    audit_rows: list[AuditEntry] = []
    renamed: list[Region] = []
    for level in Level:
        new: list[Region] = []
        for code, name in (x for x in items if x[0].level == level):
            region = by_code.get(code.value)
            if region is None:
                region = Region(code=code.value, name=name, level=int(level))
                if code.parent is not None:
                    region.parent = by_code[code.parent.value]
                for ancestor_level, column in ANCESTOR_FIELDS.items():
                    if ancestor_level < level:
                        setattr(region, column, by_code[code.ancestor(Level(ancestor_level)).value])
                new.append(region)
            elif region.name != name:
                before = region.name
                region.name = name
                renamed.append(region)
                audit_rows.append(
                    audit_entry(
                        actor=actor,
                        action=AuditAction.UPDATE,
                        obj=region,
                        note=note,
                        before={"name": before},
                        after={"name": name},
                        region_code=region.code,
                    )
                )
            else:
                summary.unchanged += 1
        Region.objects.bulk_create(new, batch_size=BATCH)
        by_code.update((r.code, r) for r in new)
        own_column = ANCESTOR_FIELDS.get(level)
        if own_column is not None:  # each region is its own ancestor at its own level
            Region.objects.filter(level=level, **{f"{own_column}__isnull": True}).update(
                **{f"{own_column}_id": F("pk")}
            )
        summary.created += len(new)
        audit_rows.extend(
            audit_entry(
                actor=actor,
                action=AuditAction.CREATE,
                obj=r,
                note=note,
                region_code=r.code,
                after={"code": r.code, "name": r.name, "level": r.level},
            )
            for r in new
        )
    Region.objects.bulk_update(renamed, ["name"], batch_size=BATCH)
    summary.updated = len(renamed)
    if audit_each:
        AuditEntry.objects.bulk_create(audit_rows, batch_size=BATCH)
    elif summary.created or summary.updated:
        audit_record(
            actor=actor,
            action=AuditAction.BULK,
            object_type="orgs.region",
            note=note,
            after={"created": summary.created, "updated": summary.updated},
            region_code=items[0][0].value if items else "",
        )
    summary.by_code = by_code
    return summary


@transaction.atomic
def peer_group_save(
    *,
    actor: Any,
    group: PeerGroup | None,
    owner: Region,
    name: str,
    level: int,
    members: Sequence[Region],
) -> PeerGroup:
    """Create a peer group (``group`` None) or change one; the member list is replaced."""
    if group is None:
        group = PeerGroup(key=f"pg-{uuid.uuid4().hex[:12]}", owner=owner)
        before = None
    else:
        before = {
            **audit_snapshot(group),
            "members": sorted(group.members.values_list("code", flat=True)),
        }
    group.name, group.level = name, level
    group.save()
    group.members.set(members)
    after = {**audit_snapshot(group), "members": sorted(m.code for m in members)}
    action = AuditAction.CREATE if before is None else AuditAction.UPDATE
    audit_record(
        actor=actor, action=action, obj=group, before=before, after=after, region_code=owner.code
    )
    return group
