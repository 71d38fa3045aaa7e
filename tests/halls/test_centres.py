"""Service centre profiles and the 六有 standard: the list with its summary per level, a centre's
page, edits by the quality office or the centre's own staff only (audited), outsiders refused."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from minsheng.audit.models import AuditEntry
from minsheng.halls.models import SIX, CentreProfile
from tests.conftest import City


def test_list_counts_the_six_by_level(city: City) -> None:
    url = reverse("halls_centres")
    page = city.client("quality").get(url)
    assert page.status_code == 200
    levels = {level: (n, filled, full) for level, n, filled, full in page.context["levels"]}
    township = levels["乡镇便民服务中心"]
    profiles = CentreProfile.objects.filter(centre__centre_level=4)
    assert township[1] == profiles.count()
    assert township[2] == sum(1 for p in profiles if p.six_met == len(SIX))
    export = city.client("quality").get(url, {"format": "xlsx"})
    assert export.status_code == 200
    assert city.client("county").get(url).status_code == 200
    assert city.client("county").get(url, {"region": city.other_county.code}).status_code == 403
    for outsider in ("reporter", "window", "vendor"):
        assert city.client(outsider).get(url).status_code == 403, outsider
    assert Client().get(url).status_code == 302


def test_profile_is_edited_by_the_office_or_the_centre_itself(city: City) -> None:
    centre = city.users["window"].organisation
    other = city.users["other_window"].organisation
    assert centre is not None and other is not None
    url = reverse("halls_centre", args=[centre.pk])
    body = {
        "address": "人民路 1 号", "hours": "周一至周五", "area": "300",
        "comprehensive_windows": "3", "special_windows": "1", "assisted_windows": "1",
        "self_service": "2", "has_premises": "on", "has_team": "on", "note": "",
    }  # fmt: skip
    own = city.client("window")
    assert own.get(url).status_code == 200
    assert own.post(url, body).status_code == 302
    profile = CentreProfile.objects.get(centre=centre)
    assert profile.address == "人民路 1 号" and profile.six_met == 2
    assert AuditEntry.objects.filter(object_type="halls.centreprofile").exists()
    bad = own.post(url, {**body, "area": "很大"})
    assert bad.status_code == 400
    office = city.client("quality")
    assert office.post(url, {**body, "has_rules": "on"}).status_code == 302
    assert CentreProfile.objects.get(centre=centre).six_met == 3
    # Readers see the page but cannot change it; other centres' staff and outsiders see nothing.
    assert city.client("county").get(url).status_code == 200
    assert city.client("county").post(url, body).status_code == 403
    assert city.client("other_window").get(url).status_code == 403
    assert city.client("other_county").get(url).status_code == 403
    assert city.client("other_window").post(url, body).status_code == 403
    for outsider in ("reporter", "vendor", "other_quality"):
        assert city.client(outsider).get(url).status_code == 403, outsider
    assert city.client("quality").get(reverse("halls_centre", args=[999999])).status_code == 404
    assert own.get(reverse("halls_centre", args=[other.pk])).status_code == 403
