"""The indicators REST endpoints: same scope as the pages, outsiders refused."""

from __future__ import annotations

from django.test import Client

from minsheng.accounts.models import ApiScope
from minsheng.accounts.services import api_client_issue
from minsheng.orgs.models import Organisation
from tests.conftest import City, token_client


def test_catalog_follows_the_pages_scope(city: City) -> None:
    everything = city.client("quality").get("/api/indicators").json()
    assert len(everything) == 57
    own = city.client("reporter").get("/api/indicators").json()
    assert 0 < len(own) < 57
    assert Client().get("/api/indicators").status_code == 401


def test_ranking_lists_visible_regions_with_whole_group_ranks(city: City) -> None:
    body = city.client("quality").get("/api/indicators/ranking").json()
    assert body["peer_group"].startswith("counties:") and body["regions"]
    ranks = sorted(r["rank"] for r in body["regions"] if r["rank"] is not None)
    assert ranks[0] == 1
    first = body["regions"][0]
    assert first["rank_p05"] <= first["rank"] <= first["rank_p95"]
    assert set(first["categories"]) and body["policy"]["normalise"] == "minmax"
    county = city.client("county").get("/api/indicators/ranking").json()
    assert [r["region"] for r in county["regions"]] == [city.county.code]
    for outsider in ("reporter", "window", "vendor"):
        assert city.client(outsider).get("/api/indicators/ranking").status_code == 403
    assert city.client("quality").get("/api/indicators/ranking?period=1999Q1").status_code == 404


def test_region_scores_scope(city: City) -> None:
    url = f"/api/indicators/regions/{city.county.code}/scores"
    rows = city.client("county").get(url).json()
    assert len(rows) == 57 and {"indicator", "value", "best", "status"} <= set(rows[0])
    assert city.client("other_county").get(url).status_code == 403
    assert city.client("reporter").get(url).status_code == 403
    assert Client().get(url).status_code == 401
    _, token = api_client_issue(
        actor=city.users["admin"],
        name="reader",
        organisation=Organisation.objects.get(key=f"gov-{city.county.code}"),
        scopes=[ApiScope.READ_REGIONS],
    )
    machine = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert machine.get(url).status_code == 403  # results are for people with a results role


def _token(city: City, scopes: list[str], org_key: str | None = None) -> Client:
    key = org_key or f"gov-{city.county.code}"
    return token_client(city, scopes, Organisation.objects.get(key=key))


def test_a_token_with_the_indicator_scope_reads_its_region(city: City) -> None:
    client = _token(city, [ApiScope.READ_INDICATORS])
    assert len(client.get("/api/indicators").json()) == 57
    ranking = client.get("/api/indicators/ranking")
    assert ranking.status_code == 200
    assert [r["region"] for r in ranking.json()["regions"]] == [city.county.code]
    scores = client.get(f"/api/indicators/regions/{city.county.code}/scores")
    assert scores.status_code == 200 and len(scores.json()) == 57
    other = client.get(f"/api/indicators/regions/{city.other_county.code}/scores")
    assert other.status_code == 403


def test_a_token_without_the_indicator_scope_is_refused(city: City) -> None:
    client = _token(city, [ApiScope.READ_REGIONS])
    assert client.get("/api/indicators/ranking").status_code == 403
    assert client.get(f"/api/indicators/regions/{city.county.code}/scores").status_code == 403
    assert client.get("/api/indicators").json() == []
