"""Inspections over REST:

- ``GET /api/inspections/plans`` and ``GET /api/inspections/plans/{id}/report`` — the rounds of
  the caller's region and a round's figures (pass rates by item and site, findings, repeated
  findings); people of the office and leaders, or machine clients with ``assess:read``.
- ``GET /api/inspections/visits`` — the signed-in inspector's own visits with their checklists
  (what the phone form needs to work offline).
- ``POST /api/inspections/visits/{id}`` — the inspector's form from the phone: marks, notes,
  summary, the unannounced flag, the time of the visit and photos (base64, with the device's
  time each was taken). The same form sent twice is kept once (200 ``stored: false``)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from minsheng.accounts.models import ApiClient, ApiScope
from minsheng.api.auth import caller, caller_person, require_scope
from minsheng.api.schemas import ErrorOut
from minsheng.core.inspect.checklist import parse_items
from minsheng.core.ratings.records import parse_time
from minsheng.inspections.access import access_plan, access_visit, plans_readable
from minsheng.inspections.models import Visit
from minsheng.inspections.selectors import plan_report
from minsheng.inspections.services import InspectionError, PhotoIn, visit_submit

router = Router(tags=["inspections"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
MAX_PHOTO_BYTES = 8 * 1024 * 1024


class PlanOut(Schema):
    id: int
    name: str
    region: str
    kind: str
    period: str
    starts_on: dt.date
    ends_on: dt.date
    visits: int


class PhotoBody(Schema):
    name: str = Field(max_length=150)
    item: str = ""
    taken_at: str = ""
    data: str  # base64


class VisitBody(Schema):
    results: dict[str, str]
    notes: dict[str, str] = {}
    summary: str = ""
    unannounced: bool = True
    visited_at: str
    photos: list[PhotoBody] = []


class SubmittedOut(Schema):
    id: int
    stored: bool
    score: float | None


def _reader(request: HttpRequest) -> Any:
    principal = caller(request)
    require_scope(principal, ApiScope.READ_ASSESS)
    return principal


@router.get("/inspections/plans", response={200: list[PlanOut], **ERRORS})
def plans_get(request: HttpRequest) -> Any:
    plans = plans_readable(_reader(request)).select_related("region")[:500]
    return [
        PlanOut(
            id=p.pk,
            name=p.name,
            region=p.region.code,
            kind=p.kind,
            period=p.period,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            visits=p.visits.count(),
        )
        for p in plans
    ]


@router.get("/inspections/plans/{plan_id}/report", response={200: dict, **ERRORS})
def plan_report_get(request: HttpRequest, plan_id: int) -> Any:
    principal = _reader(request)
    if isinstance(principal, ApiClient):
        plan = plans_readable(principal).filter(pk=plan_id).first()
        if plan is None:
            raise PermissionDenied("plan outside the client's region")
    else:
        plan = access_plan(principal, plan_id)
    report, visits = plan_report(plan)
    return {"plan": plan.pk, "name": plan.name, "assigned": len(visits), **report.as_json()}


@router.get("/inspections/visits", response={200: list[dict[str, Any]], **ERRORS})
def visits_get(request: HttpRequest) -> Any:
    person = caller_person(request, "an inspector's own visits")
    visits = Visit.objects.filter(inspector=person.pk).select_related("plan", "site")[:300]
    return [
        {
            "id": v.pk,
            "plan": v.plan.name,
            "site": v.site.name,
            "state": v.state,
            "ends_on": v.plan.ends_on.isoformat(),
            "items": [i.as_json() for i in parse_items(v.plan.items)],
        }
        for v in visits
    ]


def _photo(body: PhotoBody, index: int) -> PhotoIn:
    try:
        data = base64.b64decode(body.data.split(",", 1)[-1], validate=True)
    except (binascii.Error, ValueError):
        raise InspectionError(f"第 {index + 1} 张照片的内容无法读取") from None
    if len(data) > MAX_PHOTO_BYTES:
        raise InspectionError(f"第 {index + 1} 张照片超过 8 MB")
    return PhotoIn(body.name, data, body.item, parse_time(body.taken_at) if body.taken_at else None)


@router.post("/inspections/visits/{visit_id}", response={200: SubmittedOut, **ERRORS})
def visit_post(request: HttpRequest, visit_id: int, body: VisitBody) -> Any:
    person = caller_person(request, "inspections are filled in by the inspector")
    visit = access_visit(person, visit_id)
    if visit.inspector_id != person.pk:
        raise PermissionDenied("only the assigned inspector submits")
    try:
        moment = parse_time(body.visited_at)
        if moment is None:
            raise InspectionError("检查时间无法识别")
        photos = [_photo(p, k) for k, p in enumerate(body.photos)]
        visit, stored = visit_submit(
            actor=person, visit=visit, results=body.results, notes=body.notes,
            summary=body.summary, unannounced=body.unannounced, visited_at=moment, photos=photos,
        )  # fmt: skip
    except InspectionError as exc:
        return Status(422, ErrorOut.of("invalid", str(exc)))
    return SubmittedOut(id=visit.pk, stored=stored, score=visit.score)
