"""Reports over REST (people by their role, machine clients with ``reports:read``):

- ``GET /api/reports/cockpit?region=&period=&map=`` — the leader cockpit's figures, weakest
  spots with their tasks, and the child regions' map figure;
- ``GET /api/reports`` — the archived reports the caller may read (title, period, fingerprint)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from minsheng.accounts.access import user_scope
from minsheng.accounts.models import ApiClient, ApiScope
from minsheng.api.auth import caller, require_scope
from minsheng.api.schemas import ErrorOut
from minsheng.core.index.periods import Period, PeriodError
from minsheng.orgs.models import Region
from minsheng.reports.access import report_region, reports_visible
from minsheng.reports.cockpit import MAP_FIGURES, cockpit, cockpit_json
from minsheng.reports.models import Report

router = Router(tags=["reports"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _region(principal: Any, code: str) -> Region:
    if not isinstance(principal, ApiClient):
        return report_region(principal, code or None)
    scope = user_scope(principal)
    if scope.region is None:
        raise PermissionDenied("the client reads no region")
    if not code:
        return scope.region
    region = Region.objects.filter(code=code, **scope.region.subtree_filter()).first()
    if region is None:
        raise PermissionDenied("region outside the client's scope")
    return region


@router.get("/reports/cockpit", response={200: dict[str, Any], **ERRORS})
def cockpit_get(
    request: HttpRequest, region: str = "", period: str = "", map: str = "index"
) -> Any:
    principal = caller(request)
    require_scope(principal, ApiScope.READ_REPORTS)
    place = _region(principal, region)
    try:
        when = Period.parse(period)
    except PeriodError as exc:
        raise HttpError(422, str(exc)) from None
    if map not in MAP_FIGURES:
        raise HttpError(422, f"map 须为 {'、'.join(MAP_FIGURES)} 之一")
    return cockpit_json(cockpit(place, when, map))


@router.get("/reports", response={200: list[dict[str, Any]], **ERRORS})
def reports_get(request: HttpRequest) -> Any:
    principal = caller(request)
    require_scope(principal, ApiScope.READ_REPORTS)
    if isinstance(principal, ApiClient):
        scope = user_scope(principal)
        found = (
            Report.objects.filter(**scope.region.subtree_filter("region__"))
            if scope.region is not None
            else Report.objects.none()
        )
    else:
        found = reports_visible(principal)
    return [
        {
            "id": r.pk,
            "title": r.title,
            "region": r.region.code,
            "period": r.period,
            "fingerprint": r.fingerprint,
            "created_at": r.created_at.isoformat(),
        }
        for r in found.select_related("region")[:500]
    ]
