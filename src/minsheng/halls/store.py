"""Applications (办件) in the analytics store, a month of receipt at a time
(``analytics.store.Monthly``: a snapshot read with the records changed since — a case completed
later updates its record), for the 办件统计 figures (``selectors.case_rows``)."""

from __future__ import annotations

import polars as pl

from minsheng.analytics.frames import UTC_TIME
from minsheng.analytics.store import Monthly, register_monthly
from minsheng.halls.models import Application

TABLE = "applications"
# Column in the snapshot → (what the database gives, type). The centre's region and its
# ancestors place a case in a region's subtree and its child regions.
COLUMNS = {
    "id": ("pk", pl.Int64),
    "centre_id": ("centre_id", pl.Int64),
    "region_id": ("centre__region_id", pl.Int64),
    "province_id": ("centre__region__province_id", pl.Int64),
    "city_id": ("centre__region__city_id", pl.Int64),
    "county_id": ("centre__region__county_id", pl.Int64),
    "township_id": ("centre__region__township_id", pl.Int64),
    "case_no": ("case_no", pl.String),
    "item_code": ("item_code", pl.String),
    "item_name": ("item_name", pl.String),
    "received_at": ("received_at", UTC_TIME),
    "completed_at": ("completed_at", UTC_TIME),
    "due_at": ("due_at", UTC_TIME),
    "promised_days": ("promised_days", pl.Int64),
    "visits": ("visits", pl.Int64),
    "notice": ("notice", pl.Boolean),
    "assisted": ("assisted", pl.String),
}
register_monthly(Monthly(TABLE, Application.objects.all, "received_at", COLUMNS))
