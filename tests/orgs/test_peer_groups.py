from __future__ import annotations

from django.test import Client
from django.urls import reverse

from minsheng.orgs.models import PeerGroup, Window
from minsheng.orgs.selectors import windows_by_child
from tests.conftest import City


def _county_group(city: City) -> PeerGroup:
    return PeerGroup.objects.get(key=f"counties-{city.county.parent.code}")  # type: ignore[union-attr]


def test_peer_group_page_lists_members_for_insiders_and_refuses_outsiders(city: City) -> None:
    group = _county_group(city)
    url = reverse("peer_group_detail", args=[group.key])
    body = city.client("quality").get(url).content.decode()
    assert city.county.name in body and city.other_county.name in body
    for outsider in ("county", "township", "reporter", "window", "vendor"):
        assert city.client(outsider).get(url).status_code == 403, outsider
    assert city.client(None).get(url).status_code == 302
    assert (
        city.client("quality").get(reverse("peer_group_detail", args=["nope"])).status_code == 404
    )


def test_county_officer_sees_its_own_township_group_only(city: City) -> None:
    own = reverse("peer_group_detail", args=[f"townships-{city.county.code}"])
    other = reverse("peer_group_detail", args=[f"townships-{city.other_county.code}"])
    officer = city.client("county")
    assert officer.get(own).status_code == 200
    assert officer.get(other).status_code == 403


def test_peer_group_api_is_scoped(city: City) -> None:
    listed = city.client("county").get("/api/peer-groups").json()
    assert [g["key"] for g in listed["items"]] == [f"townships-{city.county.code}"]
    group = _county_group(city)
    detail = city.client("quality").get(f"/api/peer-groups/{group.key}").json()
    assert detail["owner_code"] == group.owner.code
    assert {m["code"] for m in detail["members"]} == {city.county.code, city.other_county.code} | {
        m.code for m in group.members.all()
    }
    assert city.client("county").get(f"/api/peer-groups/{group.key}").status_code == 403
    assert Client().get("/api/peer-groups").status_code == 401


def test_windows_by_child_agrees_with_direct_counts(city: City) -> None:
    root = city.county.parent
    assert root is not None
    rows = {r.code: r for r in windows_by_child(root)}
    for code, row in rows.items():
        assert (
            row.windows == Window.objects.filter(centre__region__code__startswith=code[:6]).count()
        )
    assert (
        sum(r.windows for r in rows.values()) + Window.objects.filter(centre__region=root).count()
        == Window.objects.filter(centre__region__code__startswith=root.code[:4]).count()
    )
