"""Importing a ratings file (back-filling from a provincial system). Rows with problems are
reported with row and column and skipped; the valid rows are stored in transactions of 5,000
(a long file never holds the database lock for long). Re-importing the corrected — or an
interrupted — file is safe: rows already stored come back as duplicates. A file that cannot be
read, or lacks a required column, stores nothing."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.ratings.records import ALIASES, REQUIRED, read_records
from minsheng.core.tabular import (
    CellError,
    TableError,
    cell_int,
    cell_text,
    read_table,
    require_columns,
)
from minsheng.orgs.models import Region
from minsheng.reviews.models import HandledCount
from minsheng.reviews.services.directory import Directory
from minsheng.reviews.services.ingest import audit_import, ingest

BATCH = 5000  # ratings per transaction of a file import
SQLITE_PAUSE = 0.1  # seconds between batches, longer than SQLite's busy-wait steps
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


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
    batch: int = BATCH,
) -> ImportReport:
    """Raises ``TableError`` when the file cannot be read at all. The valid rows are stored in
    transactions of ``batch`` rows, so a long file never holds the database for long; each
    batch is all or nothing, and rows already stored come back as duplicates, so a file whose
    import was interrupted is finished by importing it again."""
    table = read_table(data, filename=filename)
    headers = require_columns(table, REQUIRED, ALIASES)
    records, errors = read_records(table)
    report = ImportReport(errors=list(errors))
    directory = Directory(city, create_missing=create_missing)
    for start in range(0, len(records), batch):
        chunk = records[start : start + batch]
        with transaction.atomic():
            results = ingest(chunk, directory=directory, actor_label=str(actor))
            audit_import(actor, results, directory, f"import {filename}")
        for result in results:
            if result.status == "accepted":
                report.accepted += 1
            elif result.status == "duplicate":
                report.duplicates += 1
            else:
                report.errors.extend(
                    table.error(result.index, headers.get(name, ""), message.split(" / ")[0])
                    for name, message in zip(result.fields, result.errors, strict=True)
                )
        if progress is not None:
            progress(start + len(chunk), len(records))
        if connection.vendor == "sqlite":  # one writer at a time: let waiting requests in
            time.sleep(SQLITE_PAUSE)
    report.created = dict(directory.created)
    report.errors.sort(key=lambda e: (e.row, e.column))
    return report


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
