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

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.hotline.deadlines import DeadlineRules
from minsheng.core.hotline.records import ALIASES, REQUIRED, OrderRecord, read_orders
from minsheng.core.tabular import CellError, Table, TableError, read_table, require_columns
from minsheng.hotline.models import Category, State, WorkOrder
from minsheng.hotline.rules import city_rules
from minsheng.orgs.models import Organisation, Region
from minsheng.reviews.services.contact import encrypt, mask
from minsheng.reviews.services.deadlines import work_calendar
from minsheng.reviews.services.directory import Directory

BATCH = 5000
FIELDS = (
    "channel", "type", "urgent", "category", "category_text", "region", "unit", "text",
    "caller_cipher", "caller_masked", "phone_cipher", "phone_masked", "phone_hash", "state",
    "received_at", "dispatched_at", "accepted_at", "accept_due", "answer_due", "answered_at",
    "followup", "solved", "followed_up_at", "reopened",
)  # fmt: skip


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
) -> ImportReport:
    """Raises ``TableError`` with every problem (nothing stored) when the file cannot be read
    or any row is wrong."""
    table = read_table(data, filename=filename)
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
    for record in records:
        if record.department:
            unit = directory.department(record.department)
            if unit is None:
                errors.append(table.error(record.row, headers.get("department", "department"),
                                          f"登记册中没有单位“{record.department}”"))  # fmt: skip
            units[record.row] = unit
        if record.region:
            region = places.regions.get(record.region)
            if region is None:
                message = f"本市没有区域“{record.region}”（可填区划代码或名称）"
                errors.append(table.error(record.row, headers.get("region", "region"), message))
            regions[record.row] = region
    if errors:
        raise TableError(sorted(errors, key=lambda e: (e.row, e.column)))
    rules, calendar = city_rules(city), work_calendar()
    report = ImportReport(units_created=directory.created.get("department", 0))
    for start in range(0, len(records), BATCH):
        chunk = records[start : start + BATCH]
        made, changed = _store(chunk, city, units, regions, places, rules, calendar)
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


@transaction.atomic
def _store(
    chunk: list[OrderRecord],
    city: Region,
    units: dict[int, Organisation | None],
    regions: dict[int, Region | None],
    places: _Places,
    rules: DeadlineRules,
    calendar: Any,
) -> tuple[int, int]:
    existing = {
        o.order_no: o
        for o in WorkOrder.objects.select_for_update().filter(
            order_no__in=[r.order_no for r in chunk]
        )
    }
    fresh: list[WorkOrder] = []
    changed: list[WorkOrder] = []
    for record in chunk:
        order = existing.get(record.order_no) or WorkOrder(order_no=record.order_no, city=city)
        if order.pk and order.city_id != city.pk:
            continue  # another city's number: never moved across cities
        _fill(order, record, units.get(record.row), regions.get(record.row), places, rules,
              calendar)  # fmt: skip
        (changed if order.pk else fresh).append(order)
    WorkOrder.objects.bulk_create(fresh, batch_size=1000)
    if changed:
        WorkOrder.objects.bulk_update(changed, FIELDS, batch_size=500)
    return len(fresh), len(changed)


def _fill(
    order: WorkOrder,
    record: OrderRecord,
    unit: Organisation | None,
    region: Region | None,
    places: _Places,
    rules: DeadlineRules,
    calendar: Any,
) -> None:
    order.channel, order.type, order.urgent = record.channel, record.type, record.urgent
    order.category = places.categories.get(record.category)
    order.category_text = record.category
    order.region, order.unit, order.text = region, unit, record.text
    if record.caller:
        order.caller_cipher, order.caller_masked = encrypt(record.caller), mask(record.caller)
    if record.phone:
        order.phone_cipher, order.phone_masked = encrypt(record.phone), mask(record.phone)
        order.phone_hash = phone_hash(record.phone)
    order.state = state_of(record)
    order.received_at, order.dispatched_at = record.received_at, record.dispatched_at
    order.accepted_at, order.answered_at = record.accepted_at, record.answered_at
    order.accept_due = order.answer_due = None
    if record.dispatched_at is not None:
        order.accept_due = rules.accept_due(calendar, record.dispatched_at)
        order.answer_due = rules.answer_due(
            calendar, record.type, record.dispatched_at, urgent=record.urgent,
            extra_days=order.extension_days,
        )  # fmt: skip
    order.followup = record.followup.value if record.followup else ""
    order.solved, order.followed_up_at = record.solved, record.followed_up_at
    if record.followup is not None and order.followed_up_at is None:
        order.followed_up_at = record.answered_at
    order.reopened = max(order.reopened, int(record.reopened))
