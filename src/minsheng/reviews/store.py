"""Ratings in the analytics store: the copy (one row per rating, with the centre's region and its
ancestors) and the statistics every page, command and report reads from it.

The counts of ratings come from the store (DuckDB, or Spark when configured) with one SQL text;
the rectification cases of the bad ones — which change after the rating — are counted in the
database, grouped the same way. ``selectors.rating_stats_orm`` computes the same figures from
the database alone, and a test holds the two equal.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from django.db.models import Count, F, IntegerField, Max, Q, Value
from django.db.models.functions import Coalesce, TruncDay, TruncMonth

from minsheng.analytics import store
from minsheng.analytics.frames import query_frame
from minsheng.core.analytics import engines
from minsheng.core.analytics.ratings import (
    COLUMNS,
    GROUP_COLUMNS,
    TABLE,
    Slice,
    events_sql,
    history_sql,
    months_sql,
    rated_sql,
    tally_from_rows,
    tally_sql,
)
from minsheng.core.regions import Level
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.orgs.models import ANCESTOR_FIELDS
from minsheng.reviews.models import CaseState, Rating, RectificationCase

FIELDS = (
    "id", "rated_at", "department_id", "centre_id", "window_id", "staff_id", "service_item_id",
    "channel", "level", "source", "is_follow_up", "contact_cipher", "centre__region_id",
    "centre__region__province_id", "centre__region__city_id", "centre__region__county_id",
    "centre__region__township_id", "case_no", "handled_at", "device", "comment",
)  # fmt: skip
NAMES = (
    "id", "rated_at", "department_id", "centre_id", "window_id", "staff_id", "service_item_id",
    "channel", "level", "source", "is_follow_up", "reachable", "region_id", "province_id",
    "city_id", "county_id", "township_id", "case_no", "handled_at", "device", "comment",
)  # fmt: skip
SCHEMA: dict[str, Any] = {
    **dict.fromkeys(NAMES, pl.Int64),
    "rated_at": pl.Datetime("us", "UTC"),
    "handled_at": pl.Datetime("us", "UTC"),
    "case_no": pl.String,
    "device": pl.String,
    "comment": pl.String,
    "channel": pl.String,
    "source": pl.String,
    "level": pl.Int16,
    "is_follow_up": pl.Boolean,
    "reachable": pl.Boolean,
}


def _read_after(mark: int, limit: int) -> pl.DataFrame:
    schema = {**SCHEMA, "reachable": pl.String}
    columns = {name: (field, schema[name]) for name, field in zip(NAMES, FIELDS, strict=True)}
    query = Rating.objects.filter(pk__gt=mark).order_by("pk")
    frame = query_frame(query, columns, limit).with_columns(
        reachable=pl.col("reachable") != ""  # a contact to call back (its cipher)
    )
    local = pl.col("rated_at").dt.convert_time_zone("Asia/Shanghai")
    return frame.with_columns(
        month=local.dt.strftime("%Y-%m"),
        day=local.dt.strftime("%Y-%m-%d"),
        rated_at=pl.col("rated_at").dt.replace_time_zone(None),
        handled_at=pl.col("handled_at").dt.replace_time_zone(None),
    )


store.register(
    store.Source(
        table=TABLE,
        max_id=lambda: Rating.objects.aggregate(m=Max("pk"))["m"] or 0,
        count_upto=lambda n: Rating.objects.filter(pk__lte=n).count(),
        read_after=_read_after,
        columns=tuple(COLUMNS),
    )
)

# Grouping "by region": the regions one level under the root, its own centres as 0 (本级).
CHILD = {
    Level.PROVINCE: "city_id",
    Level.CITY: "county_id",
    Level.COUNTY: "township_id",
    Level.TOWNSHIP: "region_id",
}


def _scope_column(scope: Any) -> tuple[str, int]:
    column = ANCESTOR_FIELDS.get(scope.level)
    return (f"{column}_id" if column else "region_id"), scope.pk


def _scope_where(scope: Any) -> dict[str, int | str]:
    if scope is None:
        return {}
    column, pk = _scope_column(scope)
    return {column: pk}


EVENT_TYPES: dict[str, Any] = {
    "id": pl.Int64, "centre": pl.Int64, "staff": pl.Int64, "device": pl.String,
    "level": pl.Int16, "source": pl.String, "channel": pl.String, "rated_at": pl.Datetime("us"),
    "handled_at": pl.Datetime("us"), "comment": pl.String, "case_no": pl.String,
}  # fmt: skip


def _frame(sql: str, types: dict[str, Any], files: dict[str, Any] | None = None) -> pl.DataFrame:
    """The rows of ``sql`` over the ratings (copied up to now) as columns of ``types``."""
    store.sync(TABLE)
    frame = store.engine().frame(sql, [TABLE], files)
    if frame is None:
        return pl.DataFrame(schema=types)
    return frame.cast(types)  # type: ignore[arg-type]


def month_events(month: str, scope: Any) -> pl.DataFrame:
    """The month's first ratings in the scope's subtree with what the integrity checks read
    (times in UTC, without zone), in no particular order."""
    return _frame(events_sql(month, _scope_where(scope)), EVENT_TYPES)


def month_span(scope: Any, before: str) -> tuple[str, str, str | None] | None:
    """The first and last month (YYYY-MM, Shanghai) holding ratings in the scope's subtree,
    and the last one before ``before``; None when it holds none."""
    store.sync(TABLE)
    rows = store.engine().rows(months_sql(before, _scope_where(scope)), [TABLE])
    if not rows or rows[0][0] is None:
        return None
    first, last, earlier = rows[0]
    return str(first), str(last), (str(earlier) if earlier is not None else None)


def rated(case_numbers: pl.Series) -> pl.Series:
    """The case numbers among these that an active first rating carries."""
    with engines.scratch_folder(store.root()) as folder:
        folder.mkdir()
        path = folder / "cases.parquet"
        pl.DataFrame({"case_no": case_numbers.unique()}).write_parquet(path)
        found = _frame(rated_sql("cases"), {"case_no": pl.String}, {"cases": path})
    return found["case_no"]


HISTORY_TYPES: dict[str, Any] = {
    "centre": pl.Int64, "device": pl.String, "staff": pl.Int64, "n": pl.Int64, "bad": pl.Int64,
}  # fmt: skip


def history(months: list[str], scope: Any) -> pl.DataFrame:
    """The months' active first ratings counted per centre, device and staff member."""
    return _frame(history_sql(months, _scope_where(scope)), HISTORY_TYPES)


