"""A centre's opening hours as written on its profile ("周一至周五 9:00—12:00，13:30—17:30；
周六 9:00—12:00"), read into days and times, so a rating stamped while the hall is shut can be
told apart. "周一至周五" and "工作日" mean the statutory working days (with 调休 make-up days),
judged by the working-day calendar; other days by the day of the week."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

DAYS = "一二三四五六日天"
_TIME = r"(\d{1,2})[:：](\d{2})"
_RANGE = re.compile(_TIME + r"\s*[-—–~～至到]+\s*" + _TIME)
_DAY_RANGE = re.compile(
    r"(?:周|星期)([一二三四五六日天])\s*[至到\-—–~～]\s*(?:周|星期)?([一二三四五六日天])"
)
_DAY_ONE = re.compile(r"(?:周|星期)([一二三四五六日天])")


def _day(ch: str) -> int:
    return min(DAYS.index(ch), 6)  # 日 and 天 are both Sunday


@dataclass(frozen=True, slots=True)
class Hours:
    """Per day kind, the minutes after midnight of the first opening and the last closing.
    ``workdays``: the span on statutory working days (None: not open by that rule);
    ``weekdays``: spans by day of the week (Monday 0), used on every other day."""

    workdays: tuple[int, int] | None
    weekdays: dict[int, tuple[int, int]]

    def span(
        self, day: dt.date, is_working_day: Callable[[dt.date], bool]
    ) -> tuple[int, int] | None:
        """(open, close) in minutes after midnight on ``day``, or None when shut all day."""
        if self.workdays is not None and is_working_day(day):
            return self.workdays
        return self.weekdays.get(day.weekday())


def _merge(old: tuple[int, int] | None, new: tuple[int, int]) -> tuple[int, int]:
    return new if old is None else (min(old[0], new[0]), max(old[1], new[1]))


def parse_hours(text: str) -> Hours | None:
    """None when the text names no times (then nothing can be judged against it)."""
    workdays: tuple[int, int] | None = None
    weekdays: dict[int, tuple[int, int]] = {}
    for segment in re.split(r"[；;\n]", text):
        times = [
            (int(h1) * 60 + int(m1), int(h2) * 60 + int(m2))
            for h1, m1, h2, m2 in _RANGE.findall(segment)
        ]
        times = [(a, b) for a, b in times if 0 <= a < b <= 24 * 60]
        if not times:
            continue
        span = (min(a for a, _ in times), max(b for _, b in times))
        days: set[int] = set()
        for first, last in _DAY_RANGE.findall(segment):
            a, b = _day(first), _day(last)
            days |= set(range(a, b + 1)) if a <= b else set(range(a, 7)) | set(range(0, b + 1))
        if not days:
            days = {_day(ch) for ch in _DAY_ONE.findall(segment)}
        if "工作日" in segment or days == {0, 1, 2, 3, 4}:
            workdays = _merge(workdays, span)
            continue
        if not days and not re.search(r"每天|每日|全天|全年", segment) and workdays is None:
            workdays = _merge(workdays, span)  # times alone: the working days
            continue
        for d in days or set(range(7)):
            weekdays[d] = _merge(weekdays.get(d), span)
    if workdays is None and not weekdays:
        return None
    return Hours(workdays, weekdays)
