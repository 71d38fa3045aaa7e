"""Importing a ratings file (back-filling from a provincial system), of any size the machine can
hold: the file is read and checked as columns (``core.ratings.records.read_frame``), each distinct
name it gives is looked up once, and the valid rows are stored in batches, each one transaction —
20,000 rows on PostgreSQL (``COPY``, two writers side by side), 5,000 on SQLite (a long file never
holds the database lock for long). Rows with problems are reported with row and column and
skipped. Re-importing the corrected — or an interrupted — file is safe: rows already stored come
back as duplicates. A file that cannot be read, or lacks a required column, stores nothing."""

from __future__ import annotations

import datetime as dt
import json
import queue
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.columnar import Columns, read_columns, resolve
from minsheng.core.ratings.records import (
    ALIASES,
    REQUIRED,
    read_frame,
    split_reasons,
)
from minsheng.core.tabular import (
    CellError,
    TableError,
    cell_int,
    cell_text,
    read_table,
    require_columns,
)
from minsheng.orgs.models import Organisation, Region
from minsheng.reviews.models import HandledCount, Rating
from minsheng.reviews.services.bulk import CASE_UNIQUE, FIELDS, insert_new
from minsheng.reviews.services.cases import needs_case, open_cases
from minsheng.reviews.services.directory import Directory
from minsheng.reviews.services.ingest import (
    EARLIEST,
    FUTURE_SLACK,
    RATED_AT_RANGE,
    UNKNOWN,
    audit_import,
    reason_codes,
)

BATCH = {"postgresql": 20_000}  # ratings per transaction of a file import, by database
BATCH_DEFAULT = 5000
WRITERS = 2  # PostgreSQL: batches stored side by side (see ``_each_batch``)
SQLITE_PAUSE = 0.1  # seconds between batches, longer than SQLite's busy-wait steps
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_SEP = "\x1f"  # joins a centre's name and a window's (two names as one key)


@dataclass(slots=True)
class ImportReport:
    accepted: int = 0
    duplicates: int = 0
    errors: list[CellError] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})


def import_ratings(
    data: bytes,
    *,
    filename: str,
    actor: Any,
    city: Region | None,
    create_missing: bool = False,
    progress: Callable[[int, int], None] | None = None,
    batch: int | None = None,
    limit: int | None = None,
) -> ImportReport:
    """Raises ``TableError`` when the file cannot be read at all (``limit``: the largest file
    taken, for uploads). The valid rows are stored in transactions of ``batch`` rows; each batch
    is all or nothing, and rows already stored come back as duplicates, so a file whose import
    was interrupted is finished by importing it again."""
    columns = read_columns(data, filename=filename, limit=limit)
    frame, errors = read_frame(columns)
    headers = resolve(columns, REQUIRED, ALIASES)
    report = ImportReport(errors=errors)
    directory = Directory(city, create_missing=create_missing)
    frame = _checked(frame, directory, columns, headers, report)
    first = frame.select(pl.struct("case_no", "channel").is_first_distinct()).to_series()
    report.duplicates += int((~first).sum())
    frame = frame.filter(first)
    size = batch or BATCH.get(connection.vendor, BATCH_DEFAULT)
    label = str(actor)
    lock = threading.Lock()
    done = [0]

    def store(chunk: pl.DataFrame) -> None:
        with transaction.atomic():  # the batch, its cases and its audit entry: all or nothing
            accepted = _store(chunk, label)
            audit_import(actor, accepted, directory, f"import {filename}")
        with lock:
            report.accepted += accepted
            report.duplicates += chunk.height - accepted
            done[0] += chunk.height
            if progress is not None:
                progress(done[0], frame.height)

    _each_batch([frame.slice(start, size) for start in range(0, frame.height, size)], store)
    report.created = dict(directory.created)
    report.errors.sort(key=lambda e: e.row)
    return report


