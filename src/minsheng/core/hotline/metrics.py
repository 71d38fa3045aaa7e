"""Monthly hotline metrics per group (department, township, category, type), vectorised over
any number of orders.

Over the orders of a group (those received in the month):

- ``orders``: all; ``dispatched``: with a dispatch time; ``answered``: with an answer time;
- 响应率 ``response_rate``: accepted (签收) by the 签收 deadline ÷ dispatched;
- ``on_time``: answered by the answer deadline (counted from the dispatch);
  按时办结率 ``on_time_rate`` = on_time ÷ orders with both a dispatch and an answer time;
- 办结率 ``answered_rate`` = answered ÷ orders;
- ``followed_up``: with a follow-up answer; 回访率 ``followup_rate`` = followed_up ÷ answered;
- 解决率 ``solved_rate`` = followed up and solved ÷ followed_up;
- 满意率 ``satisfied_rate`` = (满意 + 基本满意) ÷ followed_up;
- 重办率 ``reopened_rate`` = reopened ÷ answered; 退回率 ``returned_rate`` = returned at least
  once ÷ dispatched;
- ``mean_days``: mean working days from dispatch (or receipt, when answered without dispatch)
  to the answer.

A rate whose denominator is 0 is None. Times are epoch seconds (NaN when absent); deadlines come
from ``due_epochs`` on the one working-day calendar.

The monthly ranking (三率) scores each group 0–100 as a weighted mean of 响应率, 解决率 and 满意率
(default weights 10 / 45 / 45, the scheme Beijing's 接诉即办 ranking publishes; the city sets
its own), ranks the groups with at least ``min_n`` follow-ups, and gives each a rank interval:
the 5–95 % range of its rank over parametric bootstrap draws of the three rates (binomial on
their own counts), via ``core.survey.results.rank_intervals``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from minsheng.core.survey.results import RankInterval, rank_intervals
from minsheng.core.workdays.calendar import SHANGHAI, WorkCalendar

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]

FOLLOWUP_CODES = {"": 0, "satisfied": 1, "mostly": 2, "unsatisfied": 3}
RANK_WEIGHTS = {"response": 10.0, "solved": 45.0, "satisfied": 45.0}
DAY = 86_400
OFFSET = 8 * 3600  # Asia/Shanghai has had no daylight saving since 1991


@dataclass(frozen=True)
class OrderColumns:
    group: Ints  # index into the labels
    received: Floats
    dispatched: Floats
    accepted: Floats
    answered: Floats
    accept_due: Floats
    answer_due: Floats
    followup: Ints  # FOLLOWUP_CODES
    solved: Ints  # 1 solved, 0 not, -1 not asked
    reopened: Bools
    returned: Bools


@dataclass(frozen=True)
class GroupMetrics:
    group: str
    orders: int
    dispatched: int
    responded: int
    response_rate: float | None
    answered: int
    answered_rate: float | None
    on_time: int
    on_time_rate: float | None
    followed_up: int
    followup_rate: float | None
    solved: int
    solved_rate: float | None
    satisfied: int
    satisfied_rate: float | None
    reopened: int
    reopened_rate: float | None
    returned: int
    returned_rate: float | None
    mean_days: float | None
    timed: int = 0  # with both a dispatch and an answer time: on_time_rate's denominator

    def command_json(self) -> dict[str, object]:
        """The fields of ``minsheng hotline stats --format json``."""
        return {
            "group": self.group,
            "orders": self.orders,
            "answered": self.answered,
            "on_time": self.on_time,
            "on_time_rate": self.on_time_rate,
            "followed_up": self.followed_up,
            "satisfied_rate": self.satisfied_rate,
            "reopened_rate": self.reopened_rate,
        }


def order_columns(frame: pl.DataFrame, keys: Sequence[Any], key: str = "key") -> OrderColumns:
    """Orders with the analytics store's columns (``hotline.store.COLUMNS``: instants in UTC,
    follow-up answers as words) as the metrics read them; ``keys``: the groups in order, a None
    key (an order not dispatched, not located) last."""
    index = {k: i for i, k in enumerate(keys) if k is not None}
    group = (
        frame[key]
        .replace_strict(index, default=len(keys) - 1, return_dtype=pl.Int64)
        .fill_null(len(keys) - 1)
    )

    def seconds(name: str) -> Floats:
        epoch = frame[name].dt.epoch("us").cast(pl.Float64) / 1e6
        return epoch.fill_null(np.nan).to_numpy().astype(np.float64, copy=False)

    return OrderColumns(
        group=group.to_numpy(),
        received=seconds("received_at"),
        dispatched=seconds("dispatched_at"),
        accepted=seconds("accepted_at"),
        answered=seconds("answered_at"),
        accept_due=seconds("accept_due"),
        answer_due=seconds("answer_due"),
        followup=frame["followup"]
        .replace_strict(FOLLOWUP_CODES, default=0, return_dtype=pl.Int64)
        .to_numpy(),
        solved=frame["solved"].cast(pl.Int64).fill_null(-1).to_numpy(),
        reopened=(frame["reopened"] > 0).to_numpy(),
        returned=(frame["returned"] > 0).to_numpy(),
    )


def epoch(moment: dt.datetime | None) -> float:
    return moment.timestamp() if moment is not None else float("nan")


def local_days(seconds: Floats) -> Ints:
    """The Asia/Shanghai day number (days since 1970-01-01) of each moment (NaN → -1)."""
    present = ~np.isnan(seconds)
    days = np.full(len(seconds), -1, dtype=np.int64)
    days[present] = np.floor((seconds[present] + OFFSET) / DAY).astype(np.int64)
    return days


def due_epochs(calendar: WorkCalendar, start: Floats, working_days: Ints) -> Floats:
    """For each order: 23:59:59 Shanghai on the n-th working day after its start's day
    (``WorkCalendar.due``), computed once per distinct (day, n); NaN without a start."""
    out = np.full(len(start), np.nan)
    days = local_days(start)
    present = days >= 0
    if not present.any():
        return out
    keys = days[present] * 10_000 + working_days[present]
    unique, inverse = np.unique(keys, return_inverse=True)
    epoch_day = dt.date(1970, 1, 1)
    values = np.empty(len(unique))
    for k, key in enumerate(unique):
        day = epoch_day + dt.timedelta(days=int(key // 10_000))
        last = calendar.add_working_days(day, int(key % 10_000))
        values[k] = dt.datetime.combine(last, dt.time(23, 59, 59), tzinfo=SHANGHAI).timestamp()
    out[present] = values[inverse]
    return out


def working_days(calendar: WorkCalendar, start: Floats, end: Floats) -> Floats:
    """Working days from each start's day to its end's day (``working_days_between``)."""
    a, b = local_days(start), local_days(end)
    both = (a >= 0) & (b >= 0)
    out = np.full(len(start), np.nan)
    if not both.any():
        return out
    first, last = int(min(a[both].min(), b[both].min())), int(max(a[both].max(), b[both].max()))
    origin = dt.date(1970, 1, 1) + dt.timedelta(days=first)
    counts = np.asarray(
        calendar.running_count(origin, origin + dt.timedelta(days=last - first)), dtype=np.float64
    )
    out[both] = counts[b[both] - first] - counts[a[both] - first]
    return out


def _rate(num: Ints, den: Ints) -> list[float | None]:
    return [float(n) / float(d) if d else None for n, d in zip(num, den, strict=True)]


def group_metrics(
    columns: OrderColumns, labels: Sequence[str], calendar: WorkCalendar
) -> list[GroupMetrics]:
    """One entry per label (in the labels' order), groups without orders included."""
    g, size = columns.group, len(labels)

    def count(mask: Bools) -> Ints:
        return np.bincount(g[mask], minlength=size).astype(np.int64)

    has_dispatch = ~np.isnan(columns.dispatched)
    has_answer = ~np.isnan(columns.answered)
    both = has_dispatch & has_answer
    with np.errstate(invalid="ignore"):
        responded = has_dispatch & (columns.accepted <= columns.accept_due)
        on_time = both & (columns.answered <= columns.answer_due)
    followed = columns.followup > 0
    solved = followed & (columns.solved == 1)
    content = (columns.followup == 1) | (columns.followup == 2)
    start = np.where(has_dispatch, columns.dispatched, columns.received)
    days = working_days(calendar, start, np.where(has_answer, columns.answered, np.nan))
    counted = ~np.isnan(days)
    n = {
        "orders": np.bincount(g, minlength=size).astype(np.int64),
        "dispatched": count(has_dispatch),
        "responded": count(responded),
        "answered": count(has_answer),
        "both": count(both),
        "on_time": count(on_time),
        "followed": count(followed),
        "solved": count(solved),
        "content": count(content),
        "reopened": count(columns.reopened),
        "returned": count(columns.returned & has_dispatch),
        "counted": count(counted),
    }
    day_sum = np.bincount(g[counted], weights=days[counted], minlength=size).astype(np.float64)
    return metrics_from_counts(labels, n, day_sum)


COUNTS = ("orders", "dispatched", "responded", "answered", "both", "on_time", "followed",
          "solved", "content", "reopened", "returned", "counted")  # fmt: skip


def metrics_from_counts(
    labels: Sequence[str], n: Mapping[str, Ints], day_sum: Floats
) -> list[GroupMetrics]:
    """The figures of each group from its counts (``COUNTS``, per label) and its sum of working
    days — however they were counted (here, or by an engine's SQL: ``core.analytics.hotline``)."""
    rates = {
        "response": _rate(n["responded"], n["dispatched"]),
        "answered": _rate(n["answered"], n["orders"]),
        "on_time": _rate(n["on_time"], n["both"]),
        "followup": _rate(n["followed"], n["answered"]),
        "solved": _rate(n["solved"], n["followed"]),
        "satisfied": _rate(n["content"], n["followed"]),
        "reopened": _rate(n["reopened"], n["answered"]),
        "returned": _rate(n["returned"], n["dispatched"]),
    }
    return [
        GroupMetrics(
            group=labels[k],
            orders=int(n["orders"][k]),
            dispatched=int(n["dispatched"][k]),
            responded=int(n["responded"][k]),
            response_rate=rates["response"][k],
            answered=int(n["answered"][k]),
            answered_rate=rates["answered"][k],
            on_time=int(n["on_time"][k]),
            on_time_rate=rates["on_time"][k],
            followed_up=int(n["followed"][k]),
            followup_rate=rates["followup"][k],
            solved=int(n["solved"][k]),
            solved_rate=rates["solved"][k],
            satisfied=int(n["content"][k]),
            satisfied_rate=rates["satisfied"][k],
            reopened=int(n["reopened"][k]),
            reopened_rate=rates["reopened"][k],
            returned=int(n["returned"][k]),
            returned_rate=rates["returned"][k],
            mean_days=float(day_sum[k] / n["counted"][k]) if n["counted"][k] else None,
            timed=int(n["both"][k]),
        )
        for k in range(len(labels))
    ]


@dataclass(frozen=True)
class Ranked:
    metrics: GroupMetrics
    score: float | None  # 0–100
    interval: RankInterval


def ranking(
    rows: Sequence[GroupMetrics],
    *,
    weights: Mapping[str, float] | None = None,
    min_n: int = 30,
    draws: int = 1000,
    seed: int = 2026,
) -> list[Ranked]:
    """The 三率 ranking: best score first, groups under ``min_n`` follow-ups (or without a
    dispatched order) last and unranked."""
    w = {**RANK_WEIGHTS, **(weights or {})}
    total = sum(w.values())
    parts = (
        ("response", [r.responded for r in rows], [r.dispatched for r in rows]),
        ("solved", [r.solved for r in rows], [r.followed_up for r in rows]),
        ("satisfied", [r.satisfied for r in rows], [r.followed_up for r in rows]),
    )
    rng = np.random.default_rng(seed)
    score = np.zeros(len(rows))
    reps = np.zeros((draws, len(rows)))
    usable = np.ones(len(rows), dtype=bool)
    for name, hits, dens in parts:
        k, d = np.asarray(hits, dtype=np.float64), np.asarray(dens, dtype=np.int64)
        usable &= d > 0
        p = np.divide(k, d, out=np.zeros(len(rows)), where=d > 0)
        score += w[name] * p
        reps += (
            w[name] * rng.binomial(np.maximum(d, 0), p, size=(draws, len(rows))) / np.maximum(d, 1)
        )
    score = 100 * score / total
    reps = 100 * reps / total
    counts = [r.followed_up if usable[k] else 0 for k, r in enumerate(rows)]
    intervals = rank_intervals(score, reps, counts, min_n=min_n)
    out = [
        Ranked(r, float(score[k]) if usable[k] else None, intervals[k]) for k, r in enumerate(rows)
    ]
    return sorted(
        out, key=lambda x: (x.interval.rank is None, x.interval.rank or 0, x.metrics.group)
    )
