"""Importing a hotline platform's export: idempotent by order number (a re-import updates the
orders, never duplicates them). Units are matched to the register by name or key (an unknown one
is an error unless ``create_missing``), regions by code or name within the city, categories by
code, name or full path in the city's tree (kept as written when the tree lacks them). A file
with any problem stores nothing, and every problem is located by row and column; a good file is
stored in transactions of ``BATCH`` orders, so a long file never holds the database for long and
an interrupted import is finished by importing the file again."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.hotline.deadlines import DeadlineRules, DueMemo
from minsheng.core.hotline.records import ALIASES, REQUIRED, OrderRecord, read_orders
from minsheng.core.tabular import (
    MAX_BYTES,
    CellError,
    Table,
    TableError,
    read_table,
    require_columns,
)
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.hotline.models import Category, State, WorkOrder
from minsheng.hotline.rules import city_rules
from minsheng.orgs.models import Organisation, Region
from minsheng.reviews.models import ServiceItem
from minsheng.reviews.services.bulk import insert_rows, update_rows
from minsheng.reviews.services.contact import encrypt, mask
from minsheng.reviews.services.deadlines import work_calendar
from minsheng.reviews.services.directory import Directory

BATCH = 5000


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[CellError] = field(default_factory=list)
    units_created: int = 0


def phone_hash(phone: str) -> str:
    """A keyed hash of the number's digits: finds a repeat caller without the number in clear."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not digits:
        return ""
    key = f"minsheng-hotline-phone:{settings.SECRET_KEY}".encode()
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()


def state_of(record: OrderRecord) -> str:
    if record.followup is not None:
        return State.CLOSED
    if record.answered_at is not None:
        return State.ANSWERED
    if record.accepted_at is not None:
        return State.HANDLING
    if record.dispatched_at is not None:
        return State.DISPATCHED
    return State.RECEIVED


class _Places:
    """Regions of the city by code and by name, and its categories by code, name and path."""

    def __init__(self, city: Region) -> None:
        self.regions: dict[str, Region | None] = {}
        for region in Region.objects.filter(**city.subtree_filter()):
            self.regions[region.code] = region
            # A name two regions share is ambiguous: it matches neither.
            self.regions[region.name] = None if region.name in self.regions else region
        self.categories: dict[str, Category] = {}
        for cat in Category.objects.filter(city=city, is_active=True):
            for key in (cat.code, cat.name, cat.path):
                self.categories.setdefault(key, cat)


def import_orders(
    data: bytes,
    *,
    filename: str,
    actor: Any,
    city: Region,
    create_missing: bool = False,
    progress: Callable[[int, int], None] | None = None,
    limit: int | None = MAX_BYTES,
) -> ImportReport:
    """Raises ``TableError`` with every problem (nothing stored) when the file cannot be read
    or any row is wrong. ``limit``: the largest file taken (None from the command line)."""
    table = read_table(data, filename=filename, limit=limit)
    return import_table(
        table, filename=filename, actor=actor, city=city, create_missing=create_missing,
        progress=progress,
    )  # fmt: skip


