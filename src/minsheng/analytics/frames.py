"""A queryset's rows as columns: the SQL Django compiles for a ``values_list``, run on a raw
cursor, the row tuples turned into polars columns at once — without Django's per-row
conversions (a million rows of six date-times took seconds through the ORM). Date-times come back
as UTC ``Datetime`` on both databases (SQLite keeps them as naive UTC text)."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db import connection
from django.db.models import QuerySet

UTC_TIME = pl.Datetime("us", "UTC")
_SQLITE_TIME = "%Y-%m-%d %H:%M:%S%.f"  # how Django writes an aware date-time into SQLite


def query_frame(query: QuerySet[Any, Any], schema: dict[str, Any]) -> pl.DataFrame:
    """``query`` is a ``values_list`` whose fields give the columns of ``schema`` (name → polars
    type), in order."""
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    series = []
    for (name, dtype), values in zip(schema.items(), columns, strict=True):
        series.append(
            _times(name, values)
            if dtype == UTC_TIME
            else pl.Series(name, values, dtype=dtype, strict=False)
        )
    return pl.DataFrame(series)


def _times(name: str, values: Any) -> pl.Series:
    """Date-times as the driver gives them — aware (PostgreSQL), naive UTC (SQLite, through
    Django's converters) or naive UTC text — as UTC ``Datetime``."""
    raw = pl.Series(name, values, strict=False)
    if raw.dtype == pl.String:
        return raw.str.to_datetime(_SQLITE_TIME, time_unit="us", time_zone="UTC", strict=True)
    if raw.dtype == pl.Null:
        return raw.cast(UTC_TIME)
    moments = raw.cast(pl.Datetime("us", raw.dtype.time_zone))  # type: ignore[attr-defined]
    if moments.dtype.time_zone is None:  # type: ignore[attr-defined]
        return moments.dt.replace_time_zone("UTC")
    return moments.dt.convert_time_zone("UTC")
