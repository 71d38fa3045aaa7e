"""Writing a validated register (organisations, windows, staff) in one transaction, with an
audit row for every record created or changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from minsheng.audit.models import AuditAction, AuditEntry
from minsheng.audit.services import audit_entry, audit_snapshot
from minsheng.core.register import OrgRow, Register, StaffRow, WindowRow
from minsheng.core.roles import OrgKind as CoreKind
from minsheng.orgs.models import Organisation, Region, Staff, Window

BATCH = 1000


@dataclass(slots=True)
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(slots=True)
class RegisterSummary:
    organisations: Counts = field(default_factory=Counts)
    windows: Counts = field(default_factory=Counts)
    staff: Counts = field(default_factory=Counts)


class _Audit:
    """Collects the audit rows of one import, written together at the end."""

    def __init__(self, actor: Any, note: str) -> None:
        self.actor = actor
        self.note = note
        self.rows: list[AuditEntry] = []

    def add(
        self,
        action: AuditAction,
        obj: models.Model,
        before: dict[str, Any] | None,
        region_code: str,
    ) -> None:
        self.rows.append(
            audit_entry(
                actor=self.actor,
                action=action,
                obj=obj,
                before=before,
                after=audit_snapshot(obj),
                note=self.note,
                region_code=region_code,
            )
        )


def _apply(
    existing: Any,
    values: dict[str, Any],
    counts: Counts,
    audit: _Audit,
    region_code: str,
    changed: list[Any],
) -> None:
    before = audit_snapshot(existing)
    for name, value in values.items():
        setattr(existing, name, value)
    if audit_snapshot(existing) == before:
        counts.unchanged += 1
        return
    counts.updated += 1
    changed.append(existing)
    audit.add(AuditAction.UPDATE, existing, before, region_code)


@transaction.atomic
def register_import(*, actor: Any, register: Register, note: str) -> RegisterSummary:
    """Create or update every row of a register checked by ``core.register.parse_register``."""
    summary = RegisterSummary()
    audit = _Audit(actor, note)
    keys = {o.key for o in register.organisations}
    keys |= {w.centre_key for w in register.windows} | {s.centre_key for s in register.staff}
    orgs = Organisation.objects.select_related("region").in_bulk(keys, field_name="key")
    _import_orgs(register.organisations, orgs, summary.organisations, audit)
    windows = {
        (w.centre.key, w.number): w
        for w in Window.objects.filter(centre__key__in=keys).select_related("centre__region")
    }
    _import_windows(register.windows, orgs, windows, summary.windows, audit)
    _import_staff(register.staff, orgs, windows, summary.staff, audit)
    AuditEntry.objects.bulk_create(audit.rows, batch_size=BATCH)
    return summary


def _import_orgs(
    rows: list[OrgRow], orgs: dict[str, Organisation], counts: Counts, audit: _Audit
) -> None:
    regions = Region.objects.in_bulk({o.region_code for o in rows}, field_name="code")
    new: list[Organisation] = []
    changed: list[Organisation] = []
    for row in rows:
        region = regions[row.region_code]
        values = {
            "name": row.name,
            "kind": row.kind.value,
            "region": region,
            "is_active": row.active,
            "centre_level": region.level if row.kind == CoreKind.SERVICE_CENTRE else None,
        }
        if row.key in orgs:
            _apply(orgs[row.key], values, counts, audit, region.code, changed)
        else:
            orgs[row.key] = Organisation(key=row.key, **values)
            new.append(orgs[row.key])
    Organisation.objects.bulk_create(new, batch_size=BATCH)
    fields = ["name", "kind", "region", "is_active", "centre_level"]
    Organisation.objects.bulk_update(changed, fields, batch_size=BATCH)
    for org in new:
        audit.add(AuditAction.CREATE, org, None, org.region.code)
    counts.created = len(new)


def _import_windows(
    rows: list[WindowRow],
    orgs: dict[str, Organisation],
    windows: dict[tuple[str, int], Window],
    counts: Counts,
    audit: _Audit,
) -> None:
    new: list[Window] = []
    changed: list[Window] = []
    for row in rows:
        centre = orgs[row.centre_key]
        values = {"name": row.name, "is_active": row.active}
        existing = windows.get((row.centre_key, row.number))
        if existing is not None:
            _apply(existing, values, counts, audit, centre.region.code, changed)
        else:
            window = Window(centre=centre, number=row.number, **values)
            windows[(row.centre_key, row.number)] = window
            new.append(window)
    Window.objects.bulk_create(new, batch_size=BATCH)
    Window.objects.bulk_update(changed, ["name", "is_active"], batch_size=BATCH)
    for window in new:
        audit.add(AuditAction.CREATE, window, None, window.centre.region.code)
    counts.created = len(new)


def _import_staff(
    rows: list[StaffRow],
    orgs: dict[str, Organisation],
    windows: dict[tuple[str, int], Window],
    counts: Counts,
    audit: _Audit,
) -> None:
    staff = Staff.objects.in_bulk({s.staff_no for s in rows}, field_name="staff_no")
    new: list[Staff] = []
    changed: list[Staff] = []
    for row in rows:
        centre = orgs[row.centre_key]
        window = windows[(row.centre_key, row.window_number)] if row.window_number else None
        values = {"name": row.name, "centre": centre, "window": window, "is_active": row.active}
        if row.staff_no in staff:
            _apply(staff[row.staff_no], values, counts, audit, centre.region.code, changed)
        else:
            staff[row.staff_no] = Staff(staff_no=row.staff_no, **values)
            new.append(staff[row.staff_no])
    Staff.objects.bulk_create(new, batch_size=BATCH)
    Staff.objects.bulk_update(changed, ["name", "centre", "window", "is_active"], batch_size=BATCH)
    for person in new:
        audit.add(AuditAction.CREATE, person, None, person.centre.region.code)
    counts.created = len(new)
