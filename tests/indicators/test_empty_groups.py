"""A peer group whose regions have no data answers with a clear empty result, never a 500."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from minsheng.orgs.models import PeerGroup, Region, RegionLevel
from tests.conftest import City


def test_ranking_of_a_peer_group_without_data(city: City) -> None:
    city_region = city.county.parent
    assert city_region is not None
    other = Region.objects.get(name="外市")  # the test city's neighbour: no data at all
    group = PeerGroup.objects.create(
        key="empty", name="空组", level=RegionLevel.CITY, owner=city_region
    )
    group.members.set([other])
    client = city.client("quality")
    client.raise_request_exception = False
    api = client.get("/api/indicators/ranking", {"peer": "group:empty"})
    assert api.status_code in (200, 404), api.content
    if api.status_code == 200:
        assert api.json()["regions"] == [] or all(r["index"] is None for r in api.json()["regions"])
    page = client.get(reverse("indicator_ranking"), {"peer": "group:empty"})
    assert page.status_code == 200 and page.context["option"].key == "group:empty"
    assert Client().get("/api/indicators/ranking", {"peer": "group:empty"}).status_code == 401
