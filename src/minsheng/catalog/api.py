"""The catalog over REST: ``GET /api/catalog/items?region=&date=&q=`` — the items of a region's
subtree in force on a date (default now), each with its 办事指南 fields, materials, fees and what
the provinces' checks flag; paged (limit, offset). For the office, leaders and region officers
in their subtree, and machine clients with ``halls:read`` in theirs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from minsheng.api.auth import caller
from minsheng.api.schemas import ErrorOut
from minsheng.catalog.selectors import items_at
from minsheng.core.catalog.items import lint
from minsheng.halls.access import halls_region

router = Router(tags=["catalog"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ItemOut(Schema):
    code: str
    basic_code: str
    name: str
    kind: str
    organisation: str
    level: str
    region: str
    legal_days: int | None
    promised_days: int | None
    instant: bool
    visits: int | None
    visit_reason: str
    depth: int
    entered: bool
    not_entered_reason: str
    materials: list[dict[str, Any]]
    fees: list[dict[str, str]]
    conditions: str
    steps: str
    place: str
    hours: str
    consult_phone: str
    complaint_phone: str
    problems: list[str]


@router.get("/catalog/items", response={200: list[ItemOut], **ERRORS})
@paginate(LimitOffsetPagination)
def catalog_items(
    request: HttpRequest, region: str | None = None, date: str | None = None, q: str = ""
) -> list[dict[str, Any]]:
    root = halls_region(caller(request), region)
    try:
        day = dt.date.fromisoformat(date) if date else None
    except ValueError:
        raise HttpError(422, "date: 日期应为 YYYY-MM-DD / a date YYYY-MM-DD") from None
    items = [i for i in items_at(root, day) if not q or q in i.name or q in i.code]
    return [
        {
            **{name: getattr(i, name) for name in ItemOut.model_fields if name not in (
                "materials", "fees", "problems")},
            "materials": [m.as_json() for m in i.materials],
            "fees": [f.as_json() for f in i.fees],
            "problems": lint(i),
        }
        for i in items
    ]  # fmt: skip
