"""The hotline's monthly figures over the orders a user sees (``core.hotline.metrics``): by
department (承办单位), region (as the order names it), township, county, category or type; the
三率 ranking; and the month's most frequent problem (每月一题)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import uuid
from dataclasses import dataclass
from typing import Any, cast

import polars as pl
from django.conf import settings
from django.db.models import Count, QuerySet

from minsheng.analytics.frames import query_frame
from minsheng.analytics.store import engine, root, span_rows
from minsheng.core.analytics.hotline import CALENDAR, calendar_frame, counts_from_rows, metrics_sql
from minsheng.core.analytics.store import month_bounds
from minsheng.core.hotline.deadlines import DeadlineRules
from minsheng.core.hotline.metrics import (
    GroupMetrics,
    Ranked,
    group_metrics,
    metrics_from_counts,
    order_columns,
    ranking,
)
from minsheng.core.hotline.vocabulary import TYPE_LABELS
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.hotline.models import RequestType, WorkOrder
from minsheng.hotline.store import TABLE
from minsheng.orgs.models import Organisation, Region
from minsheng.reviews.services.deadlines import work_calendar

BY_FIELDS = {  # the column of ``store.COLUMNS`` each grouping reads
    "department": "unit_id",
    "region": "region_id",
    "township": "township_id",
    "county": "county_id",
    "category": "category_text",
    "type": "type",
}
BY_LABELS = {
    "department": "承办单位",
    "region": "区域",
    "township": "乡镇（街道）",
    "county": "县（市、区）",
    "category": "诉求分类",
    "type": "诉求类型",
}
NONE_LABELS = {
    "department": "未派单",
    "region": "未定位",
    "township": "未定位到乡镇",
    "county": "未定位到县区",
    "category": "未分类",
    "type": "未知",
}
TOPIC_TYPES = (RequestType.HELP, RequestType.COMPLAINT, RequestType.REPORT)


MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def in_month(orders: QuerySet[WorkOrder], month: str) -> QuerySet[WorkOrder]:
    start, end = month_bounds(month)
    return orders.filter(received_at__gte=start, received_at__lt=end).exclude(state="merged")


@dataclass(frozen=True)
class Grouped:
    rows: list[GroupMetrics]
    keys: list[Any]  # the group's key (unit or region id, category text, type) per row


def orders_between(
    orders: QuerySet[WorkOrder], start: dt.datetime, end: dt.datetime
) -> pl.DataFrame:
    """The orders received in [start, end), merged ones left out, as the analytics store's
    columns (``analytics.store.span_rows``: each month's snapshot and the rows changed since); the
    queryset decides which of them the reader sees — when it sees as many as the span holds,
    all of them (one count), else the ids it sees (one indexed query)."""
    frame = span_rows(TABLE, start, end).filter(pl.col("state") != "merged")
    visible = (
        orders.filter(received_at__gte=start, received_at__lt=end)
        .exclude(state="merged")
        .order_by()
    )
    if visible.count() != frame.height:
        frame = frame.join(query_frame(visible, {"id": ("pk", pl.Int64)}), on="id", how="semi")
    return frame


def month_metrics(orders: QuerySet[WorkOrder], month: str, by: str) -> Grouped:
    """The metrics of the month's orders (received in it) grouped ``by`` (``BY_FIELDS``),
    largest group first (``orders_between``: from the analytics store)."""
    frame = orders_between(orders, *month_bounds(month))
    return grouped_metrics(frame.rename({BY_FIELDS[by]: "key"}), by)


def grouped_metrics(frame: pl.DataFrame, by: str) -> Grouped:
    """The metrics of orders given as ``store.COLUMNS`` with the grouping column as ``key``:
    counted here — or, when the store's engine is Apache Spark (``MINSHENG_ANALYTICS=spark``),
    by the engine (``core.analytics.hotline``, the same counts)."""
    keys = sorted(frame["key"].unique().to_list(), key=lambda k: (k is None, str(k)))
    labels = _labels(by, keys)
    if settings.MINSHENG_ANALYTICS == "spark":
        metrics = _engine_metrics(frame, keys, labels)
    else:
        metrics = group_metrics(order_columns(frame, keys), labels, work_calendar())
    order = sorted(range(len(keys)), key=lambda k: (-metrics[k].orders, labels[k]))
    return Grouped([metrics[k] for k in order], [keys[k] for k in order])


def _engine_metrics(frame: pl.DataFrame, keys: list[Any], labels: list[str]) -> list[GroupMetrics]:
    """The orders and the working-day calendar of their span as Parquet beside the store's
    tables (where every executor reads), counted by the engine's SQL."""
    local = pl.concat(
        frame[c].dt.convert_time_zone("Asia/Shanghai").dt.date().alias("day")
        for c in ("received_at", "dispatched_at", "answered_at")
    ).drop_nulls()
    if not frame.height or not local.len():
        return metrics_from_counts(labels, *counts_from_rows([], keys))
    first, last = cast(dt.date, local.min()), cast(dt.date, local.max())
    work = root() / TABLE / f".work-{uuid.uuid4().hex}"
    work.mkdir(parents=True)
    try:
        frame.write_parquet(work / "orders.parquet")
        span = calendar_frame(work_calendar(), first, last)
        span.write_parquet(work / "workdays.parquet")
        reader = engine()
        rows = reader.rows(
            metrics_sql("orders", "key"),
            [],
            {"orders": work / "orders.parquet", CALENDAR: work / "workdays.parquet"},
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return metrics_from_counts(labels, *counts_from_rows(rows, keys))


def _labels(by: str, keys: list[Any]) -> list[str]:
    names: dict[Any, str] = {}
    if by == "department":
        names = dict(Organisation.objects.filter(pk__in=keys).values_list("pk", "name"))
    elif by in ("region", "township", "county"):
        names = dict(Region.objects.filter(pk__in=keys).values_list("pk", "name"))
    elif by == "type":
        names = dict(TYPE_LABELS)
    return [NONE_LABELS[by] if k in (None, "") else str(names.get(k, k)) for k in keys]


def region_codes(keys: list[Any]) -> dict[Any, str]:
    return dict(Region.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "code"))


def month_ranking(
    orders: QuerySet[WorkOrder], month: str, by: str, rules: DeadlineRules
) -> list[Ranked]:
    """The 三率 ranking of the month's groups (townships or departments), placed ones only,
    with the city's weights and minimum of follow-ups."""
    grouped = month_metrics(orders, month, by)
    placed = [m for m, k in zip(grouped.rows, grouped.keys, strict=True) if k not in (None, "")]
    return ranking(placed, weights=rules.rank_weights, min_n=rules.rank_min_n)


@dataclass(frozen=True)
class Topic:
    category: str
    orders: int
    before: int  # the month before
    regions: list[tuple[str, int]]  # where it came from, most first


def month_topic(orders: QuerySet[WorkOrder], month: str) -> Topic | None:
    """每月一题: the category with the most 求助, 投诉 and 举报 orders in the month."""
    counted = (
        in_month(orders, month)
        .filter(type__in=TOPIC_TYPES)
        .exclude(category_text="")
        .values("category_text")
        .annotate(n=Count("pk"))
        .order_by("-n", "category_text")
    )
    top = counted.first()
    if top is None:
        return None
    start, _end = month_bounds(month)
    last = start - dt.timedelta(days=1)
    before = (
        in_month(orders, f"{last.year}-{last.month:02d}")
        .filter(type__in=TOPIC_TYPES, category_text=top["category_text"])
        .count()
    )
    places = (
        in_month(orders, month)
        .filter(type__in=TOPIC_TYPES, category_text=top["category_text"])
        .exclude(region=None)
        .values("region__county__name")
        .annotate(n=Count("pk"))
        .order_by("-n")[:5]
    )
    return Topic(
        top["category_text"],
        int(top["n"]),
        before,
        [(p["region__county__name"] or "", int(p["n"])) for p in places],
    )


@dataclass(frozen=True)
class Beside:
    """The month's complaint categories (top level, most first) beside the fields of the city's
    latest poll (lowest score first): what people call about next to what they score low."""

    categories: list[tuple[str, int]]
    poll: str
    fields: list[tuple[str, float]]


def beside_poll(orders: QuerySet[WorkOrder], city: Region | None, month: str) -> Beside:
    from minsheng.polls.models import Poll
    from minsheng.polls.results import poll_results

    counts: dict[str, int] = {}
    problems = in_month(orders, month).filter(type__in=TOPIC_TYPES).exclude(category_text="")
    for text, n in problems.values_list("category_text").annotate(n=Count("pk")):
        top = text.split("/")[0]
        counts[top] = counts.get(top, 0) + n
    categories = sorted(counts.items(), key=lambda kv: -kv[1])[:8]
    poll = Poll.objects.filter(region=city).order_by("-round", "-pk").first() if city else None
    fields: list[tuple[str, float]] = []
    if poll is not None:
        results = poll_results(poll, "county")
        fields = sorted(((f.name, f.score) for f in results.fields), key=lambda x: x[1])
    return Beside(categories, poll.name if poll is not None else "", fields[:8])


def centre_complaints(centre: Organisation, days: int = 90) -> int:
    """Complaints naming the service centre in the last ``days`` days."""
    since = dt.datetime.now(tz=SHANGHAI) - dt.timedelta(days=days)
    return (
        WorkOrder.objects.filter(centre=centre, type=RequestType.COMPLAINT, received_at__gte=since)
        .exclude(state="merged")
        .count()
    )
