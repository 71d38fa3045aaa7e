"""Reading ratings for statistics: one month (Asia/Shanghai) grouped by department, window,
centre, region, staff, service item or channel, as arrays for ``core.ratings.stats``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from minsheng.core.analytics.store import month_bounds
from minsheng.core.ratings.stats import (
    CASE_NONE,
    CASE_OPEN,
    CASE_RECTIFIED,
    CASE_UNTRUE,
    MIN_N,
    GroupStats,
    RatingColumns,
    group_stats,
    stats_from_counts,
)
from minsheng.core.regions import Level
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.halls.models import Application
from minsheng.orgs.models import Organisation, Region, Staff, Window
from minsheng.reviews.models import (
    CaseState,
    Channel,
    HandledCount,
    Rating,
    ReasonTag,
    ServiceItem,
)

BY_FIELDS: dict[str, str] = {
    "department": "department_id",
    "centre": "centre_id",
    "window": "window_id",
    "region": "centre__region_id",
    "staff": "staff_id",
    "item": "service_item_id",
    "channel": "channel",
    "day": "rated_at",
    "month": "rated_at",
}
BY_CHOICES = tuple(BY_FIELDS)
TOTAL = "total"  # rating_stats of everything together, for reports (not a page's grouping)


@dataclass(frozen=True, slots=True)
class InboxFilter:
    """What the case inbox is narrowed to: a case number (part of it), a department, a county
    (its whole subtree), only overdue cases."""

    query: str = ""
    department: int | None = None
    county: Region | None = None
    overdue_only: bool = False


def inbox_options(cases: QuerySet[Any]) -> tuple[list[Organisation], list[Region]]:
    """The departments and counties the visible cases fall in, for the inbox filters."""
    departments = list(
        Organisation.objects.filter(pk__in=cases.values("department_id")).order_by("name")
    )
    counties = list(
        Region.objects.filter(
            level=Level.COUNTY, pk__in=cases.values("rating__centre__region__county_id")
        ).order_by("code")
    )
    return departments, counties


def inbox_cases(cases: QuerySet[Any], f: InboxFilter, now: dt.datetime) -> QuerySet[Any]:
    if f.query:
        cases = cases.filter(rating__case_no__icontains=f.query.strip()[:64])
    if f.department is not None:
        cases = cases.filter(department_id=f.department)
    if f.county is not None:
        cases = cases.filter(**f.county.subtree_filter("rating__centre__region__"))
    if f.overdue_only:
        cases = cases.filter(
            Q(state=CaseState.OPEN, verify_due__lt=now)
            | Q(state__in=[CaseState.VERIFYING, CaseState.RECTIFYING], rectify_due__lt=now)
        )
    return cases


def reason_names(codes: list[str]) -> list[str]:
    """Reason codes of a rating by their names, in the order given (unknown codes as is)."""
    names = dict(ReasonTag.objects.filter(code__in=codes).values_list("code", "name"))
    return [names.get(c, c) for c in codes]


def ratings_in(
    month: str, scope: Region | None = None, only: dict[str, Any] | None = None
) -> QuerySet[Rating]:
    """The month's ratings in ``scope``'s subtree, narrowed by ``only`` (a department, a
    centre)."""
    start, end = month_bounds(month)
    qs = Rating.objects.filter(rated_at__gte=start, rated_at__lt=end, **(only or {}))
    if scope is not None:
        qs = qs.filter(**scope.subtree_filter("centre__region__"))
    return qs


def _labels(by: str, keys: list[Any]) -> dict[Any, str]:
    if by in {"department", "centre"}:
        return dict(Organisation.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "region":
        return dict(Region.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "window":
        return {
            w.pk: f"{w.centre.name} {w.number}号窗口"
            for w in Window.objects.filter(pk__in=keys).select_related("centre")
        }
    if by == "staff":
        return {s.pk: f"{s.name}（{s.staff_no}）" for s in Staff.objects.filter(pk__in=keys)}
    if by == "item":
        return dict(ServiceItem.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by in {"day", "month"}:
        return {k: k for k in keys}
    if by == TOTAL:
        return {k: _("合计") for k in keys}
    return {c: str(Channel(c).label) for c in keys if c in Channel.values}


# Grouping "by region" counts each region's whole subtree: the regions one level under the
# scope, with the scope's own centres as one more group (本级).
CHILD_COLUMN: dict[int, str] = {
    Level.PROVINCE: "centre__region__city_id",
    Level.CITY: "centre__region__county_id",
    Level.COUNTY: "centre__region__township_id",
    Level.TOWNSHIP: "centre__region_id",
}
OWN_LEVEL = 0  # the group key of the scope's own centres


def region_grouping(root: Region | None) -> str:
    """What "by region" shows under ``root``, in a sentence for the page."""
    if root is None:
        return ""
    return _(
        "按%(root)s的下一级地区汇总，每个地区含其所辖乡镇、村的全部服务中心；“本级”为%(root)s本级的服务中心。"
    ) % {"root": root.name}


@dataclass(frozen=True, slots=True)
class RatingSlice:
    """Which ratings a statistic covers: rated in [begin, end), in ``scope``'s subtree, narrowed
    by ``only`` (a department, a centre)."""

    begin: dt.datetime
    end: dt.datetime
    scope: Region | None = None
    only: Mapping[str, Any] = field(default_factory=dict)

    def queryset(self) -> QuerySet[Rating]:
        qs = Rating.objects.filter(rated_at__gte=self.begin, rated_at__lt=self.end, **self.only)
        if self.scope is not None:
            qs = qs.filter(**self.scope.subtree_filter("centre__region__"))
        return qs


def month_slice(
    month: str, scope: Region | None = None, only: Mapping[str, Any] | None = None
) -> RatingSlice:
    start, end = month_bounds(month)
    return RatingSlice(start, end, scope, dict(only or {}))


def rating_stats(
    part: RatingSlice,
    by: str,
    *,
    min_n: int = MIN_N,
    month: str | None = None,
    root: Region | None = None,
) -> list[GroupStats]:
    """The statistics every page, command and report shows, from the analytics store (see
    ``reviews.store``); the same figures as ``rating_stats_orm`` (a test holds them equal)."""
    from minsheng.reviews.store import CHILD, tally

    top = root
    if by == "region":
        top = root or Region.objects.filter(parent=None).order_by("code").first()
        if top is not None and top.level not in CHILD:
            top = None
    keys, counts, cases = tally(part.begin, part.end, part.scope, dict(part.only), by, top)
    names = _labels(by, keys)
    if by == "region" and OWN_LEVEL in keys and top is not None:
        names[OWN_LEVEL] = _("%(root)s本级") % {"root": top.name}
    labels = [names.get(k, str(k)) for k in keys]
    handled = _handled(month, by, keys) if month else None
    return stats_from_counts(labels, counts, cases, min_n=min_n, handled=handled)


def rating_stats_orm(
    ratings: QuerySet[Rating],
    by: str,
    *,
    min_n: int = MIN_N,
    month: str | None = None,
    root: Region | None = None,
) -> list[GroupStats]:
    """The reference computation, from the database row by row (the tests compare the store's
    figures with it). ``month`` adds 主动评价率 where handled-case counts were entered for it.
    By region, the groups are the regions one level under ``root`` (the top of the tree when
    none), each with its whole subtree, and the root's own centres. ``by="total"``: one group
    of them all (合计)."""
    field = BY_FIELDS.get(by, "")
    if by == TOTAL:
        ratings = ratings.annotate(total_group=Value(1, output_field=IntegerField()))
        field = "total_group"
    elif by == "region":
        top = root or Region.objects.filter(parent=None).order_by("code").first()
        if top is not None and top.level in CHILD_COLUMN:
            child = CHILD_COLUMN[top.level]
            ratings = ratings.annotate(
                region_group=Coalesce(F(child), Value(OWN_LEVEL), output_field=IntegerField())
            )
            field = "region_group"
            root = top
    rows = list(
        ratings.exclude(**{f"{field}__isnull": True}).values_list(
            field,
            "level",
            "source",
            "is_follow_up",
            "case__state",
            "case__answered_at",
            "case__rectify_due",
            "contact_cipher",
            "case__feedback",
        )
    )
    if by in {"day", "month"}:
        shape = "%Y-%m-%d" if by == "day" else "%Y-%m"
        rows = [(r[0].astimezone(SHANGHAI).strftime(shape), *r[1:]) for r in rows]
    keys = sorted({r[0] for r in rows}, key=str)
    index = {k: i for i, k in enumerate(keys)}
    names = _labels(by, keys)
    if by == "region" and OWN_LEVEL in keys and root is not None:
        names[OWN_LEVEL] = _("%(root)s本级") % {"root": root.name}
    labels = [names.get(k, str(k)) for k in keys]
    n = len(rows)
    state = np.full(n, CASE_NONE, dtype=np.int64)
    on_time = np.zeros(n, dtype=bool)
    for i, row in enumerate(rows):
        case_state, answered, due = row[4], row[5], row[6]
        if case_state is None:
            continue
        if case_state in (CaseState.ANSWERED, CaseState.CLOSED):
            state[i] = CASE_RECTIFIED
            on_time[i] = answered is not None and answered <= due
        elif case_state == CaseState.UNTRUE:
            state[i] = CASE_UNTRUE
        else:
            state[i] = CASE_OPEN
    columns = RatingColumns(
        group=np.array([index[r[0]] for r in rows], dtype=np.int64),
        level=np.array([r[1] for r in rows], dtype=np.int64),
        source=np.array([r[2] for r in rows], dtype=np.str_),
        case_state=state,
        on_time=on_time,
        follow_up=np.array([r[3] for r in rows], dtype=bool),
        reachable=np.array([bool(r[7]) for r in rows], dtype=bool),
        revisited=np.array([bool(r[8]) for r in rows], dtype=bool),
    )
    handled = _handled(month, by, keys) if month else None
    return group_stats(columns, labels, min_n=min_n, handled=handled)


def _handled(month: str, by: str, keys: list[Any]) -> list[int | None] | None:
    """Cases completed in the month per centre (or service item): counted from the application
    records where the hall reports them, else the handled-case counts entered by hand."""
    if by not in {"centre", "item"}:
        return None
    start, end = month_bounds(month)
    counts: dict[Any, int] = {}
    done = Application.objects.filter(completed_at__gte=start, completed_at__lt=end)
    if by == "centre":
        for key, count in (
            done.filter(centre_id__in=keys).values_list("centre_id").annotate(n=Count("pk"))
        ):
            counts[key] = count
    else:
        codes = dict(ServiceItem.objects.filter(pk__in=keys).values_list("code", "pk"))
        for code, count in (
            done.filter(item_code__in=codes).values_list("item_code").annotate(n=Count("pk"))
        ):
            counts[codes[code]] = count
    field = "centre_id" if by == "centre" else "service_item_id"
    for key, count in HandledCount.objects.filter(
        month=start.date(), **{f"{field}__in": [k for k in keys if k not in counts]}
    ).values_list(field, "count"):
        counts[key] = counts.get(key, 0) + count
    if not counts:
        return None
    return [counts.get(k) for k in keys]


def default_month(scope: Region | None, *, today: dt.date | None = None) -> str | None:
    """The month a statistics page opens on: the newest complete month that holds ratings in
    the scope (one rating on the 1st must not switch the page to a month that has barely
    begun); the running month only when nothing earlier exists. From the analytics store."""
    from minsheng.reviews.store import month_span

    now = today or dt.datetime.now(SHANGHAI).date()
    span = month_span(scope, f"{now.year:04d}-{now.month:02d}")
    if span is None:
        return None
    _first, last, earlier = span
    return earlier or last


def months_available(scope: Region | None) -> list[str]:
    """Months (YYYY-MM, Shanghai) from the first to the last holding ratings in the scope,
    newest first. From the analytics store."""
    from minsheng.reviews.store import month_span

    span = month_span(scope, "0000-00")
    if span is None:
        return []
    first, last, _earlier = span
    months = []
    year, month = (int(p) for p in last.split("-"))
    while f"{year:04d}-{month:02d}" >= first:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def monthly_trend(
    scope: Region | None, months: list[str], only: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """好评率 and active ratings per month (oldest first), from the analytics store in one
    count grouped by month."""
    from minsheng.reviews.store import rating_counts

    if not months:
        return []
    begin, end = month_bounds(min(months))[0], month_bounds(max(months))[1]
    keys, counts = rating_counts(begin, end, scope, dict(only or {}), "month", None)
    good = counts["l3"] + counts["l4"] + counts["l5"]
    found = {k: (int(counts["n_active"][i]), int(good[i])) for i, k in enumerate(keys)}
    out = []
    for month in reversed(months):
        n, g = found.get(month, (0, 0))
        out.append({"month": month, "n": n, "good_rate": g / n if n else None})
    return out
