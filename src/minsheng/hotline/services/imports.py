"""Importing a hotline platform's export: idempotent by order number (a re-import updates the
orders, never duplicates them). Units are matched to the register by name or key (an unknown one
is an error unless ``create_missing``), regions by code or name within the city, categories by
code, name or full path in the city's tree (kept as written when the tree lacks them). A file
with any problem stores nothing, and every problem is located by row and column; a good file is
stored in transactions of ``BATCH`` orders, so a long file never holds the database for long and
an interrupted import is finished by importing the file again.

The file is read and checked as columns (``core.hotline.records.read_order_frame``), every
distinct name is looked up once, and a batch's columns are worked out at once — its state,
deadlines (once per dispatch day and length), the caller's number encrypted once per number."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from minsheng.analytics.frames import UTC_TIME, query_frame
from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.columnar import Columns, from_table, read_columns, resolve
from minsheng.core.hotline.deadlines import DeadlineRules, DueMemo
from minsheng.core.hotline.records import ALIASES, REQUIRED, read_order_frame
from minsheng.core.tabular import MAX_BYTES, CellError, Table, TableError
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.hotline.models import Category, State, WorkOrder
from minsheng.hotline.rules import city_rules
from minsheng.orgs.models import Region
from minsheng.reviews.services.bulk import insert_new, insert_rows, polars_type, update_frame
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
    columns = read_columns(data, filename=filename, limit=limit)
    return import_columns(
        columns, filename=filename, actor=actor, city=city, create_missing=create_missing,
        progress=progress,
    )  # fmt: skip


def import_table(table: Table, *, filename: str, actor: Any, city: Region) -> ImportReport:
    """An API batch (one row per item, numbered by its index), stored all or nothing."""
    return import_columns(from_table(table), filename=filename, actor=actor, city=city)


def import_columns(
    columns: Columns,
    *,
    filename: str,
    actor: Any,
    city: Region,
    create_missing: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """The rows of a file or a batch, stored all or nothing."""
    frame, errors = read_order_frame(columns)
    directory = Directory(city, create_missing=create_missing)
    frame = _named(frame, directory, _Places(city), columns, errors)
    if errors:
        raise TableError(sorted(errors, key=lambda e: (e.row, e.column)))
    rules, due = city_rules(city), DueMemo(work_calendar())
    report = ImportReport(units_created=directory.created.get("department", 0))
    for start in range(0, frame.height, BATCH):
        made, changed = _store(frame.slice(start, BATCH), city, rules, due)
        report.created += made
        report.updated += changed
        if progress is not None:
            progress(min(start + BATCH, frame.height), frame.height)
    audit_record(
        actor=actor, action=AuditAction.BULK, object_type="hotline.workorder",
        region_code=city.code,
        note=f"hotline import {filename}: {report.created} new, {report.updated} updated",
    )  # fmt: skip
    return report


def _named(
    frame: pl.DataFrame,
    directory: Directory,
    places: _Places,
    columns: Columns,
    errors: list[CellError],
) -> pl.DataFrame:
    """The ids of what the rows name, each distinct name looked up once; a name not found is
    an error of each row giving it (a category not in the tree is kept as text)."""
    headers = resolve(columns, REQUIRED, ALIASES)
    units = {t: directory.department(t) for t in _distinct(frame["department"])}
    item_keys = frame.select("service_item", "department").filter(pl.col("service_item") != "")
    items = {
        (t, d): directory.service_item(t, units.get(d)) for t, d in item_keys.unique().iter_rows()
    }
    found = {
        "department": {t: (o.pk if o else None) for t, o in units.items()},
        "centre": {t: getattr(directory.centre(t), "pk", None) for t in _distinct(frame["centre"])},
        "region": {
            t: getattr(places.regions.get(t), "pk", None) for t in _distinct(frame["region"])
        },
    }
    unknown = {
        "department": "登记册中没有单位“{}”",
        "centre": "登记册中没有服务中心“{}”",
        "service_item": "没有服务事项“{}”（可填事项编码或名称）",
        "region": "本市没有区域“{}”（可填区划代码或名称）",
    }
    ids: dict[str, pl.Series] = {}
    for name, table in found.items():
        ids[name] = frame[name].replace_strict(table, default=None, return_dtype=pl.Int64)
    item_key = frame["service_item"] + "\x1f" + frame["department"]
    ids["service_item"] = item_key.replace_strict(
        {f"{t}\x1f{d}": getattr(o, "pk", None) for (t, d), o in items.items()},
        default=None,
        return_dtype=pl.Int64,
    )
    for name, message in unknown.items():
        missing = (frame[name] != "") & ids[name].is_null()
        header = headers.get(name, name)
        errors.extend(
            columns.error(row, header, message.format(text))
            for row, text in frame.filter(missing).select("row", name).iter_rows()
        )
    category = {
        t: places.categories[t].pk for t in _distinct(frame["category"]) if t in places.categories
    }
    return frame.with_columns(
        unit_id=ids["department"],
        centre_id=ids["centre"],
        service_item_id=ids["service_item"],
        region_id=ids["region"],
        category_id=frame["category"].replace_strict(category, default=None, return_dtype=pl.Int64),
    )


def _distinct(texts: pl.Series) -> list[str]:
    return [t for t in texts.unique().to_list() if t]


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


def _dtype(name: str) -> Any:
    return polars_type(WorkOrder._meta.get_field(name))


@transaction.atomic
def _store(
    chunk: pl.DataFrame, city: Region, rules: DeadlineRules, due: DueMemo
) -> tuple[int, int]:
    """One batch: the orders new to the database inserted, those stored before updated with
    what the file says (the rest of them — their answer, reminders, extensions — kept)."""
    numbers = chunk["order_no"].to_list()
    if connection.vendor == "postgresql":  # the batch's numbers as one parameter, not 5,000
        given = RawSQL("SELECT unnest(%s::text[])", [numbers])
    else:
        given = RawSQL("SELECT value FROM json_each(%s)", [json.dumps(numbers)])
    found = WorkOrder.objects.select_for_update().filter(order_no__in=given)
    old = query_frame(
        found.order_by(), {"pk": ("pk", pl.Int64)} | {c: (c, _dtype(c)) for c in COLUMNS}
    )
    rows = chunk.join(old.rename(lambda c: f"{c}_old"), left_on="order_no",
                      right_on="order_no_old", how="left")  # fmt: skip
    rows = rows.filter(pl.col("city_id_old").is_null() | (pl.col("city_id_old") == city.pk))
    rows = _with_orders_columns(rows, city, rules, due)
    fresh = rows.filter(pl.col("pk_old").is_null())
    made = len(insert_new(WorkOrder, fresh.select(COLUMNS))) if fresh.height else 0
    changed = rows.filter(pl.col("pk_old").is_not_null())
    update_frame(WorkOrder, changed.select(pl.col("pk_old").alias("id"), *COLUMNS))
    return made, changed.height


def _with_orders_columns(
    rows: pl.DataFrame, city: Region, rules: DeadlineRules, due: DueMemo
) -> pl.DataFrame:
    """Every column of ``COLUMNS`` for the batch's rows (the file's columns, and the stored
    order's as ``…_old`` where there is one)."""
    now = timezone.now()
    col = pl.col

    def kept(name: str, default: Any) -> pl.Expr:
        return pl.coalesce(col(f"{name}_old"), pl.lit(default, dtype=_dtype(name)))

    def given(text: str, name: str) -> pl.Expr:  # what the file names, else what was stored
        return pl.when(col(text) != "").then(col(name)).otherwise(col(f"{name}_old"))

    answered, followup = col("answered_at"), col("followup")
    state = (
        pl.when(followup != "").then(pl.lit(State.CLOSED.value))
        .when(answered.is_not_null()).then(pl.lit(State.ANSWERED.value))
        .when(col("accepted_at").is_not_null()).then(pl.lit(State.HANDLING.value))
        .when(col("dispatched_at").is_not_null()).then(pl.lit(State.DISPATCHED.value))
        .otherwise(pl.lit(State.RECEIVED.value))
    )  # fmt: skip
    rows = rows.with_columns(
        city_id=pl.lit(city.pk, dtype=pl.Int64),
        category_text=col("category"),
        state=state,
        followed_up_at=pl.coalesce(col("followed_up_at"), pl.when(followup != "").then(answered)),
        reopened=pl.max_horizontal(kept("reopened", 0), col("reopened").cast(pl.Int64)),
        extension_days=kept("extension_days", 0),
        centre_id=given("centre", "centre_id"),
        service_item_id=given("service_item", "service_item_id"),
        answer=kept("answer", ""),
        returned=kept("returned", 0),
        merged_into_id=col("merged_into_id_old"),
        reminded=kept("reminded", 0),
        updated_at=pl.lit(now, dtype=UTC_TIME),
    )
    rows = rows.with_columns(_contacts(rows))
    return rows.with_columns(_deadlines(rows, rules, due, now))


