"""Poll results over REST: the page's numbers; people as on the page (a county officer sees its
own rows), machine clients with polls:read within their region, everyone else refused."""

from __future__ import annotations

import pytest
from django.test import Client

from minsheng.accounts.models import ApiScope
from minsheng.orgs.models import Organisation
from minsheng.polls.models import Poll
from minsheng.polls.results import poll_results
from minsheng.polls.services import fieldwork_import
from tests.conftest import City, token_client
from tests.polls.test_polls import _csv, _poll


def _token(city: City, scopes: list[str], key: str) -> Client:
    return token_client(city, scopes, Organisation.objects.get(key=key))


def _filled(city: City) -> Poll:
    poll = _poll(city)
    fieldwork_import(poll, _csv(city, 240, seed=3), filename="a.csv", actor="t")
    return poll


def test_results_are_the_pages_numbers(city: City) -> None:
    poll = _filled(city)
    url = f"/api/polls/{poll.pk}/results"
    body = city.client("quality").get(url).json()
    reference = poll_results(poll, "county")
    assert body["n"] == reference.n == 240
    assert reference.overall is not None
    assert body["overall"]["score"] == pytest.approx(reference.overall.estimate, abs=1e-9)
    assert body["overall"]["ci_low"] == pytest.approx(reference.overall.ci_low, abs=1e-9)
    by_code = {r["code"]: r for r in body["regions"]}
    assert set(by_code) == {r.code for r in reference.rows}
    for row in reference.rows:
        got = by_code[row.code]
        assert got["score"] == pytest.approx(row.score, abs=1e-9)
        assert (got["rank"], got["rank_low"], got["rank_high"]) == (
            row.rank.rank,
            row.rank.low,
            row.rank.high,
        )
    assert [i["code"] for i in body["items"]] == [i.code for i in reference.items]
    listed = city.client("leader").get("/api/polls").json()
    assert poll.pk in [p["id"] for p in listed]
    # The drill-down into a county: its townships.
    county = city.client("quality").get(url, {"county": city.county.code}).json()
    assert county["level"] == "township"


def test_scope_people_and_machines(city: City) -> None:
    poll = _filled(city)
    url = f"/api/polls/{poll.pk}/results"
    officer = city.client("county").get(url).json()
    assert {r["code"] for r in officer["regions"]} == {city.county.code}  # its own row only
    assert city.client("county").get(url, {"county": city.other_county.code}).status_code == 403
    for outsider in ("vendor", "reporter", "window", "other_quality"):
        assert city.client(outsider).get(url).status_code == 403, outsider
    assert city.client("vendor").get("/api/polls").status_code == 403
    assert Client().get(url).status_code == 401
    reader = _token(city, [ApiScope.READ_POLLS], f"gov-{city.county.code}")
    rows = reader.get(url).json()["regions"]
    assert {r["code"] for r in rows} == {city.county.code}
    assert (
        _token(city, [ApiScope.READ_RATINGS], f"gov-{city.county.code}").get(url).status_code == 403
    )
    other_city = city.users["other_quality"].organisation.key
    assert _token(city, [ApiScope.READ_POLLS], other_city).get(url).status_code == 403
    assert city.client("quality").get("/api/polls/999999/results").status_code == 404
    assert city.client("quality").get(url, {"level": "village"}).status_code == 404
