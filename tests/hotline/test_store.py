"""The hotline's month in the analytics store (``hotline.store``): a snapshot read with the
rows changed since gives exactly what the database gives, after answers, late commits inside
the margin, deletions, and for a reader who sees only some orders."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.utils import timezone

from minsheng.analytics import store as analytics_store
from minsheng.analytics.frames import query_frame
from minsheng.analytics.store import refresh_months, root
from minsheng.core.analytics import store as core_store
from minsheng.core.analytics.store import month_bounds
from minsheng.hotline import selectors, store
from minsheng.hotline.models import WorkOrder
from minsheng.hotline.selectors import BY_FIELDS, grouped_metrics, in_month, month_metrics
from minsheng.orgs.models import Organisation
from tests.conftest import City, on_spark
from tests.hotline.test_import_and_stats import _city_code, _import, _rows, _write

MONTH = "2026-10"


@pytest.fixture(autouse=True)
def _orders(city: City, tmp_path: Path) -> None:
    WorkOrder.objects.all().delete()  # rolled back after each test
    _import(_write(tmp_path, _rows(city)))


def _from_database(orders: object, by: str) -> list[tuple[object, ...]]:
    """The month's figures computed on columns read straight from the database."""
    frame = query_frame(in_month(orders, MONTH).order_by(), store.COLUMNS)  # type: ignore[arg-type]
    grouped = grouped_metrics(frame.rename({BY_FIELDS[by]: "key"}), by)
    return [(k, m) for k, m in zip(grouped.keys, grouped.rows, strict=True)]


def _from_store(orders: object, by: str) -> list[tuple[object, ...]]:
    grouped = month_metrics(orders, MONTH, by)  # type: ignore[arg-type]
    return [(k, m) for k, m in zip(grouped.keys, grouped.rows, strict=True)]


def _version() -> str | None:
    return core_store.latest_version(root(), store.TABLE, f"month={MONTH}")


@pytest.mark.parametrize("by", list(BY_FIELDS))
def test_every_grouping_equals_the_database(by: str) -> None:
    orders = WorkOrder.objects.all()
    assert _from_store(orders, by) == _from_database(orders, by)
    assert _version() is not None  # the first read kept the month


def test_a_change_after_the_snapshot_is_read_without_reading_the_month_again() -> None:
    orders = WorkOrder.objects.all()
    month_metrics(orders, MONTH, "type")
    kept = _version()
    t5 = WorkOrder.objects.get(order_no="T5")
    t5.answered_at, t5.state = timezone.now(), "answered"
    t5.save()
    assert _from_store(orders, "type") == _from_database(orders, "type")
    assert _version() == kept
    frame = store.month_orders(MONTH)
    assert frame.filter(pl.col("id") == t5.pk)["answered_at"].item() is not None


def test_a_late_commit_inside_the_margin_is_caught() -> None:
    """A write whose ``updated_at`` is older than the snapshot (its transaction began before the
    snapshot was read and committed after) is still read, within ``MARGIN``."""
    orders = WorkOrder.objects.all()
    month_metrics(orders, MONTH, "department")
    kept = _version()
    assert kept is not None
    earlier = dt.datetime.fromtimestamp(int(kept, 16) / 1e6, tz=dt.UTC) - dt.timedelta(minutes=2)
    WorkOrder.objects.filter(order_no="T6").update(followup="满意", updated_at=earlier)
    assert _from_store(orders, "department") == _from_database(orders, "department")


def test_a_deleted_order_makes_the_month_read_again() -> None:
    orders = WorkOrder.objects.all()
    month_metrics(orders, MONTH, "type")
    kept = _version()
    start, end = month_bounds(MONTH)
    WorkOrder.objects.filter(order_no="T3").delete()
    assert _from_store(orders, "type") == _from_database(orders, "type")
    assert _version() != kept
    assert (
        store.month_orders(MONTH).height
        == WorkOrder.objects.filter(received_at__gte=start, received_at__lt=end).count()
    )


def test_a_reader_sees_only_their_orders(city: City) -> None:
    housing = Organisation.objects.get(key=f"dept-{_city_code(city)}-housing")
    theirs = WorkOrder.objects.filter(unit=housing)
    got = _from_store(theirs, "type")
    assert got == _from_database(theirs, "type")
    assert (
        sum(m.orders for _, m in got)
        == in_month(theirs, MONTH).count()
        < in_month(WorkOrder.objects.all(), MONTH).count()
    )


def test_the_worker_rebuilds_stale_months_only(monkeypatch: pytest.MonkeyPatch) -> None:
    october = dt.datetime(2026, 10, 31, 12, tzinfo=dt.UTC)

    def rebuilt(now: dt.datetime) -> int:
        return refresh_months(now)[store.TABLE]

    assert rebuilt(october) == 2  # September (T8) and October: none kept yet
    assert rebuilt(october) == 0  # both fresh
    monkeypatch.setattr(analytics_store, "STALE", dt.timedelta(0))
    assert rebuilt(october) == 2  # stale, and their orders changed lately
    november = dt.datetime(2026, 11, 15, tzinfo=dt.UTC)
    assert rebuilt(november) == 1  # October again; November received nothing


def test_the_command_shows_the_kept_months() -> None:
    """``minsheng analytics status`` lists each kept month with when it was read (Shanghai time)
    and its rows; ``sync --verify`` reads only the recent months again (this month and the last:
    none of them has orders here), so October stays as it was read."""
    import json
    from io import StringIO

    from django.core.management import call_command

    month_metrics(WorkOrder.objects.all(), MONTH, "type")

    def kept() -> dict[str, object]:
        out = StringIO()
        call_command("analytics", "status", stdout=out)
        (row,) = [r for r in json.loads(out.getvalue()) if r["table"] == store.TABLE]
        (month,) = row["monthly"]
        return dict(month)

    before = kept()
    start, end = month_bounds(MONTH)
    received = WorkOrder.objects.filter(received_at__gte=start, received_at__lt=end).count()
    assert before["month"] == MONTH and before["rows"] == received > 0
    assert str(before["read_at"]).endswith("+08:00")
    synced = StringIO()
    call_command("analytics", "sync", "--verify", stdout=synced)
    rows = {r["table"]: r for r in json.loads(synced.getvalue())}
    assert rows[store.TABLE]["months_read"] == 0
    assert kept() == before


@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")
@pytest.mark.parametrize("by", ["department", "type"])
def test_on_spark_the_month_counts_the_same(
    by: str, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``MINSHENG_ANALYTICS=spark`` the month's figures are counted by Spark (local mode)
    over the month's orders and a working-day calendar written beside the store — the same
    figures, working days included."""
    orders = WorkOrder.objects.all()
    here = _from_store(orders, by)
    used = on_spark(settings, monkeypatch, selectors)
    assert _from_store(orders, by) == here
    assert used == ["spark"]
    assert not [p for p in (root() / store.TABLE).iterdir() if p.name.startswith(".work")]


def test_clearing_the_store_drops_the_kept_months() -> None:
    """``minsheng analytics clear`` names every table it empties, the monthly ones included,
    and the next read takes the month from the database again."""
    import json
    from io import StringIO

    from django.core.management import call_command

    month_metrics(WorkOrder.objects.all(), MONTH, "type")
    assert _version() is not None
    out = StringIO()
    call_command("analytics", "clear", stdout=out)
    cleared = json.loads(out.getvalue())["cleared"]
    assert {"ratings", store.TABLE, "applications", "respondents"} <= set(cleared)
    assert _version() is None
    assert _from_store(WorkOrder.objects.all(), "type") == _from_database(
        WorkOrder.objects.all(), "type"
    )
