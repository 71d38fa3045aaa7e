"""Ratings statistics and rectification cases over REST, with the pages' gates:
``GET /api/ratings/stats``, ``GET /api/ratings/cases``, ``GET /api/ratings/cases/{id}`` for
signed-in people and machine clients holding ``ratings:read`` (their region's subtree), and
``POST /api/ratings/cases/{id}/action`` for the people who act on a case (department or
quality office, as on the case page)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.responses import Status

from minsheng.api.auth import caller, caller_person
from minsheng.api.schemas import ErrorOut
from minsheng.reviews.access import (
    access_case,
    case_filter_for_inbox,
    case_roles,
    cases_visible,
    stats_scope,
)
from minsheng.reviews.models import CaseState
from minsheng.reviews.selectors import (
    BY_CHOICES,
    InboxFilter,
    default_month,
    inbox_cases,
    month_slice,
    months_available,
    rating_stats,
)
from minsheng.reviews.services.cases import TRANSITIONS, CaseError, act, overdue

router = Router(tags=["ratings"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
PAGE = 100


class StatRow(Schema):
    group: str
    n_active: int
    n_default: int
    n_system: int
    good_rate: float | None
    bad_rate: float | None
    score: float | None
    shrunk_score: float | None
    bad_n: int
    rectified_rate: float | None
    on_time_rate: float | None
    rank: int | None
    ranked: bool


class StatsOut(Schema):
    scope: str
    month: str | None
    by: str
    rows: list[StatRow]


class CaseEventOut(Schema):
    at: dt.datetime
    action: str
    to_state: str
    note: str


class CaseOut(Schema):
    id: int
    case_no: str
    level: int
    department: str
    centre: str
    state: str
    state_label: str
    verify_due: dt.datetime
    rectify_due: dt.datetime
    overdue: bool
    reply: str
    events: list[CaseEventOut] = []


class CasesOut(Schema):
    total: int
    page: int
    items: list[CaseOut]


class ActionIn(Schema):
    action: str
    note: str = ""


def _case_out(case: Any, *, events: bool = False) -> CaseOut:
    return CaseOut(
        id=case.pk,
        case_no=case.rating.case_no,
        level=case.rating.level,
        department=case.department.name,
        centre=case.rating.centre.name,
        state=case.state,
        state_label=str(CaseState(case.state).label),
        verify_due=case.verify_due,
        rectify_due=case.rectify_due,
        overdue=overdue(case),
        reply=case.reply,
        events=[
            CaseEventOut(at=e.at, action=e.action, to_state=e.to_state, note=e.note)
            for e in case.events.all()
        ]
        if events
        else [],
    )


@router.get("/stats", response={200: StatsOut, **ERRORS})
def rating_stats_api(
    request: HttpRequest, month: str | None = None, by: str = "centre"
) -> StatsOut:
    """A month's statistics over active ratings (the page's numbers), grouped by ``by``."""
    scope = stats_scope(caller(request))
    if by not in BY_CHOICES or (by == "department" and "department" in scope.only):
        raise Http404("unknown grouping")
    months = months_available(scope.root)
    chosen = month or default_month(scope.root)
    if chosen is not None and chosen not in months:
        raise Http404("no ratings in that month")
    rows = (
        rating_stats(month_slice(chosen, scope.root, scope.only), by, month=chosen, root=scope.root)
        if chosen
        else []
    )
    return StatsOut(
        scope=scope.title,
        month=chosen,
        by=by,
        rows=[StatRow.model_validate(r.as_dict()) for r in rows],
    )


@router.get("/cases", response={200: CasesOut, **ERRORS})
def case_list(
    request: HttpRequest,
    state: str = "open",
    q: str = "",
    overdue_only: bool = False,
    page: int = 1,
) -> CasesOut:
    """The caller's cases (as the inbox), a hundred a page."""
    now = timezone.now()
    cases = (
        inbox_cases(
            cases_visible(caller(request)).filter(case_filter_for_inbox(state)),
            InboxFilter(query=q, overdue_only=overdue_only),
            now,
        )
        .select_related("rating__centre", "department")
        .order_by("rectify_due", "pk")
    )
    total = cases.count()
    start = (max(page, 1) - 1) * PAGE
    return CasesOut(
        total=total, page=max(page, 1), items=[_case_out(c) for c in cases[start : start + PAGE]]
    )


@router.get("/cases/{case_id}", response={200: CaseOut, **ERRORS})
def case_read(request: HttpRequest, case_id: int) -> CaseOut:
    return _case_out(access_case(caller(request), case_id), events=True)


@router.post("/cases/{case_id}/action", response={200: CaseOut, 409: ErrorOut, **ERRORS})
def case_action_api(request: HttpRequest, case_id: int, body: ActionIn) -> Status[Any]:
    """One step of the case (verify, confirm, appeal, uphold, overturn, answer, close) by a
    person allowed to take it; 409 when the case's state does not allow it."""
    principal = caller_person(request, "case steps are taken by people, not machine clients")
    case = access_case(principal, case_id)
    if body.action not in TRANSITIONS:
        return Status(422, ErrorOut.of("invalid", f"unknown action {body.action!r}"))
    who = TRANSITIONS[body.action][2]
    if who not in case_roles(principal, case):
        raise PermissionDenied("this step is not yours to take")
    try:
        done = act(case, body.action, actor=principal, note=body.note, role=who)
    except CaseError as exc:
        return Status(409, ErrorOut.of("conflict", str(exc)))
    return Status(200, _case_out(done, events=True))
