"""The public 办事指南 (no login): a city's published items, searchable, each at a stable URL
(/public/guide/<region>/<code>/) with its materials, limits, fees, place, hours and phones; the
printable 一次性告知单 (Word) and the QR code the window shows for that URL."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control

from minsheng.catalog.documents import days_text, notice, qr_png
from minsheng.catalog.models import CatalogItem
from minsheng.catalog.selectors import item_of
from minsheng.orgs.models import Region, RegionLevel
from minsheng.web.downloads import document_response
from minsheng.web.paging import search_and_page

PUBLIC_CACHE = 300  # seconds


def _current(region_code: str, code: str) -> CatalogItem:
    """The published item in force now, or 404 (an unpublished item does not exist here)."""
    now = timezone.now()
    found = (
        CatalogItem.objects.filter(
            region__code=region_code, code=code, published=True, valid_from__lte=now
        )
        .filter(Q(valid_to=None) | Q(valid_to__gt=now))
        .select_related("organisation", "region")
        .first()
    )
    if found is None:
        raise Http404("no such published item")
    return found


@cache_control(public=True, max_age=PUBLIC_CACHE)
def guide_list(request: HttpRequest) -> HttpResponse:
    cities = list(Region.objects.filter(level=RegionLevel.CITY).order_by("code"))
    code = request.GET.get("city") or (cities[0].code if cities else "")
    city = next((c for c in cities if c.code == code), None)
    if city is None:
        raise Http404("no such city")
    now = timezone.now()
    rows = list(
        CatalogItem.objects.filter(
            published=True, valid_from__lte=now, **city.subtree_filter("region__")
        )
        .filter(Q(valid_to=None) | Q(valid_to__gt=now))
        .select_related("organisation", "region")
        .order_by("region__code", "code")
    )
    paged = search_and_page(
        request, rows, lambda r: f"{r.code} {r.name} {r.organisation.name}", per_page=30
    )
    return render(
        request,
        "catalog/guide_list.html",
        {"cities": cities, "city": city, "paged": paged},
    )


def _url(request: HttpRequest, row: CatalogItem) -> str:
    return request.build_absolute_uri(reverse("guide_item", args=[row.region.code, row.code]))


@cache_control(public=True, max_age=PUBLIC_CACHE)
def guide_item(request: HttpRequest, region: str, code: str) -> HttpResponse:
    row = _current(region, code)
    item = item_of(row)
    return render(
        request,
        "catalog/guide_item.html",
        {
            "row": row,
            "item": item,
            "promised": days_text(item.promised_days),
            "legal": days_text(item.legal_days),
            "url": _url(request, row),
        },
    )


@cache_control(public=True, max_age=PUBLIC_CACHE)
def guide_notice(request: HttpRequest, region: str, code: str, fmt: str = "docx") -> HttpResponse:
    row = _current(region, code)
    content = notice(
        item_of(row),
        organisation=row.organisation.name,
        url=_url(request, row),
        today=timezone.localdate(),
    )
    return document_response(f"一次性告知单-{row.name}", content, fmt)


@cache_control(public=True, max_age=PUBLIC_CACHE)
def guide_qr(request: HttpRequest, region: str, code: str) -> HttpResponse:
    row = _current(region, code)
    return HttpResponse(qr_png(_url(request, row)), content_type="image/png")
