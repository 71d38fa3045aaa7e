"""Importing a ratings file (back-filling from a provincial system). Rows with problems are
reported with row and column and skipped; the valid rows are stored in one transaction.
Re-importing the corrected file is safe: rows already stored come back as duplicates. A file
that cannot be read, or lacks a required column, stores nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from minsheng.core.ratings.records import read_records
from minsheng.core.tabular import CellError, read_table
from minsheng.orgs.models import Region
from minsheng.reviews.services.directory import Directory
from minsheng.reviews.services.ingest import audit_import, ingest


@dataclass(slots=True)
class ImportReport:
    accepted: int = 0
    duplicates: int = 0
    errors: list[CellError] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})


@transaction.atomic
def import_ratings(
    data: bytes,
    *,
    filename: str,
    actor: Any,
    city: Region | None,
    create_missing: bool = False,
) -> ImportReport:
    """Raises ``TableError`` when the file cannot be read at all."""
    table = read_table(data, filename=filename)
    records, errors = read_records(table)
    directory = Directory(city, create_missing=create_missing)
    results = ingest(records, directory=directory, actor_label=str(actor))
    report = ImportReport(errors=list(errors), created=dict(directory.created))
    for result in results:
        if result.status == "accepted":
            report.accepted += 1
        elif result.status == "duplicate":
            report.duplicates += 1
        else:
            report.errors.extend(table.error(result.index, "", e) for e in result.errors)
    report.errors.sort(key=lambda e: (e.row, e.column))
    audit_import(actor, results, directory, f"import {filename}")
    return report
