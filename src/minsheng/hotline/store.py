"""The hotline's orders as columns, a month at a time, for the monthly figures
(``selectors.month_metrics``: the pages, ``minsheng hotline stats``, the API).

Orders change after they arrive (dispatched, answered, followed up, reopened), so a month is not
copied once by id like the ratings: it is a snapshot in the analytics store
(``hotline_orders/month=2026-10/version-<v>.parquet``, the version being the moment it was read,
in microseconds since 1970 as 16 hex digits) read together with the rows changed since — those
whose ``updated_at`` is at or after that moment less ``MARGIN``, which replace their old copies.
The margin catches a write that committed after the snapshot with an earlier ``updated_at``,
unless its transaction ran longer than the margin. If the month then holds fewer or more orders
than the database does (an order deleted, an insert racing the read), the month is read again
whole. The worker rebuilds the current and the last month's snapshots when they are older than
``STALE``, so a page reads a snapshot and the few hundred rows changed since, not a million.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db.models import Max
from django.utils import timezone

from minsheng.analytics.frames import UTC_TIME, query_frame
from minsheng.analytics.store import register_snapshots, root
from minsheng.core.analytics import store
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.hotline.models import WorkOrder

TABLE = "hotline_orders"
MARGIN = dt.timedelta(minutes=30)
STALE = dt.timedelta(minutes=10)
MOMENTS = ("received_at", "dispatched_at", "accepted_at", "answered_at", "accept_due", "answer_due")
# Column in the snapshot → (what the database gives, type).
COLUMNS = {
    "id": ("pk", pl.Int64),
    "city_id": ("city_id", pl.Int64),
    "unit_id": ("unit_id", pl.Int64),
    "region_id": ("region_id", pl.Int64),
    "township_id": ("region__township_id", pl.Int64),
    "county_id": ("region__county_id", pl.Int64),
    "category_text": ("category_text", pl.String),
    "type": ("type", pl.String),
    "state": ("state", pl.String),
    **{name: (name, UTC_TIME) for name in MOMENTS},
    "followup": ("followup", pl.String),
    "solved": ("solved", pl.Boolean),
    "reopened": ("reopened", pl.Int64),
    "returned": ("returned", pl.Int64),
}
register_snapshots(TABLE)


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """[first moment, first moment of the next month) in Asia/Shanghai for "2026-10"."""
    year, number = (int(x) for x in month.split("-"))
    start = dt.datetime(year, number, 1, tzinfo=SHANGHAI)
    end = dt.datetime(year + number // 12, number % 12 + 1, 1, tzinfo=SHANGHAI)
    return start, end


def _received(month: str) -> dict[str, dt.datetime]:
    start, end = month_bounds(month)
    return {"received_at__gte": start, "received_at__lt": end}


def _read(month: str, since: dt.datetime | None = None) -> pl.DataFrame:
    orders = WorkOrder.objects.filter(**_received(month))
    if since is not None:
        orders = orders.filter(updated_at__gte=since)
    return query_frame(orders.order_by(), COLUMNS)


def _version(moment: dt.datetime) -> str:
    return f"{round(moment.timestamp() * 1_000_000):016x}"


def _moment(version: str) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(version, 16) / 1_000_000, tz=dt.UTC)


def rebuild(month: str) -> pl.DataFrame:
    """Read the month's orders whole and keep them as its snapshot."""
    through = timezone.now()  # before reading: a later write is read again as changed
    frame = _read(month)
    store.snapshot_write(root(), TABLE, f"month={month}", _version(through), frame)
    return frame


def month_orders(month: str) -> pl.DataFrame:
    """Every order received in the month (all cities, every state), as it is in the database
    now: the snapshot with the rows changed since replacing their copies."""
    found = store.latest_snapshot(root(), TABLE, f"month={month}")
    if found is None:
        return rebuild(month)
    version, frame = found
    changed = _read(month, _moment(version) - MARGIN)
    if changed.height:
        frame = pl.concat([frame.join(changed.select("id"), on="id", how="anti"), changed])
    if not frame.height:
        return frame
    last = int(frame["id"].max())  # type: ignore[arg-type]
    if WorkOrder.objects.filter(**_received(month), pk__lte=last).count() != frame.height:
        return rebuild(month)  # an order deleted, or one committed out of order meanwhile
    return frame


def refresh_recent(now: dt.datetime | None = None) -> int:
    """The worker's step: this month's and last month's (of ``now``) snapshots rebuilt when
    they are older than ``STALE`` (or missing while the month has orders) and something changed
    since; returns how many were rebuilt."""
    month_of = (now or timezone.now()).astimezone(SHANGHAI)
    last = month_of.replace(day=1) - dt.timedelta(days=1)
    moment = timezone.now()
    rebuilt = 0
    for month in (f"{last.year}-{last.month:02d}", f"{month_of.year}-{month_of.month:02d}"):
        version = store.latest_version(root(), TABLE, f"month={month}")
        if version is not None and moment - _moment(version) < STALE:
            continue
        newest = WorkOrder.objects.filter(**_received(month)).aggregate(m=Max("updated_at"))["m"]
        if newest is None and version is None:
            continue  # nothing received that month
        if version is not None and newest is not None and newest < _moment(version) - MARGIN:
            continue  # nothing changed since
        rebuild(month)
        rebuilt += 1
    return rebuilt
