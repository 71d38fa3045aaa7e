"""The hotline's hot spots over a city's orders (``core.hotline.hotspots``): category surges in
the week against the eight weeks before (city-wide and per county), complaints about a service
centre beyond its own normal range, and clusters of near-identical texts from one township in
the last two weeks — each a ``Finding`` the office or a dispatcher can hand to supervision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl
from django.db.models import QuerySet

from minsheng.core.hotline.hotspots import BASELINE_WEEKS, MIN_REPEATS, clusters, surges
from minsheng.core.hotline.routing import words
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.hotline.models import RequestType, State, WorkOrder
from minsheng.hotline.selectors import orders_between
from minsheng.orgs.models import Organisation, Region

Key = tuple[str, str]

WINDOW_DAYS = 14
PROBLEM_TYPES = (RequestType.HELP, RequestType.COMPLAINT, RequestType.REPORT)


@dataclass(frozen=True)
class Finding:
    kind: str  # surge | repeat | cluster
    key: str  # stable: the same finding twice gives the same task
    title: str
    detail: str
    strength: float  # higher: surer
    category: str = ""
    orders: list[int] = field(default_factory=list)


def as_json(finding: Finding) -> dict[str, object]:
    """A finding for the command and the API (the kind as a key, the texts as the page's)."""
    return {
        "kind": finding.kind,
        "key": finding.key,
        "title": finding.title,
        "detail": finding.detail,
        "strength": round(finding.strength, 2),
        "category": finding.category,
        "orders": finding.orders,
    }


def last_full_week(today: dt.date) -> dt.date:
    """The Monday of the last complete week (Monday–Sunday) before ``today``."""
    return today - dt.timedelta(days=today.weekday() + 7)


def _span(monday: dt.date, weeks: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(monday - dt.timedelta(weeks=weeks), dt.time(), tzinfo=SHANGHAI)
    end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(), tzinfo=SHANGHAI)
    return start, end


def hot_spots(orders: QuerySet[WorkOrder], monday: dt.date) -> list[Finding]:
    """The findings of the week starting ``monday`` against the eight before it (surges,
    repeats) and of the two weeks up to its end (clusters), strongest first within each kind."""
    weeks = orders_between(orders, *_span(monday, BASELINE_WEEKS))  # the analytics store's
    return [*_surges(weeks, monday), *_repeats(weeks, monday), *_clusters(orders, monday)]


def _weeks(monday: dt.date) -> pl.Expr:
    """Which week of the span each order falls in: 0 … BASELINE_WEEKS - 1 the weeks before,
    BASELINE_WEEKS the week starting ``monday`` (a day belongs to its own Monday–Sunday week)."""
    day = pl.col("received_at").dt.convert_time_zone("Asia/Shanghai").dt.date()
    days = (day - pl.lit(monday)).dt.total_days()
    return (BASELINE_WEEKS + days.floordiv(7)).clip(0, BASELINE_WEEKS)


def _weekly(counted: pl.DataFrame, names: dict[int, str] | None = None) -> dict[Key, list[int]]:
    """(what, where, week, n) rows → (what, where) → orders per week; ``what`` given as an id
    is named by ``names``."""
    weekly: dict[Key, list[int]] = {}
    for what, where, week, n in counted.sort(counted.columns[:3]).iter_rows():
        label = names.get(what, str(what)) if names is not None else what
        weekly.setdefault((label, where), [0] * (BASELINE_WEEKS + 1))[week] += n
    return weekly


def _surges(weeks: pl.DataFrame, monday: dt.date) -> list[Finding]:
    """Category surges, city-wide and per county, over the span's orders (store columns)."""
    frame = weeks.filter(pl.col("category_text") != "")
    frame = frame.with_columns(week=_weeks(monday))
    county_names = dict(
        Region.objects.filter(
            pk__in=frame["county_id"].drop_nulls().unique().to_list()
        ).values_list("pk", "name")
    )
    city_wide = frame.group_by("category_text", "week").agg(n=pl.len())
    per_county = (
        frame.filter(pl.col("county_id").is_not_null())
        .with_columns(county=pl.col("county_id").replace_strict(county_names, default=""))
        .group_by("category_text", "county", "week")
        .agg(n=pl.len())
    )
    weekly = _weekly(city_wide.select("category_text", pl.lit("").alias("where"), "week", "n"))
    for key, counts in _weekly(per_county.filter(pl.col("county") != "")).items():
        weekly[key] = counts
    label = f"{monday.month}月{monday.day}日起一周"
    return [
        Finding(
            "surge",
            f"surge:{monday}:{s.category}:{s.place}",
            f"{s.place or '全市'}“{s.category}”诉求激增",
            f"{label}受理 {s.count} 张，前 {BASELINE_WEEKS} 周平均每周 {s.baseline:.1f} 张"
            f"（{s.count / max(s.baseline, 1):.1f} 倍，按泊松分布偶然出现的概率 {s.p:.1e}）。",
            s.strength,
            s.category,
        )
        for s in surges(weekly)
    ]


def _window(orders: QuerySet[WorkOrder], monday: dt.date) -> QuerySet[WorkOrder]:
    _start, end = _span(monday, 0)
    begin = end - dt.timedelta(days=WINDOW_DAYS)
    return orders.filter(received_at__gte=begin, received_at__lt=end).exclude(state=State.MERGED)


def _repeats(weeks: pl.DataFrame, monday: dt.date) -> list[Finding]:
    """Complaints about a service centre beyond its own weeks before (store columns)."""
    frame = weeks.filter(
        (pl.col("type") == RequestType.COMPLAINT) & pl.col("centre_id").is_not_null()
    )
    counted = (
        frame.with_columns(week=_weeks(monday))
        .group_by("centre_id", "week")
        .agg(n=pl.len())
        .select("centre_id", pl.lit("").alias("where"), "week", "n")
    )
    names = dict(
        Organisation.objects.filter(pk__in=counted["centre_id"].unique().to_list()).values_list(
            "pk", "name"
        )
    )
    weekly = _weekly(counted, names)
    return [
        Finding(
            "repeat",
            f"repeat:{monday}:{s.category}",
            f"{s.category}被反复投诉",
            f"{monday.month}月{monday.day}日起一周被投诉 {s.count} 次，前 {BASELINE_WEEKS} 周"
            f"平均每周 {s.baseline:.1f} 次（偶然出现的概率 {s.p:.1e}）。",
            s.strength,
        )
        for s in surges(weekly, min_count=MIN_REPEATS)
    ]


def _clusters(orders: QuerySet[WorkOrder], monday: dt.date) -> list[Finding]:
    rows = list(
        _window(orders, monday)
        .filter(type__in=PROBLEM_TYPES)
        .order_by("received_at", "pk")  # ties in time: the same seed whoever asks
        .values_list("pk", "text", "phone_hash", "category_text", "region__township_id")[:20_000]
    )
    sets = [frozenset(words(row[1])) for row in rows]
    places = [str(row[4] or "") for row in rows]
    out = []
    for cluster in clusters(sets, [row[2] for row in rows], places):
        seed = rows[cluster.seed]
        callers = len({rows[i][2] or i for i in cluster.members})
        out.append(
            Finding(
                "cluster",
                f"cluster:{monday}:{seed[0]}",
                f"多人反映同一问题：{seed[1][:30]}",
                f"{WINDOW_DAYS} 天内 {len(cluster.members)} 张工单、{callers} 位来电人的"
                "诉求内容基本相同。",
                float(len(cluster.members)),
                seed[3],
                [rows[i][0] for i in cluster.members][:50],
            )
        )
    return out
