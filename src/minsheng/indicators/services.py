"""Writes of indicator monitoring: saving and submitting a form, approving or returning it.
Each runs in one transaction with its audit rows; a form with any error saves nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record, audit_snapshot
from minsheng.core.index.collection import Entry, check
from minsheng.core.tabular import CellError, TableError
from minsheng.indicators.models import Submission, SubmissionState, Value, WarningSettings
from minsheng.indicators.selectors import FormSpec, previous_values
from minsheng.orgs.models import Organisation, Region

EDITABLE = (SubmissionState.DRAFT, SubmissionState.RETURNED)


class StateError(Exception):
    """The submission is not in a state that allows this."""


@transaction.atomic
def submission_save(
    *,
    user: Any,
    organisation: Organisation,
    spec: FormSpec,
    entries: Sequence[Entry],
    submit: bool,
    read_errors: Sequence[CellError] = (),
    only: set[tuple[str, str]] | None = None,
) -> Submission:
    """Store ``entries`` as the organisation's data for ``spec.period`` and, with ``submit``,
    hand it in for review. Every cell the save covers is rewritten (absent cells become blank):
    the whole form, or with ``only`` one page of it, the other cells keeping what is stored.
    ``read_errors`` are problems found reading the upload: reported with the rest, all at once."""
    sub, _created = Submission.objects.select_for_update().get_or_create(
        organisation=organisation, period=str(spec.period)
    )
    if sub.state not in EDITABLE:
        raise StateError(sub.get_state_display())
    given = {(e.region, e.indicator): e for e in entries}
    if only is not None:
        kept = Value.objects.filter(submission=sub).values_list(
            "region__code", "indicator__code", "value", "explanation"
        )
        for region, indicator, value, explanation in kept:
            if (region, indicator) not in only:
                given[(region, indicator)] = Entry(
                    region, indicator, None if value is None else float(value), explanation
                )
    complete = [
        given.get((r.code, i.code), Entry(r.code, i.code, None))
        for r in spec.regions
        for i in spec.indicators
    ]
    result = check(
        complete,
        spec.rules,
        previous_values(spec),
        submitting=submit,
        names={r.code: r.name for r in spec.regions},
    )
    problems = sorted([*read_errors, *result.errors], key=lambda e: (e.sheet, e.row, e.column))
    if problems:
        raise TableError(problems)
    region_of = {r.code: r for r in spec.regions}
    ind_of = {i.code: i for i in spec.indicators}
    before = Value.objects.filter(submission=sub).count()
    Value.objects.filter(submission=sub).delete()
    Value.objects.bulk_create(
        [
            Value(
                submission=sub,
                region=region_of[e.region],
                indicator=ind_of[e.indicator],
                value=e.value,
                explanation=e.explanation,
            )
            for e in complete
            if e.value is not None or e.explanation
        ]
    )
    filled = sum(1 for e in complete if e.value is not None)
    audit_record(
        actor=user,
        action=AuditAction.BULK,
        obj=sub,
        note=f"indicator form {spec.period}: {filled}/{len(complete)} values (was {before} rows)",
    )
    if submit:
        snapshot = audit_snapshot(sub)
        sub.state = SubmissionState.SUBMITTED
        sub.submitted_at = timezone.now()
        sub.submitted_by = user
        sub.save()
        audit_record(
            actor=user,
            action=AuditAction.STATE,
            obj=sub,
            before=snapshot,
            after=audit_snapshot(sub),
            note="submitted",
        )
    return sub


@transaction.atomic
def submission_decide(
    *, user: Any, submission: Submission, approve: bool, comment: str
) -> Submission:
    """Approve a submitted form, or return it with a comment saying what to fix."""
    sub = Submission.objects.select_for_update().get(pk=submission.pk)
    if sub.state != SubmissionState.SUBMITTED:
        raise StateError(sub.get_state_display())
    if not approve and not comment.strip():
        raise TableError([CellError("", 0, "comment", "退回时请填写审核意见")])
    before = audit_snapshot(sub)
    sub.state = SubmissionState.APPROVED if approve else SubmissionState.RETURNED
    sub.comment = comment.strip()
    sub.decided_at = timezone.now()
    sub.decided_by = user
    sub.save()
    audit_record(
        actor=user,
        action=AuditAction.STATE,
        obj=sub,
        before=before,
        after=audit_snapshot(sub),
        note="approved" if approve else "returned",
    )
    if approve:  # the integrity checks of the period, once the approval commits
        from minsheng.indicators.tasks import check_period

        region = sub.organisation.region
        city = region.city or region
        transaction.on_commit(lambda: check_period.enqueue(period=sub.period, region_id=city.pk))
    return sub


@transaction.atomic
def warning_settings_save(
    *,
    actor: Any,
    region: Region,
    below_average: bool,
    off_track: bool,
    worse_periods: int,
    bottom_n: int,
) -> WarningSettings:
    """Set which warning rules run for the region's rankings (audited)."""
    settings_row, created = WarningSettings.objects.get_or_create(region=region)
    before = audit_snapshot(settings_row)
    settings_row.below_average = below_average
    settings_row.off_track = off_track
    settings_row.worse_periods = worse_periods
    settings_row.bottom_n = bottom_n
    settings_row.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=settings_row,
        before=None if created else before,
        after=audit_snapshot(settings_row),
        region_code=region.code,
    )
    return settings_row