def _checked(
    frame: pl.DataFrame,
    directory: Directory,
    columns: Columns,
    headers: dict[str, str],
    report: ImportReport,
) -> pl.DataFrame:
    """The rows whose names are known, times plausible and reasons known, with the ids of
    what they name; each other row's problems go to ``report``. Every distinct name is looked
    up once (``Directory``: by key, code, number or name; created when asked)."""
    found: dict[str, pl.Series] = {}
    failed = pl.repeat(False, frame.height, eager=True)
    texts = {name: frame[name] for name in ("department", "centre", "service_item")}
    texts["window"] = frame["centre"] + _SEP + frame["window"]
    texts["staff"] = frame["centre"] + _SEP + frame["staff"]
    departments: dict[str, Organisation | None] = {
        t: directory.department(t) for t in texts["department"].unique().to_list()
    }
    centres: dict[str, Organisation | None] = {
        t: directory.centre(t) for t in texts["centre"].unique().to_list()
    }
    # An item is looked up by code or name; a new one is created under the first department
    # that names it.
    owner: dict[str, str] = dict(
        frame.select("service_item", "department")
        .unique(subset="service_item", keep="first", maintain_order=True)
        .iter_rows()
    )

    def in_centre(kind: str) -> Callable[[str], Any]:
        def find(key: str) -> Any:
            centre_text, _, text = key.partition(_SEP)
            centre = centres.get(centre_text)
            if centre is None or not text:
                return 0  # nothing named, or the centre is unknown (reported already)
            return getattr(directory, kind)(centre, text)

        return find

    lookups: dict[str, Callable[[str], Any]] = {
        "department": departments.get,
        "centre": centres.get,
        "window": in_centre("window"),
        "staff": in_centre("staff"),
        "service_item": lambda text: (
            0 if not text else directory.service_item(text, departments.get(owner[text]))
        ),
    }
    for name, lookup in lookups.items():
        table = {t: lookup(t) for t in texts[name].unique().to_list()}
        ids = {t: (None if o == 0 else o.pk) for t, o in table.items() if o is not None}
        found[name] = texts[name].replace_strict(ids, default=-1, return_dtype=pl.Int64)
        unknown = (found[name] == -1).fill_null(False)  # null: nothing named
        if name == "service_item":  # an item needs its department; without one it is not looked up
            unknown = unknown & frame["department"].replace_strict(
                {t: o is not None for t, o in departments.items()}, return_dtype=pl.Boolean
            )
        failed = failed | unknown
        original = frame[name].filter(unknown).to_list()
        rows = frame["row"].filter(unknown).to_list()
        message = UNKNOWN[name].split(" / ")[0]
        report.errors.extend(
            columns.error(row, headers.get(name, name), message.format(text))
            for row, text in zip(rows, original, strict=True)
        )
    now = timezone.now()
    late = (frame["rated_at"] > now + FUTURE_SLACK) | (frame["rated_at"] < EARLIEST)
    report.errors.extend(
        columns.error(row, headers["rated_at"], RATED_AT_RANGE.split(" / ")[0])
        for row in frame["row"].filter(late).to_list()
    )
    failed = failed | late
    reasons, reasons_bad = _reasons(frame, columns, headers, report)
    failed = failed | reasons_bad
    return frame.with_columns(
        department_id=found["department"],
        centre_id=found["centre"],
        window_id=found["window"],
        staff_id=found["staff"],
        service_item_id=found["service_item"],
        reasons_json=reasons,
    ).filter(~failed)


def _reasons(
    frame: pl.DataFrame, columns: Columns, headers: dict[str, str], report: ImportReport
) -> tuple[pl.Series, pl.Series]:
    """The reasons of each row as the JSON list of their tag codes (a tag named by its code
    or its name), and which rows name an unknown reason (reported one by one)."""
    texts = frame["reasons"]
    distinct = [t for t in texts.unique().to_list() if t]
    known = reason_codes() if distinct else {}
    codes: dict[str, str] = {"": "[]"}
    unknown: dict[str, list[str]] = {}
    for text in distinct:
        named = split_reasons(text)
        if known:
            unknown[text] = [r for r in named if r not in known]
            named = tuple(known[r] for r in named if r in known)
        codes[text] = json.dumps([code[:32] for code in named])
    bad = texts.is_in([t for t, missing in unknown.items() if missing])
    message = UNKNOWN["reasons"].split(" / ")[0]
    header = headers.get("reasons", "reasons")
    for row, text in zip(
        frame["row"].filter(bad).to_list(), texts.filter(bad).to_list(), strict=True
    ):
        report.errors.extend(columns.error(row, header, message.format(r)) for r in unknown[text])
    return texts.replace_strict(codes, return_dtype=pl.String), bad


