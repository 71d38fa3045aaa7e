"""Running the integrity checks (``core.integrity.ratings``) over a month's ratings and keeping
their findings: a finding already reviewed keeps its decision when the checks run again, and a
finding the office dismissed is not raised again for that centre and month."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.analytics.store import span_rows
from minsheng.audit.models import AuditAction, AuditEntry
from minsheng.audit.services import audit_record
from minsheng.core.analytics.store import month_bounds
from minsheng.core.halls.hours import Hours, parse_hours
from minsheng.core.integrity.findings import Finding
from minsheng.core.integrity.ratings import EVENT_SCHEMA, CentreHistory, Context, find
from minsheng.halls.models import CentreProfile
from minsheng.halls.store import TABLE as APPLICATIONS
from minsheng.orgs.models import Region
from minsheng.reviews import store
from minsheng.reviews.models import FindingDomain, FlagStatus, IntegrityFlag
from minsheng.reviews.services.deadlines import work_calendar

HISTORY_MONTHS = 3
# An application record's completion replaces the one a rating carries when the record was
# received within this many months before the rating's month, or since.
COMPLETION_MONTHS = 12


def _previous(month: str, k: int) -> str:
    year, mon = (int(p) for p in month.split("-"))
    index = year * 12 + mon - 1 - k
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _history(month: str, scope: Region | None) -> dict[int, CentreHistory]:
    """Per centre, the earlier months' active ratings and the devices and staff seen in them
    (from the analytics store, counted per centre, device and staff member)."""
    months = [_previous(month, k) for k in range(HISTORY_MONTHS, 0, -1)]
    per = (
        store.history(months, scope)
        .group_by("centre")
        .agg(
            n=pl.col("n").sum(),
            bad=pl.col("bad").sum(),
            devices=pl.col("device").filter(pl.col("device") != "").unique(),
            staff=pl.col("staff").drop_nulls().unique(),
        )
        .select("centre", "n", "bad", "devices", "staff")
    )
    return {
        centre: CentreHistory(int(bad), int(n), frozenset(devices), frozenset(staff))
        for centre, n, bad, devices, staff in per.iter_rows()
    }


def _completions(month: str) -> pl.DataFrame:
    """Case number → completion time (UTC, without zone) of the application records received
    from ``COMPLETION_MONTHS`` before the month to now (the analytics store's months)."""
    first, _ = month_bounds(_previous(month, COMPLETION_MONTHS))
    return (
        span_rows(APPLICATIONS, first, max(timezone.now(), month_bounds(month)[1]))
        .filter(pl.col("completed_at").is_not_null())
        .select("case_no", done=pl.col("completed_at").dt.replace_time_zone(None))
        .unique("case_no", keep="last")
    )


def month_events(month: str, scope: Region | None) -> pl.DataFrame:
    """The month's ratings as the checks' columns (from the analytics store); a rating whose
    case number names an application record is checked against the application's real
    completion time, not the one it carries."""
    events = store.month_events(month, scope)
    done = _completions(month) if events.height else None
    if done is not None and done.height:  # looked up, not joined: no copy of every column
        real = events["case_no"].replace_strict(
            done["case_no"], done["done"], default=None, return_dtype=pl.Datetime("us")
        )
        events = events.with_columns(handled_at=pl.coalesce(real, "handled_at"))
    seconds = [
        (pl.col(c).dt.epoch("us").cast(pl.Float64) / 1e6).alias(c)
        for c in ("rated_at", "handled_at")
    ]
    return events.with_columns(seconds).select(
        pl.col(name).cast(dtype) for name, dtype in EVENT_SCHEMA.items()
    )


def _context(centres: list[int]) -> Context:
    hours: dict[int, Hours] = {}
    for centre, text in CentreProfile.objects.filter(centre_id__in=centres).values_list(
        "centre_id", "hours"
    ):
        parsed = parse_hours(text)
        if parsed is not None:
            hours[centre] = parsed
    calendar = work_calendar()
    offset = dt.datetime(2026, 1, 1, tzinfo=ZoneInfo(settings.TIME_ZONE)).utcoffset()
    return Context(int(offset.total_seconds()) if offset else 0, hours, calendar.is_working_day)


def find_month(month: str, scope: Region | None = None) -> list[Finding]:
    events = month_events(month, scope)
    centres = events["centre"].unique().to_list()
    return find(events, _history(month, scope), _context(centres))


@transaction.atomic
def detect(month: str, scope: Region | None = None) -> list[Finding]:
    """Run the checks and keep the findings. A finding the office already decided keeps its
    status (the evidence is brought up to date); an open one the checks no longer find goes."""
    findings = find_month(month, scope)
    stale = IntegrityFlag.objects.filter(
        domain=FindingDomain.RATINGS, month=month, status=FlagStatus.OPEN
    )
    if scope is not None:
        stale = stale.filter(**scope.subtree_filter("centre__region__"))
    keep = {(f.kind, int(f.unit), f.subject) for f in findings}
    gone = [f.pk for f in stale if (f.kind, f.centre_id, f.subject) not in keep]
    IntegrityFlag.objects.filter(pk__in=gone).delete()
    for f in findings:
        IntegrityFlag.objects.update_or_create(
            kind=f.kind,
            centre_id=int(f.unit),
            subject=f.subject,
            month=month,
            defaults={
                "severity": f.severity,
                "strength": round(f.strength, 2),
                "message": f.message,
                "evidence": f.evidence,
            },
        )
    return findings


def keep_findings(
    findings: list[Finding],
    *,
    domain: str,
    source: str,
    period: str,
    earlier: QuerySet[IntegrityFlag],
    region_of: Callable[[Finding], Region],
    subject_of: Callable[[Finding], str] = lambda f: f.subject,
) -> None:
    """Store a run's findings of a poll or a period (``source``): each upserted (a decided one
    keeps its decision), and the open ones among ``earlier`` the run did not find again go."""
    keys = {(f.kind, str(f.unit), subject_of(f)) for f in findings}
    gone = [
        f.pk
        for f in earlier.filter(status=FlagStatus.OPEN)
        if (f.kind, f.unit, f.subject) not in keys
    ]
    IntegrityFlag.objects.filter(pk__in=gone).delete()
    for f in findings:
        IntegrityFlag.objects.update_or_create(
            domain=domain,
            kind=f.kind,
            source=source,
            unit=str(f.unit),
            subject=subject_of(f),
            defaults={
                "region": region_of(f),
                "month": period,
                "severity": f.severity,
                "strength": round(f.strength, 2),
                "message": f.message,
                "evidence": f.evidence,
            },
        )


class DecisionError(ValueError):
    """A decision the office cannot record as given (a dismissal without its reason)."""


@transaction.atomic
def decide_finding(flag: IntegrityFlag, *, status: str, note: str, actor: Any) -> IntegrityFlag:
    """The office's conclusion on a finding, audited: confirmed, dismissed (with what the check
    found — required) or open again."""
    if status not in FlagStatus.values:
        raise DecisionError(f"unknown status {status!r}")
    note = note.strip()[:1000]
    if status == FlagStatus.DISMISSED and not note:
        raise DecisionError(_("排除线索须写明核查情况（例如：已调取录像，评价为群众本人所为）。"))
    before = {"status": flag.status, "note": flag.decision_note}
    decided = status != FlagStatus.OPEN
    flag.status = status
    flag.decision_note = note
    flag.decided_by = actor if decided else None
    flag.decided_at = timezone.now() if decided else None
    flag.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
    region = flag.centre.region if flag.centre is not None else flag.region
    audit_record(
        actor=actor,
        action=AuditAction.STATE,
        obj=flag,
        before=before,
        after={"status": status, "note": note},
        region_code=region.code if region is not None else "",
    )
    return flag


RUN_NOTE = "integrity checks {period}: {n} findings"  # audit/presentation.py words it


def record_run(*, actor: Any, period: str, found: int, region: Region | None) -> None:
    """The audit row of a run of the checks (page, command or worker): who, which period, how
    many findings — and the mark that the period was checked."""
    audit_record(
        actor=actor,
        action=AuditAction.BULK,
        object_type="reviews.integrityflag",
        note=RUN_NOTE.format(period=period, n=found),
        region_code=region.code if region is not None else None,
    )


def was_checked(period: str) -> bool:
    return AuditEntry.objects.filter(
        object_type="reviews.integrityflag", note__startswith=f"integrity checks {period}:"
    ).exists()


def check_last_month(today: dt.date) -> tuple[str, int | None]:
    """The worker's daily step: last month's ratings checked once, after the month ends (a
    month already checked — from the page, the command or here — is left: None)."""
    first = today.replace(day=1)
    month = f"{(first - dt.timedelta(days=1)):%Y-%m}"
    if was_checked(month):
        return month, None
    found = detect(month)
    record_run(actor="worker", period=month, found=len(found), region=None)
    return month, len(found)
