"""Every state change of a case is audited in the same transaction; the confirm → answer →
close path and the overdue rule, step by step."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from minsheng.audit.models import AuditAction, AuditEntry
from minsheng.core.ratings.records import RatingRecord
from minsheng.core.ratings.vocabulary import Channel, Source
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.reviews.models import CaseState, RectificationCase
from minsheng.reviews.services.cases import CaseError, act, overdue
from minsheng.reviews.services.directory import Directory
from minsheng.reviews.services.ingest import ingest
from tests.conftest import City


@pytest.fixture
def case(city: City) -> RectificationCase:
    city_code = city.county.parent.code  # type: ignore[union-attr]
    record = RatingRecord(
        1,
        "A00001",
        "",
        f"dept-{city_code}-edu",
        f"centre-{city.county.code}",
        "",
        "",
        Channel.PC,
        1,
        (),
        "",
        Source.ACTIVE,
        dt.datetime(2026, 10, 9, 10, tzinfo=SHANGHAI),
        contact="13800001234",
    )
    ingest([record], directory=Directory(city.county.parent))
    return RectificationCase.objects.get(rating__case_no="A00001")


def _audits(case: RectificationCase) -> list[tuple[str, dict, dict, str]]:
    return [
        (e.action, e.before, e.after, e.note)
        for e in AuditEntry.objects.filter(
            object_type="reviews.rectificationcase", object_pk=str(case.pk)
        ).order_by("pk")
    ]


def test_each_step_is_audited_with_its_states(city: City, case: RectificationCase) -> None:
    url = reverse("review_case_action", args=[case.pk])
    reporter, quality = city.client("reporter"), city.client("quality")
    for client, data, state in [
        (reporter, {"action": "verify"}, CaseState.VERIFYING),
        (reporter, {"action": "confirm"}, CaseState.RECTIFYING),
        (reporter, {"action": "answer", "note": "已整改"}, CaseState.ANSWERED),
        (quality, {"action": "feedback", "feedback": "satisfied"}, CaseState.ANSWERED),
        (quality, {"action": "close"}, CaseState.CLOSED),
    ]:
        assert client.post(url, data).status_code == 302
        case.refresh_from_db()
        assert case.state == state, data
    audits = _audits(case)
    assert [a[3] for a in audits] == [
        "case verify",
        "case confirm",
        "case answer",
        "case feedback",
        "case close",
    ]
    assert [a[0] for a in audits] == [AuditAction.STATE] * 3 + [
        AuditAction.UPDATE,
        AuditAction.STATE,
    ]
    assert audits[0][1]["state"] == "open" and audits[0][2]["state"] == "verifying"
    assert audits[1][2]["verified_at"] is not None
    assert audits[4][1]["state"] == "answered" and audits[4][2]["closed_at"] is not None
    entry = AuditEntry.objects.filter(note="case close").get()
    assert entry.actor == city.users["quality"] and entry.region_code == city.county.code


def test_a_refused_step_changes_and_audits_nothing(city: City, case: RectificationCase) -> None:
    with pytest.raises(CaseError):
        act(case, "close", actor=city.users["quality"], role="office")  # not answered yet
    with pytest.raises(CaseError):
        act(case, "confirm", actor=city.users["reporter"])  # not verified yet
    case.refresh_from_db()
    assert case.state == CaseState.OPEN and _audits(case) == []


def test_overdue_follows_the_working_day_deadlines(case: RectificationCase) -> None:
    # Rated Friday 2026-10-09: verify by the next working day, which is Saturday 2026-10-10, a
    # make-up working day (调休) of the 2026 National Day holiday (State Council notice on the
    # 2026 holidays: 10月1日至7日放假, 9月20日、10月10日上班).
    assert case.verify_due == dt.datetime(2026, 10, 10, 23, 59, 59, tzinfo=SHANGHAI)
    assert not overdue(case, case.verify_due)
    assert overdue(case, case.verify_due + dt.timedelta(seconds=1))
    case.state = CaseState.RECTIFYING
    assert not overdue(case, case.rectify_due)
    assert overdue(case, case.rectify_due + dt.timedelta(seconds=1))
    case.state = CaseState.CLOSED
    assert not overdue(case, case.rectify_due + dt.timedelta(days=30))


def test_a_case_due_in_an_unpublished_year_says_so(city: City) -> None:
    city_code = city.county.parent.code  # type: ignore[union-attr]
    record = RatingRecord(
        2,
        "A00002",
        "",
        f"dept-{city_code}-edu",
        f"centre-{city.county.code}",
        "",
        "",
        Channel.PC,
        1,
        (),
        "",
        Source.ACTIVE,
        dt.datetime(2026, 12, 20, 10, tzinfo=SHANGHAI),
    )
    with time_machine.travel(dt.datetime(2026, 12, 21, 9, tzinfo=SHANGHAI), tick=False):
        (result,) = ingest([record], directory=Directory(city.county.parent))
    assert result.rating_id is not None, result.errors
    late = RectificationCase.objects.get(rating__case_no="A00002")
    assert late.rectify_due.year == 2027
    page = city.client("quality").get(reverse("review_case", args=[late.pk])).content.decode()
    assert 'data-testid="schedule-warning"' in page and "2027 年的节假日安排尚未公布" in page


def test_the_case_page_speaks_chinese(city: City, case: RectificationCase) -> None:
    from minsheng.reviews.models import Rating, ReasonTag

    tags = list(ReasonTag.objects.filter(for_bad=True).order_by("code")[:2])
    assert len(tags) == 2, "the demo has reason tags"
    Rating.objects.filter(pk=case.rating_id).update(reasons=[t.code for t in tags])
    url = reverse("review_case_action", args=[case.pk])
    city.client("reporter").post(url, {"action": "verify"})
    page = city.client("quality").get(reverse("review_case", args=[case.pk])).content.decode()
    assert f"{tags[0].name}、{tags[1].name}" in page
    history = page.split('data-testid="case-history"')[1]
    assert "差评立案 → 待核实" in history and "开始核实 → 核实中" in history
    for key in ("open", "verify", "verifying", tags[0].code):
        assert f" {key}" not in history and f">{key}<" not in history
