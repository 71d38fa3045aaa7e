"""The hotline's orders in the analytics store, a month at a time (``analytics.store.Monthly``:
a snapshot read with the orders changed since), for the monthly figures
(``selectors.month_metrics``: the pages, ``minsheng hotline stats``, the API) and the weeks of
the hot spots' surges and repeated complaints (``hotspots``)."""

from __future__ import annotations

import polars as pl

from minsheng.analytics.frames import UTC_TIME
from minsheng.analytics.store import Monthly, month_rows, register_monthly
from minsheng.hotline.models import WorkOrder

TABLE = "hotline_orders"
MOMENTS = ("received_at", "dispatched_at", "accepted_at", "answered_at", "accept_due", "answer_due")
# Column in the snapshot → (what the database gives, type).
COLUMNS = {
    "id": ("pk", pl.Int64),
    "city_id": ("city_id", pl.Int64),
    "unit_id": ("unit_id", pl.Int64),
    "region_id": ("region_id", pl.Int64),
    "township_id": ("region__township_id", pl.Int64),
    "county_id": ("region__county_id", pl.Int64),
    "centre_id": ("centre_id", pl.Int64),  # the service centre complained of (热点: repeats)
    "category_text": ("category_text", pl.String),
    "type": ("type", pl.String),
    "state": ("state", pl.String),
    **{name: (name, UTC_TIME) for name in MOMENTS},
    "followup": ("followup", pl.String),
    "solved": ("solved", pl.Boolean),
    "reopened": ("reopened", pl.Int64),
    "returned": ("returned", pl.Int64),
}
register_monthly(Monthly(TABLE, WorkOrder.objects.all, "received_at", COLUMNS))


def month_orders(month: str) -> pl.DataFrame:
    """Every order received in the month (all cities, every state), as the database has it."""
    return month_rows(TABLE, month)
