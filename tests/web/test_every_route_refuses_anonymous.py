"""A guard for routes added later: every URL of the site, called without a login, is refused
(redirect to a login page, 401, 403 or 405), except the few that are public by design."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = {
    "/healthz",  # load balancers; says only "ok"
    "/favicon.ico",  # a redirect to the static icon
    "/accounts/login/",
    "/i18n/setlang/",  # sets the language cookie
    "/admin/login/",  # Django admin's own login form
    "/api/openapi.json",  # checked below: 401 without a session or token
    "/public/ratings/",  # the public disclosure of 好差评 (tests/reviews/test_pages.py)
    "/r/390100000000/",  # a window QR rating page (tests/reviews/test_citizen.py)
    "/r/status/",  # a citizen's case status by number + phone digits (test_citizen.py)
    "/p/390100000000/",  # online poll answering by token (tests/polls/test_polls.py)
    # The public 办事指南, its 一次性告知单 and QR code (tests/catalog/test_catalog_pages.py)
    "/public/guide/",
    "/public/guide/390100000000/390100000000/",
    "/public/guide/390100000000/390100000000/notice.docx",
    "/public/guide/390100000000/390100000000/notice.pdf",
    "/public/guide/390100000000/390100000000/qr.png",
    # What the office has published, and its feed (tests/reports/test_publications.py)
    "/public/",
    "/public/p/1/",
    "/public/feed.atom",
    "/inspections/sw.js",  # the inspector's offline helper: static code, no data
}
NOT_A_PAGE = {"/api/"}  # django-ninja's mount point: 404, no view behind it
SAMPLE = {"int": "1", "str": "390100000000", "slug": "sample", "path": "x"}


def _routes(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def _concrete(route: str) -> str | None:
    if route.startswith("^") or "(?P" in route:  # admin's regex routes: covered by "/admin/"
        return None
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), route)
    return "/" + path


ROUTES = sorted(
    {p for r in _routes(get_resolver()) if (p := _concrete(r)) and not p.startswith("/admin/")}
)


def test_the_route_list_is_not_empty() -> None:
    assert (
        len(ROUTES) > 25 and "/accounts/users/" in ROUTES and "/api/regions/390100000000" in ROUTES
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", ROUTES)
def test_anonymous_is_refused(path: str) -> None:
    if path in PUBLIC - {"/api/openapi.json"}:
        pytest.skip("public by design")
    if path in NOT_A_PAGE:
        assert Client().get(path).status_code == 404
        return
    for method in ("get", "post"):
        response = getattr(Client(), method)(path)
        if response.status_code in (301, 302):
            assert "login" in response["Location"], (method, path, response["Location"])
        else:
            assert response.status_code in (401, 403, 405), (method, path, response.status_code)


@pytest.mark.django_db
def test_admin_refuses_anonymous() -> None:
    response = Client().get("/admin/orgs/region/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_favicon_redirects_to_the_static_icon() -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
