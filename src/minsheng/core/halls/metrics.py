"""What a hall's application records say, per group (centre, region, item) at once:

- ``cases`` received in the period; ``completed`` of them completed (by the as-of moment)
- ``on_time_rate`` 按时办结率 = completed no later than their due moment ÷ completed cases that
  have a due moment (a promise); ``overdue_open`` = open cases whose due moment has passed
- ``mean_days`` = mean working days from receipt to completion (working days in (received day,
  completed day], so a case completed on the day it came in took 0) over completed cases;
  ``mean_promised`` = the mean promised working days of the same completed cases with a promise
- ``visits_per_case`` = mean 到现场次数 over cases where it was recorded
- ``notice_rate`` 一次性告知率 = cases given the printed list ÷ cases
- ``assisted`` = cases handled by 代办 or 上门
- ``active_rate`` 主动评价率 = completed cases with an active rating ÷ completed cases

Rates are fractions 0–1, None when their denominator is 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from minsheng.core.workdays.calendar import WorkCalendar


@dataclass(frozen=True, slots=True)
class Cases:
    """One entry per application, as columns. Moments are POSIX seconds (NaN = none); days are
    Shanghai dates as ``date.toordinal()`` (-1 = none)."""

    group: NDArray[np.int64]
    received_day: NDArray[np.int64]
    completed_day: NDArray[np.int64]
    completed_at: NDArray[np.float64]
    due_at: NDArray[np.float64]
    promised: NDArray[np.float64]  # working days, NaN = no promise
    visits: NDArray[np.float64]  # NaN = not recorded
    notice: NDArray[np.bool_]
    assisted: NDArray[np.bool_]
    rated: NDArray[np.bool_]  # an active rating names the case


@dataclass(frozen=True, slots=True)
class CaseMetrics:
    cases: int
    completed: int
    on_time_rate: float | None
    overdue_open: int
    mean_days: float | None
    mean_promised: float | None
    visits_per_case: float | None
    notice_rate: float | None
    assisted: int
    active_rate: float | None

    def as_json(self) -> dict[str, float | int | None]:
        return {name: getattr(self, name) for name in self.__slots__}


def _ratio(part: NDArray[np.float64], whole: NDArray[np.float64], g: int) -> float | None:
    return float(part[g] / whole[g]) if whole[g] else None


def case_metrics(
    cases: Cases, groups: int, *, as_of: dt.datetime, calendar: WorkCalendar
) -> list[CaseMetrics]:
    """The metrics of each group 0 … ``groups`` − 1."""

    def count(
        mask: NDArray[np.bool_], weights: NDArray[np.float64] | None = None
    ) -> NDArray[np.float64]:
        w = mask.astype(np.float64) if weights is None else np.where(mask, weights, 0.0)
        return np.asarray(np.bincount(cases.group, weights=w, minlength=groups), dtype=np.float64)

    done = cases.completed_day >= 0
    with_due = ~np.isnan(cases.due_at)
    worked = np.zeros(len(cases.group), dtype=np.float64)
    if done.any():
        first = int(cases.received_day.min())
        last = int(cases.completed_day[done].max())
        running = np.asarray(
            calendar.running_count(dt.date.fromordinal(first), dt.date.fromordinal(last)),
            dtype=np.float64,
        )
        worked[done] = (
            running[cases.completed_day[done] - first] - running[cases.received_day[done] - first]
        )
    now = as_of.timestamp()
    promised = done & ~np.isnan(cases.promised)
    seen = ~np.isnan(cases.visits)
    n = count(np.ones(len(cases.group), dtype=np.bool_))
    n_done = count(done)
    n_due = count(done & with_due)
    on_time = count(done & with_due & (cases.completed_at <= cases.due_at))
    overdue = count(~done & with_due & (cases.due_at < now))
    days = count(done, worked)
    n_promised = count(promised)
    promised_sum = count(promised, np.nan_to_num(cases.promised))
    n_seen = count(seen)
    visits = count(seen, np.nan_to_num(cases.visits))
    notice = count(cases.notice)
    assisted = count(cases.assisted)
    rated = count(done & cases.rated)
    return [
        CaseMetrics(
            cases=int(n[g]),
            completed=int(n_done[g]),
            on_time_rate=_ratio(on_time, n_due, g),
            overdue_open=int(overdue[g]),
            mean_days=_ratio(days, n_done, g),
            mean_promised=_ratio(promised_sum, n_promised, g),
            visits_per_case=_ratio(visits, n_seen, g),
            notice_rate=_ratio(notice, n, g),
            assisted=int(assisted[g]),
            active_rate=_ratio(rated, n_done, g),
        )
        for g in range(groups)
    ]
