"""The hotline's API: the platform's client posts batches (idempotent by order number, all or
nothing with every problem by item and field); figures and orders read by people by role and by
clients with ``hotline:read`` for their own city; everyone else refused."""

from __future__ import annotations

import json

from django.test import Client

from minsheng.accounts.models import ApiScope
from minsheng.hotline.models import WorkOrder
from tests.conftest import City, token_client


def _token(city: City, user: str, scopes: list[str]) -> Client:
    organisation = city.users[user].organisation
    assert organisation is not None
    return token_client(city, scopes, organisation)


def _items(city: City) -> list[dict[str, object]]:
    return [
        {"order_no": "API-1", "channel": "电话", "type": "投诉", "category": "城乡建设/物业管理",
         "region": city.township.code, "text": "电梯坏了", "received_at": "2026-10-12T09:00",
         "dispatched_at": "2026-10-12T10:00", "answered_at": "2026-10-15T10:00",
         "followup": "满意", "reopened": 0, "phone": "13900001111"},
        {"order_no": "API-2", "channel": "app", "type": "咨询", "text": "落户材料",
         "received_at": "2026-10-12T11:00"},
    ]  # fmt: skip


def test_the_platform_posts_orders(city: City) -> None:
    platform = _token(city, "dispatcher", [ApiScope.WRITE_HOTLINE])
    body = json.dumps({"items": _items(city)})
    first = platform.post("/api/hotline/orders", body, content_type="application/json")
    assert first.status_code == 200 and first.json() == {"created": 2, "updated": 0}
    again = platform.post("/api/hotline/orders", body, content_type="application/json")
    assert again.json() == {"created": 0, "updated": 2}
    stored = WorkOrder.objects.get(order_no="API-1")
    assert stored.phone_masked == "139****1111" and "13900001111" not in stored.phone_cipher
    bad = _items(city)
    bad[1]["type"] = "吐槽"
    bad[0]["answered_at"] = "2026-10-01T09:00"
    bad.append({"order_no": "API-3", "channel": "电话", "type": "求助",
                "received_at": "2026-10-12T09:00"})  # fmt: skip
    refused = platform.post("/api/hotline/orders", json.dumps({"items": bad}),
                            content_type="application/json")  # fmt: skip
    assert refused.status_code == 422
    problems = {(d["index"], d["field"]) for d in refused.json()["error"]["details"]}
    assert problems == {(0, "answered_at"), (1, "type")}
    assert not WorkOrder.objects.filter(order_no="API-3").exists()  # nothing stored
    # A client without the scope, another organisation's client, no token: refused.
    reader = _token(city, "dispatcher", [ApiScope.READ_HOTLINE])
    assert (
        reader.post("/api/hotline/orders", body, content_type="application/json").status_code == 403
    )
    office = _token(city, "quality", [ApiScope.WRITE_HOTLINE])
    assert (
        office.post("/api/hotline/orders", body, content_type="application/json").status_code == 403
    )
    assert Client().post(
        "/api/hotline/orders", body, content_type="application/json"
    ).status_code in (401, 403)
    person = city.client("dispatcher")
    assert (
        person.post("/api/hotline/orders", body, content_type="application/json").status_code == 403
    )


def test_figures_and_orders_are_read_within_scope(city: City) -> None:
    reader = _token(city, "dispatcher", [ApiScope.READ_HOTLINE])
    stats = reader.get("/api/hotline/stats", {"month": "2026-10", "by": "type"})
    assert stats.status_code == 200
    assert (
        sum(g["orders"] for g in stats.json())
        == WorkOrder.objects.filter(
            received_at__gte="2026-10-01T00:00+08:00", received_at__lt="2026-11-01T00:00+08:00"
        )
        .exclude(state="merged")
        .count()
    )
    assert reader.get("/api/hotline/stats", {"month": "十月"}).status_code == 422
    listed = reader.get("/api/hotline/orders", {"month": "2026-10"})
    assert listed.status_code == 200 and all(
        "****" in o["phone"] for o in listed.json() if o["phone"]
    )
    writer = _token(city, "dispatcher", [ApiScope.WRITE_HOTLINE])
    assert writer.get("/api/hotline/stats", {"month": "2026-10"}).status_code == 403
    assert city.client("quality").get("/api/hotline/stats", {"month": "2026-10"}).status_code == 200
    for outsider in ("window", "vendor"):
        got = city.client(outsider).get("/api/hotline/stats", {"month": "2026-10"})
        assert got.status_code == 403, outsider
    mine = city.client("reporter").get("/api/hotline/orders", {"month": "2026-10"})
    dept = city.users["reporter"].organisation
    assert dept is not None and {o["unit"] for o in mine.json()} <= {dept.name}
    # Another city's hotline client reads nothing of this city.
    other = _token(city, "other_quality", [ApiScope.READ_HOTLINE])
    assert other.get("/api/hotline/orders", {"month": "2026-10"}).json() == []
