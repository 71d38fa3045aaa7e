"""Ratings pages: inbox, case page and actions, statistics, public page — insiders see their
own, outsiders (other county, other department, anonymous) are refused."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.core.ratings.records import RatingRecord
from minsheng.core.ratings.vocabulary import Channel, Source
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.orgs.models import Organisation
from minsheng.reviews.models import CaseState, RectificationCase
from minsheng.reviews.services.directory import Directory
from minsheng.reviews.services.ingest import ingest
from tests.conftest import City


def _rate(city: City, n: int, level: int, *, dept: str = "edu", county: bool = True) -> None:
    city_code = city.county.parent.code  # type: ignore[union-attr]
    region = city.county if county else city.other_county
    record = RatingRecord(
        n,
        f"P{n:05d}",
        "",
        f"dept-{city_code}-{dept}",
        f"centre-{region.code}",
        "",
        "",
        Channel.PC,
        level,
        (),
        "",
        Source.ACTIVE,
        dt.datetime(2026, 10, 9, 10, tzinfo=SHANGHAI),
        contact="13800001234",
    )
    ingest([record], directory=Directory(city.county.parent))


@pytest.fixture
def cases(city: City) -> City:
    _rate(city, 1, 1)  # edu, first county: the reporter's and the window's
    _rate(city, 2, 2, dept="health", county=False)  # health, other county
    for k in range(3, 40):
        _rate(city, k, 5)
    return city


def _case(case_no: str) -> RectificationCase:
    return RectificationCase.objects.get(rating__case_no=case_no)


@pytest.mark.parametrize(
    ("user", "sees"),
    [
        ("quality", {"P00001", "P00002"}),
        ("reporter", {"P00001"}),
        ("other_reporter", {"P00002"}),
        ("window", {"P00001"}),
        ("other_window", {"P00002"}),
        ("county", {"P00001"}),
        ("other_county", {"P00002"}),
        ("vendor", set()),
        ("other_quality", set()),
    ],
)
def test_inbox_shows_only_the_users_cases(cases: City, user: str, sees: set[str]) -> None:
    response = cases.client(user).get(reverse("review_inbox"))
    assert response.status_code == 200
    shown = {row["case"].rating.case_no for row in response.context["rows"]}
    assert shown == sees


def test_anonymous_is_sent_to_login(cases: City) -> None:
    for name, args in [("review_inbox", []), ("review_stats", []), ("review_case", [1])]:
        response = cases.client(None).get(reverse(name, args=args))
        assert response.status_code == 302 and "/login" in response["Location"]


def test_case_page_scope(cases: City) -> None:
    case = _case("P00001")
    url = reverse("review_case", args=[case.pk])
    assert cases.client("reporter").get(url).status_code == 200
    assert cases.client("other_reporter").get(url).status_code == 403
    assert cases.client("other_county").get(url).status_code == 403
    assert cases.client("other_window").get(url).status_code == 403
    page = cases.client("reporter").get(url).content.decode()
    assert "138****1234" in page and "13800001234" not in page


def test_actions_follow_roles(cases: City) -> None:
    case = _case("P00001")
    url = reverse("review_case_action", args=[case.pk])
    # An outsider cannot act, even by posting directly.
    assert cases.client("other_reporter").post(url, {"action": "verify"}).status_code == 403
    reporter = cases.client("reporter")
    reporter.post(url, {"action": "verify"})
    reporter.post(url, {"action": "appeal", "note": "录像证明已按时办结"})
    assert _case("P00001").state == CaseState.APPEALED
    # The department cannot decide its own appeal; the quality office does.
    reporter.post(url, {"action": "uphold"})
    assert _case("P00001").state == CaseState.APPEALED
    cases.client("quality").post(url, {"action": "overturn"})
    reporter.post(url, {"action": "answer", "note": "已整改并致歉"})
    assert _case("P00001").state == CaseState.ANSWERED
    cases.client("quality").post(url, {"action": "feedback", "feedback": "satisfied"})
    assert _case("P00001").feedback == "satisfied"


def test_stats_page_and_export(cases: City) -> None:
    url = reverse("review_stats")
    response = cases.client("quality").get(url, {"month": "2026-10", "by": "centre"})
    assert response.status_code == 200
    groups = {r["group"]: r for r in response.context["rows"]}
    first = Organisation.objects.get(key=f"centre-{cases.county.code}").name
    assert groups[first]["n_active"] == 38 and groups[first]["ranked"]
    export = cases.client("quality").get(
        url, {"month": "2026-10", "by": "centre", "format": "xlsx"}
    )
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "%E6%9C%8D%E5%8A%A1%E4%B8%AD%E5%BF%83.xlsx" in export["Content-Disposition"]  # 服务中心
    ws = load_workbook(io.BytesIO(export.content)).active
    assert ws is not None
    assert "好差评统计 · 2026-10 · 按服务中心" in str(ws["A1"].value)
    assert ws["A2"].value == "服务中心" and ws["E2"].value == "好评率"
    row = next(r for r in ws.iter_rows(min_row=3) if r[0].value == first)
    assert row[1].value == 38 and row[4].number_format == "0.0%"
    assert row[4].value == pytest.approx(37 / 38, abs=1e-12)  # 37 very satisfied, 1 bad
    # The county officer reads its own subtree only.
    county_rows = cases.client("county").get(url, {"month": "2026-10", "by": "centre"})
    assert {r["group"] for r in county_rows.context["rows"]} == {first}
    for outsider in ("vendor",):
        assert cases.client(outsider).get(url).status_code == 403
    assert cases.client("other_quality").get(url, {"month": "2026-10"}).status_code == 404


def test_public_page_needs_no_login_and_counts_active_only(cases: City) -> None:
    response = cases.client(None).get(reverse("review_public"), {"month": "2026-10"})
    assert response.status_code == 200
    assert "好评率" in response.content.decode()
    assert sum(r["n_active"] for r in response.context["rows"]) == 39


def test_integrity_page_finds_a_burst_and_only_the_quality_office_sees_it(city: City) -> None:
    city_code = city.county.parent.code  # type: ignore[union-attr]
    records = [
        RatingRecord(
            k,
            f"G{k:03d}",
            "",
            f"dept-{city_code}-edu",
            f"centre-{city.county.code}",
            "",
            "",
            Channel.WINDOW,
            5,
            (),
            "",
            Source.ACTIVE,
            dt.datetime(2026, 10, 9, 10, k, tzinfo=SHANGHAI),
            device="tablet-1",
        )
        for k in range(10)
    ]
    ingest(records, directory=Directory(city.county.parent))
    quality = city.client("quality")
    run = quality.post(reverse("review_integrity_run"), {"month": "2026-10"})
    assert run.status_code == 302
    page = quality.get(reverse("review_integrity"), {"month": "2026-10"})
    assert page.status_code == 200
    (row,) = page.context["rows"]
    assert row["flag"].kind == "burst" and len(row["examples"]) == 10
    # Worded for the reader: no "device:" keys, no English halves.
    assert row["subject"] == "设备 tablet-1"
    assert row["message"] == "9 分钟内产生 10 条“非常满意”（本月共 10 条评价）"
    body = page.content.decode()
    assert "device:" not in body and "top ratings" not in body
    flag = row["flag"]
    decide = reverse("review_integrity_decide", args=[flag.pk])
    from minsheng.reviews.models import IntegrityFlag

    flags = IntegrityFlag.objects.count()
    for outsider in ("leader", "county", "reporter", "window", "vendor"):
        assert city.client(outsider).get(reverse("review_integrity")).status_code == 403
        assert city.client(outsider).post(decide, {"status": "dismissed"}).status_code == 403
        run = city.client(outsider).post(reverse("review_integrity_run"), {"month": "2026-10"})
        assert run.status_code == 403, outsider
    assert (
        city.client(None).post(reverse("review_integrity_run"), {"month": "2026-10"}).status_code
        == 302
    )
    # Another city's office runs the checks over its own city only: no finding of ours.
    city.client("other_quality").post(reverse("review_integrity_run"), {"month": "2026-10"})
    assert IntegrityFlag.objects.count() == flags
    # Another city's quality office sees its own (empty) list and cannot touch this finding.
    other = city.client("other_quality")
    assert other.get(reverse("review_integrity")).context["rows"] == []
    assert other.post(decide, {"status": "dismissed"}).status_code == 404
    assert city.client(None).get(reverse("review_integrity")).status_code == 302
    quality.post(decide, {"status": "confirmed"})
    flag.refresh_from_db()
    assert flag.status == "confirmed"


def test_departments_and_window_staff_read_their_own_ratings(cases: City) -> None:
    url = reverse("review_stats")

    def total(user: str, by: str) -> int:
        response = cases.client(user).get(url, {"month": "2026-10", "by": by})
        assert response.status_code == 200, user
        return sum(r["n_active"] for r in response.context["rows"])

    assert total("reporter", "centre") == 38  # 教育体育局: its 38 ratings, at any centre
    assert total("other_reporter", "centre") == 1  # 卫健委: its one
    assert total("window", "channel") == 38  # its centre's ratings, every department
    assert total("other_window", "channel") == 1
    # Their own only: no grouping by department for a department, by centre for a centre.
    assert (
        cases.client("reporter").get(url, {"month": "2026-10", "by": "department"}).status_code
        == 404
    )
    assert cases.client("window").get(url, {"month": "2026-10", "by": "centre"}).status_code == 404
    body = cases.client("reporter").get(url, {"month": "2026-10"}).content.decode()
    assert "教育体育局" in body.split("<h1")[1].split("</h1>")[0]


def test_the_inbox_finds_a_case_by_number_and_filters(cases: City) -> None:
    url = reverse("review_inbox")
    quality = cases.client("quality")

    def numbers(**params: str) -> set[str]:
        response = quality.get(url, {"state": "all", **params})
        assert response.status_code == 200
        return {row["case"].rating.case_no for row in response.context["rows"]}

    assert numbers() == {"P00001", "P00002"}
    assert numbers(q="00002") == {"P00002"}
    assert numbers(county=cases.other_county.code) == {"P00002"}
    edu = Organisation.objects.get(key=f"dept-{cases.county.parent.code}-edu")  # type: ignore[union-attr]
    assert numbers(department=str(edu.pk)) == {"P00001"}
    assert numbers(overdue="1") == {"P00001", "P00002"}  # rated in October, never verified
    with time_machine.travel(dt.datetime(2026, 10, 9, 12, tzinfo=SHANGHAI), tick=False):
        assert numbers(overdue="1") == set()
    # A department's reporter filters within its own cases only.
    own = cases.client("reporter").get(url, {"state": "all", "county": cases.other_county.code})
    assert {r["case"].rating.case_no for r in own.context["rows"]} == {"P00001"}


def test_long_tables_search_and_page(cases: City) -> None:
    for name in ("review_stats", "review_public"):
        url = reverse(name)
        client = cases.client("quality" if name == "review_stats" else None)
        params = (
            {"month": "2026-10", "by": "centre"} if name == "review_stats" else {"month": "2026-10"}
        )
        everything = client.get(url, params)
        assert everything.status_code == 200
        groups = [r["group"] for r in everything.context["rows"]]
        assert groups, name
        one = client.get(url, {**params, "q": groups[0][-4:]})
        assert groups[0] in [r["group"] for r in one.context["rows"]]
        assert one.context["paged"].total <= len(groups)
        none = client.get(url, {**params, "q": "不存在的名称"})
        assert none.context["rows"] == [] and none.context["paged"].total == 0
