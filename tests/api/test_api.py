from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minsheng.accounts.models import ApiClient, ApiScope
from minsheng.accounts.services import api_client_issue, api_client_revoke
from minsheng.audit.models import AuditEntry
from minsheng.orgs.models import Organisation
from tests.conftest import City


def _client_for(city: City, org_key: str, scopes: list[str]) -> tuple[ApiClient, Client]:
    client, token = api_client_issue(
        actor=city.users["admin"],
        name="tablet",
        organisation=Organisation.objects.get(key=org_key),
        scopes=scopes,
    )
    return client, Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message", "details"} <= set(body["error"])
    return body["error"]  # type: ignore[no-any-return]


def test_anonymous_gets_401_with_the_standard_error_body(city: City) -> None:
    response = Client().get("/api/me")
    assert response.status_code == 401
    assert _error(response)["code"] == "unauthorized"


def test_session_user_and_token_client_both_authenticate(city: City) -> None:
    me = city.client("county").get("/api/me").json()
    assert me["kind"] == "user" and me["role"] == "region_officer"
    _, machine = _client_for(city, f"gov-{city.county.code}", [ApiScope.READ_REGIONS])
    me = machine.get("/api/me").json()
    assert me == {
        "kind": "client",
        "name": "tablet",
        "role": None,
        "organisation": Organisation.objects.get(key=f"gov-{city.county.code}").name,
        "scopes": ["regions:read"],
    }


def test_token_is_stored_hashed_and_its_issue_audited(city: City) -> None:
    client, token = api_client_issue(
        actor=city.users["admin"],
        name="hall",
        organisation=city.users["quality"].organisation,  # type: ignore[arg-type]
        scopes=[ApiScope.READ_REGIONS],
    )
    assert token not in {client.token_hash, client.token_prefix}
    assert not ApiClient.objects.filter(token_hash=token).exists()
    entry = AuditEntry.objects.get(object_type="accounts.apiclient", object_pk=str(client.pk))
    assert entry.actor == city.users["admin"] and "token_hash" not in (entry.after or {})


def test_unknown_scope_is_refused(city: City) -> None:
    with pytest.raises(ValueError, match="unknown scope"):
        api_client_issue(
            actor=None, name="x", organisation=Organisation.objects.first(), scopes=["all"]
        )  # type: ignore[arg-type]


def test_wrong_and_revoked_tokens_get_401(city: City) -> None:
    assert Client(HTTP_AUTHORIZATION="Bearer ms_nope").get("/api/me").status_code == 401
    client, machine = _client_for(city, f"gov-{city.county.code}", [ApiScope.READ_REGIONS])
    assert machine.get("/api/me").status_code == 200
    api_client_revoke(actor=None, client=client)
    assert machine.get("/api/me").status_code == 401


def test_region_endpoint_in_scope_and_outsiders_refused(city: City) -> None:
    path = f"/api/regions/{city.county.code}"
    body = city.client("county").get(path).json()
    assert body["code"] == city.county.code
    assert {c["code"] for c in body["children"]} >= {city.township.code}
    for outsider in ("other_county", "township", "reporter", "window", "vendor"):
        response = city.client(outsider).get(path)
        assert response.status_code == 403, outsider
        assert _error(response)["code"] == "forbidden"
    assert Client().get(path).status_code == 401
    assert _error(city.client("quality").get("/api/regions/399999999999"))["code"] == "not_found"


def test_machine_client_needs_the_scope_and_stays_in_its_region(city: City) -> None:
    _, no_scope = _client_for(city, f"gov-{city.county.code}", [])
    assert no_scope.get(f"/api/regions/{city.county.code}").status_code == 403
    _, scoped = _client_for(city, f"gov-{city.county.code}", [ApiScope.READ_REGIONS])
    assert scoped.get(f"/api/regions/{city.township.code}").status_code == 200
    assert scoped.get(f"/api/regions/{city.other_county.code}").status_code == 403


def test_organisation_list_is_scoped_filtered_and_paginated(city: City) -> None:
    county = city.client("county")
    body = county.get("/api/organisations?limit=500").json()
    codes = {o["region_code"] for o in body["items"]}
    assert all(c.startswith(city.county.code[:6]) for c in codes)
    assert body["count"] == len(body["items"])
    centres = county.get(
        f"/api/organisations?kind=service_centre&region={city.township.code}&limit=500"
    ).json()
    assert centres["count"] >= 1 and all(o["kind"] == "service_centre" for o in centres["items"])
    page = county.get("/api/organisations?limit=2&offset=0").json()
    assert len(page["items"]) == 2 and page["count"] == body["count"]
    reporter = city.client("reporter").get("/api/organisations").json()
    assert [o["key"] for o in reporter["items"]] == [city.users["reporter"].organisation.key]  # type: ignore[union-attr]
    refused = county.get(f"/api/organisations?region={city.other_county.code}")
    assert refused.status_code == 403


def test_validation_errors_use_the_standard_body(city: City) -> None:
    response = city.client("county").get("/api/organisations?limit=abc")
    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == "invalid" and error["details"]


def test_openapi_document_and_docs_need_a_login(city: City) -> None:
    assert Client().get("/api/openapi.json").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer wrong").get("/api/openapi.json").status_code == 401
    assert Client().get("/api/docs").status_code == 302
    schema = city.client("county").get("/api/openapi.json").json()
    assert "/api/regions/{code}" in schema["paths"]
    docs = city.client("county").get("/api/docs")
    assert docs.status_code == 200 and b"cdn" not in docs.content.lower()


def test_a_token_client_reads_the_openapi_document(city: City) -> None:
    _, token = api_client_issue(
        actor=city.users["admin"],
        name="省级系统",
        organisation=Organisation.objects.get(key=f"gov-{city.county.code}"),
        scopes=[ApiScope.READ_REGIONS],
    )
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    ranking = paths["/api/indicators/ranking"]["get"]["responses"]
    assert {"200", "401", "403", "404"} <= set(ranking)
