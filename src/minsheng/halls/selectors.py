"""Application records of a region's centres over a span of days, as the columns the metrics
read, grouped by centre, by the region's child regions or by item; and the month a page opens
on. A case counts as rated when an active first rating carries its case number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.analytics.store import span_rows
from minsheng.core.halls.metrics import CaseMetrics, Cases, case_metrics
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.halls.models import Application
from minsheng.halls.store import TABLE
from minsheng.orgs.models import ANCESTOR_FIELDS, Organisation, Region
from minsheng.reviews import store as ratings_store
from minsheng.reviews.selectors import CHILD_COLUMN, OWN_LEVEL, TOTAL, RatingSlice, rating_stats
from minsheng.reviews.services.deadlines import work_calendar

BY = ("region", "centre", "item")
NO_DAY = -1


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    label: str
    metrics: CaseMetrics


def span(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) Asia/Shanghai."""
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=SHANGHAI),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=SHANGHAI),
    )


def default_span(region: Region, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The newest complete month with cases in the region (else the running month)."""
    now = today or timezone.localdate()
    first = now.replace(day=1)
    last = (
        Application.objects.filter(
            received_at__lt=dt.datetime.combine(first, dt.time(), tzinfo=SHANGHAI),
            **region.subtree_filter("centre__region__"),
        )
        .order_by("-received_at")
        .values_list("received_at", flat=True)
        .first()
    )
    if last is not None:
        first = last.astimezone(SHANGHAI).date().replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def _days(moments: pl.Series) -> npt.NDArray[np.int64]:
    """Shanghai dates as ``date.toordinal()`` (-1 for none)."""
    local = moments.dt.convert_time_zone("Asia/Shanghai").dt.date()
    ordinal = local.cast(pl.Int64) + dt.date(1970, 1, 1).toordinal()
    return ordinal.fill_null(NO_DAY).to_numpy().astype(np.int64, copy=False)


def _seconds(moments: pl.Series) -> npt.NDArray[np.float64]:
    """POSIX seconds (NaN for none)."""
    seconds = moments.dt.epoch("us").cast(pl.Float64) / 1e6
    return seconds.fill_null(np.nan).to_numpy().astype(np.float64, copy=False)


def _numbers(values: pl.Series) -> npt.NDArray[np.float64]:
    return values.cast(pl.Float64).fill_null(np.nan).to_numpy().astype(np.float64, copy=False)


def case_rows(
    region: Region, start: dt.date, end: dt.date, by: str, *, as_of: dt.datetime | None = None
) -> tuple[CaseMetrics, list[Row]]:
    """The region's metrics over cases received from ``start`` to ``end`` (inclusive), and
    each group's (``by``: region, centre or item), largest groups first. The cases come as
    columns from the analytics store (``halls.store``: each month's snapshot and the records
    changed since); whether a case was rated, of the ratings in the store (``rated_sql``)."""
    begin, stop = span(start, end)
    place = ANCESTOR_FIELDS.get(region.level)
    frame = span_rows(TABLE, begin, stop).filter(
        pl.col(f"{place}_id" if place else "region_id") == region.pk
    )
    rated = ratings_store.rated(frame["case_no"])
    if by == "region" and region.level in CHILD_COLUMN:
        field = CHILD_COLUMN[region.level]  # the same grouping as the ratings' pages
        child = (
            "region_id" if field == "centre__region_id" else field.removeprefix("centre__region__")
        )
        key = pl.col(child).fill_null(OWN_LEVEL)
    elif by == "item":
        key = pl.col("item_code")
    else:
        key = pl.col("centre_id")
    frame = frame.with_columns(key=key)
    keys = sorted(frame["key"].unique().to_list(), key=str)
    index = {k: i for i, k in enumerate(keys)}
    n = frame.height
    cases = Cases(
        group=frame["key"].replace_strict(index, return_dtype=pl.Int64).to_numpy(),
        received_day=_days(frame["received_at"]),
        completed_day=_days(frame["completed_at"]),
        completed_at=_seconds(frame["completed_at"]),
        due_at=_seconds(frame["due_at"]),
        promised=_numbers(frame["promised_days"]),
        visits=_numbers(frame["visits"]),
        notice=frame["notice"].fill_null(False).to_numpy(),
        assisted=(frame["assisted"].fill_null("") != "").to_numpy(),
        rated=frame["case_no"].is_in(rated.implode()).to_numpy(),
    )
    moment = as_of or timezone.now()
    calendar = work_calendar()
    per_group = case_metrics(cases, len(keys), as_of=moment, calendar=calendar)
    whole = replace(cases, group=np.zeros(n, dtype=np.int64))
    total = case_metrics(whole, 1, as_of=moment, calendar=calendar)[0]
    item_names = (
        dict(
            frame.unique("key", keep="last", maintain_order=True).select("key", "item_name").rows()
        )
        if by == "item"
        else {}
    )
    names = _labels(by, keys, region, item_names)
    out = [Row(*names.get(k, (str(k), str(k))), m) for k, m in zip(keys, per_group, strict=True)]
    out.sort(key=lambda r: (-r.metrics.cases, r.key))
    return total, out


def _labels(
    by: str, keys: list[object], region: Region, item_names: dict[object, str]
) -> dict[object, tuple[str, str]]:
    """Each group's (key, label): the item code and name, the centre's id and name, or the
    child region's code and name ("" and 本级 for the region's own centres)."""
    if by == "item":
        return {k: (str(k), f"{k} {item_names.get(k) or ''}".strip()) for k in keys}
    ids = [int(str(k)) for k in keys]
    if by == "centre":
        rows = Organisation.objects.filter(pk__in=ids).values_list("pk", "pk", "name")
        return {pk: (str(key), name) for pk, key, name in rows}
    named: dict[object, tuple[str, str]] = {
        pk: (code, name)
        for pk, code, name in Region.objects.filter(pk__in=ids).values_list("pk", "code", "name")
    }
    named[OWN_LEVEL] = ("", _("%(root)s本级") % {"root": region.name})
    return named


@dataclass(frozen=True, slots=True)
class CentreRow:
    centre: Organisation
    region_name: str
    level: str
    windows: int  # active windows in the register
    staff: int
    profile: object | None  # CentreProfile
    six_met: int | None  # None: no profile yet


def centre_rows(region: Region) -> list[CentreRow]:
    """The service centres of the region's subtree, with their profile and register counts."""
    from django.db.models import Count, Q

    from minsheng.halls.models import CentreProfile
    from minsheng.orgs.models import OrgKind

    centres = (
        Organisation.objects.filter(
            kind=OrgKind.SERVICE_CENTRE, is_active=True, **region.subtree_filter("region__")
        )
        .select_related("region")
        .annotate(
            n_windows=Count("windows", filter=Q(windows__is_active=True), distinct=True),
            n_staff=Count("staff", filter=Q(staff__is_active=True), distinct=True),
        )
        .order_by("region__code", "name")
    )
    profiles = {p.centre_id: p for p in CentreProfile.objects.filter(centre__in=centres)}
    out = []
    for centre in centres:
        profile = profiles.get(centre.pk)
        out.append(
            CentreRow(
                centre=centre,
                region_name=centre.region.name,
                level=centre.get_centre_level_display() if centre.centre_level else "",
                windows=getattr(centre, "n_windows", 0),
                staff=getattr(centre, "n_staff", 0),
                profile=profile,
                six_met=profile.six_met if profile is not None else None,
            )
        )
    return out


@dataclass(frozen=True)
class Voices:
    """What citizens said of a centre in the last 90 days: its active ratings and 好评率 (as the
    ratings pages count them), and the 12345 complaints naming it."""

    ratings: int
    good_rate: float | None
    complaints: int
    hotline_link: bool  # whether the reader may open the complaints


def centre_voices(user: Any, centre: Organisation, days: int = 90) -> Voices:
    from minsheng.hotline.access import can_read_hotline
    from minsheng.hotline.selectors import centre_complaints

    since = timezone.now() - dt.timedelta(days=days)
    part = RatingSlice(since, timezone.now(), None, {"centre": centre})
    total = next(iter(rating_stats(part, TOTAL)), None)
    return Voices(
        ratings=total.n_active if total else 0,
        good_rate=total.good_rate if total else None,
        complaints=centre_complaints(centre, days),
        hotline_link=can_read_hotline(user),
    )
