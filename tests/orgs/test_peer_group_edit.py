from __future__ import annotations

from django.urls import reverse

from minsheng.audit.models import AuditAction, AuditEntry
from minsheng.core.regions import parse_code_list
from minsheng.orgs.models import PeerGroup, Region
from tests.conftest import City


def test_pasted_codes_are_split_deduplicated_and_checked() -> None:
    codes, errors = parse_code_list("3201\n320102，320102、3x01  320103")
    assert [c.value for c in codes] == ["320100000000", "320102000000", "320103000000"]
    assert errors == ["第 4 项“3x01”：区划代码“3x01”只能包含数字"]


def test_quality_office_creates_a_township_peer_group_from_pasted_codes(city: City) -> None:
    townships = list(Region.objects.filter(level=4, code__startswith=city.county.code[:4])[:5])
    codes = "\n".join(t.code for t in townships)
    response = city.client("quality").post(
        reverse("peer_group_new"), {"name": "重点乡镇", "level": 4, "codes": codes}
    )
    group = PeerGroup.objects.get(name="重点乡镇")
    assert response.status_code == 302 and response["Location"] == reverse(
        "peer_group_detail", args=[group.key]
    )
    assert set(group.members.all()) == set(townships)
    assert group.owner == city.county.parent
    entry = AuditEntry.objects.get(object_type="orgs.peergroup", action=AuditAction.CREATE)
    assert entry.after is not None and sorted(entry.after["members"]) == sorted(
        t.code for t in townships
    )


def test_wrong_level_unknown_and_foreign_codes_are_each_reported(city: City) -> None:
    body = (
        city.client("quality")
        .post(
            reverse("peer_group_new"),
            {
                "name": "x",
                "level": 3,
                "codes": f"{city.county.code}\n{city.township.code}\n399900000000\nabc",
            },
        )
        .content.decode()
    )
    assert "不是所选层级" in body and "399900000000：不存在或不在您的权限范围内" in body
    assert "第 4 项“abc”" in body
    assert not PeerGroup.objects.filter(name="x").exists()
    one = (
        city.client("quality")
        .post(reverse("peer_group_new"), {"name": "y", "level": 3, "codes": city.county.code})
        .content.decode()
    )
    assert "至少需要 2 个成员" in one


def test_editing_replaces_members_and_audits_before_and_after(city: City) -> None:
    group = PeerGroup.objects.get(key=f"counties-{city.county.parent.code}")  # type: ignore[union-attr]
    old = sorted(group.members.values_list("code", flat=True))
    url = reverse("peer_group_edit", args=[group.key])
    form = city.client("quality").get(url).content.decode()
    assert city.county.code in form
    city.client("quality").post(
        url,
        {"name": group.name, "level": 3, "codes": f"{city.county.code} {city.other_county.code}"},
    )
    assert sorted(group.members.values_list("code", flat=True)) == sorted(
        [city.county.code, city.other_county.code]
    )
    entry = AuditEntry.objects.get(object_type="orgs.peergroup", action=AuditAction.UPDATE)
    assert entry.before == {"members": old}


def test_only_the_quality_office_edits_and_only_its_own_groups(city: City) -> None:
    group = PeerGroup.objects.get(key=f"counties-{city.county.parent.code}")  # type: ignore[union-attr]
    for outsider in ("leader", "county", "reporter", "window", "vendor", "other_quality"):
        client = city.client(outsider)
        assert client.get(reverse("peer_group_edit", args=[group.key])).status_code == 403, outsider
        assert client.post(reverse("peer_group_edit", args=[group.key]), {}).status_code == 403
    for outsider in ("leader", "county", "reporter", "window", "vendor"):
        assert city.client(outsider).get(reverse("peer_group_new")).status_code == 403, outsider
    listing = city.client("county").get(reverse("peer_group_list")).content.decode()
    assert f"townships-{city.county.code}" in listing and group.key not in listing
    assert "新建对标组" not in listing
