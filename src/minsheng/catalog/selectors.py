"""The catalog as it stood at a moment, and its hall metrics for a region and its children."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from minsheng.catalog.models import CatalogItem, HallTarget
from minsheng.core.catalog.items import Fee, Item, Material
from minsheng.core.catalog.metrics import TARGETS, Metrics, hall_metrics, within
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.orgs.models import Organisation, Region


def items_at(
    region: Region, day: dt.date | None = None, *, organisation: Organisation | None = None
) -> list[Item]:
    """The items of the region's subtree in force at the end of ``day`` (default: now); only
    the ``organisation``'s (实施主体) when given."""
    moment = _end_of(day) if day else timezone.now()
    rows = (
        CatalogItem.objects.filter(valid_from__lte=moment, **region.subtree_filter("region__"))
        .filter(Q(valid_to=None) | Q(valid_to__gt=moment))
        .select_related("organisation", "region")
    )
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    return [item_of(r) for r in rows]


def item_of(row: CatalogItem) -> Item:
    """A stored version as the core's Item (materials and fees back from JSON)."""
    return Item(
        code=row.code,
        name=row.name,
        kind=row.kind,
        organisation=row.organisation.name,
        level=row.level,
        region=row.region.code,
        legal_days=row.legal_days,
        promised_days=row.promised_days,
        instant=row.instant,
        visits=row.visits,
        depth=row.depth,
        entered=row.entered,
        not_entered_reason=row.not_entered_reason,
        basic_code=row.basic_code,
        visit_reason=row.visit_reason,
        materials=tuple(Material(**m) for m in row.materials or []),
        fees=tuple(Fee(**f) for f in row.fees or []),
        conditions=row.conditions,
        steps=row.steps,
        faq=row.faq,
        place=row.place,
        hours=row.hours,
        consult_phone=row.consult_phone,
        complaint_phone=row.complaint_phone,
    )


def metrics_tree(
    region: Region, day: dt.date | None = None, *, items: list[Item] | None = None
) -> tuple[Metrics, list[tuple[Region, Metrics]]]:
    """The region's metrics and each child region's (``items``: the region's items at ``day``
    when the caller has them already)."""
    items = items_at(region, day) if items is None else items
    children = list(Region.objects.filter(parent=region).order_by("code"))
    return hall_metrics(items), [(c, hall_metrics(within(c.code, items))) for c in children]


def targets_for(region: Region, year: int) -> dict[str, float]:
    """The hall targets in force for the region in ``year``: for each metric, the region's own,
    else the nearest region's above it, else seed 004's."""
    lineage = region.lineage_ids()
    found: dict[str, tuple[int, float]] = {}
    for region_id, metric, target in HallTarget.objects.filter(
        region_id__in=lineage, year=year
    ).values_list("region_id", "metric", "target"):
        rank = lineage.index(region_id)
        if metric in TARGETS and (metric not in found or rank < found[metric][0]):
            found[metric] = (rank, target)
    return {k: found[k][1] if k in found else t for k, t in TARGETS.items()}


def own_targets(region: Region, year: int) -> dict[str, float]:
    """The targets the region itself set for the year (no inherited ones)."""
    return dict(HallTarget.objects.filter(region=region, year=year).values_list("metric", "target"))


def trend(
    region: Region, months: int = 12, today: dt.date | None = None
) -> list[tuple[dt.date, Metrics]]:
    """The region's metrics at the end of each of the last ``months`` months (the running month
    up to today), oldest first: the catalog's 动态调整 over time."""
    now = today or timezone.localdate()
    ends = [now]
    first = now.replace(day=1)
    for _k in range(months - 1):
        end = first - dt.timedelta(days=1)
        ends.append(end)
        first = end.replace(day=1)
    ends.sort()
    first_moment, last_moment = _end_of(ends[0]), _end_of(ends[-1])
    rows = (
        CatalogItem.objects.filter(valid_from__lte=last_moment, **region.subtree_filter("region__"))
        .filter(Q(valid_to=None) | Q(valid_to__gt=first_moment))
        .select_related("organisation", "region")
    )
    versions = [(r.valid_from, r.valid_to, item_of(r)) for r in rows]  # read once, not 12 times
    return [
        (
            day,
            hall_metrics(
                [
                    item
                    for start, stop, item in versions
                    if start <= _end_of(day) and (stop is None or stop > _end_of(day))
                ]
            ),
        )
        for day in ends
    ]


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=SHANGHAI)


def by_department(items: list[Item]) -> list[tuple[str, Metrics]]:
    """The metrics of each implementing organisation's items."""
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item.organisation, []).append(item)
    return sorted(
        ((name, hall_metrics(items)) for name, items in groups.items()), key=lambda g: g[0]
    )


HALL_LABELS = {
    "entry_rate": "进驻率",
    "online_rate": "网上可办率",
    "full_online_rate": "全程网办率",
    "instant_rate": "即办件占比",
    "one_visit_rate": "最多跑一次比例",
    "time_cut_rate": "承诺时限压减率",
}


def hall_misses(regions: list[Region], day: dt.date) -> list[tuple[Region, str, float, float]]:
    """(region, metric, value, target) for every hall metric of each region below the target in
    force for it that year — the hall's entries in the warning list."""
    out = []
    for region in regions:
        values = hall_metrics(items_at(region, day)).as_json()
        targets = targets_for(region, day.year)
        for metric in HALL_LABELS:
            value = values.get(metric)
            if value is not None and float(value) < targets[metric] - 1e-12:
                out.append((region, metric, float(value), targets[metric]))
    return out
