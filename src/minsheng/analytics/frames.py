"""A queryset's rows as columns: the SQL Django compiles, run on a raw cursor, the row tuples
turned into polars columns at once — without Django's per-row conversions (a million rows of six
date-times took seconds through the ORM). Date-times come back as UTC ``Datetime`` on both
databases; SQLite's are selected as the text Django wrote (its date-time converter parsed each
value in Python) and parsed by polars."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db import connection
from django.db.models import F, QuerySet, TextField
from django.db.models.functions import Cast

UTC_TIME = pl.Datetime("us", "UTC")
_SQLITE_TIME = "%Y-%m-%d %H:%M:%S%.f"  # how Django writes an aware date-time into SQLite


def query_frame(
    query: QuerySet[Any, Any], columns: dict[str, tuple[Any, Any]], limit: int | None = None
) -> pl.DataFrame:
    """``columns``: name → (a field path such as ``"region__code"`` or an expression, polars
    type); at most ``limit`` rows, in the queryset's order."""
    select: dict[str, Any] = {}
    for k, (source, dtype) in enumerate(columns.values()):
        expression = F(source) if isinstance(source, str) else source
        if dtype == UTC_TIME and connection.vendor == "sqlite":
            expression = Cast(expression, TextField())
        select[f"qf{k}"] = expression
    values = query.annotate(**select).values_list(*select)
    if limit is not None:
        values = values[:limit]
    sql, params = values.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    data: list[Any] = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    series = []
    for (name, (_, dtype)), values_of in zip(columns.items(), data, strict=True):
        series.append(
            _times(name, values_of)
            if dtype == UTC_TIME
            else pl.Series(name, values_of, dtype=dtype, strict=False)
        )
    return pl.DataFrame(series)


def _times(name: str, values: Any) -> pl.Series:
    """Date-times as the driver gives them — aware (PostgreSQL) or naive UTC text (SQLite) —
    as UTC ``Datetime``."""
    raw = pl.Series(name, values, strict=False)
    if raw.dtype == pl.Null:
        return raw.cast(UTC_TIME)
    if raw.dtype == pl.String:
        return raw.str.to_datetime(_SQLITE_TIME, time_unit="us", time_zone="UTC", strict=True)
    moments = raw.cast(pl.Datetime("us", raw.dtype.time_zone))  # type: ignore[attr-defined]
    if moments.dtype.time_zone is None:  # type: ignore[attr-defined]
        return moments.dt.replace_time_zone("UTC")
    return moments.dt.convert_time_zone("UTC")
