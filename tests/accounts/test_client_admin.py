"""Machine clients issued and revoked by the quality office, within its city."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from minsheng.accounts.models import ApiClient, ApiScope
from minsheng.accounts.services import api_client_issue
from minsheng.audit.models import AuditEntry
from minsheng.orgs.models import Organisation
from tests.conftest import City


def test_quality_office_issues_a_tablet_token_that_works_once_shown(city: City) -> None:
    centre = Organisation.objects.get(key=f"centre-{city.county.code}")
    client = city.client("quality")
    response = client.post(
        reverse("client_list"),
        {
            "name": "1号窗口评价器",
            "organisation": centre.pk,
            "channel": "window_tablet",
            "scopes": [ApiScope.READ_REGIONS],
        },
    )
    match = re.search(r'data-testid="token">([^<]+)<', response.content.decode())
    assert match is not None
    token = match.group(1)
    machine = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert machine.get("/api/me").json()["name"] == "1号窗口评价器"
    listing = client.get(reverse("client_list")).content.decode()
    assert "1号窗口评价器" in listing and token not in listing
    assert AuditEntry.objects.filter(object_type="accounts.apiclient").exists()


def test_issue_form_refuses_organisations_outside_the_city_and_unknown_scopes(city: City) -> None:
    foreign = city.users["other_quality"].organisation
    assert foreign is not None
    client = city.client("quality")
    client.post(
        reverse("client_list"),
        {"name": "x", "organisation": foreign.pk, "scopes": ["regions:read"]},
    )
    own = city.users["quality"].organisation
    assert own is not None
    client.post(reverse("client_list"), {"name": "y", "organisation": own.pk, "scopes": ["all"]})
    assert not ApiClient.objects.exists()


def test_revoke_is_scoped_and_stops_the_token(city: City) -> None:
    own, token = api_client_issue(
        actor=None,
        name="hall",
        organisation=city.users["county"].organisation,  # type: ignore[arg-type]
        scopes=[ApiScope.READ_REGIONS],
    )
    foreign, _ = api_client_issue(
        actor=None,
        name="foreign",
        organisation=city.users["other_quality"].organisation,  # type: ignore[arg-type]
        scopes=[],
    )
    client = city.client("quality")
    assert "foreign" not in client.get(reverse("client_list")).content.decode()
    assert client.post(reverse("client_revoke", args=[foreign.pk])).status_code == 403
    assert client.post(reverse("client_revoke", args=[own.pk])).status_code == 302
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/me").status_code == 401
    for outsider in ("leader", "county", "reporter", "window", "vendor"):
        assert city.client(outsider).get(reverse("client_list")).status_code == 403, outsider
        assert (
            city.client(outsider).post(reverse("client_revoke", args=[own.pk])).status_code == 403
        )
    assert city.client(None).get(reverse("client_list")).status_code == 302
    assert client.get(reverse("client_revoke", args=[own.pk])).status_code == 405
