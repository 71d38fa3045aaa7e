"""The ratings integrity checks read the analytics store: a month's events and the centres'
history equal what the database gives for the same ratings (the reference below reads them with
the ORM, as the checks did before), on DuckDB and on Apache Spark; a store written before the
checks' columns were stored is copied again."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import polars as pl
import pytest
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from polars.testing import assert_frame_equal

from minsheng.analytics import store
from minsheng.analytics.frames import UTC_TIME, query_frame
from minsheng.core.analytics import engines
from minsheng.core.analytics import store as layout
from minsheng.core.analytics.store import month_bounds
from minsheng.core.integrity.ratings import EVENT_SCHEMA
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.halls.models import Application
from minsheng.orgs.models import Organisation, OrgKind, Region, Staff
from minsheng.reviews.models import Channel, Rating, Source
from minsheng.reviews.services import integrity
from tests.conftest import City

MONTH = "2026-10"


@pytest.fixture
def ratings(city: City) -> None:
    """August to October 2026: devices (some blank), staff (some none), comments, 追评, every
    source and level, a completion time or none; application records for some case numbers,
    completed or not."""
    rng = random.Random(11)
    centres = list(Organisation.objects.filter(kind=OrgKind.SERVICE_CENTRE).order_by("pk"))
    staff = list(Staff.objects.order_by("pk")[:30])
    start = dt.datetime(2026, 7, 31, 20, tzinfo=SHANGHAI)
    rows = []
    for k in range(2500):
        rated = start + dt.timedelta(minutes=rng.randrange(93 * 24 * 60))
        rows.append(
            Rating(
                case_no=f"I{k}",
                department=centres[0],
                centre=rng.choice(centres[:10]),
                staff=rng.choice([*staff, None]),
                device=rng.choice(["", "pad-1", "pad-2", "pad-3", "柜台-9"]),
                channel=rng.choice(list(Channel.values)),
                level=rng.choices([1, 2, 3, 4, 5], [3, 4, 8, 30, 55])[0],
                source=rng.choices(["active", "default", "system"], [85, 10, 5])[0],
                is_follow_up=rng.random() < 0.05,
                comment=rng.choice(["", "", "办事效率很高，工作人员热情周到", "满意"]),
                rated_at=rated,
                handled_at=rated - dt.timedelta(minutes=rng.randrange(-30, 300))
                if rng.random() < 0.8
                else None,
            )
        )
    Rating.objects.bulk_create(rows)
    centre = centres[0]
    for k in range(0, 2500, 3):
        received = start + dt.timedelta(days=rng.randrange(80))
        Application.objects.create(
            case_no=f"I{k}", item_code="A", centre=centre, received_at=received,
            completed_at=received + dt.timedelta(hours=rng.randrange(1, 2000))
            if k % 2 else None,
        )  # fmt: skip


def reference_events(month: str, scope: Region | None) -> pl.DataFrame:
    """The month's events as the checks read them from the database before (ORM)."""
    completed = Application.objects.filter(case_no=OuterRef("case_no")).values("completed_at")
    start, end = month_bounds(month)
    qs = Rating.objects.filter(rated_at__gte=start, rated_at__lt=end, is_follow_up=False)
    if scope is not None:
        qs = qs.filter(**scope.subtree_filter("centre__region__"))
    qs = qs.annotate(done=Coalesce(Subquery(completed[:1]), F("handled_at"))).order_by("pk")
    frame = query_frame(
        qs,
        {
            "id": ("pk", pl.Int64),
            "centre": ("centre_id", pl.Int64),
            "staff": ("staff_id", pl.Int64),
            "device": ("device", pl.String),
            "level": ("level", pl.Int8),
            "source": ("source", pl.String),
            "channel": ("channel", pl.String),
            "rated_at": ("rated_at", UTC_TIME),
            "handled_at": ("done", UTC_TIME),
            "comment": ("comment", pl.String),
        },
    )
    seconds = [
        (pl.col(c).dt.epoch("us").cast(pl.Float64) / 1e6).alias(c)
        for c in ("rated_at", "handled_at")
    ]
    return frame.with_columns(seconds).select(pl.col(n).cast(t) for n, t in EVENT_SCHEMA.items())


