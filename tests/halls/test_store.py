"""办件统计 from the analytics store (``halls.store``): after a case is completed, deleted or
added once its month is kept, the figures equal those of the month read whole again."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from django.utils import timezone

from minsheng.analytics.store import month_rows, root
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.halls import store
from minsheng.halls.models import Application
from minsheng.halls.selectors import case_rows
from minsheng.reviews.models import Rating
from tests.conftest import City
from tests.halls.test_applications import _centre

START, END = dt.date(2026, 9, 1), dt.date(2026, 10, 31)


def _figures(city: City, by: str) -> list[object]:
    total, rows = case_rows(
        city.county, START, END, by, as_of=dt.datetime(2026, 11, 5, tzinfo=SHANGHAI)
    )
    return [total, *rows]


def _whole(city: City, by: str) -> list[object]:
    """The same figures with nothing kept: every month read from the database."""
    shutil.rmtree(root() / store.TABLE, ignore_errors=True)
    return _figures(city, by)


def test_the_store_follows_changes_after_a_month_is_kept(city: City) -> None:
    centre, window, staff = _centre(city)
    at = dt.datetime(2026, 9, 28, 10, tzinfo=SHANGHAI)
    for k in range(6):
        Application.objects.create(
            case_no=f"S{k}", item_code=f"I{k % 2}", item_name=f"事项{k % 2}", centre=centre,
            window=window, staff=staff, received_at=at + dt.timedelta(days=k * 3),
            promised_days=3, due_at=at + dt.timedelta(days=k * 3 + 5),
            completed_at=at + dt.timedelta(days=k * 3 + 2) if k % 3 else None,
            visits=1, notice=k == 4, assisted="上门" if k == 1 else "",
        )  # fmt: skip
    for by in ("region", "centre", "item"):
        assert _figures(city, by) == _whole(city, by)
    _figures(city, "centre")  # both months kept
    late = Application.objects.get(case_no="S0")
    late.completed_at = timezone.now()
    late.save()
    Application.objects.filter(case_no="S1").delete()
    Application.objects.create(
        case_no="S9", item_code="I1", centre=centre, received_at=at + dt.timedelta(days=20)
    )
    for by in ("region", "centre", "item"):
        kept = _figures(city, by)
        assert kept == _whole(city, by), by
    total = _figures(city, "centre")[0]
    assert total.cases == Application.objects.filter(case_no__startswith="S").count()  # type: ignore[attr-defined]
    assert month_rows(store.TABLE, "2026-09").height >= 1


def test_rated_cases_are_those_an_active_first_rating_names(city: City) -> None:
    """ "Rated" (主动评价率) from the ratings in the store equals the database's own question:
    does an active first rating carry the case number — whichever month it was rated in."""
    centre, window, staff = _centre(city)
    at = dt.datetime(2026, 9, 10, 10, tzinfo=SHANGHAI)
    ratings = {  # case number → (source, 追评?, rated when)
        "R-active": ("active", False, at + dt.timedelta(days=1)),
        "R-default": ("default", False, at + dt.timedelta(days=1)),
        "R-follow": ("active", True, at + dt.timedelta(days=2)),
        "R-later": ("active", False, dt.datetime(2026, 12, 1, 9, tzinfo=SHANGHAI)),
        "R-earlier": ("active", False, dt.datetime(2026, 8, 1, 9, tzinfo=SHANGHAI)),
    }
    for case_no, (source, follow, rated) in ratings.items():
        Rating.objects.create(
            case_no=case_no, department=centre, centre=centre, channel="window", level=5,
            source=source, is_follow_up=follow, rated_at=rated,
        )  # fmt: skip
    for k, case_no in enumerate([*ratings, "R-none"]):
        Application.objects.create(
            case_no=case_no, item_code="I", centre=centre, window=window, staff=staff,
            received_at=at + dt.timedelta(hours=k), completed_at=at + dt.timedelta(hours=k + 1),
        )  # fmt: skip
    expected = Application.objects.filter(
        case_no__startswith="R-",
        case_no__in=Rating.objects.filter(source="active", is_follow_up=False).values("case_no"),
    ).count()
    assert expected == 3
    total, _rows = case_rows(city.county, START, END, "centre")
    assert total.completed == 6 and total.active_rate == pytest.approx(expected / 6)
