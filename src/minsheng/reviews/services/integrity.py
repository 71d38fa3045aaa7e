"""Running the integrity checks over a month's ratings and keeping their findings (a finding
already reviewed keeps its status when the checks run again)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from minsheng.core.ratings.integrity import Event, Flag, Rules, find_flags
from minsheng.halls.models import Application
from minsheng.orgs.models import Region
from minsheng.reviews.models import IntegrityFlag, Rating, Source
from minsheng.reviews.selectors import month_bounds, ratings_in

HISTORY_MONTHS = 3


def _previous(month: str, k: int) -> str:
    year, mon = (int(p) for p in month.split("-"))
    index = year * 12 + mon - 1 - k
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _history(month: str, scope: Region | None) -> dict[int, tuple[int, int]]:
    start, _ = month_bounds(_previous(month, HISTORY_MONTHS))
    end, _ = month_bounds(month)
    qs = Rating.objects.filter(rated_at__gte=start, rated_at__lt=end, source=Source.ACTIVE)
    if scope is not None:
        qs = qs.filter(**scope.subtree_filter("centre__region__"))
    rows = qs.values("centre_id").annotate(n=Count("pk"), bad=Count("pk", filter=Q(level__lte=2)))
    return {r["centre_id"]: (r["bad"], r["n"]) for r in rows}


def month_events(month: str, scope: Region | None) -> list[Event]:
    """The month's ratings as events; a rating whose case number names an application record
    is checked against the application's real completion time, not the one it carries."""
    completed = Application.objects.filter(case_no=OuterRef("case_no")).values("completed_at")
    rows = (
        ratings_in(month, scope)
        .annotate(done=Coalesce(Subquery(completed[:1]), F("handled_at")))
        .values_list("pk", "centre_id", "staff_id", "device", "level", "source", "rated_at", "done")
    )
    return [
        Event(
            pk,
            centre,
            staff,
            device,
            level,
            source,
            rated.timestamp(),
            handled.timestamp() if handled is not None else None,
        )
        for pk, centre, staff, device, level, source, rated, handled in rows
    ]


@transaction.atomic
def detect(month: str, scope: Region | None = None, rules: Rules | None = None) -> list[Flag]:
    flags = find_flags(month_events(month, scope), _history(month, scope), rules or Rules())
    for flag in flags:
        IntegrityFlag.objects.update_or_create(
            kind=flag.kind,
            centre_id=flag.centre,
            subject=flag.subject,
            month=month,
            defaults={
                "severity": flag.severity,
                "message": flag.message,
                "evidence": flag.evidence,
            },
        )
    return flags
