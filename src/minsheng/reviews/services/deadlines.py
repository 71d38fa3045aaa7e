"""The working-day calendar as the administrator left it, and each region's deadline rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from minsheng.core.workdays.calendar import SHANGHAI, WorkCalendar
from minsheng.orgs.models import Region
from minsheng.reviews.models import CalendarDay, DeadlineRule

DEFAULT_VERIFY_DAYS = 1
DEFAULT_RECTIFY_DAYS = 15


def work_calendar() -> WorkCalendar:
    """The published schedule with the administrator's overrides (read once per call)."""
    return WorkCalendar({d.date: d.is_working for d in CalendarDay.objects.all()})


def unpublished_deadline_years(case: Any) -> list[int]:
    """Years a case's deadlines reach into whose holiday schedule is not known yet."""
    start = case.rating.rated_at.astimezone(SHANGHAI).date()
    end = case.rectify_due.astimezone(SHANGHAI).date()
    return work_calendar().unpublished_years(start, end)


def deadline_days(region: Region) -> tuple[int, int]:
    """(verify, rectify) working days: the nearest rule from the region up to the province."""
    ids = region.lineage_ids()
    rules = {r.region_id: r for r in DeadlineRule.objects.filter(region_id__in=ids)}
    for pk in ids:
        if pk in rules:
            return rules[pk].verify_days, rules[pk].rectify_days
    return DEFAULT_VERIFY_DAYS, DEFAULT_RECTIFY_DAYS


def deadlines(
    calendar: WorkCalendar, rated_at: dt.datetime, days: tuple[int, int]
) -> tuple[dt.datetime, dt.datetime]:
    return calendar.due(rated_at, days[0]), calendar.due(rated_at, days[1])
