"""The working-day calendar and working-day deadlines.

A day is a working day when it is Monday–Friday and not a public holiday, or when it is a
make-up working day (调休上班, usually a Saturday or Sunday). The published schedule comes from
the ``holidays`` package (China); the platform's administrator can override any day (a new
year's schedule before the package knows it, a local holiday), and overrides win.

A deadline of N working days ends at 23:59:59 Asia/Shanghai on the N-th working day after
the day of the event; that day itself is not counted, whatever the hour.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from holidays.countries.china import ChinaStaticHolidays

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_WORKING_DAYS = 3660  # ten years of working days is beyond any rule
# Years whose State Council schedule (holidays with their make-up working days) the package
# carries; for later years it only knows the statutory dates, not the 调休.
PUBLISHED_YEARS = frozenset(ChinaStaticHolidays.special_public_holidays)


def chinese_date(day: dt.date | None) -> str:
    """2026年12月2日 (— for none): a date as pages, messages and documents print it."""
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


@cache
def _published(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """Holidays and make-up working days of one year, as the ``holidays`` package has them."""
    china = holidays.country_holidays("CN", years=year)
    off = frozenset(d for d in china if d.year == year)
    on = frozenset(d for d in getattr(china, "weekend_workdays", ()) if d.year == year)
    return off, on


@dataclass(frozen=True)
class WorkCalendar:
    """``overrides`` maps a date to True (a working day) or False (a day off)."""

    overrides: Mapping[dt.date, bool] = field(default_factory=dict)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        off, on = _published(day.year)
        if day in on:
            return True
        return day.weekday() < 5 and day not in off

    def reason(self, day: dt.date) -> str:
        """Why a day is (not) a working day, for the calendar page."""
        if day in self.overrides:
            return "管理员设定 / set by the administrator"
        china = holidays.country_holidays("CN", years=day.year, language="zh_CN")
        if day in _published(day.year)[1]:
            return "调休上班 / make-up working day"
        if day in china:
            return str(china.get(day))
        return "周末 / weekend" if day.weekday() >= 5 else "工作日 / working day"

    def schedule_published(self, year: int) -> bool:
        """Whether the year's holiday schedule is known: published in the package, or entered
        by the administrator (any override in that year)."""
        return year in PUBLISHED_YEARS or any(d.year == year for d in self.overrides)

    def unpublished_years(self, start: dt.date, end: dt.date) -> list[int]:
        """Years in [start, end] whose schedule is not known yet: a deadline reaching into one
        is a guess (statutory holidays only, no make-up days) and may move when it appears."""
        return [y for y in range(start.year, end.year + 1) if not self.schedule_published(y)]

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after ``day`` (``day`` itself not counted); n = 0 is ``day``."""
        if not 0 <= n <= MAX_WORKING_DAYS:
            raise ValueError(f"working days must be between 0 and {MAX_WORKING_DAYS}, not {n}")
        current = day
        left = n
        while left:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                left -= 1
        return current

    def due(self, start: dt.datetime, n: int) -> dt.datetime:
        """23:59:59 Asia/Shanghai on the n-th working day after the (Shanghai) day of ``start``.
        A naive ``start`` is taken as Shanghai time."""
        local = (
            start.replace(tzinfo=SHANGHAI) if start.tzinfo is None else start.astimezone(SHANGHAI)
        )
        last = self.add_working_days(local.date(), n)
        return dt.datetime.combine(last, dt.time(23, 59, 59), tzinfo=SHANGHAI)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            1
            for k in range(1, (end - start).days + 1)
            if self.is_working_day(start + dt.timedelta(days=k))
        )

    def running_count(self, start: dt.date, end: dt.date) -> list[int]:
        """For each day d of [start, end], the working days in (start, d]: the working days
        between any two days of the span are a subtraction (whole years of cases at once)."""
        counts = [0]
        for k in range(1, (end - start).days + 1):
            counts.append(counts[-1] + self.is_working_day(start + dt.timedelta(days=k)))
        return counts

    def year(self, year: int) -> list[tuple[dt.date, bool]]:
        """Every day of a year with whether it is a working day."""
        day = dt.date(year, 1, 1)
        out = []
        while day.year == year:
            out.append((day, self.is_working_day(day)))
            day += dt.timedelta(days=1)
        return out


def published_years(years: Iterable[int]) -> dict[int, bool]:
    """Whether the package carries a published schedule (any holiday) for each year."""
    return {y: bool(_published(y)[0]) for y in years}
