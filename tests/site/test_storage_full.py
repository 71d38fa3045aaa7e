"""A full disk answers 503 with a clear message and nothing stored, and the site recovers by
itself when space returns. SQLite's page limit makes a real "database or disk is full"."""

from __future__ import annotations

import errno
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError, connection
from django.test import Client, RequestFactory

from minsheng.accounts.models import ApiScope
from minsheng.accounts.services import api_client_issue
from minsheng.orgs.models import Organisation
from minsheng.reviews.models import Rating
from minsheng.site.storage import is_disk_full
from minsheng.web.views import server_error
from tests.conftest import City


def _batch(city: City, start: int) -> str:
    code = city.county.parent.code  # type: ignore[union-attr]
    items = [
        {
            "case_no": f"D{start + k:06d}",
            "department": f"dept-{code}-edu",
            "level": 5,
            "rated_at": "2026-10-09T10:00:00+08:00",
            "comment": "磁盘" * 900,
        }
        for k in range(500)
    ]
    return json.dumps({"items": items}, ensure_ascii=False)


def test_a_full_database_answers_503_and_recovers(city: City) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's max_page_count makes the disk full; PostgreSQL is covered below")
    _, token = api_client_issue(
        actor=city.users["admin"],
        name="tablet",
        organisation=Organisation.objects.get(key=f"centre-{city.county.code}"),
        scopes=[ApiScope.WRITE_RATINGS],
        channel="window_tablet",
    )
    tablet = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")
    try:
        full = tablet.post("/api/ratings/batch", _batch(city, 0), content_type="application/json")
        assert full.status_code == 503, full.content
        assert full.json()["error"]["code"] == "storage_full"
        assert not Rating.objects.filter(case_no__startswith="D").exists()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA max_page_count = 1073741823")
    again = tablet.post("/api/ratings/batch", _batch(city, 0), content_type="application/json")
    assert again.status_code == 200 and again.json()["accepted"] == 500


def test_pages_show_a_503_page_for_a_full_disk() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    try:
        raise OperationalError("database or disk is full")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503 and "存储空间已满" in response.content.decode()
    try:
        raise RuntimeError("something else")
    except RuntimeError:
        assert server_error(request).status_code == 500


def test_what_counts_as_a_full_disk() -> None:
    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    pg = OperationalError("could not extend file: No space left on device")
    assert is_disk_full(pg)

    class DiskFullError(Exception):  # psycopg's DiskFull carries this SQLSTATE
        sqlstate = "53100"

    wrapped = OperationalError("wrapper")
    wrapped.__cause__ = DiskFullError()
    assert is_disk_full(wrapped)
    assert not is_disk_full(OperationalError("database is locked"))
    assert not is_disk_full(OSError(errno.EACCES, "denied"))
