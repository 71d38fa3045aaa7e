"""Hot spots on the platform: a week's surge of one category in a county, a cluster of the same
problem from several callers and a centre complained about again and again are found on the
page; the office or a dispatcher hands one to supervision (a task for the category's default
unit, the same task if handed twice); the month's theme becomes a task too; units read only
their own orders' hot spots and hand nothing on."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.hotline.models import Category, WorkOrder
from minsheng.hotline.services.imports import blank_order, insert_orders
from minsheng.orgs.models import Organisation
from minsheng.supervision.models import Task, TaskSource
from tests.conftest import City

MONDAY = dt.date(2027, 3, 1)


def _orders(city: City) -> Category:
    root = city.county.parent
    assert root is not None
    WorkOrder.objects.filter(city=root).delete()
    category = Category.objects.get(city=root, code="0101")
    centre = Organisation.objects.filter(kind="service_centre", region__city=root).first()
    assert centre is not None
    rows = []
    k = 0

    def add(day: dt.date, text: str, phone: str, *, with_centre: bool = False) -> None:
        nonlocal k
        k += 1
        row = blank_order(root, f"HS{k:05d}")
        row.update(
            channel="phone", type="complaint", category_id=category.pk,
            category_text=category.path, region_id=city.township.pk, text=text,
            received_at=dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI), phone_hash=phone,
            centre_id=centre.pk if with_centre else None,
        )  # fmt: skip
        rows.append(row)

    for week in range(1, 9):  # two orders a week before: on its Sunday and on its Wednesday
        add(MONDAY - dt.timedelta(weeks=week - 1, days=1), "物业费上涨没有公示", f"p{week}")
        add(MONDAY - dt.timedelta(weeks=week, days=-2), "物业费上涨没有公示", f"r{week}")
    for n in range(14):  # fourteen in the week: the same lift, many callers
        add(MONDAY + dt.timedelta(days=n % 7), "小区电梯坏了一个月没人修", f"q{n}",
            with_centre=n < 5)  # fmt: skip
    insert_orders(rows)
    return category


def test_hot_spots_are_found_and_handed_on(city: City) -> None:
    category = _orders(city)
    office = city.client("quality")
    page = office.get(reverse("hotline_hotspots"), {"week": str(MONDAY)})
    assert page.status_code == 200
    kinds = {f.kind: f for f in page.context["findings"]}
    assert set(kinds) == {"surge", "cluster", "repeat"}
    assert "物业管理" in kinds["surge"].title and "14 张" in kinds["surge"].detail
    assert "平均每周 2.0 张" in kinds["surge"].detail  # the Sunday before is last week's
    assert len(kinds["cluster"].orders) == 14
    body = {"week": str(MONDAY), "key": kinds["surge"].key}
    made = city.client("dispatcher").post(reverse("hotline_hotspot_task"), body)
    assert made.status_code == 302
    task = Task.objects.get(source=TaskSource.HOTLINE)
    assert task.unit == category.department and "激增" in task.title
    again = office.post(reverse("hotline_hotspot_task"), body)
    assert again.status_code == 302 and Task.objects.filter(source=TaskSource.HOTLINE).count() == 1
    stale = office.post(reverse("hotline_hotspot_task"), {"week": str(MONDAY), "key": "nope"})
    assert stale.status_code == 302 and Task.objects.filter(source=TaskSource.HOTLINE).count() == 1
    for who in ("reporter", "county", "leader"):
        assert city.client(who).post(reverse("hotline_hotspot_task"), body).status_code == 403
    for who in ("window", "vendor"):
        assert city.client(who).get(reverse("hotline_hotspots")).status_code == 403
    mine = city.client("reporter").get(reverse("hotline_hotspots"), {"week": str(MONDAY)})
    assert mine.status_code == 200 and mine.context["findings"] == []  # none of its orders
    topic = office.post(reverse("hotline_topic_task"), {"month": "2027-03"})
    assert topic.status_code == 302
    theme = Task.objects.get(source=TaskSource.HOTLINE, title__startswith="每月一题")
    assert "物业管理" in theme.title and theme.unit == category.department


def test_hot_spots_by_command_and_api_within_scope(city: City) -> None:
    import io
    import json

    from django.core.management import call_command

    from minsheng.accounts.models import ApiScope
    from tests.conftest import token_client

    _orders(city)
    root = city.county.parent
    assert root is not None
    out = io.StringIO()
    call_command("hotline", "hotspots", "--week", str(MONDAY + dt.timedelta(days=3)), stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["week"] == str(MONDAY)  # any day names its week
    kinds = {f["kind"] for f in printed["findings"]}
    assert kinds == {"surge", "cluster", "repeat"}
    page = city.client("quality").get(reverse("hotline_hotspots"), {"week": str(MONDAY)})
    assert [f["key"] for f in printed["findings"]] == [f.key for f in page.context["findings"]]
    dispatcher = city.users["dispatcher"].organisation
    assert dispatcher is not None
    reader = token_client(city, [ApiScope.READ_HOTLINE], dispatcher)
    listed = reader.get("/api/hotline/hotspots", {"week": str(MONDAY)})
    assert listed.status_code == 200 and listed.json() == printed["findings"]
    assert reader.get("/api/hotline/hotspots", {"week": "三月"}).status_code == 422
    writer = token_client(city, [ApiScope.WRITE_HOTLINE], dispatcher)
    assert writer.get("/api/hotline/hotspots").status_code == 403
    assert Client().get("/api/hotline/hotspots").status_code == 401
    for outsider in ("window", "vendor"):
        assert city.client(outsider).get("/api/hotline/hotspots").status_code == 403
    mine = city.client("reporter").get("/api/hotline/hotspots", {"week": str(MONDAY)})
    assert mine.status_code == 200 and mine.json() == []  # none of its orders
    other = city.users["other_quality"].organisation
    assert other is not None
    elsewhere = token_client(city, [ApiScope.READ_HOTLINE], other)
    assert elsewhere.get("/api/hotline/hotspots", {"week": str(MONDAY)}).json() == []