def _contacts(rows: pl.DataFrame) -> list[pl.Series]:
    """The caller's name and number encrypted and masked (once per distinct one in the batch),
    and the number's keyed hash; a blank cell keeps what was stored."""
    out = []
    for name in ("caller", "phone"):
        given = rows[name]
        texts = _distinct(given)
        cipher = {t: encrypt(t) for t in texts}
        masked = {t: mask(t) for t in texts}
        for suffix, table in (("cipher", cipher), ("masked", masked)):
            column = f"{name}_{suffix}"
            mapped = given.replace_strict(table, default=None, return_dtype=pl.String)
            out.append(mapped.fill_null(rows[f"{column}_old"]).fill_null("").alias(column))
    hashed = rows["phone"].replace_strict(
        {t: phone_hash(t) for t in _distinct(rows["phone"])}, default=None, return_dtype=pl.String
    )
    out.append(hashed.fill_null(rows["phone_hash_old"]).fill_null("").alias("phone_hash"))
    return out


def _deadlines(rows: pl.DataFrame, rules: DeadlineRules, due: DueMemo, now: Any) -> list[pl.Series]:
    """Signing and answering deadlines from the dispatch day (working days by the city's rules,
    the order's extension added), once per (day, length); an order the file shows past its
    deadline counts as reminded and escalated (the platform chased it; the sweep does not)."""
    kinds = rows.select("type", "urgent").unique()
    kinds = kinds.with_columns(
        days=pl.Series([rules.days_for(k, urgent=bool(u)) for k, u in kinds.iter_rows()])
    )
    steps = rows.join(kinds, on=["type", "urgent"], how="left", maintain_order="left").select(
        day=pl.col("dispatched_at").dt.convert_time_zone(SHANGHAI.key).dt.date(),
        n=pl.col("days") + pl.col("extension_days"),
    )
    pairs = steps.filter(pl.col("day").is_not_null()).unique()
    dues = pairs.with_columns(
        accept_due=pl.Series([due(d, rules.accept_days) for d in pairs["day"]], dtype=UTC_TIME),
        answer_due=pl.Series(
            [due(d, n) for d, n in pairs.select("day", "n").iter_rows()], dtype=UTC_TIME
        ),
    )
    found = steps.join(dues, on=["day", "n"], how="left", maintain_order="left")
    accept, answer_due = found["accept_due"], found["answer_due"]
    late = (answer_due < now).fill_null(False)
    chased = [
        rows[f"{c}_old"]
        .fill_null(pl.select(pl.when(late).then(pl.lit(now, dtype=UTC_TIME))).to_series())
        .alias(c)
        for c in ("due_reminded_at", "escalated_at")
    ]
    return [accept, answer_due, *chased]
