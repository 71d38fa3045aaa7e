"""Verified by later data: a plan task's target against the region's value of the indicator it
names in the latest period after the task was made (read here straight from the approved
values), a warning task against the next period's warnings, and 数据不足 when nothing later
exists. The demo city has both outcomes."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from minsheng.indicators.models import Indicator, SubmissionState, Value
from minsheng.supervision.models import Target, Task, TaskSource, Verdict
from minsheng.supervision.verify import verdict_for, verify_tasks
from tests.conftest import City


def _latest_value(city: City) -> tuple[Indicator, str, float]:
    """An indicator that is not a formula, with the first county's value in the latest period."""
    rows = (
        Value.objects.filter(
            submission__state=SubmissionState.APPROVED,
            region=city.county,
            indicator__in_index=True,
            indicator__numerator="",
            value__isnull=False,
        )
        .select_related("indicator", "submission")
        .order_by("-submission__period")
    )
    first = rows.first()
    assert first is not None and first.value is not None
    return first.indicator, first.submission.period, first.value


def _task(city: City, metric: str, op: str, value: float, unit: str) -> Task:
    unit_org = city.users["county"].organisation
    assert unit_org is not None
    task = Task.objects.create(title="量化目标任务", unit=unit_org, region=city.county)
    Target.objects.create(task=task, metric=metric, op=op, value=value, unit=unit)
    Task.objects.filter(pk=task.pk).update(created_at=dt.datetime(2023, 1, 15, tzinfo=dt.UTC))
    task.refresh_from_db()
    return task


def test_a_target_is_met_or_not_by_the_later_value(city: City) -> None:
    indicator, period, value = _latest_value(city)
    # "全市" in front of the name, as plans write it, still finds the indicator.
    met = _task(city, f"全市{indicator.name}", ">=", value - 0.5, indicator.unit)
    verdict, note = verdict_for(met)
    assert verdict == Verdict.VERIFIED
    year, quarter = period.split("Q")
    assert f"{year}年第{quarter}季度" in note
    missed = _task(city, indicator.name, ">=", value + 0.5, indicator.unit)
    assert verdict_for(missed)[0] == Verdict.NOT_MET
    at_most = _task(city, indicator.name, "<=", value + 0.5, indicator.unit)
    assert verdict_for(at_most)[0] == Verdict.VERIFIED
    unknown = _task(city, "某个不存在的指标比例", ">=", 50, "%")
    assert verdict_for(unknown) == (
        Verdict.NO_DATA,
        "没有与目标对应的指标数据：某个不存在的指标比例",
    )


def test_no_later_period_means_no_data(city: City) -> None:
    indicator, _period, value = _latest_value(city)
    task = _task(city, indicator.name, ">=", value - 1, indicator.unit)
    Task.objects.filter(pk=task.pk).update(created_at=timezone.now())
    task.refresh_from_db()
    assert verdict_for(task)[0] == Verdict.NO_DATA
    unit_org = city.users["county"].organisation
    assert unit_org is not None
    warning = Task.objects.create(
        title="预警",
        unit=unit_org,
        region=city.county,
        source=TaskSource.WARNING,
        evidence={
            "region": city.county.code,
            "indicator": indicator.code,
            "rule": "bottom_n",
            "period": "2099Q1",
        },
    )
    assert verdict_for(warning) == (
        Verdict.NO_DATA,
        f"{city.county.name} 还没有2099年第1季度之后的数据",
    )


def test_the_demo_has_tasks_verified_and_not_met_and_the_office_rechecks(city: City) -> None:
    verified = Task.objects.filter(source=TaskSource.WARNING, verdict=Verdict.VERIFIED)
    assert verified.count() == 2
    assert Task.objects.filter(source=TaskSource.WARNING, verdict=Verdict.NOT_MET).count() == 1
    task = verified.first()
    assert task is not None
    # The verdict is what the data says, recomputed from scratch.
    assert verify_tasks([task]) == {Verdict.VERIFIED: 1}
    url = reverse("supervision_task", args=[task.pk])
    page = city.client("quality").get(url).content.decode()
    assert "已验证" in page and "用最新数据核验" in page
    assert city.client("quality").post(url, {"action": "verify"}).status_code == 302
    assert city.client("leader").post(url, {"action": "verify"}).status_code == 403
    listed = city.client("quality").get(reverse("supervision_tasks"), {"verdict": "verified"})
    assert listed.context["total"] == 2
