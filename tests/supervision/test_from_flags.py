"""A confirmed integrity finding becomes a task for the government running the centre (the
office only); the next month the checks ran decides it."""

from __future__ import annotations

from django.urls import reverse

from minsheng.orgs.models import Organisation
from minsheng.reviews.models import FlagStatus, IntegrityFlag
from minsheng.supervision.models import Task, TaskSource, Verdict
from minsheng.supervision.verify import measurable_tasks, verdict_for
from tests.conftest import City


def _flag(centre: Organisation, month: str, status: str = FlagStatus.CONFIRMED) -> IntegrityFlag:
    return IntegrityFlag.objects.create(
        kind="burst",
        centre=centre,
        subject="device:T1",
        month=month,
        severity="high",
        message="同一设备 10 分钟内 40 条非常满意",
        evidence={},
        status=status,
    )


def test_a_confirmed_finding_becomes_a_task_and_the_next_check_decides(city: City) -> None:
    IntegrityFlag.objects.all().delete()
    centre = Organisation.objects.get(key=f"centre-{city.county.code}")
    other_centre = Organisation.objects.get(key=f"centre-{city.other_county.code}")
    flag = _flag(centre, "2026-09")
    url = reverse("supervision_from_flag")
    for outsider in ("county", "reporter", "leader", "window", "other_quality"):
        assert city.client(outsider).post(url, {"flag": flag.pk}).status_code in (403, 404)
    made = city.client("quality").post(url, {"flag": flag.pk})
    task = Task.objects.get(source=TaskSource.INTEGRITY)
    assert made["Location"] == reverse("supervision_task", args=[task.pk])
    assert task.unit == city.users["county"].organisation  # the county government
    assert measurable_tasks().filter(pk=task.pk).exists()
    assert verdict_for(task) == (Verdict.NO_DATA, "线索之后的期别还没有做异常检查")
    _flag(other_centre, "2026-10")  # the checks ran for October and found nothing here
    assert verdict_for(task)[0] == Verdict.VERIFIED
    _flag(centre, "2026-10")
    assert verdict_for(task) == (Verdict.NOT_MET, "2026-10 的异常检查再次发现同类线索")


def test_an_open_finding_is_not_handed_over(city: City) -> None:
    from tests.reviews.test_case_audit import case as make_case

    make_case.__wrapped__(city)  # a rating of October 2026, so the month is on the page
    month = "2026-10"
    centre = Organisation.objects.get(key=f"centre-{city.county.code}")
    IntegrityFlag.objects.filter(centre=centre, month=month).delete()
    flag = _flag(centre, month, status=FlagStatus.OPEN)
    city.client("quality").post(reverse("supervision_from_flag"), {"flag": flag.pk})
    assert not Task.objects.filter(source=TaskSource.INTEGRITY).exists()
    flag.status = FlagStatus.CONFIRMED
    flag.save()
    page = city.client("quality").get(reverse("review_integrity"), {"month": month})
    assert "转督办任务" in page.content.decode()
