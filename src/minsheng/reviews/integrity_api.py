"""Integrity findings over REST, for the quality office (people only, as on the 数据核查 page):
``GET /api/integrity/findings?domain=ratings|polls|indicators&of=…&status=…&page=…`` lists
them strongest first, worded for the reader; ``POST /api/integrity/findings/{id}/decision``
records the office's conclusion (a dismissal needs its note: 422 without one)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from minsheng.api.auth import caller_person
from minsheng.api.schemas import ErrorOut
from minsheng.reviews.access import access_finding, findings_visible
from minsheng.reviews.finding_text import KIND_LABELS, finding_message, strength_label
from minsheng.reviews.models import FindingDomain, FlagStatus, IntegrityFlag
from minsheng.reviews.services.integrity import DecisionError, decide_finding

router = Router(tags=["integrity"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
PAGE = 100
PEOPLE = "integrity findings are reviewed by people, not machine clients"


class FindingOut(Schema):
    id: int
    domain: str
    kind: str
    kind_label: str
    period: str
    where: str  # the centre or region the finding is about
    unit: str
    subject: str
    strength: float
    strength_label: str
    message: str
    evidence: dict[str, Any]
    status: str
    note: str
    decided_at: dt.datetime | None


class FindingsOut(Schema):
    count: int
    page: int
    pages: int
    findings: list[FindingOut]


class DecisionIn(Schema):
    status: str
    note: str = ""


def _out(flag: IntegrityFlag) -> FindingOut:
    return FindingOut(
        id=flag.pk,
        domain=flag.domain,
        kind=flag.kind,
        kind_label=str(KIND_LABELS.get(flag.kind, flag.kind)),
        period=flag.month,
        where=flag.place,
        unit=flag.unit or (str(flag.centre_id) if flag.centre_id else ""),
        subject=flag.subject,
        strength=flag.strength,
        strength_label=strength_label(flag.strength)[0],
        message=finding_message(flag),
        evidence=flag.evidence if isinstance(flag.evidence, dict) else {},
        status=flag.status,
        note=flag.decision_note,
        decided_at=flag.decided_at,
    )


@router.get("/integrity/findings", response={200: FindingsOut, **ERRORS})
def findings_api(
    request: HttpRequest,
    domain: str = FindingDomain.RATINGS,
    of: str = "",
    status: str = "",
    page: int = 1,
) -> Status[Any]:
    """The findings of one kind of data in the office's region; ``of`` narrows them to a month
    (ratings), a poll's id (polls) or a reporting period (indicators)."""
    principal = caller_person(request, PEOPLE)
    if domain not in FindingDomain.values:
        return Status(422, ErrorOut.of("invalid", f"unknown domain {domain!r}"))
    if status and status not in FlagStatus.values:
        return Status(422, ErrorOut.of("invalid", f"unknown status {status!r}"))
    flags = findings_visible(principal).filter(domain=domain)
    if of and domain == FindingDomain.RATINGS:
        flags = flags.filter(month=of)
    elif of:
        flags = flags.filter(source=f"{'poll' if domain == FindingDomain.POLLS else 'period'}:{of}")
    if status:
        flags = flags.filter(status=status)
    flags = flags.select_related("centre", "region").order_by("-strength", "pk")
    paginator = Paginator(flags, PAGE)
    current = paginator.get_page(page)
    return Status(
        200,
        FindingsOut(
            count=paginator.count,
            page=current.number,
            pages=paginator.num_pages,
            findings=[_out(f) for f in current],
        ),
    )


@router.post("/integrity/findings/{flag_id}/decision", response={200: FindingOut, **ERRORS})
def decision_api(request: HttpRequest, flag_id: int, body: DecisionIn) -> Status[Any]:
    """Confirm, dismiss (``note`` required) or reopen a finding."""
    principal = caller_person(request, PEOPLE)
    flag = access_finding(principal, flag_id)
    try:
        done = decide_finding(flag, status=body.status, note=body.note, actor=principal)
    except DecisionError as exc:
        return Status(422, ErrorOut.of("invalid", str(exc)))
    return Status(200, _out(done))
