"""Storing application records, all or nothing and idempotent by case number: a case reported
again with the same content is left alone, with new content (completed, a visit more) it is
updated in place. Centres, windows and first-contact staff are found in the register through
the ratings' ``Directory`` (key, number or name) within the importer's region; the promised
limit, when a record leaves it out, is the catalog's for the item nearest the centre; the due
moment is counted in working days on the one calendar."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from minsheng.accounts.models import ApiClient
from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.catalog.models import CatalogItem
from minsheng.core.halls.applications import HEADERS, ApplicationRecord
from minsheng.core.tabular import CellError, TableError
from minsheng.core.workdays.calendar import WorkCalendar
from minsheng.halls.models import Application, CentreProfile
from minsheng.orgs.models import Organisation, OrgKind, Region
from minsheng.reviews.services.bulk import insert_rows, update_rows
from minsheng.reviews.services.deadlines import work_calendar
from minsheng.reviews.services.directory import Directory

CHUNK = 2000
FIELDS = (
    "item_code", "item_name", "centre_id", "window_id", "staff_id", "received_at", "notice",
    "assisted", "promised_days", "due_at", "completed_at", "visits",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Stored:
    created: int
    updated: int
    unchanged: int

    def as_json(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def _promises(
    records: Sequence[ApplicationRecord], centres: dict[str, Organisation]
) -> Callable[[Organisation, str], int | None]:
    """The catalog's promised limit of an item for a centre: the current version of the item in
    the centre's region, else the nearest region above it."""
    codes = {r.item_code for r in records if r.promised_days is None}
    lineage: dict[int, list[int]] = {c.pk: c.region.lineage_ids() for c in centres.values()}
    regions = {pk for ids in lineage.values() for pk in ids}
    found: dict[tuple[int, str], int | None] = {}
    if codes:
        for region_id, code, days in CatalogItem.objects.filter(
            valid_to=None, code__in=codes, region_id__in=regions
        ).values_list("region_id", "code", "promised_days"):
            found[(region_id, code)] = days

    def promise(centre: Organisation, code: str) -> int | None:
        for pk in lineage[centre.pk]:
            if (pk, code) in found:
                return found[(pk, code)]
        return None

    return promise


def _located(record: ApplicationRecord, column: str, message: str) -> CellError:
    return CellError("", record.row, HEADERS[column], message)


@transaction.atomic
def applications_store(
    records: Sequence[ApplicationRecord],
    *,
    region: Region,
    actor: Any = None,
    client: ApiClient | None = None,
    calendar: WorkCalendar | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Stored:
    """Store ``records`` for centres of ``region``'s subtree (a centre's own client: that centre
    only); ``TableError`` locating every record that cannot be stored, and nothing stored."""
    directory = Directory(region)
    own = None
    if client is not None and client.organisation.kind == OrgKind.SERVICE_CENTRE:
        own = client.organisation
    errors: list[CellError] = []
    centres: dict[str, Organisation] = {}
    for record in records:
        centre = directory.centre(record.centre)
        if centre is None:
            errors.append(_located(record, "centre", f"本地区没有服务中心“{record.centre}”"))
        elif own is not None and centre.pk != own.pk:
            errors.append(_located(record, "centre", "只能报送本中心的办件"))
        else:
            centres[record.centre] = centre
    resolved: list[tuple[ApplicationRecord, Organisation, Any, Any]] = []
    for record in records:
        centre = centres.get(record.centre)
        if centre is None:
            continue
        window = directory.window(centre, record.window)
        if record.window and window is None:
            errors.append(_located(record, "window", f"{centre.name}没有窗口“{record.window}”"))
        staff = directory.staff(centre, record.staff)
        if record.staff and staff is None:
            errors.append(_located(record, "staff", f"{centre.name}没有工作人员“{record.staff}”"))
        resolved.append((record, centre, window, staff))
    if errors:
        raise TableError(errors)
    calendar = calendar or work_calendar()
    promise = _promises(records, {c.key: c for c in centres.values()})
    created = updated = unchanged = 0
    for start in range(0, len(resolved), CHUNK):
        chunk = resolved[start : start + CHUNK]
        existing = {
            a.case_no: a
            for a in Application.objects.filter(case_no__in=[r.case_no for r, *_ in chunk])
        }
        new: list[tuple[Any, ...]] = []
        changed: list[Application] = []
        for record, centre, window, staff in chunk:
            days = (
                record.promised_days
                if record.promised_days is not None
                else promise(centre, record.item_code)
            )
            values = {
                "item_code": record.item_code,
                "item_name": record.item_name,
                "centre_id": centre.pk,
                "window_id": window.pk if window else None,
                "staff_id": staff.pk if staff else None,
                "received_at": record.received_at,
                "notice": record.notice,
                "assisted": record.assisted,
                "promised_days": days,
                "due_at": calendar.due(record.received_at, days) if days is not None else None,
                "completed_at": record.completed_at,
                "visits": record.visits,
            }
            before = existing.get(record.case_no)
            if before is None:
                new.append(
                    (record.case_no, *(values[f] for f in FIELDS), client.pk if client else None)
                )
                continue
            if before.centre_id != centre.pk:
                errors.append(
                    _located(record, "case_no", f"办件编号 {record.case_no} 已属于其他服务中心")
                )
                continue
            if all(getattr(before, f) == v for f, v in values.items()):
                unchanged += 1
                continue
            for f, v in values.items():
                setattr(before, f, v)
            changed.append(before)
        if errors:
            raise TableError(errors)
        now = timezone.now()
        insert_rows(
            Application, ["case_no", *FIELDS, "client_id", "updated_at"], [(*r, now) for r in new]
        )
        update_rows(
            Application,
            [*FIELDS, "updated_at"],
            [(*(getattr(a, f) for f in FIELDS), now, a.pk) for a in changed],
        )
        created += len(new)
        updated += len(changed)
        if progress is not None:
            progress(start + len(chunk), len(resolved))
    audit_record(
        actor=actor if actor is not None else client,
        action=AuditAction.BULK,
        object_type="halls.application",
        note=f"applications: created {created}, updated {updated}, unchanged {unchanged}",
        region_code=region.code,
    )
    return Stored(created, updated, unchanged)


PROFILE_FIELDS = (
    "address", "hours", "area", "comprehensive_windows", "special_windows", "assisted_windows",
    "self_service", "has_premises", "has_equipment", "has_services", "has_team", "has_rules",
    "has_environment", "note",
)  # fmt: skip


@transaction.atomic
def profile_save(*, actor: Any, centre: Organisation, values: dict[str, Any]) -> CentreProfile:
    """Store a centre's profile (the fields of ``PROFILE_FIELDS`` given); audited with the
    fields before and after."""
    profile, _made = CentreProfile.objects.get_or_create(centre=centre)
    before = {f: getattr(profile, f) for f in PROFILE_FIELDS}
    for field, value in values.items():
        if field in PROFILE_FIELDS:
            setattr(profile, field, value)
    profile.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    profile.save()
    after = {f: getattr(profile, f) for f in PROFILE_FIELDS}
    if after != before:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=profile,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
            region_code=centre.region.code,
        )
    return profile
