"""The catalog as it stood at a moment, and its hall metrics for a region and its children."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from minsheng.catalog.models import CatalogItem
from minsheng.core.catalog.items import Item
from minsheng.core.catalog.metrics import Metrics, hall_metrics, within
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.orgs.models import Region


def items_at(region: Region, day: dt.date | None = None) -> list[Item]:
    """The items of the region's subtree in force at the end of ``day`` (default: now)."""
    moment = (
        dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=SHANGHAI) if day else timezone.now()
    )
    rows = (
        CatalogItem.objects.filter(valid_from__lte=moment, **region.subtree_filter("region__"))
        .filter(Q(valid_to=None) | Q(valid_to__gt=moment))
        .select_related("organisation", "region")
    )
    return [
        Item(
            code=r.code,
            name=r.name,
            kind=r.kind,
            organisation=r.organisation.name,
            level=r.level,
            region=r.region.code,
            legal_days=r.legal_days,
            promised_days=r.promised_days,
            instant=r.instant,
            visits=r.visits,
            depth=r.depth,
            entered=r.entered,
            not_entered_reason=r.not_entered_reason,
        )
        for r in rows
    ]


def metrics_tree(
    region: Region, day: dt.date | None = None
) -> tuple[Metrics, list[tuple[Region, Metrics]]]:
    """The region's metrics and each child region's."""
    items = items_at(region, day)
    children = list(Region.objects.filter(parent=region).order_by("code"))
    return hall_metrics(items), [(c, hall_metrics(within(c.code, items))) for c in children]