def tally(
    begin: Any, end: Any, scope: Any, only: dict[str, Any], by: str, root: Any
) -> tuple[list[Any], dict[str, Any], dict[str, Any]]:
    """Keys, rating counts (store) and case counts (database) per group, in the same order."""
    keys, counts = rating_counts(begin, end, scope, only, by, root)
    cases = _case_counts(begin, end, scope, only, by, root, keys)
    return keys, counts, cases


def rating_counts(
    begin: Any, end: Any, scope: Any, only: dict[str, Any], by: str, root: Any
) -> tuple[list[Any], dict[str, Any]]:
    """Keys and rating counts per group (``TALLIES``), from the store alone."""
    store.sync(TABLE)
    where = _scope_where(scope)
    for key, value in only.items():
        where[f"{key}_id" if hasattr(value, "pk") else key] = getattr(value, "pk", value)
    if by == "region":
        group = f"COALESCE({CHILD[root.level]}, 0)" if root is not None else "region_id"
    else:
        group = GROUP_COLUMNS[by]
    rows = store.engine().rows(tally_sql(Slice(begin, end, where), group), [TABLE])
    return tally_from_rows(rows)


def _case_counts(
    begin: Any, end: Any, scope: Any, only: dict[str, Any], by: str, root: Any, keys: list[Any]
) -> dict[str, Any]:
    qs = RectificationCase.objects.filter(
        rating__rated_at__gte=begin,
        rating__rated_at__lt=end,
        rating__source="active",
        rating__is_follow_up=False,
        rating__level__lte=2,
        **{f"rating__{k}": v for k, v in only.items()},
    )
    if scope is not None:
        qs = qs.filter(**scope.subtree_filter("rating__centre__region__"))
    if by == "region" and root is None:
        qs = qs.annotate(g=F("rating__centre__region_id"))
    elif by == "region":
        child = "rating__centre__region__" + CHILD[root.level]
        qs = qs.annotate(g=Coalesce(F(child), Value(0), output_field=IntegerField()))
    elif by == "total":
        qs = qs.annotate(g=Value(1, output_field=IntegerField()))
    elif by in {"day", "month"}:
        trunc = TruncDay if by == "day" else TruncMonth
        qs = qs.annotate(g=trunc("rating__rated_at", tzinfo=SHANGHAI))
    else:
        qs = qs.annotate(g=F("rating__" + GROUP_COLUMNS[by]))
    done = Q(state__in=[CaseState.ANSWERED, CaseState.CLOSED])
    reachable = done & ~Q(rating__contact_cipher="")
    rows = (
        qs.order_by()
        .values("g")
        .annotate(  # no Meta ordering in the GROUP BY
            untrue=Count("pk", filter=Q(state=CaseState.UNTRUE)),
            rectified=Count("pk", filter=done),
            on_time=Count("pk", filter=done & Q(answered_at__lte=F("rectify_due"))),
            can_revisit=Count("pk", filter=reachable),
            revisited=Count("pk", filter=reachable & ~Q(feedback="")),
        )
    )
    shape = {"day": "%Y-%m-%d", "month": "%Y-%m"}.get(by)
    position = {k: i for i, k in enumerate(keys)}
    names = ("untrue", "rectified", "on_time", "can_revisit", "revisited")
    out = {name: np.zeros(len(keys), dtype=np.int64) for name in names}
    for g, *values in rows.values_list("g", *names):
        key = g.strftime(shape) if shape and g is not None else g
        if key in position:
            for name, value in zip(names, values, strict=True):
                out[name][position[key]] = value
    return out
