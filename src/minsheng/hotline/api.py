"""The hotline over REST:

- ``POST /api/hotline/orders`` — a batch of up to 5,000 work orders from the hotline platform
  (a machine client of the city's hotline centre with ``hotline:write``), with the fields of
  the import file (``order_no, channel, type, category, region, department, text, received_at,
  dispatched_at, accepted_at, answered_at, followup, reopened`` and optionally ``urgent,
  solved, caller, phone``). Idempotent by order number (sending an order again updates it);
  all or nothing: 200 with the counts, or 422 listing every problem by item and field.
- ``GET /api/hotline/stats?month=2026-10&by=department`` — the month's metrics per group, rates
  as fractions 0–1 (people by their role; machine clients with ``hotline:read`` read their
  city's);
- ``GET /api/hotline/orders?month=&state=`` — the orders, callers masked, 500 at most."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Router, Schema
from ninja.responses import Status

from minsheng.accounts.models import ApiClient, ApiScope
from minsheng.api.auth import caller, require_scope
from minsheng.api.schemas import ErrorOut
from minsheng.core.tabular import Cell, Row, Table, TableError
from minsheng.hotline.access import can_read_hotline, orders_visible
from minsheng.hotline.hotspots import as_json, hot_spots, last_full_week
from minsheng.hotline.models import WorkOrder
from minsheng.hotline.selectors import BY_FIELDS, MONTH, in_month, month_metrics
from minsheng.hotline.services.imports import import_table
from minsheng.orgs.models import OrgKind

router = Router(tags=["hotline"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
MAX_BATCH = 5000
FIELDS = ("order_no", "channel", "type", "category", "region", "department", "text",
          "received_at", "dispatched_at", "accepted_at", "answered_at", "followup", "reopened",
          "urgent", "solved", "caller", "phone", "followed_up_at")  # fmt: skip


class BatchIn(Schema):
    items: list[dict[str, Any]]


class StoredOut(Schema):
    created: int
    updated: int


def _orders(principal: Any) -> QuerySet[WorkOrder]:
    if isinstance(principal, ApiClient):
        org = principal.organisation
        if not principal.is_active or not org.is_active:
            return WorkOrder.objects.none()
        return WorkOrder.objects.filter(city_id=org.region.city_id or org.region_id)
    if not can_read_hotline(principal):
        raise PermissionDenied("the hotline is for dispatchers, the office and units")
    return orders_visible(principal)


@router.post("/hotline/orders", response={200: StoredOut, 413: ErrorOut, **ERRORS})
def orders_post(request: HttpRequest, body: BatchIn) -> Any:
    principal = caller(request)
    if not isinstance(principal, ApiClient):
        raise PermissionDenied("orders come from the hotline platform (a token)")
    require_scope(principal, ApiScope.WRITE_HOTLINE)
    org = principal.organisation
    if org.kind != OrgKind.HOTLINE:
        raise PermissionDenied("only the hotline centre's client sends orders")
    if len(body.items) > MAX_BATCH:
        message = f"一次最多 {MAX_BATCH} 条 / at most {MAX_BATCH} items per batch"
        return Status(413, ErrorOut.of("too_large", message))
    table = Table("", list(FIELDS))
    for index, item in enumerate(body.items):
        values: dict[str, Cell] = {
            k: (None if item.get(k) is None else str(item[k])) for k in FIELDS
        }
        table.rows.append(Row(index, values))
    city = org.region.city or org.region
    try:
        report = import_table(table, filename="API", actor=principal, city=city)
    except TableError as exc:
        details = [{"index": e.row, "field": e.column, "message": e.message} for e in exc.errors]
        body_out = ErrorOut.of("invalid", "工单有误，未保存任何一张 / nothing was stored", details)
        return JsonResponse(body_out.model_dump(), status=422)
    return StoredOut(created=report.created, updated=report.updated)


@router.get("/hotline/stats", response={200: list[dict[str, Any]], **ERRORS})
def stats_get(request: HttpRequest, month: str, by: str = "department") -> Any:
    principal = caller(request)
    require_scope(principal, ApiScope.READ_HOTLINE)
    if not MONTH.match(month) or by not in BY_FIELDS:
        body = ErrorOut.of("invalid", f"month 须为 YYYY-MM，by 须为 {'、'.join(BY_FIELDS)}")
        return JsonResponse(body.model_dump(), status=422)
    grouped = month_metrics(_orders(principal), month, by)
    return [
        {**m.command_json(), "response_rate": m.response_rate, "solved_rate": m.solved_rate,
         "answered_rate": m.answered_rate, "followup_rate": m.followup_rate,
         "returned_rate": m.returned_rate, "mean_days": m.mean_days}
        for m in grouped.rows
    ]  # fmt: skip


@router.get("/hotline/orders", response={200: list[dict[str, Any]], **ERRORS})
def orders_get(request: HttpRequest, month: str = "", state: str = "") -> Any:
    principal = caller(request)
    require_scope(principal, ApiScope.READ_HOTLINE)
    orders = _orders(principal)
    if month:
        if not MONTH.match(month):
            return JsonResponse(
                ErrorOut.of("invalid", "month 须为 YYYY-MM").model_dump(), status=422
            )
        orders = in_month(orders, month)
    if state:
        orders = orders.filter(state=state)
    return [
        {"order_no": o.order_no, "type": o.type, "channel": o.channel, "state": o.state,
         "category": o.category_text, "region": o.region.code if o.region else None,
         "unit": o.unit.name if o.unit else None, "caller": o.caller_masked,
         "phone": o.phone_masked, "received_at": o.received_at.isoformat(),
         "answered_at": o.answered_at.isoformat() if o.answered_at else None,
         "answer_due": o.answer_due.isoformat() if o.answer_due else None,
         "followup": o.followup or None}
        for o in orders.select_related("region", "unit").order_by("-received_at")[:500]
    ]  # fmt: skip


@router.get("/hotline/hotspots", response={200: list[dict[str, Any]], **ERRORS})
def hotspots_get(request: HttpRequest, week: str = "") -> Any:
    """The hot spots of the week starting on ``week``'s Monday (default: the last full week)
    over the orders the caller sees, as the 热点 page lists them."""
    principal = caller(request)
    require_scope(principal, ApiScope.READ_HOTLINE)
    try:
        day = dt.date.fromisoformat(week) if week else last_full_week(timezone.localdate())
    except ValueError:
        body = ErrorOut.of("invalid", "week 须为日期 YYYY-MM-DD")
        return JsonResponse(body.model_dump(), status=422)
    monday = day - dt.timedelta(days=day.weekday())
    return [as_json(f) for f in hot_spots(_orders(principal), monday)]
