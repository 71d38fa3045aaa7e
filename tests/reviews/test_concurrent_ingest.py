"""Ratings that race each other: a batch whose items another request stored meanwhile keeps its
new ratings and answers "duplicate" for the rest, on both databases; concurrent posts of one key
store one rating (PostgreSQL, real threads); the duplicate lookups use the unique indexes."""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minsheng.accounts.models import ApiScope
from minsheng.accounts.services import api_client_issue
from minsheng.orgs.models import Organisation
from minsheng.reviews.models import Rating
from minsheng.reviews.services import ingest as ingest_module
from tests.conftest import City, build_city


def _tablet_token(city: City) -> str:
    _, token = api_client_issue(
        actor=city.users["admin"],
        name="tablet",
        organisation=Organisation.objects.get(key=f"centre-{city.county.code}"),
        scopes=[ApiScope.WRITE_RATINGS],
        channel="window_tablet",
    )
    return token


def _item(city: City, n: int) -> dict[str, Any]:
    city_code = city.county.parent.code  # type: ignore[union-attr]
    return {
        "case_no": f"RACE{n:05d}",
        "department": f"dept-{city_code}-edu",
        "level": 5,
        "rated_at": "2026-10-09T10:00:00+08:00",
        "idempotency_key": f"race-{n}",
    }


def _post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_a_batch_racing_another_keeps_its_new_ratings(
    city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {_tablet_token(city)}")
    first = _post(client, "/api/ratings", _item(city, 0))
    assert first.status_code == 201
    stored_id = first.json()["id"]
    # The other request commits after this one looked for duplicates: the lookup sees nothing.
    monkeypatch.setattr(ingest_module, "_existing", lambda records, client: ({}, {}))
    batch = [_item(city, n) for n in range(0, 51)]
    response = _post(client, "/api/ratings/batch", {"items": batch})
    assert response.status_code == 200, response.content
    statuses = Counter(item["status"] for item in response.json()["results"])
    assert statuses == {"accepted": 50, "duplicate": 1}
    duplicate = next(i for i in response.json()["results"] if i["status"] == "duplicate")
    assert duplicate["id"] == stored_id
    assert Rating.objects.count() == 51


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_of_one_key_store_one_rating() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    city = build_city()
    token = _tablet_token(city)
    answers: list[int] = []
    batch_answers: list[Counter[str]] = []
    start = threading.Barrier(10)

    def single() -> None:
        try:
            client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
            start.wait()
            answers.append(_post(client, "/api/ratings", _item(city, 1)).status_code)
        finally:
            connections.close_all()

    def batch(offset: int) -> None:
        try:
            client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
            items = [_item(city, 100 + offset + k) for k in range(60)]  # 10 shared between two
            start.wait()
            response = _post(client, "/api/ratings/batch", {"items": items})
            assert response.status_code == 200, response.content
            batch_answers.append(Counter(i["status"] for i in response.json()["results"]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=single) for _ in range(8)]
    threads += [threading.Thread(target=batch, args=(o,)) for o in (0, 50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(answers) == [200] * 7 + [201]
    assert Rating.objects.filter(case_no="RACE00001").count() == 1
    assert len(batch_answers) == 2
    assert sum(c["accepted"] for c in batch_answers) == 110  # 120 items, 10 shared
    assert sum(c["duplicate"] for c in batch_answers) == 10
    assert Rating.objects.filter(case_no__startswith="RACE").count() == 111


def test_the_key_lookup_uses_the_partial_unique_index(city: City) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {_tablet_token(city)}")
    with CaptureQueriesContext(connection) as queries:
        assert _post(client, "/api/ratings", _item(city, 7)).status_code == 201
    keyed = [q["sql"] for q in queries if "idempotency_key" in q["sql"] and "SELECT" in q["sql"]]
    assert keyed, "the duplicate lookup by key ran"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + keyed[0])
            plan = " ".join(str(row) for row in cursor.fetchall())
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + keyed[0])
            plan = " ".join(row[0] for row in cursor.fetchall())
    assert "rating_idempotency_key" in plan, plan
