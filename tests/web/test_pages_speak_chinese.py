"""Every role's pages speak Chinese: the test signs in as each persona, walks the pages its
menus and those pages link to (breadth first, within the site), and fails on any internal key
shown as text — a stored choice value such as ``open`` or ``window_tablet``, a snake_case key,
a Python literal (``None``, ``True``, ``nan``), raw JSON or a UTC time."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.urls import Resolver404, resolve, reverse

from minsheng.accounts.models import User
from tests.conftest import City

PERSONAS = ("quality", "leader", "reporter", "county", "township", "window", "vendor", "admin")
PAGES_PER_PERSONA = 80
PER_ROUTE = 2
SKIP = ("/accounts/logout/", "/admin/", "/api/", "/static/", "/i18n/", "/media/")
# Words that are the product's own vocabulary in the Chinese UI (names, units, formats).
ALLOWED = {"raking", "default"}


# Not prose: code, and what a user typed into a text area (an assessment scheme's JSON).
HIDDEN = ("script", "style", "template", "code", "pre", "textarea")


class _Text(HTMLParser):
    """The text a reader sees (no scripts, styles or attribute values) and the links."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self._hidden += 1
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _choice_keys() -> set[str]:
    """Every stored value of every model field with choices: what must never be shown raw."""
    keys: set[str] = set()
    for model in apps.get_app_configs():
        if not model.name.startswith("minsheng"):
            continue
        for m in model.get_models():
            for f in m._meta.get_fields():
                for value, _label in getattr(f, "choices", None) or []:
                    if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]+", value):
                        keys.add(value)
    return keys - ALLOWED


def _problems(text: str, keys: set[str], names: set[str]) -> list[str]:
    """``names``: user names, which are data (ASCII by choice), not keys."""
    found = []
    words = set(re.findall(r"(?<![\w/.-])[A-Za-z_]+(?![\w/.-])", text)) - names
    found += sorted(w for w in words if w in keys)
    found += sorted(w for w in words if re.fullmatch(r"[a-z]+(_[a-z]+)+", w) and w not in keys)
    found += sorted(w for w in words if w in {"None", "True", "False", "nan", "NaN", "inf"})
    found += re.findall(r"\{\s*\"[a-z_]+\"\s*:", text)  # raw JSON
    found += re.findall(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\+00:00|\bUTC\b", text)
    return found


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_a_role_reaches_speaks_chinese(city: City, persona: str) -> None:
    keys = _choice_keys()
    assert {"open", "window_tablet", "fieldwork"} <= keys  # the vocabulary is really collected
    names = set(User.objects.values_list("username", flat=True))
    client = city.client(persona)
    queue, seen, bad = [reverse("home")], set[str](), {}
    per_route: dict[str, int] = {}
    visited = 0
    while queue and visited < PAGES_PER_PERSONA:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        try:
            route = resolve(url.split("?")[0]).url_name or url
        except Resolver404:
            continue
        per_route[route] = per_route.get(route, 0) + 1
        if per_route[route] > PER_ROUTE:  # two of each kind of page: a walk, not a crawl
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        visited += 1
        parser = _Text()
        parser.feed(response.content.decode())
        problems = _problems(" ".join(parser.parts), keys, names)
        if problems:
            bad[url] = problems[:8]
        for link in parser.links:
            path = link.split("#")[0]
            if (
                path.startswith("/")
                and not path.startswith(SKIP)
                and "format=" not in path
                and "download" not in path
                and path not in seen
            ):
                queue.append(path)
    assert visited >= 3, f"{persona} reached only {visited} pages"
    assert bad == {}, bad


def test_the_check_catches_what_it_is_for(db: object) -> None:
    keys = _choice_keys()
    samples = {
        "citizen · open → open": ["open"],
        "渠道 window_tablet": ["window_tablet"],
        "得分 nan": ["nan"],
        '结果 {"ok": true}': ['{"ok":'],
        "时间 2026-12-01T08:00": ["2026-12-01T08:00"],
        "状态 已结束，编号 EDU03，2026Q4": [],
        "账号 other_reporter": [],
    }
    for text, expected in samples.items():
        assert _problems(text, keys, {"other_reporter"}) == expected, text
