"""The hotline's monthly figures in SQL, for either engine (DuckDB, or Apache Spark when one
machine is outgrown): per group, the counts ``core.hotline.metrics.metrics_from_counts`` turns
into 响应率, 按时办结率, 办结率, 回访率, 解决率, 满意率, 重办率, 退回率 and the mean working days —
the same counts ``group_metrics`` makes in numpy, over orders with the analytics store's columns
(``hotline.store.COLUMNS``: times as UTC instants).

Working days come from a calendar table (``calendar_frame``: each Asia/Shanghai day of the span
and the running count of working days), joined by the local dates of the start (the dispatch,
else the receipt) and of the answer. ``tests/core/analytics/test_hotline_sql.py`` holds DuckDB,
Spark and ``group_metrics`` equal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

from minsheng.core.hotline.metrics import COUNTS, Floats, Ints
from minsheng.core.workdays.calendar import WorkCalendar

CALENDAR = "workdays"  # the calendar table's name


def calendar_frame(calendar: WorkCalendar, first: dt.date, last: dt.date) -> pl.DataFrame:
    """Each day of [first, last] with the working days in (first, day]."""
    days = pl.date_range(first, last, "1d", eager=True)
    return pl.DataFrame({"day": days, "running": calendar.running_count(first, last)})


def _local_date(column: str) -> str:
    return f"CAST({column} + INTERVAL 8 HOURS AS DATE)"  # Asia/Shanghai has no daylight saving


def metrics_sql(table: str, key: str) -> str:
    """Rows of (key, the ``COUNTS`` in order, the sum of working days), by key. ``key``: a
    column of ``table``."""
    if not key.replace("_", "").isalnum():
        raise ValueError(f"not a column: {key!r}")
    dispatched = "dispatched_at IS NOT NULL"
    answered = "answered_at IS NOT NULL"
    both = f"{dispatched} AND {answered}"
    followed = "followup IN ('satisfied', 'mostly', 'unsatisfied')"
    conditions = {
        "dispatched": dispatched,
        "responded": f"{dispatched} AND accepted_at <= accept_due",
        "answered": answered,
        "both": both,
        "on_time": f"{both} AND answered_at <= answer_due",
        "followed": followed,
        "solved": f"{followed} AND solved",
        "content": "followup IN ('satisfied', 'mostly')",
        "reopened": "reopened > 0",
        "returned": f"returned > 0 AND {dispatched}",
        "counted": "done.running IS NOT NULL AND began.running IS NOT NULL",
    }
    sums = ",\n  ".join(
        f"SUM(CASE WHEN {conditions[name]} THEN 1 ELSE 0 END) AS {name}"
        for name in COUNTS
        if name != "orders"
    )
    start = _local_date("COALESCE(dispatched_at, received_at)")
    return (  # the names are the store's own and the key a checked column name
        f"SELECT o.{key} AS grp, COUNT(*) AS orders,\n  {sums},\n"
        "  SUM(CAST(done.running - began.running AS DOUBLE)) AS day_sum\n"
        f"FROM {table} o\n"
        f"LEFT JOIN {CALENDAR} began ON began.day = {start}\n"
        f"LEFT JOIN {CALENDAR} done ON done.day = {_local_date('answered_at')}\n"
        f"GROUP BY o.{key}"
    )


def counts_from_rows(
    rows: Sequence[tuple[Any, ...]], keys: Sequence[Any]
) -> tuple[dict[str, Ints], Floats]:
    """The engine's rows as counts per key (in the order of ``keys``; a key without orders
    counts nothing) and each key's sum of working days."""
    place = {key: k for k, key in enumerate(keys)}
    counts = {name: np.zeros(len(keys), dtype=np.int64) for name in COUNTS}
    day_sum = np.zeros(len(keys))
    for row in rows:
        k = place.get(row[0])
        if k is None:
            continue
        for j, name in enumerate(COUNTS):
            counts[name][k] = int(row[1 + j] or 0)
        day_sum[k] = float(row[-1] or 0.0)
    return counts, day_sum
