"""Assessment results over REST (people by their role, machine clients with ``assess:read``):

- ``GET /api/assess/runs?period=`` — the runs of the schemes the caller sees (a unit's officer,
  confirmed runs only);
- ``GET /api/assess/runs/{id}`` — a run's units with totals, grades, ranks, rank intervals,
  vetoes, triggers; components and deductions for every unit to the office and leaders, for
  its own row only to a unit's officer (as on the page)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from minsheng.accounts.access import user_scope
from minsheng.accounts.models import ApiClient, ApiScope
from minsheng.api.auth import caller, require_scope
from minsheng.api.schemas import ErrorOut
from minsheng.assess.access import access_run, schemes_visible
from minsheng.assess.models import Run, Scheme

router = Router(tags=["assess"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class RunOut(Schema):
    id: int
    scheme: str
    region: str
    period: str
    confirmed: bool


def _visible(principal: Any) -> Any:
    if isinstance(principal, ApiClient):
        scope = user_scope(principal)
        if scope.region is None:
            return Scheme.objects.none()
        return Scheme.objects.filter(**scope.region.subtree_filter("region__"))
    return schemes_visible(principal)


def _client_run(client: ApiClient, run_id: int) -> Run:
    run = Run.objects.filter(pk=run_id, scheme__in=_visible(client)).first()
    if run is None:
        raise PermissionDenied("run outside the client's region")
    return run


@router.get("/assess/runs", response={200: list[RunOut], **ERRORS})
def runs_get(request: HttpRequest, period: str = "") -> Any:
    principal = caller(request)
    require_scope(principal, ApiScope.READ_ASSESS)
    runs = Run.objects.filter(scheme__in=_visible(principal)).select_related("scheme__region")
    if period:
        runs = runs.filter(period=period)
    out = []
    for run in runs.order_by("-period", "-computed_at")[:500]:
        if not isinstance(principal, ApiClient):
            try:
                access_run(principal, run.pk)
            except PermissionDenied:
                continue
        out.append(
            RunOut(
                id=run.pk,
                scheme=run.scheme.name,
                region=run.scheme.region.code,
                period=run.period,
                confirmed=run.confirmed_at is not None,
            )
        )
    return out


@router.get("/assess/runs/{run_id}", response={200: dict, **ERRORS})
def run_get(request: HttpRequest, run_id: int) -> Any:
    principal = caller(request)
    require_scope(principal, ApiScope.READ_ASSESS)
    own = None
    if isinstance(principal, ApiClient):
        run = _client_run(principal, run_id)
    else:
        run, own = access_run(principal, run_id)
    hidden = ("components", "deductions", "bonuses")
    units = [
        r if own in (None, r["unit"]) else {k: v for k, v in r.items() if k not in hidden}
        for r in run.results
    ]
    return {
        "id": run.pk,
        "scheme": run.scheme.name,
        "period": run.period,
        "confirmed": run.confirmed_at is not None,
        "rules": run.rules if own is None else None,
        "units": units,
    }
