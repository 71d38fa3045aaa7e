"""Application records and hall figures over REST:

- ``POST /api/applications`` — a batch of up to 5,000 application records from a hall's
  queueing or approval system (machine clients with ``applications:write``; a centre's client
  reports its own centre's cases). All or nothing and idempotent by case number: 200 with the
  counts created / updated / unchanged, or 422 listing every problem by item and field.
- ``GET /api/applications/metrics?region=&from=&to=&by=`` — 按时办结率 and the other case
  figures of a region (and per child region, centre or item), rates as fractions 0–1.
- ``GET /api/halls/metrics?region=&date=`` — the six catalog metrics of a region and its
  children (as ``minsheng hall metrics``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from minsheng.accounts.models import ApiClient, ApiScope
from minsheng.api.auth import caller, require_scope
from minsheng.api.schemas import ErrorOut
from minsheng.catalog.selectors import metrics_tree
from minsheng.core.halls.applications import ApplicationRecord, record_from_payload
from minsheng.core.tabular import TableError
from minsheng.halls.access import halls_region
from minsheng.halls.selectors import BY, case_rows, default_span
from minsheng.halls.services import applications_store

router = Router(tags=["halls"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
MAX_BATCH = 5000


class BatchIn(Schema):
    items: list[Any]


class StoredOut(Schema):
    created: int
    updated: int
    unchanged: int


def _invalid(details: list[dict[str, object]]) -> JsonResponse:
    body = ErrorOut.of("invalid", "办件有误，未保存任何一条 / nothing was stored", details)
    return JsonResponse(body.model_dump(), status=422)


@router.post("/applications", response={200: StoredOut, 413: ErrorOut, **ERRORS})
def applications_post(request: HttpRequest, body: BatchIn) -> Any:
    principal = caller(request)
    if not isinstance(principal, ApiClient):
        raise PermissionDenied("application records come from the hall's systems (a token)")
    require_scope(principal, ApiScope.WRITE_APPLICATIONS)
    if len(body.items) > MAX_BATCH:
        message = f"一次最多 {MAX_BATCH} 条 / at most {MAX_BATCH} items per batch"
        return Status(413, ErrorOut.of("too_large", message))
    records: list[ApplicationRecord] = []
    details: list[dict[str, object]] = []
    for index, payload in enumerate(body.items):
        found = record_from_payload(index, payload)
        if isinstance(found, ApplicationRecord):
            records.append(found)
        else:
            details += [{"index": index, "message": m} for m in found]
    if details:
        return _invalid(details)
    try:
        stored = applications_store(records, region=principal.organisation.region, client=principal)
    except TableError as exc:
        return _invalid(
            [{"index": e.row, "field": e.column, "message": e.message} for e in exc.errors]
        )
    return StoredOut(**stored.as_json())


def _date(text: str | None, name: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise HttpError(422, f"{name}: 日期应为 YYYY-MM-DD / a date YYYY-MM-DD") from None


@router.get("/applications/metrics", response={200: dict[str, Any], **ERRORS})
def applications_metrics(
    request: HttpRequest,
    region: str | None = None,
    start: str | None = None,
    end: str | None = None,
    by: str = "centre",
) -> dict[str, Any]:
    """Cases received from ``start`` to ``end`` (default: the newest complete month)."""
    root = halls_region(caller(request), region)
    if by not in BY:
        raise HttpError(422, f"by: 须为 {'/'.join(BY)}")
    first, last = _date(start, "start"), _date(end, "end")
    if first is None or last is None:
        default_first, default_last = default_span(root)
        first, last = first or default_first, last or default_last
    if last < first:
        raise HttpError(422, "end: 结束日期早于开始日期 / end before start")
    total, rows = case_rows(root, first, last, by)
    return {
        "region": root.code,
        "from": first.isoformat(),
        "to": last.isoformat(),
        **total.as_json(),
        "groups": [{"key": r.key, "name": r.label, **r.metrics.as_json()} for r in rows],
    }


@router.get("/halls/metrics", response={200: dict[str, Any], **ERRORS})
def hall_metrics(
    request: HttpRequest, region: str | None = None, date: str | None = None
) -> dict[str, Any]:
    root = halls_region(caller(request), region)
    own, children = metrics_tree(root, _date(date, "date"))
    return {
        "region": root.code,
        **own.as_json(),
        "children": [{"region": c.code, **m.as_json()} for c, m in children],
    }
