"""Ratings statistics and cases over REST: the pages' numbers and scopes for people; machine
clients need ratings:read and stay in their region; case steps are for people who may take them."""

from __future__ import annotations

import json

from django.test import Client

from minsheng.accounts.models import ApiScope
from minsheng.orgs.models import Organisation
from minsheng.reviews.models import CaseState, RectificationCase
from tests.conftest import City, token_client
from tests.reviews.test_pages import cases  # noqa: F401  (the fixture)


def _token(city: City, scopes: list[str], key: str) -> Client:
    return token_client(city, scopes, Organisation.objects.get(key=key))


def test_statistics_match_the_page_and_follow_the_scope(cases: City) -> None:  # noqa: F811
    params = {"month": "2026-10", "by": "centre"}
    page = cases.client("quality").get("/reviews/stats/", params).context["rows"]
    api = cases.client("quality").get("/api/ratings/stats", params)
    assert api.status_code == 200
    assert {r["group"]: r["n_active"] for r in api.json()["rows"]} == {
        r["group"]: r["n_active"] for r in page
    }
    reporter = cases.client("reporter").get("/api/ratings/stats", params).json()
    assert sum(r["n_active"] for r in reporter["rows"]) == 38 and "教育体育局" in reporter["scope"]
    assert cases.client("vendor").get("/api/ratings/stats", params).status_code == 403
    assert Client().get("/api/ratings/stats", params).status_code == 401
    county = f"gov-{cases.county.code}"
    reader = _token(cases, [ApiScope.READ_RATINGS], county)
    own = reader.get("/api/ratings/stats", params).json()["rows"]
    assert sum(r["n_active"] for r in own) == 38  # its county's centres only
    other = _token(cases, [ApiScope.READ_REGIONS], county)
    assert other.get("/api/ratings/stats", params).status_code == 403


def test_cases_are_listed_read_and_acted_on_within_scope(cases: City) -> None:  # noqa: F811
    listed = cases.client("quality").get("/api/ratings/cases", {"state": "all"}).json()
    assert listed["total"] == 2
    assert {c["case_no"] for c in listed["items"]} == {"P00001", "P00002"}
    mine = cases.client("reporter").get("/api/ratings/cases", {"state": "all"}).json()
    assert [c["case_no"] for c in mine["items"]] == ["P00001"]
    case = RectificationCase.objects.get(rating__case_no="P00001")
    other = RectificationCase.objects.get(rating__case_no="P00002")
    assert cases.client("reporter").get(f"/api/ratings/cases/{other.pk}").status_code == 403
    read = cases.client("reporter").get(f"/api/ratings/cases/{case.pk}").json()
    assert read["state"] == "open" and read["events"][0]["action"] == "open"
    url = f"/api/ratings/cases/{case.pk}/action"
    body = json.dumps({"action": "verify"})
    # Not theirs to take: the quality office does not verify, another department cannot.
    assert (
        cases.client("quality").post(url, body, content_type="application/json").status_code == 403
    )
    assert (
        cases.client("other_reporter").post(url, body, content_type="application/json").status_code
        == 403
    )
    done = cases.client("reporter").post(url, body, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == CaseState.VERIFYING
    again = cases.client("reporter").post(url, body, content_type="application/json")
    assert again.status_code == 409
    # Machines read with ratings:read in their region, and never act.
    reader = _token(cases, [ApiScope.READ_RATINGS], f"gov-{cases.county.code}")
    seen = reader.get("/api/ratings/cases", {"state": "all"}).json()
    assert [c["case_no"] for c in seen["items"]] == ["P00001"]
    assert reader.post(url, body, content_type="application/json").status_code == 403
    blind = _token(cases, [ApiScope.READ_REGIONS], f"gov-{cases.county.code}")
    assert blind.get("/api/ratings/cases", {"state": "all"}).json()["total"] == 0
    assert blind.get(f"/api/ratings/cases/{case.pk}").status_code == 403