def reference_history(month: str, scope: Region | None) -> dict[int, Any]:
    start, _ = month_bounds(integrity._previous(month, integrity.HISTORY_MONTHS))
    end, _ = month_bounds(month)
    out: dict[int, Any] = {}
    qs = Rating.objects.filter(
        rated_at__gte=start, rated_at__lt=end, source=Source.ACTIVE, is_follow_up=False
    )
    if scope is not None:
        qs = qs.filter(**scope.subtree_filter("centre__region__"))
    for centre, device, staff, level in qs.values_list("centre_id", "device", "staff_id", "level"):
        n, bad, devices, people = out.get(centre, (0, 0, set(), set()))
        if device:
            devices.add(device)
        if staff is not None:
            people.add(staff)
        out[centre] = (n + 1, bad + (level <= 2), devices, people)
    return {
        c: integrity.CentreHistory(bad, n, frozenset(d), frozenset(p))
        for c, (n, bad, d, p) in out.items()
    }


def _scopes(city: City) -> list[Region | None]:
    return [None, city.county, city.township]


@pytest.mark.usefixtures("ratings")
def test_the_checks_read_from_the_store_what_the_database_holds(city: City) -> None:
    for scope in _scopes(city):
        events = integrity.month_events(MONTH, scope).sort("id")
        assert events.height
        assert_frame_equal(events, reference_events(MONTH, scope))
        assert integrity._history(MONTH, scope) == reference_history(MONTH, scope)
    # some ratings did take an application's completion instead of their own
    events = integrity.month_events(MONTH, None)
    carried = dict(Rating.objects.filter(rated_at__month=10).values_list("pk", "handled_at"))
    moved = [
        i
        for i, t in zip(events["id"], events["handled_at"], strict=True)
        if carried.get(i) is not None and t != carried[i].timestamp()
    ]
    assert len(moved) > 50


def test_an_application_received_over_a_year_before_is_not_looked_up(city: City) -> None:
    centre = Organisation.objects.filter(kind=OrgKind.SERVICE_CENTRE).order_by("pk").first()
    assert centre is not None
    rated = dt.datetime(2026, 10, 12, 10, tzinfo=SHANGHAI)
    for case_no, received in (
        ("OLD", dt.datetime(2025, 9, 30, 12, tzinfo=SHANGHAI)),  # the 13th month before
        ("EDGE", dt.datetime(2025, 10, 1, 9, tzinfo=SHANGHAI)),  # the 12th: looked up
    ):
        Rating.objects.create(
            case_no=case_no, department=centre, centre=centre, channel="window", level=5,
            source="active", rated_at=rated, handled_at=rated - dt.timedelta(minutes=10),
        )  # fmt: skip
        Application.objects.create(
            case_no=case_no, item_code="A", centre=centre, received_at=received,
            completed_at=rated + dt.timedelta(hours=2),
        )  # fmt: skip
    events = integrity.month_events(MONTH, None)
    handled = dict(zip(events["id"], events["handled_at"], strict=True))
    old, edge = (Rating.objects.get(case_no=c).pk for c in ("OLD", "EDGE"))
    assert handled[old] == (rated - dt.timedelta(minutes=10)).timestamp()
    assert handled[edge] == (rated + dt.timedelta(hours=2)).timestamp()


@pytest.mark.usefixtures("ratings")
def test_spark_reads_the_same_events_and_history(
    city: City, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_duckdb = {
        str(s): (integrity.month_events(MONTH, s), integrity._history(MONTH, s))
        for s in _scopes(city)[:2]
    }
    pytest.importorskip("pyspark")
    settings.MINSHENG_ANALYTICS = "spark"
    settings.MINSHENG_SPARK_MASTER = "local[2]"
    asked: list[str] = []
    spark_frame = engines.Spark.frame

    def frame(self: engines.Spark, sql: str, *args: Any) -> pl.DataFrame | None:
        asked.append(sql)
        return spark_frame(self, sql, *args)

    monkeypatch.setattr(engines.Spark, "frame", frame)
    for scope in _scopes(city)[:2]:
        events, history = integrity.month_events(MONTH, scope), integrity._history(MONTH, scope)
        assert_frame_equal(events.sort("id"), on_duckdb[str(scope)][0].sort("id"))
        assert history == on_duckdb[str(scope)][1]
    assert len(asked) == 4  # Spark did the work


@pytest.mark.usefixtures("ratings")
def test_a_store_written_without_the_checks_columns_is_copied_again(city: City) -> None:
    store.sync("ratings")
    base = store.root()
    (part,) = layout.parts(base, "ratings")[:1]
    old = pl.read_parquet(part.path).drop("case_no", "device", "comment", "handled_at")
    old.write_parquet(part.path)  # as a store of the previous release holds it
    store._LAYOUT_CHECKED.clear()
    assert_frame_equal(
        integrity.month_events(MONTH, None).sort("id"), reference_events(MONTH, None)
    )
    columns = layout.part_columns(layout.parts(base, "ratings")[0])
    assert {"case_no", "device", "comment", "handled_at"} <= set(columns)
