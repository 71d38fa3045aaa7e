"""Query parameters of the indicator pages and API: a period given as text, 404 when it is
not one (or has no approved data where that is required)."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import Http404

from minsheng.core.index.periods import Period, PeriodError


def parse_period(text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodError:
        raise Http404("no such period") from None


def chosen_period(text: str | None, available: Sequence[Period]) -> Period | None:
    """The period asked for, which must have data; blank → the latest (None when none)."""
    if not text:
        return available[-1] if available else None
    period = parse_period(text)
    if period not in available:
        raise Http404("no data for that period")
    return period
