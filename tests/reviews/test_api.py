"""``POST /api/ratings`` and ``/api/ratings/batch``: per-item answers, idempotency, scope of the
client's centre and channel, and refusal of everyone else."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from minsheng.accounts.models import ApiScope
from minsheng.accounts.services import api_client_issue
from minsheng.orgs.models import Organisation
from minsheng.reviews.models import Rating, RectificationCase
from tests.conftest import City


def _machine(
    city: City, org_key: str, *, channel: str = "window_tablet", scopes: list[str] | None = None
) -> Client:
    _, token = api_client_issue(
        actor=city.users["admin"],
        name="tablet",
        organisation=Organisation.objects.get(key=org_key),
        scopes=[ApiScope.WRITE_RATINGS] if scopes is None else scopes,
        channel=channel,
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _item(city: City, n: int, **kw: Any) -> dict[str, Any]:
    city_code = city.county.parent.code  # type: ignore[union-attr]
    item: dict[str, Any] = {
        "case_no": f"API{n:05d}",
        "department": f"dept-{city_code}-edu",
        "level": 5,
        "rated_at": "2026-10-09T10:00:00+08:00",
        "idempotency_key": f"key-{n}",
    }
    item.update(kw)
    return item


def _post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_single_rating_accepted_then_duplicate(city: City) -> None:
    tablet = _machine(city, f"centre-{city.county.code}")
    first = _post(tablet, "/api/ratings", _item(city, 1, level=2, contact="13900001111"))
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["status"] == "accepted" and body["id"]
    again = _post(tablet, "/api/ratings", _item(city, 1, level=2))
    assert again.status_code == 200
    assert again.json() == {"index": 0, "status": "duplicate", "id": body["id"], "errors": []}
    rating = Rating.objects.get()
    assert rating.channel == "window_tablet"  # the client's channel
    assert rating.centre.key == f"centre-{city.county.code}"  # the client's centre
    assert RectificationCase.objects.filter(rating=rating).exists()


def test_invalid_single_rating_is_422_with_reasons(city: City) -> None:
    tablet = _machine(city, f"centre-{city.county.code}")
    response = _post(tablet, "/api/ratings", _item(city, 2, level=9, colour="red"))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(e.startswith("level") for e in errors)
    assert any(e.startswith("colour") for e in errors)
    assert not Rating.objects.exists()


def test_batch_answers_per_item_and_keeps_the_valid_ones(city: City) -> None:
    tablet = _machine(city, f"centre-{city.county.code}")
    items = [
        _item(city, 1),
        _item(city, 2, level=0),
        _item(city, 3, department="没有这个局"),
        _item(city, 1),  # same key as the first
        _item(city, 4, channel="qr_code"),  # not this client's channel
        _item(city, 5, centre=f"centre-{city.other_county.code}"),  # not this client's centre
        "not an object",
    ]
    response = _post(tablet, "/api/ratings/batch", {"items": items})
    assert response.status_code == 200
    body = response.json()
    assert [r["status"] for r in body["results"]] == [
        "accepted",
        "error",
        "error",
        "duplicate",
        "error",
        "error",
        "error",
    ]
    assert (body["accepted"], body["duplicates"], body["errors"]) == (1, 1, 5)
    assert body["results"][3]["id"] == body["results"][0]["id"]
    assert Rating.objects.count() == 1


def test_batch_is_capped(city: City) -> None:
    tablet = _machine(city, f"centre-{city.county.code}")
    response = _post(tablet, "/api/ratings/batch", {"items": [{}] * 1001})
    assert response.status_code == 413


def test_outsiders_are_refused(city: City) -> None:
    body = _item(city, 1)
    assert _post(Client(), "/api/ratings", body).status_code == 401
    # A signed-in person is not a rating device.
    assert _post(city.client("window"), "/api/ratings", body).status_code in {403, 401}
    # A client without the ratings scope.
    reader = _machine(city, f"centre-{city.county.code}", scopes=[ApiScope.READ_REGIONS])
    assert _post(reader, "/api/ratings", body).status_code == 403
    batch = {"items": [_item(city, 1), _item(city, 2)]}
    assert _post(reader, "/api/ratings/batch", batch).status_code == 403
    stats_reader = _machine(city, f"centre-{city.county.code}", scopes=[ApiScope.READ_RATINGS])
    assert _post(stats_reader, "/api/ratings/batch", batch).status_code == 403
    assert _post(Client(), "/api/ratings/batch", batch).status_code == 401
    # The other county's centre cannot rate for this centre.
    other = _machine(city, f"centre-{city.other_county.code}")
    response = _post(other, "/api/ratings", _item(city, 1, centre=f"centre-{city.county.code}"))
    assert response.status_code == 422
    assert not Rating.objects.exists()


def test_a_large_legal_batch_fits_and_a_larger_body_is_413(city: City) -> None:
    tablet = _machine(city, f"centre-{city.county.code}")
    items = [_item(city, 5000 + k, comment="服务热情周到，" * 140) for k in range(1000)]
    body = json.dumps({"items": items}, ensure_ascii=False).encode()
    assert 3_000_000 < len(body) < 8 * 1024 * 1024
    ok = tablet.post("/api/ratings/batch", body, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["accepted"] == 1000
    huge = b'{"items": [' + b'"x",' * (3 * 1024 * 1024) + b'"x"]}'
    refused = tablet.post("/api/ratings/batch", huge, content_type="application/json")
    assert refused.status_code == 413 and refused.json()["error"]["code"] == "too_large"


def test_text_a_database_cannot_store_and_absurd_times_are_refused(city: City) -> None:
    tablet = _machine(city, f"centre-{city.county.code}")
    cases = [
        (
            '{"case_no": "S\\ud800", "department": "x", "level": 5, '
            '"rated_at": "2026-10-09T10:00:00+08:00"}',
            "case_no",
        ),
        (json.dumps(_item(city, 9001, comment="好\u0000评")), "comment"),
        (json.dumps(_item(city, 9002, handled_at="9999-12-31T00:00:00+08:00")), "handled_at"),
    ]
    for raw, field in cases:
        response = tablet.post("/api/ratings", raw, content_type="application/json")
        assert response.status_code == 422, (field, response.content)
        assert field in json.dumps(response.json(), ensure_ascii=False), field
    assert not Rating.objects.exists()
