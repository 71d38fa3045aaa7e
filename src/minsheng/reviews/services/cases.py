"""The closed loop of a bad rating: open → verifying → rectifying → answered → closed, or
verifying → appealed (不属实, with evidence) → untrue | rectifying, decided by the quality
office. Every step is a ``CaseEvent``; the state machine lives in ``TRANSITIONS``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record, audit_snapshot
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.orgs.models import Organisation
from minsheng.reviews.models import (
    CaseEvent,
    CaseState,
    Feedback,
    Level,
    Rating,
    RectificationCase,
    Source,
)
from minsheng.reviews.services.bulk import insert_new, model_frame
from minsheng.reviews.services.deadlines import deadline_days, deadlines, work_calendar

S = CaseState
# action -> (states it may start from, state it leads to, who: "department" | "office")
TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "verify": (frozenset({S.OPEN}), S.VERIFYING, "department"),
    "confirm": (frozenset({S.VERIFYING}), S.RECTIFYING, "department"),
    "appeal": (frozenset({S.OPEN, S.VERIFYING}), S.APPEALED, "department"),
    "uphold": (frozenset({S.APPEALED}), S.UNTRUE, "office"),
    "overturn": (frozenset({S.APPEALED}), S.RECTIFYING, "office"),
    "answer": (frozenset({S.RECTIFYING}), S.ANSWERED, "department"),
    "close": (frozenset({S.ANSWERED}), S.CLOSED, "office"),
}
RECTIFIED_STATES = frozenset({S.ANSWERED, S.CLOSED})


class CaseError(ValueError):
    """The action is not possible in the case's state, or lacks what it needs."""


def needs_case(level: int, source: str) -> bool:
    """A bad rating the citizen gave (not the system's default one) opens a case."""
    return level <= Level.DISSATISFIED and source == Source.ACTIVE


def open_cases(rating_ids: Iterable[int], *, actor_label: str = "") -> int:
    """A case for every bad active rating among ``rating_ids`` that has none, with its
    working-day deadlines; returns how many were opened. Call inside a transaction. Built for
    an import's batch of thousands: the ratings' few columns in one query, each centre's region
    and rule once, each deadline once per (rated day, rule), the cases and their first events
    written by ``bulk.insert_new``."""
    bad = Rating.objects.filter(
        pk__in=list(rating_ids), level__lte=Level.DISSATISFIED, source=Source.ACTIVE
    ).values_list("pk", "rated_at", "department_id", "centre_id")
    rows = list(bad.order_by("pk"))
    if not rows:
        return 0
    calendar = work_calendar()
    centres = Organisation.objects.filter(pk__in={row[3] for row in rows}).select_related("region")
    days_by_centre = {centre.pk: deadline_days(centre.region) for centre in centres}
    due: dict[tuple[dt.date, tuple[int, int]], tuple[dt.datetime, dt.datetime]] = {}
    ends = []
    for row in rows:
        key = (row[1].astimezone(SHANGHAI).date(), days_by_centre[row[3]])
        if key not in due:
            due[key] = deadlines(calendar, row[1], key[1])
        ends.append(due[key])
    cases = model_frame(
        RectificationCase,
        {
            "rating_id": [r[0] for r in rows],
            "department_id": [r[2] for r in rows],
            "verify_due": [verify for verify, _ in ends],
            "rectify_due": [rectify for _, rectify in ends],
        },
    )
    opened = insert_new(RectificationCase, cases, returning=("id",))
    events = model_frame(
        CaseEvent,
        {
            "case_id": [pk for (pk,) in opened],
            "actor_label": [actor_label or "系统"] * len(opened),
            "action": ["open"] * len(opened),
            "to_state": [S.OPEN] * len(opened),
        },
    )
    insert_new(CaseEvent, events, returning=("id",))
    return len(opened)


