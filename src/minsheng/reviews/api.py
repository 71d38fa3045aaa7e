"""Rating ingest over REST: ``POST /api/ratings`` (one) and ``POST /api/ratings/batch`` (up to
1,000). Machine clients only (bearer token with the ``ratings:write`` scope), scoped to their
centre (or their region's centres) and channel. Idempotent by ``idempotency_key``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from ninja import Body, Router, Schema
from ninja.responses import Status

from minsheng.accounts.models import ApiClient, ApiScope
from minsheng.api.auth import require_scope
from minsheng.core.ratings.records import RatingRecord, record_from_payload
from minsheng.orgs.models import OrgKind
from minsheng.reviews.models import Channel
from minsheng.reviews.services.directory import Directory
from minsheng.reviews.services.ingest import MAX_BATCH, ItemResult, ingest

router = Router(tags=["ratings"])


class ItemOut(Schema):
    index: int
    status: str
    id: int | None = None
    errors: list[str] = []


class BatchIn(Schema):
    items: list[Any]


class BatchOut(Schema):
    accepted: int
    duplicates: int
    errors: int
    results: list[ItemOut]


def _client(request: HttpRequest) -> ApiClient:
    principal = getattr(request, "auth", None)
    if not isinstance(principal, ApiClient):
        raise PermissionDenied("ratings are submitted by machine clients with a token")
    require_scope(principal, ApiScope.WRITE_RATINGS)
    return principal


def _run(client: ApiClient, items: list[Any]) -> list[ItemResult]:
    org = client.organisation
    centre = org.key if org.kind == OrgKind.SERVICE_CENTRE else ""
    channel = client.channel if client.channel in Channel.values else ""
    records: list[RatingRecord] = []
    early: dict[int, ItemResult] = {}
    for index, payload in enumerate(items):
        parsed = record_from_payload(index, payload, centre=centre, channel=channel)
        if isinstance(parsed, RatingRecord):
            records.append(parsed)
        else:
            early[index] = ItemResult(index, "error", errors=parsed)
    region = org.region
    city = region.city if region.city is not None else region
    directory = Directory(city, shared=True)
    if org.kind == OrgKind.SERVICE_CENTRE:
        directory.know_centre(org)
    results = ingest(records, directory=directory, client=client, actor_label=str(client))
    by_index = {r.index: r for r in results} | early
    return [by_index[i] for i in range(len(items))]


def _out(result: ItemResult) -> ItemOut:
    return ItemOut(
        index=result.index, status=result.status, id=result.rating_id, errors=result.errors
    )


@router.post("", response={201: ItemOut, 200: ItemOut, 422: ItemOut})
def rating_create(request: HttpRequest, payload: Body[dict[str, Any]]) -> Status[ItemOut]:
    """One rating: 201 accepted, 200 duplicate (with the first rating's id), 422 invalid."""
    (result,) = _run(_client(request), [payload])
    status = {"accepted": 201, "duplicate": 200}.get(result.status, 422)
    return Status(status, _out(result))


@router.post("/batch", response={200: BatchOut, 413: ItemOut})
def rating_batch(request: HttpRequest, body: BatchIn) -> Status[ItemOut] | JsonResponse:
    """Up to 1,000 ratings; each item answers accepted, duplicate or its errors, and the valid
    items are stored even when others fail."""
    client = _client(request)
    if len(body.items) > MAX_BATCH:
        message = f"一次最多 {MAX_BATCH} 条 / at most {MAX_BATCH} items per batch"
        return Status(413, ItemOut(index=-1, status="error", errors=[message]))
    results = _run(client, body.items)
    # The documented BatchOut shape, written directly: validating a thousand items again
    # would cost more than storing them.
    return JsonResponse(
        {
            "accepted": sum(r.status == "accepted" for r in results),
            "duplicates": sum(r.status == "duplicate" for r in results),
            "errors": sum(r.status == "error" for r in results),
            "results": [
                {"index": r.index, "status": r.status, "id": r.rating_id, "errors": r.errors}
                for r in results
            ],
        }
    )
