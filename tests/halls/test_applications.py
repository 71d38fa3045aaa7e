"""Application records stored all or nothing and idempotent by case number, promised limits
from the catalog, the rating link (rated before the real completion; 主动评价率 from real
cases), the command, the API and the page — each refused to outsiders."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from minsheng.accounts.models import ApiScope
from minsheng.catalog.models import CatalogItem
from minsheng.core.halls.applications import records_from_table
from minsheng.core.tabular import TableError, read_table
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.halls.models import Application
from minsheng.halls.selectors import case_rows
from minsheng.halls.services import applications_store
from minsheng.orgs.models import Organisation, Staff, Window
from minsheng.reviews.models import HandledCount, Rating
from minsheng.reviews.selectors import month_slice, rating_stats
from minsheng.reviews.services.integrity import month_events
from tests.conftest import City, token_client

HEADER = (
    "办件编号,事项编码,事项名称,服务中心,受理窗口,首问负责人,受理时间,承诺时限,办结时间,"
    "到现场次数\n"
)


def _centre(city: City) -> tuple[Organisation, Window, Staff]:
    centre = city.users["window"].organisation
    window = Window.objects.filter(centre=centre).order_by("number").first()
    staff = Staff.objects.filter(centre=centre).order_by("pk").first()
    assert centre is not None and window is not None and staff is not None
    return centre, window, staff


def _file(city: City, *lines: str) -> bytes:
    centre, window, staff = _centre(city)
    body = "\n".join(
        line.format(centre=centre.name, window=window.number, staff=staff.staff_no)
        for line in lines
    )
    return (HEADER + body + "\n").encode()


def _store(city: City, data: bytes) -> tuple[int, int, int]:
    records = records_from_table(read_table(data, filename="a.csv"))
    stored = applications_store(records, region=city.county, actor=None)
    return stored.created, stored.updated, stored.unchanged


def test_store_is_idempotent_and_takes_promises_from_the_catalog(city: City) -> None:
    centre, _window, _staff = _centre(city)
    CatalogItem.objects.create(
        code="X-1", name="食品经营许可", kind="行政许可", organisation=centre, level="县",
        region=city.county, legal_days=20, promised_days=3, instant=False, visits=1, depth=3,
        valid_from=dt.datetime(2026, 1, 1, tzinfo=SHANGHAI),
    )  # fmt: skip
    first = _file(
        city,
        "Z1,X-1,食品经营许可,{centre},{window},{staff},2026-09-29 10:00,,,1",
        "Z2,X-1,食品经营许可,{centre},{window},{staff},2026-09-30 10:00,5,2026-10-08 15:00,1",
    )
    assert _store(city, first) == (2, 0, 0)
    z1 = Application.objects.get(case_no="Z1")
    # The catalog's 3 working days after Tue 29 Sep: 30 Sep, 8 Oct, 9 Oct (National Day).
    assert z1.promised_days == 3
    assert z1.due_at == dt.datetime(2026, 10, 9, 23, 59, 59, tzinfo=SHANGHAI)
    assert _store(city, first) == (0, 0, 2)  # the same file again changes nothing
    again = _file(
        city,
        "Z1,X-1,食品经营许可,{centre},{window},{staff},2026-09-29 10:00,,2026-10-10 09:00,2",
    )
    assert _store(city, again) == (0, 1, 0)  # completed later: updated in place
    z1.refresh_from_db()
    assert z1.completed_at is not None and z1.visits == 2
    assert Application.objects.filter(case_no__startswith="Z").count() == 2
    total, rows = case_rows(city.county, dt.date(2026, 9, 1), dt.date(2026, 10, 31), "centre")
    assert (total.cases, total.completed) == (2, 2)
    assert total.on_time_rate == pytest.approx(1 / 2)  # Z1 a day late, Z2 in time
    assert [r.label for r in rows] == [centre.name]


def test_bad_records_store_nothing_and_are_located(city: City) -> None:
    other_centre = city.users["other_window"].organisation
    assert other_centre is not None
    Application.objects.create(
        case_no="TAKEN", item_code="A", centre=other_centre,
        received_at=dt.datetime(2026, 9, 1, 9, tzinfo=SHANGHAI),
    )  # fmt: skip
    data = _file(
        city,
        "Y1,A,事项,{centre},{window},{staff},2026-09-29 10:00,1,,",
        "Y2,A,事项,不存在的中心,1,,2026-09-29 10:00,1,,",
        "Y3,A,事项,{centre},999,无此人,2026-09-29 10:00,1,,",
        f"Y4,A,事项,{other_centre.name},,,2026-09-29 10:00,1,,",  # another county's centre
    )
    with pytest.raises(TableError) as caught:
        _store(city, data)
    assert {(e.row, e.column) for e in caught.value.errors} == {
        (3, "服务中心"),
        (4, "受理窗口"),
        (4, "首问负责人"),
        (5, "服务中心"),
    }
    assert not Application.objects.filter(case_no__startswith="Y").exists()
    # A case number that belongs to another centre is not taken over.
    stolen = _file(city, "TAKEN,A,事项,{centre},,,2026-09-29 10:00,1,,")
    with pytest.raises(TableError, match="已属于其他服务中心"):
        records = records_from_table(read_table(stolen, filename="a.csv"))
        applications_store(records, region=city.county.parent, actor=None)
    assert Application.objects.get(case_no="TAKEN").centre == other_centre


def _rating(centre: Organisation, case_no: str, rated: dt.datetime, handled: dt.datetime) -> None:
    Rating.objects.create(
        case_no=case_no, department=centre, centre=centre, channel="window", level=5,
        source="active", rated_at=rated, handled_at=handled,
    )  # fmt: skip


def test_ratings_are_checked_against_the_real_completion(city: City) -> None:
    centre, _window, _staff = _centre(city)
    at = dt.datetime(2026, 10, 20, 10, tzinfo=SHANGHAI)
    # The rating system claims the case was handled before the rating; the hall says it was
    # completed an hour after it.
    _rating(centre, "R1", at, at - dt.timedelta(minutes=5))
    _rating(centre, "R2", at, at - dt.timedelta(minutes=5))
    Application.objects.create(
        case_no="R1", item_code="A", centre=centre, received_at=at - dt.timedelta(days=1),
        completed_at=at + dt.timedelta(hours=1),
    )  # fmt: skip
    for n in range(3):  # three more completed cases in October, not rated
        Application.objects.create(
            case_no=f"R-{n}", item_code="A", centre=centre, received_at=at, completed_at=at
        )
    frame = month_events("2026-10", city.county)
    handled = dict(zip(frame["id"], frame["handled_at"], strict=True))
    r1, r2 = Rating.objects.get(case_no="R1"), Rating.objects.get(case_no="R2")
    assert handled[r1.pk] == (at + dt.timedelta(hours=1)).timestamp()
    assert handled[r2.pk] == (at - dt.timedelta(minutes=5)).timestamp()
    # 主动评价率 of the centre: 2 active ratings ÷ 4 completed cases (not a typed-in count).
    HandledCount.objects.create(centre=centre, month=dt.date(2026, 10, 1), count=1000)
    part = month_slice("2026-10", only={"centre": centre})
    (stats,) = rating_stats(part, "centre", month="2026-10", min_n=1)
    assert stats.handled == 4 and stats.active_rate == pytest.approx(2 / 4)


def test_command_imports_and_measures(city: City, tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "cases.csv"
    path.write_bytes(
        _file(city, "K1,A,事项,{centre},{window},{staff},2026-09-29 10:00,3,2026-09-30 10:00,1")
    )
    out = StringIO()
    call_command("applications", "import", str(path), "--region", city.county.code, stdout=out)
    assert json.loads(out.getvalue()) == {"created": 1, "updated": 0, "unchanged": 0}
    out = StringIO()
    call_command(
        "applications", "metrics", "--region", city.county.code, "--from", "2026-09-01",
        "--to", "2026-09-30", "--by", "item", stdout=out,
    )  # fmt: skip
    figures = json.loads(out.getvalue())
    assert figures["cases"] == 1 and figures["on_time_rate"] == 1.0
    assert figures["groups"][0]["name"] == "A 事项" and figures["mean_days"] == 1.0
    path.write_bytes(_file(city, "K2,A,事项,nowhere,,,2026-09-29 10:00,3,,"))
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("applications", "import", str(path), "--region", city.county.code)


def _token(city: City, user: str, scopes: list[str]) -> Client:
    organisation = city.users[user].organisation
    assert organisation is not None
    return token_client(city, scopes, organisation)


def test_api_posts_batches_and_refuses_outsiders(city: City) -> None:
    centre, window, staff = _centre(city)
    item = {
        "case_no": "API-1", "item_code": "A", "centre": centre.key, "window": window.number,
        "staff": staff.staff_no, "received_at": "2026-10-08T09:00:00+08:00", "promised_days": 2,
        "completed_at": "2026-10-09T16:00:00+08:00", "notice": True, "assisted": "上门",
    }  # fmt: skip
    body = json.dumps({"items": [item]})
    hall = _token(city, "window", [ApiScope.WRITE_APPLICATIONS])
    answer = hall.post("/api/applications", body, content_type="application/json")
    assert answer.status_code == 200 and answer.json() == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
    }
    again = hall.post("/api/applications", body, content_type="application/json")
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 1}
    stored = Application.objects.get(case_no="API-1")
    assert stored.assisted == "home" and stored.window == window and stored.notice
    # Bad items: every problem by index, nothing stored.
    bad = json.dumps({"items": [dict(item, case_no="API-2"), {"case_no": "API-3", "visits": "x"}]})
    refused = hall.post("/api/applications", bad, content_type="application/json")
    assert refused.status_code == 422
    assert {d["index"] for d in refused.json()["error"]["details"]} == {1}
    assert not Application.objects.filter(case_no__in=["API-2", "API-3"]).exists()
    # A centre's client reports its own centre only; another county's client finds nothing.
    other = city.users["other_window"].organisation
    assert other is not None
    wrong = json.dumps({"items": [dict(item, case_no="API-4", centre=other.key, window=None,
                                       staff=None)]})  # fmt: skip
    assert hall.post("/api/applications", wrong, content_type="application/json").status_code == 422
    stranger = _token(city, "other_window", [ApiScope.WRITE_APPLICATIONS])
    assert (
        stranger.post("/api/applications", body, content_type="application/json").status_code == 422
    )
    no_scope = _token(city, "window", [ApiScope.WRITE_RATINGS])
    assert (
        no_scope.post("/api/applications", body, content_type="application/json").status_code == 403
    )
    person = city.client("quality")
    assert (
        person.post("/api/applications", body, content_type="application/json").status_code == 403
    )
    assert (
        Client().post("/api/applications", body, content_type="application/json").status_code == 401
    )
    many = json.dumps({"items": [item] * 5001})
    assert hall.post("/api/applications", many, content_type="application/json").status_code == 413


def test_metrics_api_and_page_are_scoped(city: City) -> None:
    centre, _window, _staff = _centre(city)
    Application.objects.create(
        case_no="M1", item_code="A", item_name="事项", centre=centre,
        received_at=dt.datetime(2026, 10, 12, 9, tzinfo=SHANGHAI),
        completed_at=dt.datetime(2026, 10, 13, 9, tzinfo=SHANGHAI), promised_days=1,
        due_at=dt.datetime(2026, 10, 13, 23, 59, 59, tzinfo=SHANGHAI),
    )  # fmt: skip
    query = f"?region={city.county.code}&start=2026-10-01&end=2026-10-31"
    figures = city.client("county").get("/api/applications/metrics" + query).json()
    assert figures["cases"] >= 1 and figures["on_time_rate"] is not None
    reader = _token(city, "county", [ApiScope.READ_HALLS])
    assert reader.get("/api/applications/metrics" + query).status_code == 200
    assert reader.get(f"/api/halls/metrics?region={city.county.code}").status_code == 200
    for outsider in ("other_county", "window", "reporter", "vendor", "other_quality"):
        assert city.client(outsider).get("/api/applications/metrics" + query).status_code == 403
    assert (
        _token(city, "county", [ApiScope.READ_RATINGS])
        .get("/api/applications/metrics" + query)
        .status_code
        == 403
    )
    assert (
        _token(city, "other_county", [ApiScope.READ_HALLS])
        .get("/api/applications/metrics" + query)
        .status_code
        == 403
    )
    assert Client().get("/api/applications/metrics" + query).status_code == 401
    hall = f"/api/halls/metrics?region={city.county.code}"
    for outsider in ("other_county", "window", "reporter", "vendor"):
        assert city.client(outsider).get(hall).status_code == 403, outsider
    assert _token(city, "other_county", [ApiScope.READ_HALLS]).get(hall).status_code == 403
    assert Client().get(hall).status_code == 401
    page = (
        reverse("halls_applications") + f"?region={city.county.code}&from=2026-10-01&to=2026-10-31"
    )
    shown = city.client("county").get(page)
    assert shown.status_code == 200 and centre.name in shown.content.decode()
    export = city.client("county").get(page + "&format=xlsx&by=item")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")
    for outsider in ("other_county", "window", "reporter", "vendor"):
        assert city.client(outsider).get(page).status_code == 403
    assert Client().get(page).status_code == 302  # to the login page
    upload = reverse("halls_upload")
    assert city.client("county").get(upload).status_code == 403  # the office imports
    assert city.client("quality").get(upload).status_code == 200