@transaction.atomic
def act(
    case: RectificationCase, action: str, *, actor: Any, note: str = "", role: str = "department"
) -> RectificationCase:
    """Move a case one step. ``role`` is what the caller's access gate established."""
    if action not in TRANSITIONS:
        raise CaseError(_("未知操作"))
    case = RectificationCase.objects.select_for_update().get(pk=case.pk)
    sources, target, who = TRANSITIONS[action]
    if who != role:
        raise CaseError(
            _("此操作须由%(who)s执行") % {"who": _("质量办") if who == "office" else _("责任部门")}
        )
    if case.state not in sources:
        raise CaseError(
            _("当前状态“%(state)s”不能执行此操作") % {"state": CaseState(case.state).label}
        )
    if action in {"appeal", "answer"} and not note.strip():
        raise CaseError(_("请填写证据或答复内容"))
    now = timezone.now()
    before = case.state
    snapshot = audit_snapshot(case)
    case.state = target
    if action in {"confirm", "appeal"}:
        case.verified_at = case.verified_at or now
    if action == "appeal":
        case.evidence = note
    if action == "answer":
        case.reply = note
        case.answered_at = now
    if target in {S.CLOSED, S.UNTRUE}:
        case.closed_at = now
    case.save()
    CaseEvent.objects.create(
        case=case,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor),
        action=action,
        from_state=before,
        to_state=target,
        note=note,
    )
    audit_record(
        actor=actor,
        action=AuditAction.STATE,
        obj=case,
        before=snapshot,
        after=audit_snapshot(case),
        note=f"case {action}",
        region_code=_case_region(case),
    )
    return case


def _case_region(case: RectificationCase) -> str:
    return str(
        Rating.objects.filter(pk=case.rating_id).values_list("centre__region__code", flat=True)[0]
    )


@transaction.atomic
def record_feedback(
    case: RectificationCase, feedback: str, *, actor_label: str, actor: Any = None
) -> None:
    """The citizen's rating of the fix (when contact details exist)."""
    if feedback not in Feedback.values:
        raise CaseError(_("未知评价"))
    if case.state not in RECTIFIED_STATES:
        raise CaseError(_("尚未答复，不能回访"))
    snapshot = audit_snapshot(case)
    case.feedback = feedback
    case.save(update_fields=["feedback"])
    CaseEvent.objects.create(
        case=case, action="feedback", actor_label=actor_label, note=str(Feedback(feedback).label)
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        before=snapshot,
        after=audit_snapshot(case),
        note="case feedback",
        region_code=_case_region(case),
    )


def overdue(case: RectificationCase, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    if case.state in {S.OPEN}:
        return now > case.verify_due
    if case.state in {S.VERIFYING, S.RECTIFYING}:
        return now > case.rectify_due
    return False


def on_time(case: RectificationCase) -> bool:
    return case.answered_at is not None and case.answered_at <= case.rectify_due


REMIND_BEFORE = dt.timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class SweepReport:
    reminded: int
    escalated: int


@transaction.atomic
def sweep(now: dt.datetime | None = None) -> SweepReport:
    """Remind the department of deadlines within 24 hours; escalate overdue cases to the
    department head (once each). Run it every few minutes (``minsheng reviews sweep``)."""
    now = now or timezone.now()
    pending = RectificationCase.objects.select_for_update().filter(
        state__in=[S.OPEN, S.VERIFYING, S.RECTIFYING]
    )
    reminded = escalated = 0
    events = []
    for case in pending.select_related("department"):
        due = case.verify_due if case.state == S.OPEN else case.rectify_due
        if now > due and case.escalated_at is None:
            case.escalated_at = now
            case.save(update_fields=["escalated_at"])
            note = _("已超过时限 %(due)s，升级至%(dept)s主要负责人督办") % {
                "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
                "dept": case.department.name,
            }
            events.append(CaseEvent(case=case, action="escalate", actor_label="系统", note=note))
            escalated += 1
        elif now <= due <= now + REMIND_BEFORE and case.reminded_at is None:
            case.reminded_at = now
            case.save(update_fields=["reminded_at"])
            note = _("距时限 %(due)s 不足 24 小时") % {
                "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")
            }
            events.append(CaseEvent(case=case, action="remind", actor_label="系统", note=note))
            reminded += 1
    CaseEvent.objects.bulk_create(events)
    return SweepReport(reminded, escalated)
