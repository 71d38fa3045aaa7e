"""The hot spots' surges and repeated complaints count the analytics store's orders: the weeks
equal a count of the same orders read one by one from the database (the reference below, as
the page counted before), for the whole city and for a unit that sees only its own orders —
with merged orders, orders without a category or a county, and orders on the boundaries of the
weeks in Shanghai time."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db.models import QuerySet

from minsheng.core.hotline.hotspots import BASELINE_WEEKS
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.hotline import hotspots
from minsheng.hotline.models import Category, RequestType, State, WorkOrder
from minsheng.hotline.services.imports import blank_order, insert_orders
from minsheng.orgs.models import Organisation
from tests.conftest import City

MONDAY = dt.date(2027, 3, 1)


def reference_weeks(
    orders: QuerySet[WorkOrder], monday: dt.date, repeats: bool
) -> dict[tuple[str, str], list[int]]:
    start, end = hotspots._span(monday, BASELINE_WEEKS)
    rows = orders.filter(received_at__gte=start, received_at__lt=end).exclude(state=State.MERGED)
    weekly: dict[tuple[str, str], list[int]] = {}

    def week(moment: dt.datetime) -> int:
        number = BASELINE_WEEKS + (moment.astimezone(SHANGHAI).date() - monday).days // 7
        return min(max(number, 0), BASELINE_WEEKS)

    if repeats:
        rows = rows.filter(type=RequestType.COMPLAINT).exclude(centre=None)
        for name, received in rows.values_list("centre__name", "received_at"):
            weekly.setdefault((name, ""), [0] * (BASELINE_WEEKS + 1))[week(received)] += 1
        return weekly
    rows = rows.exclude(category_text="")
    for category, county, received in rows.values_list(
        "category_text", "region__county__name", "received_at"
    ):
        for key in [(category, "")] + ([(category, county)] if county else []):
            weekly.setdefault(key, [0] * (BASELINE_WEEKS + 1))[week(received)] += 1
    return weekly


def _orders(city: City) -> None:
    root = city.county.parent
    assert root is not None
    rng = random.Random(4)
    categories = list(Category.objects.filter(city=root).order_by("pk")[:4])
    centres = list(Organisation.objects.filter(kind="service_centre", region__city=root)[:3])
    units = list(Organisation.objects.filter(kind="department", region=root)[:3])
    places = [city.township.pk, city.other_township.pk, city.county.pk, root.pk, None]
    first = dt.datetime.combine(MONDAY, dt.time(), tzinfo=SHANGHAI) - dt.timedelta(weeks=9)
    rows = []
    for k in range(1500):
        row = blank_order(root, f"HT{k:05d}")
        category = rng.choice([*categories, None])
        at = first + dt.timedelta(minutes=rng.randrange(10 * 7 * 24 * 60))
        if k % 50 == 0:  # on a week's boundary, Shanghai time
            at = dt.datetime.combine(MONDAY, dt.time(), tzinfo=SHANGHAI) - dt.timedelta(
                weeks=rng.randrange(0, 9), microseconds=rng.choice([0, 1])
            )
        row.update(
            channel="phone", type=rng.choice(["complaint", "help", "consult"]),
            category_id=category.pk if category else None,
            category_text=category.path if category else "", region_id=rng.choice(places),
            received_at=at, centre_id=rng.choice(centres).pk if rng.random() < 0.4 else None,
            unit_id=rng.choice(units).pk, text="诉求", phone_hash=f"h{k}",
            state=State.MERGED if k % 17 == 0 else State.DISPATCHED,
        )  # fmt: skip
        rows.append(row)
    insert_orders(rows)


def test_the_weeks_are_counted_as_the_database_counts_them(
    city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    _orders(city)
    seen: dict[str, dict[tuple[str, str], list[int]]] = {}
    original = hotspots.surges

    def spy(weekly: dict[tuple[str, str], list[int]], **kwargs: int) -> object:
        seen["repeat" if "min_count" in kwargs else "surge"] = weekly
        return original(weekly, **kwargs)

    monkeypatch.setattr(hotspots, "surges", spy)
    unit = Organisation.objects.filter(kind="department", region=city.county.parent).first()
    for orders in (WorkOrder.objects.all(), WorkOrder.objects.filter(unit=unit)):
        hotspots.hot_spots(orders, MONDAY)
        assert seen["surge"] == reference_weeks(orders, MONDAY, repeats=False)
        assert seen["repeat"] == reference_weeks(orders, MONDAY, repeats=True)
        assert sum(map(sum, seen["surge"].values())) > 300
        assert any(len(k[1]) for k in seen["surge"])  # per county too
