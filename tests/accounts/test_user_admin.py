"""Account management by the quality office: scoped to its city, every change audited."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from minsheng.accounts.models import User
from minsheng.audit.models import AuditAction, AuditEntry
from minsheng.orgs.models import Organisation
from tests.conftest import PASSWORD, City


def _password(body: str) -> str:
    match = re.search(r'data-testid="one-time-password">([^<]+)<', body)
    assert match is not None
    return match.group(1)


def test_quality_office_creates_a_reporter_who_can_sign_in(city: City) -> None:
    org = Organisation.objects.get(key=f"dept-{city.county.parent.code}-transport")  # type: ignore[union-attr]
    client = city.client("quality")
    form = client.get(reverse("user_new"), {"org": org.pk}).content.decode()
    assert f'<option value="{org.pk}" selected>' in form
    assert f"{org.name}（{org.region.name}）" in form  # searchable by region too
    assert 'data-filter-for="id_organisation"' in form
    assert '<option value="" selected>请选择角色</option>' in form  # no role chosen for you
    missing = client.post(
        reverse("user_new"),
        {"username": "norole", "display_name": "x", "organisation": org.pk, "role": ""},
    )
    assert missing.status_code == 200 and not User.objects.filter(username="norole").exists()
    response = client.post(
        reverse("user_new"),
        {
            "username": "jiaotong",
            "display_name": "交通填报员",
            "organisation": org.pk,
            "role": "department_reporter",
        },
    )
    password = _password(response.content.decode())
    user = User.objects.get(username="jiaotong")
    assert user.organisation == org and user.role == "department_reporter"
    assert (
        Client().post(reverse("login"), {"username": "jiaotong", "password": password}).status_code
        == 302
    )
    entry = AuditEntry.objects.get(object_type="accounts.user", object_pk=str(user.pk))
    assert entry.actor == city.users["quality"] and "password" not in (entry.after or {})


def test_role_must_fit_the_organisation_and_names_are_unique(city: City) -> None:
    client = city.client("quality")
    centre = Organisation.objects.get(key=f"centre-{city.county.code}")
    body = client.post(
        reverse("user_new"),
        {"username": "x1", "display_name": "x", "organisation": centre.pk, "role": "leader"},
    ).content.decode()
    assert "不适用于" in body and not User.objects.filter(username="x1").exists()
    body = client.post(
        reverse("user_new"),
        {
            "username": "COUNTY",
            "display_name": "x",
            "organisation": centre.pk,
            "role": "window_staff",
        },
    ).content.decode()
    assert "已被使用" in body


def test_quality_office_cannot_create_accounts_outside_its_city_or_admins(city: City) -> None:
    client = city.client("quality")
    foreign = city.users["other_quality"].organisation
    assert foreign is not None
    body = client.post(
        reverse("user_new"),
        {
            "username": "spy",
            "display_name": "x",
            "organisation": foreign.pk,
            "role": "quality_office",
        },
    ).content.decode()
    assert "spy" not in User.objects.values_list("username", flat=True)
    assert "选择一个有效的选项" in body
    own = city.users["quality"].organisation
    assert own is not None
    client.post(
        reverse("user_new"),
        {"username": "root2", "display_name": "x", "organisation": own.pk, "role": "admin"},
    )
    assert not User.objects.filter(username="root2").exists()


def test_user_list_is_scoped_and_refused_to_other_roles(city: City) -> None:
    body = city.client("quality").get(reverse("user_list")).content.decode()
    assert "county" in body and "other_quality" not in body and ">admin<" not in body
    assert (
        "other_quality"
        not in city.client("quality").get(reverse("user_list"), {"q": "other"}).content.decode()
    )
    for outsider in ("leader", "county", "reporter", "window", "vendor"):
        assert city.client(outsider).get(reverse("user_list")).status_code == 403, outsider
        assert city.client(outsider).get(reverse("user_new")).status_code == 403, outsider
    assert city.client(None).get(reverse("user_list")).status_code == 302
    assert "other_quality" in city.client("admin").get(reverse("user_list")).content.decode()


def test_manage_actions_reset_unlock_deactivate_are_scoped_and_audited(city: City) -> None:
    target = city.users["county"]
    client = city.client("quality")
    for _ in range(6):
        Client().post(reverse("login"), {"username": "county", "password": "wrong"})
    assert (
        Client().post(reverse("login"), {"username": "county", "password": PASSWORD}).status_code
        == 429
    )
    client.post(reverse("user_action", args=[target.pk, "unlock"]))
    assert (
        Client().post(reverse("login"), {"username": "county", "password": PASSWORD}).status_code
        == 302
    )

    new = _password(
        client.post(reverse("user_action", args=[target.pk, "reset-password"])).content.decode()
    )
    assert (
        Client().post(reverse("login"), {"username": "county", "password": new}).status_code == 302
    )

    client.post(reverse("user_action", args=[target.pk, "deactivate"]))
    target.refresh_from_db()
    assert not target.is_active
    notes = set(
        AuditEntry.objects.filter(
            object_pk=str(target.pk), object_type="accounts.user"
        ).values_list("note", flat=True)
    )
    assert {"login lockout lifted", "password reset"} <= notes
    assert AuditEntry.objects.filter(
        object_pk=str(target.pk), action=AuditAction.UPDATE, after={"is_active": False}
    ).exists()

    foreign = city.users["other_quality"]
    for action in ("reset-password", "deactivate", "unlock"):
        assert client.post(reverse("user_action", args=[foreign.pk, action])).status_code == 403
    assert client.get(reverse("user_detail", args=[foreign.pk])).status_code == 403
    assert client.get(reverse("user_detail", args=[city.users["admin"].pk])).status_code == 403
    assert city.client("township").get(reverse("user_detail", args=[target.pk])).status_code == 403
    assert client.get(reverse("user_action", args=[target.pk, "unlock"])).status_code == 405


def test_nobody_deactivates_themselves(city: City) -> None:
    me = city.users["quality"]
    response = city.client("quality").post(
        reverse("user_action", args=[me.pk, "deactivate"]), follow=True
    )
    assert "不能停用自己的账号" in response.content.decode()
    me.refresh_from_db()
    assert me.is_active
