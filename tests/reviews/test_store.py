"""The analytics store: what the pages, commands and reports read equals the database's own
count (``rating_stats_orm``), rating by rating; the watermark copies every rating exactly once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from minsheng.analytics import store
from minsheng.core.analytics import store as layout
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.orgs.models import Organisation, OrgKind, Staff, Window
from minsheng.reviews.models import (
    CaseState,
    Channel,
    Feedback,
    Rating,
    RectificationCase,
    ServiceItem,
)
from minsheng.reviews.selectors import (
    BY_CHOICES,
    TOTAL,
    month_slice,
    rating_stats,
    rating_stats_orm,
)
from tests.conftest import City

MONTH = "2026-10"


@pytest.fixture
def ratings(city: City) -> int:
    """Ratings of October 2026 over the city's centres, departments, windows and staff: every
    level, source, 追评, contact or not, bad ones with cases in every state, some rated on the
    last evening of September and of October (the other month in Shanghai time)."""
    rng = random.Random(5)
    centres = list(Organisation.objects.filter(kind=OrgKind.SERVICE_CENTRE).order_by("pk"))
    departments = list(Organisation.objects.filter(kind=OrgKind.DEPARTMENT).order_by("pk"))
    windows = list(Window.objects.order_by("pk")[:40])
    staff = list(Staff.objects.order_by("pk")[:40])
    items = [ServiceItem.objects.create(code=f"ST{k}", name=f"事项{k}") for k in range(4)]
    start = dt.datetime(2026, 9, 30, 20, 0, tzinfo=SHANGHAI)
    rows = []
    for k in range(3000):
        centre = rng.choice(centres[:12]) if k % 5 else rng.choice(centres)
        rows.append(
            Rating(
                case_no=f"S{k}",
                department=rng.choice(departments[:6]),
                centre=centre,
                window=rng.choice([*windows, None]),
                staff=rng.choice([*staff, None]),
                service_item=rng.choice([*items, None]),
                channel=rng.choice(list(Channel.values)),
                level=rng.choices([1, 2, 3, 4, 5], [3, 4, 8, 30, 55])[0],
                source=rng.choices(["active", "default", "system"], [85, 10, 5])[0],
                is_follow_up=rng.random() < 0.04,
                contact_cipher="x" if rng.random() < 0.5 else "",
                rated_at=start + dt.timedelta(minutes=rng.randrange(31 * 24 * 60 + 360)),
            )
        )
    Rating.objects.bulk_create(rows)
    cases = []
    for rating in Rating.objects.filter(case_no__startswith="S", level__lte=2, source="active"):
        if rng.random() < 0.1:
            continue  # a bad rating whose case was never opened
        state = rng.choice(list(CaseState.values))
        due = rating.rated_at + dt.timedelta(days=5)
        answered = due + dt.timedelta(days=rng.choice([-2, 1])) if rng.random() < 0.7 else None
        cases.append(
            RectificationCase(
                rating=rating, department=rating.department, state=state,
                verify_due=due, rectify_due=due, answered_at=answered,
                feedback=rng.choice(["", *Feedback.values]),
            )
        )  # fmt: skip
    RectificationCase.objects.bulk_create(cases)
    return len(rows)


def same(a: list[Any], b: list[Any]) -> None:
    assert len(a) == len(b) > 0
    for x, y in zip(a, b, strict=True):
        left, right = dataclasses.asdict(x), dataclasses.asdict(y)
        for key, value in left.items():
            if isinstance(value, float):
                assert right[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key
            else:
                assert right[key] == value, (x.group, key)


@pytest.mark.parametrize("by", [*BY_CHOICES, TOTAL])
def test_the_store_counts_what_the_database_counts(city: City, ratings: int, by: str) -> None:
    month = MONTH
    for scope in (None, city.county):
        part = month_slice(month, scope)
        root = scope or city.county.parent
        stored = rating_stats(part, by, month=month, root=root, min_n=5)
        counted = rating_stats_orm(part.queryset(), by, month=month, root=root, min_n=5)
        same(stored, counted)


def test_a_department_sees_the_same_figures_either_way(city: City, ratings: int) -> None:
    month = MONTH
    department = (
        Organisation.objects.filter(pk__in=Rating.objects.values("department_id"))
        .order_by("pk")
        .first()
    )
    assert department is not None
    part = month_slice(month, city.county.parent, {"department": department})
    for by in ("centre", "region", "day", "channel"):
        same(
            rating_stats(part, by, month=month, root=city.county.parent),
            rating_stats_orm(part.queryset(), by, month=month, root=city.county.parent),
        )


def test_the_watermark_copies_each_rating_once(city: City, ratings: int) -> None:
    root = Path(settings.MINSHENG_ANALYTICS_DIR)
    total = Rating.objects.count()
    assert store.sync("ratings") == total
    assert store.sync("ratings") == 0  # nothing new: nothing copied
    assert store.stored_count("ratings") == total
    # A killed run leaves a temporary file behind: never read, never counted.
    month = layout.months(root, "ratings")[-1]
    (root / "ratings" / f"month={month}" / ".part-x.parquet.tmp").write_bytes(b"half")
    first = Rating.objects.order_by("pk").first()
    assert first is not None
    first.pk = None
    first.case_no = "STORE-NEW"
    first.rated_at = dt.datetime(2026, 11, 30, 23, 30, tzinfo=SHANGHAI)
    first.save()
    assert store.sync("ratings") == 1
    assert store.stored_count("ratings") == total + 1
    # The new rating is in November (Shanghai time), though 15:30 UTC.
    assert layout.watermark(root, "ratings") == first.pk
    out = StringIO()
    call_command("analytics", "status", stdout=out)
    (row,) = [r for r in json.loads(out.getvalue()) if r["table"] == "ratings"]
    assert row["rows"] == total + 1 and row["watermark"] == first.pk and "2026-11" in row["months"]


def test_a_deleted_rating_makes_the_store_copy_again(city: City, ratings: int) -> None:
    store.sync("ratings")
    Rating.objects.filter(case__isnull=True).order_by("-pk")[:1].get().delete()
    out = StringIO()
    call_command("analytics", "sync", "--verify", stdout=out)
    (row,) = [r for r in json.loads(out.getvalue()) if r["table"] == "ratings"]
    assert row["rebuilt"] is True and row["store"] == row["database"] + 1
    assert store.stored_count("ratings") == Rating.objects.count()


@pytest.mark.usefixtures("ratings")
def test_the_monthly_trend_is_the_database_count_of_each_month(city: City) -> None:
    from django.db.models import Count, Q

    from minsheng.core.analytics.store import month_bounds
    from minsheng.reviews.selectors import monthly_trend

    months = ["2026-11", "2026-10", "2026-09", "2026-08"]
    department = Rating.objects.filter(case_no__startswith="S").first().department  # type: ignore[union-attr]
    for scope, only in ((None, {}), (city.county, {}), (None, {"department": department})):
        trend = monthly_trend(scope, months, only)
        assert [t["month"] for t in trend] == months[::-1]
        for row in trend:
            start, end = month_bounds(row["month"])
            qs = Rating.objects.filter(
                rated_at__gte=start, rated_at__lt=end, source="active", is_follow_up=False, **only
            )
            if scope is not None:
                qs = qs.filter(**scope.subtree_filter("centre__region__"))
            counts = qs.aggregate(n=Count("pk"), good=Count("pk", filter=Q(level__gte=3)))
            assert row["n"] == counts["n"]
            assert row["good_rate"] == (counts["good"] / counts["n"] if counts["n"] else None)
        assert any(row["n"] for row in trend) and any(row["n"] == 0 for row in trend)


@pytest.mark.usefixtures("ratings")
def test_the_months_on_offer_span_the_databases_first_and_last(city: City) -> None:
    from django.db.models import Max, Min

    from minsheng.reviews.selectors import default_month, months_available

    for scope in (None, city.county):
        qs = Rating.objects.all()
        if scope is not None:
            qs = qs.filter(**scope.subtree_filter("centre__region__"))
        span = qs.aggregate(first=Min("rated_at"), last=Max("rated_at"))
        first = span["first"].astimezone(SHANGHAI).strftime("%Y-%m")
        last = span["last"].astimezone(SHANGHAI).strftime("%Y-%m")
        months = months_available(scope)
        assert months[0] == last and months[-1] == first and months == sorted(months)[::-1]
        assert default_month(scope, today=dt.date(2026, 11, 15)) == "2026-10"
        assert default_month(scope, today=dt.date(2026, 10, 15)) == "2026-09"
        assert default_month(scope, today=dt.date(2026, 9, 1)) == last  # nothing earlier