def _each_batch(chunks: list[pl.DataFrame], store: Callable[[pl.DataFrame], None]) -> None:
    """``store`` every chunk. PostgreSQL, outside a transaction: ``WRITERS`` threads side by
    side, a connection each — the server's work (index entries, foreign-key checks) is most of
    an import, and a second backend runs it on the second core. The first failure stops the
    writers and is raised; the batches stored before it stay."""
    if connection.vendor != "postgresql" or connection.in_atomic_block or len(chunks) < 2:
        for chunk in chunks:
            store(chunk)
            if connection.vendor == "sqlite":  # one writer at a time: let waiting requests in
                time.sleep(SQLITE_PAUSE)
        return
    pending: queue.SimpleQueue[pl.DataFrame] = queue.SimpleQueue()
    for chunk in chunks:
        pending.put(chunk)
    failures: list[BaseException] = []

    def writer() -> None:
        try:
            while not failures:
                try:
                    chunk = pending.get_nowait()
                except queue.Empty:
                    return
                store(chunk)
        except BaseException as exc:  # re-raised below, in the caller's thread
            failures.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=writer, name=f"import-{n}") for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def _store(chunk: pl.DataFrame, label: str) -> int:
    """One batch (call inside its transaction): the rows not stored yet, then the cases of the
    bad ones. Returns how many were stored."""
    stored = insert_new(
        Rating, _rows(chunk), returning=("id", "level", "source"), unique=CASE_UNIQUE
    )
    bad = [pk for pk, level, source in stored if needs_case(level, source)]
    if bad:
        open_cases(bad, actor_label=label)
    return len(stored)


def _rows(fresh: pl.DataFrame) -> pl.DataFrame:
    """The batch in the columns of ``Rating`` (``bulk.FIELDS``): what a file gives, and the
    defaults of what it cannot (no contact, no client, not a follow-up)."""
    moment = pl.Datetime("us", "UTC")
    given = {
        "reasons": pl.col("reasons_json"),
        "contact_cipher": pl.lit(""),
        "contact_masked": pl.lit(""),
        "is_follow_up": pl.lit(False),
        "received_at": pl.lit(timezone.now(), dtype=moment),
        "handled_at": pl.lit(None, dtype=moment),
        "client_id": pl.lit(None, dtype=pl.Int64),
        "idempotency_key": pl.lit(""),
        "device": pl.lit(""),
        "ip_hash": pl.lit(""),
    }
    return fresh.select(given.get(name, pl.col(name)).alias(name) for name in FIELDS)


HANDLED_REQUIRED = ("centre", "month", "count")
HANDLED_ALIASES = {"服务中心": "centre", "事项": "service_item", "月份": "month", "办件量": "count"}


@transaction.atomic
def import_handled(data: bytes, *, filename: str, actor: Any, city: Region | None) -> int:
    """Handled-case counts per centre (and optionally item) and month — the denominator of
    主动评价率. All or nothing: any error raises ``TableError`` listing every one."""
    table = read_table(data, filename=filename)
    headers = require_columns(table, HANDLED_REQUIRED, HANDLED_ALIASES)
    directory = Directory(city)
    errors: list[CellError] = []
    rows: list[tuple[int, int | None, dt.date, int]] = []
    for row in table.rows:

        def cell(column: str, row: Any = row) -> str:
            return cell_text(row.values.get(headers.get(column, ""), None))

        centre = directory.centre(cell("centre"))
        if centre is None:
            errors.append(
                table.error(row.number, headers["centre"], f"未知服务中心“{cell('centre')}”")
            )
        item = None
        if cell("service_item"):
            item = directory.service_item(cell("service_item"), centre) if centre else None
            if item is None:
                errors.append(
                    table.error(
                        row.number, headers["service_item"], f"未知事项“{cell('service_item')}”"
                    )
                )
        month = MONTH.match(cell("month"))
        if month is None:
            errors.append(table.error(row.number, headers["month"], "月份须为 YYYY-MM"))
        count = cell_int(row.values.get(headers["count"]))
        if count is None or count < 0:
            errors.append(table.error(row.number, headers["count"], "办件量须为非负整数"))
        if centre is not None and month is not None and count is not None and count >= 0:
            first = dt.date(int(cell("month")[:4]), int(cell("month")[5:7]), 1)
            rows.append((centre.pk, item.pk if item else None, first, count))
    if errors:
        raise TableError(errors)
    for centre_id, item_id, first, count in rows:
        HandledCount.objects.update_or_create(
            centre_id=centre_id, service_item_id=item_id, month=first, defaults={"count": count}
        )
    audit_record(
        actor=actor,
        action=AuditAction.BULK,
        object_type="reviews.handledcount",
        note=f"import {filename}: {len(rows)} rows",
        region_code=city.code if city is not None else None,
    )
    return len(rows)