def import_table(
    table: Table,
    *,
    filename: str,
    actor: Any,
    city: Region,
    create_missing: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """The rows of a file, or of an API batch (one row per item), stored all or nothing."""
    headers = require_columns(table, REQUIRED, ALIASES)
    records, errors = read_orders(table)
    directory = Directory(city, create_missing=create_missing)
    places = _Places(city)
    units: dict[int, Organisation | None] = {}
    regions: dict[int, Region | None] = {}
    centres: dict[int, Organisation | None] = {}
    items: dict[int, ServiceItem | None] = {}
    for record in records:
        if record.department:
            unit = directory.department(record.department)
            if unit is None:
                errors.append(table.error(record.row, headers.get("department", "department"),
                                          f"登记册中没有单位“{record.department}”"))  # fmt: skip
            units[record.row] = unit
        if record.centre:
            centre = directory.centre(record.centre)
            if centre is None:
                errors.append(table.error(record.row, headers.get("centre", "centre"),
                                          f"登记册中没有服务中心“{record.centre}”"))  # fmt: skip
            centres[record.row] = centre
        if record.service_item:
            item = directory.service_item(record.service_item, units.get(record.row))
            if item is None:
                message = f"没有服务事项“{record.service_item}”（可填事项编码或名称）"
                column = headers.get("service_item", "service_item")
                errors.append(table.error(record.row, column, message))
            items[record.row] = item
        if record.region:
            region = places.regions.get(record.region)
            if region is None:
                message = f"本市没有区域“{record.region}”（可填区划代码或名称）"
                errors.append(table.error(record.row, headers.get("region", "region"), message))
            regions[record.row] = region
    if errors:
        raise TableError(sorted(errors, key=lambda e: (e.row, e.column)))
    rules, due = city_rules(city), DueMemo(work_calendar())
    report = ImportReport(units_created=directory.created.get("department", 0))
    for start in range(0, len(records), BATCH):
        chunk = records[start : start + BATCH]
        made, changed = _store(chunk, city, units, regions, places, rules, due, centres, items)
        report.created += made
        report.updated += changed
        if progress is not None:
            progress(start + len(chunk), len(records))
    audit_record(
        actor=actor, action=AuditAction.BULK, object_type="hotline.workorder",
        region_code=city.code,
        note=f"hotline import {filename}: {report.created} new, {report.updated} updated",
    )  # fmt: skip
    return report


# Every column of a work order but its key, in the order the bulk writer takes them.
COLUMNS = (
    "city_id", "order_no", "channel", "type", "urgent", "category_id", "category_text",
    "region_id", "unit_id", "centre_id", "service_item_id", "text", "caller_cipher",
    "caller_masked", "phone_cipher", "phone_masked", "phone_hash", "state", "received_at",
    "dispatched_at", "accepted_at", "accept_due", "answer_due", "answered_at", "answer",
    "followup", "solved", "followed_up_at", "reopened", "returned", "extension_days",
    "merged_into_id", "reminded", "due_reminded_at", "escalated_at", "updated_at",
)  # fmt: skip


def blank_order(city: Region, order_no: str) -> dict[str, Any]:
    """A new order's columns with their defaults (the bulk writer sets no defaults itself)."""
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(
        city_id=city.pk, order_no=order_no, urgent=False, category_text="", text="",
        caller_cipher="", caller_masked="", phone_cipher="", phone_masked="", phone_hash="",
        state=State.RECEIVED, answer="", followup="", reopened=0, returned=0, extension_days=0,
        reminded=0, updated_at=timezone.now(),
    )  # fmt: skip
    return row


def insert_orders(rows: list[dict[str, Any]]) -> int:
    return insert_rows(WorkOrder, COLUMNS, ([r[c] for c in COLUMNS] for r in rows))


@transaction.atomic
def _store(
    chunk: list[OrderRecord],
    city: Region,
    units: dict[int, Organisation | None],
    regions: dict[int, Region | None],
    places: _Places,
    rules: DeadlineRules,
    due: DueMemo,
    centres: dict[int, Organisation | None],
    items: dict[int, ServiceItem | None],
) -> tuple[int, int]:
    existing = {
        row["order_no"]: row
        for row in WorkOrder.objects.select_for_update()
        .filter(order_no__in=[r.order_no for r in chunk])
        .values("pk", *COLUMNS)
    }
    fresh: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for record in chunk:
        row = existing.get(record.order_no) or blank_order(city, record.order_no)
        if "pk" in row and row["city_id"] != city.pk:
            continue  # another city's number: never moved across cities
        _fill(row, record, units.get(record.row), regions.get(record.row), places, rules,
              due)  # fmt: skip
        if record.row in centres:
            row["centre_id"] = getattr(centres[record.row], "pk", None)
        if record.row in items:
            row["service_item_id"] = getattr(items[record.row], "pk", None)
        (changed if "pk" in row else fresh).append(row)
    insert_orders(fresh)
    if changed:
        update_rows(WorkOrder, COLUMNS, ([*(r[c] for c in COLUMNS), r["pk"]] for r in changed))
    return len(fresh), len(changed)


def _fill(
    row: dict[str, Any],
    record: OrderRecord,
    unit: Organisation | None,
    region: Region | None,
    places: _Places,
    rules: DeadlineRules,
    due: DueMemo,
) -> None:
    category = places.categories.get(record.category)
    row.update(
        channel=record.channel.value, type=record.type.value, urgent=record.urgent,
        category_id=category.pk if category else None, category_text=record.category,
        region_id=region.pk if region else None, unit_id=unit.pk if unit else None,
        text=record.text, state=state_of(record), received_at=record.received_at,
        dispatched_at=record.dispatched_at, accepted_at=record.accepted_at,
        answered_at=record.answered_at, accept_due=None, answer_due=None,
        followup=record.followup.value if record.followup else "", solved=record.solved,
        followed_up_at=record.followed_up_at or (record.answered_at if record.followup else None),
        reopened=max(row["reopened"], int(record.reopened)), updated_at=timezone.now(),
    )  # fmt: skip
    if record.caller:
        row["caller_cipher"], row["caller_masked"] = encrypt(record.caller), mask(record.caller)
    if record.phone:
        row["phone_cipher"], row["phone_masked"] = encrypt(record.phone), mask(record.phone)
        row["phone_hash"] = phone_hash(record.phone)
    if record.dispatched_at is not None:
        day = record.dispatched_at.astimezone(SHANGHAI).date()
        days = rules.days_for(record.type, urgent=record.urgent) + row["extension_days"]
        row["accept_due"] = due(day, rules.accept_days)
        row["answer_due"] = due(day, days)
        if row["answer_due"] < timezone.now():  # the platform chased it; the sweep does not
            row["due_reminded_at"] = row["due_reminded_at"] or timezone.now()
            row["escalated_at"] = row["escalated_at"] or timezone.now()
