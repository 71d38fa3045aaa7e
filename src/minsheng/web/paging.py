"""One way to search and page a long table: a text filter over what each row is called, then
pages of ``per_page`` rows; the query string keeps every other parameter for the page links."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Paged:
    page: Page[Any]
    search: str
    query: str  # the request's parameters without "page", for the pager's links
    total: int  # rows after the search, over all pages


def search_and_page(
    request: HttpRequest,
    rows: Sequence[T],
    text: Callable[[T], str],
    *,
    per_page: int = 100,
) -> Paged:
    search = request.GET.get("q", "").strip()
    if search:
        rows = [r for r in rows if search.lower() in text(r).lower()]
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return Paged(page, search, params.urlencode(), len(rows))


def page_query(request: HttpRequest, rows: Any, *, per_page: int = 50) -> Paged:
    """Pages of a queryset already filtered in the database (long tables such as work orders);
    the search text is the caller's to apply."""
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return Paged(page, request.GET.get("q", "").strip(), params.urlencode(), page.paginator.count)
