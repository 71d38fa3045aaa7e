"""Reads on regions and organisations, always through a user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from minsheng.accounts.access import organisations_visible, regions_visible, user_scope
from minsheng.core.register import (
    KIND_LABELS,
    ORG_HEADERS,
    ORG_SHEET,
    STAFF_HEADERS,
    STAFF_SHEET,
    WINDOW_HEADERS,
    WINDOW_SHEET,
    Known,
)
from minsheng.core.roles import OrgKind as CoreKind
from minsheng.core.xlsx import Sheet
from minsheng.orgs.models import (
    ANCESTOR_FIELDS,
    Organisation,
    OrgKind,
    Region,
    RegionLevel,
    Staff,
    Window,
)


@dataclass(frozen=True, slots=True)
class CountRow:
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class ScopeSummary:
    root_regions: list[Region]
    regions_by_level: list[CountRow]
    organisations_by_kind: list[CountRow]
    windows: int
    staff: int


def region_ancestors(region: Region, *, visible: QuerySet[Region]) -> list[tuple[Region, bool]]:
    """The chain from the province down to ``region`` itself, each with whether the user may
    open it (a county officer sees its city's name but cannot open the city's page)."""
    chain: list[Region] = []
    node: Region | None = region
    while node is not None:
        chain.append(node)
        node = node.parent
    chain.reverse()
    allowed = set(visible.filter(pk__in=[r.pk for r in chain]).values_list("pk", flat=True))
    return [(r, r.pk in allowed) for r in chain]


def region_children(region: Region) -> QuerySet[Region]:
    return Region.objects.filter(parent=region).annotate(n_children=Count("children"))


def scope_summary(user: Any) -> ScopeSummary:
    """Counts of what the user can see: regions per level, organisations per kind, windows
    and staff of the visible service centres."""
    scope = user_scope(user)
    regions = regions_visible(user)
    orgs = organisations_visible(user)
    if scope.everything:
        roots = list(Region.objects.filter(parent__isnull=True))
    elif scope.region is not None:
        roots = [scope.region]
    else:
        roots = []
    level_counts = dict(
        regions.values_list("level").annotate(n=Count("pk")).values_list("level", "n")
    )
    kind_counts = dict(orgs.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    centres = orgs.filter(kind=OrgKind.SERVICE_CENTRE)
    return ScopeSummary(
        root_regions=roots,
        regions_by_level=[
            CountRow(str(label), level_counts.get(value, 0))
            for value, label in RegionLevel.choices
            if level_counts.get(value)
        ],
        organisations_by_kind=[
            CountRow(str(label), kind_counts.get(value, 0))
            for value, label in OrgKind.choices
            if kind_counts.get(value)
        ],
        windows=Window.objects.filter(centre__in=centres).count(),
        staff=Staff.objects.filter(centre__in=centres).count(),
    )


def region_organisations(region: Region) -> QuerySet[Organisation]:
    """Organisations located directly in ``region`` (not in its subtree)."""
    return Organisation.objects.filter(region=region).order_by("kind", "name")


def centre_windows(centre: Organisation) -> QuerySet[Window]:
    return Window.objects.filter(centre=centre).prefetch_related("staff")


@dataclass(frozen=True, slots=True)
class ChildWindows:
    code: str
    name: str
    centres: int
    windows: int


def windows_by_child(root: Region) -> list[ChildWindows]:
    """Service centres and windows in the subtree of each child of ``root`` (one query each
    for centres and windows, grouped by the child level's ancestor column)."""
    child_level = root.level + 1
    column = ANCESTOR_FIELDS.get(child_level)
    if column is None:
        return []
    children = list(Region.objects.filter(parent=root).order_by("code"))
    in_root = root.subtree_filter("centre__region__")
    key = f"centre__region__{column}"
    windows = dict(
        Window.objects.filter(**in_root)
        .values_list(key)
        .annotate(n=Count("pk"))
        .values_list(key, "n")
    )
    org_key = f"region__{column}"
    centres = dict(
        Organisation.objects.filter(kind=OrgKind.SERVICE_CENTRE, **root.subtree_filter("region__"))
        .values_list(org_key)
        .annotate(n=Count("pk"))
        .values_list(org_key, "n")
    )
    return [
        ChildWindows(c.code, c.name, centres.get(c.pk, 0), windows.get(c.pk, 0)) for c in children
    ]


def region_search(user: Any, query: str, *, limit: int = 50) -> list[Region]:
    """Regions in the user's scope whose name contains ``query`` or whose code starts with it."""
    query = query.strip()
    if not query:
        return []
    matches = regions_visible(user).filter(Q(name__contains=query) | Q(code__startswith=query))
    return list(matches.select_related("parent").order_by("level", "code")[:limit])


def region_register_sheets(region: Region) -> list[Sheet]:
    """The register of a region's subtree as Excel sheets (organisations, windows, staff) in the
    format ``core.register`` reads back."""
    in_tree = region.subtree_filter("region__")
    orgs = (
        Organisation.objects.filter(**in_tree)
        .select_related("region")
        .order_by("region__code", "kind", "key")
    )
    centre_tree = region.subtree_filter("centre__region__")
    windows = (
        Window.objects.filter(**centre_tree)
        .select_related("centre")
        .order_by("centre__region__code", "centre__key", "number")
    )
    staff = (
        Staff.objects.filter(**centre_tree)
        .select_related("centre", "window")
        .order_by("centre__region__code", "staff_no")
    )
    return [
        Sheet(
            ORG_SHEET,
            ORG_HEADERS,
            (
                (
                    o.key,
                    o.name,
                    KIND_LABELS[CoreKind(o.kind)],
                    o.region.code,
                    o.region.name,
                    _yes(o.is_active),
                )
                for o in orgs.iterator()
            ),
            (28, 36, 20, 16, 16, 6),
        ),
        Sheet(
            WINDOW_SHEET,
            WINDOW_HEADERS,
            (
                (w.centre.key, w.centre.name, w.number, w.name, _yes(w.is_active))
                for w in windows.iterator()
            ),
            (28, 36, 8, 24, 6),
        ),
        Sheet(
            STAFF_SHEET,
            STAFF_HEADERS,
            (
                (
                    s.staff_no,
                    s.name,
                    s.centre.key,
                    s.window.number if s.window else None,
                    _yes(s.is_active),
                )
                for s in staff.iterator()
            ),
            (20, 12, 28, 8, 6),
        ),
    ]


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def register_known() -> Known:
    """What the database holds, for validating a register upload (``core.register``)."""
    org_regions = dict(Organisation.objects.values_list("key", "region__code"))
    return Known(
        region_codes=set(Region.objects.values_list("code", flat=True)),
        org_regions=org_regions,
        centre_keys=set(
            Organisation.objects.filter(kind=OrgKind.SERVICE_CENTRE).values_list("key", flat=True)
        ),
        windows=set(Window.objects.values_list("centre__key", "number")),
        staff_centres=dict(Staff.objects.values_list("staff_no", "centre__key")),
    )


def office_name(region: Region) -> str:
    """The name the region's quality office signs documents with (发文机关)."""
    office = Organisation.objects.filter(
        region=region, kind=OrgKind.QUALITY_OFFICE, is_active=True
    ).first()
    return office.name if office else f"{region.name}质量办"
