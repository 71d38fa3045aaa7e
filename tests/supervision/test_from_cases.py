"""An overdue or repeated bad-rating case becomes a task for its department (the office only);
later months' bad-rating rate decides it by the two-proportion z-test, computed here by hand."""

from __future__ import annotations

import datetime as dt
import math

from django.urls import reverse
from django.utils import timezone

from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.orgs.models import Organisation
from minsheng.reviews.models import Rating, RectificationCase, Source
from minsheng.supervision.models import Task, TaskSource, Verdict
from minsheng.supervision.verify import measurable_tasks, verdict_for
from tests.conftest import City


def _overdue_case(city: City) -> RectificationCase:
    from tests.reviews.test_case_audit import case as make_case

    case: RectificationCase = make_case.__wrapped__(city)  # type: ignore[attr-defined]
    past = timezone.now() - dt.timedelta(days=30)
    RectificationCase.objects.filter(pk=case.pk).update(verify_due=past, rectify_due=past)
    case.refresh_from_db()
    return case


def test_an_overdue_case_becomes_a_task_for_the_office_only(city: City) -> None:
    case = _overdue_case(city)
    page = city.client("quality").get(reverse("review_case", args=[case.pk]))
    assert "逾期未整改" in page.content.decode() and "转督办任务" in page.content.decode()
    url = reverse("supervision_from_case")
    for outsider in ("reporter", "county", "window", "leader", "other_quality"):
        assert city.client(outsider).post(url, {"case": case.pk}).status_code in (403, 404), (
            outsider
        )
    made = city.client("quality").post(url, {"case": case.pk})
    task = Task.objects.get(source=TaskSource.CASE)
    assert made["Location"] == reverse("supervision_task", args=[task.pk])
    assert task.unit == case.department and task.evidence["case_no"] == case.rating.case_no
    assert measurable_tasks().filter(pk=task.pk).exists()  # the hourly job checks it
    city.client("quality").post(url, {"case": case.pk})
    assert Task.objects.filter(source=TaskSource.CASE).count() == 1


def test_a_case_in_time_and_alone_is_refused(city: City) -> None:
    case = _overdue_case(city)
    future = timezone.now() + dt.timedelta(days=30)
    RectificationCase.objects.filter(pk=case.pk).update(verify_due=future, rectify_due=future)
    response = city.client("quality").post(reverse("supervision_from_case"), {"case": case.pk})
    assert response.status_code == 302 and not Task.objects.filter(source=TaskSource.CASE).exists()


def _ratings(
    dept: Organisation, centre: Organisation, month: dt.date, bad: int, good: int, batch: str = ""
) -> None:
    moment = dt.datetime(month.year, month.month, 10, 10, tzinfo=SHANGHAI)
    Rating.objects.bulk_create(
        Rating(
            case_no=f"T{month:%Y%m}{batch}-{k}",
            department=dept,
            centre=centre,
            channel="window_tablet",
            level=1 if k < bad else 5,
            source=Source.ACTIVE,
            rated_at=moment,
        )
        for k in range(bad + good)
    )


def test_the_bad_rating_rate_decides(city: City) -> None:
    county_org = city.users["county"].organisation
    centre = Organisation.objects.get(key=f"centre-{city.county.code}")
    dept = Organisation.objects.create(
        key="d-x", name="某局", kind="department", region=city.county
    )
    assert county_org is not None
    today = timezone.now().astimezone(SHANGHAI).date()
    latest = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # last full month
    before = (latest - dt.timedelta(days=120)).replace(day=1)
    _ratings(dept, centre, before, bad=30, good=70)
    _ratings(dept, centre, latest, bad=10, good=90)
    Rating.objects.create(  # a 追评 of a bad case, not counted again
        case_no=f"T{latest:%Y%m}-0", department=dept, centre=centre, channel="window_tablet",
        level=1, source=Source.ACTIVE, is_follow_up=True,
        rated_at=dt.datetime(latest.year, latest.month, 3, 12, tzinfo=SHANGHAI),
    )  # fmt: skip
    task = Task.objects.create(
        title="差评整改",
        unit=dept,
        region=city.county,
        source=TaskSource.CASE,
        evidence={"department": dept.pk, "month": f"{before:%Y-%m}"},
    )
    Task.objects.filter(pk=task.pk).update(
        created_at=dt.datetime(before.year, before.month, 20, tzinfo=SHANGHAI)
    )
    task.refresh_from_db()
    # By hand: 30/100 then 10/100; pooled 0.2; se = sqrt(0.2 * 0.8 * 2/100) = 0.0566; z = 3.54.
    z = (0.30 - 0.10) / math.sqrt(0.2 * 0.8 * (1 / 100 + 1 / 100))
    assert abs(z - 3.5355) < 1e-3
    verdict, note = verdict_for(task)
    assert verdict == Verdict.VERIFIED and "10.0%（10/100）" in note and "30.0%（30/100）" in note
    _ratings(dept, centre, latest, bad=20, good=0, batch="b")  # ratings arriving later
    # 30/120 = 25 % against 30/100: pooled 60/220, z ≈ 0.83, within chance.
    verdict, note = verdict_for(task)
    assert verdict == Verdict.NOT_MET and "25.0%（30/120）" in note
    Task.objects.filter(pk=task.pk).update(created_at=timezone.now())
    task.refresh_from_db()
    assert verdict_for(task)[0] == Verdict.NO_DATA
