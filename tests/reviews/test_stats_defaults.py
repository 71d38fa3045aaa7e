"""Statistics pages open on the newest complete month with ratings, and "by region" counts each
region's whole subtree."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from minsheng.analytics.store import check
from minsheng.core.ratings.records import RatingRecord
from minsheng.core.ratings.vocabulary import Channel, Source
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.orgs.models import Organisation, Region
from minsheng.reviews.models import Rating
from minsheng.reviews.selectors import default_month
from minsheng.reviews.services.directory import Directory
from minsheng.reviews.services.ingest import ingest
from tests.conftest import City


def _rate(city: City, n: int, centre: str, when: dt.datetime, level: int = 5) -> None:
    city_code = city.county.parent.code  # type: ignore[union-attr]
    record = RatingRecord(
        n,
        f"S{n:05d}",
        "",
        f"dept-{city_code}-edu",
        centre,
        "",
        "",
        Channel.PC,
        level,
        (),
        "",
        Source.ACTIVE,
        when,
    )
    (result,) = ingest([record], directory=Directory(city.county.parent))
    assert result.rating_id is not None, result.errors


@pytest.fixture
def rated(city: City) -> City:
    october = dt.datetime(2026, 10, 9, 10, tzinfo=SHANGHAI)
    county_centre = f"centre-{city.county.code}"
    township_centres = list(
        Organisation.objects.filter(kind="service_centre", region__parent=city.county)
        .order_by("key")
        .values_list("key", flat=True)
    )
    assert township_centres, "the test city has township centres"
    for k in range(10):
        _rate(city, k, county_centre, october)
    for k in range(10, 17):
        _rate(city, k, township_centres[k % len(township_centres)], october)
    for k in range(17, 20):
        _rate(city, k, f"centre-{city.other_county.code}", october)
    _rate(city, 99, county_centre, dt.datetime(2026, 12, 1, 9, tzinfo=SHANGHAI), level=1)
    return city


def test_one_rating_on_the_first_does_not_switch_the_month(rated: City) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 2, 2, tzinfo=dt.UTC), tick=False):
        assert default_month(None) == "2026-10"  # November is empty: the newest with data
        for name, user in (("review_stats", "quality"), ("review_public", None)):
            response = rated.client(user).get(reverse(name))
            assert response.context["month"] == "2026-10", name
            assert "2026-12" in response.context["months"]  # still on offer
        integrity = rated.client("quality").get(reverse("review_integrity"))
        assert integrity.context["picked"] == "2026-10"


def test_the_running_month_when_nothing_earlier_exists(city: City) -> None:
    _rate(city, 1, f"centre-{city.county.code}", dt.datetime(2026, 12, 1, 9, tzinfo=SHANGHAI))
    assert default_month(None, today=dt.date(2026, 12, 2)) == "2026-12"
    Rating.objects.all().delete()
    check("ratings")  # the worker's check: rows gone from the database leave the store too
    assert default_month(None, today=dt.date(2026, 12, 2)) is None


def test_by_region_counts_the_whole_subtree(rated: City) -> None:
    response = rated.client("quality").get(
        reverse("review_stats"), {"month": "2026-10", "by": "region"}
    )
    rows = {r["group"]: r["n_active"] for r in response.context["rows"]}
    assert rows[rated.county.name] == 17  # its own centre (10) and its townships' (7)
    assert rows[rated.other_county.name] == 3
    assert sum(rows.values()) == 20
    assert "所辖乡镇" in response.content.decode()
    # The county officer sees its townships, and its own centre as 本级.
    county = rated.client("county").get(
        reverse("review_stats"), {"month": "2026-10", "by": "region"}
    )
    groups = {r["group"]: r["n_active"] for r in county.context["rows"]}
    assert groups[f"{rated.county.name}本级"] == 10
    assert sum(groups.values()) == 17
    assert all(Region.objects.filter(name=g).exists() for g in groups if not g.endswith("本级"))
