"""A poll item in "优先改进" (important, scored low) becomes a task for the office only, and the
next round's score decides it by the change test (difference over the combined standard
error, computed here by hand)."""

from __future__ import annotations

import math
import random

from django.urls import reverse

from minsheng.orgs.models import Region, RegionLevel
from minsheng.polls.models import Poll
from minsheng.polls.results import poll_results
from minsheng.polls.services import fieldwork_import
from minsheng.supervision.models import Task, TaskSource, Verdict
from minsheng.supervision.verify import measurable_tasks, verdict_for
from tests.conftest import City
from tests.polls.test_polls import _poll


def _csv(city: City, n: int, *, seed: int, q1_gap: int) -> bytes:
    """Q1 follows the overall answer Q0 (important), ``q1_gap`` levels less satisfied (code 1
    is 非常满意); Q2 and Q3 are satisfied and unrelated to Q0."""
    rng = random.Random(seed)
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY, parent=city.county.parent))
    lines = ["respondent_id,region,stratum,phone,interviewer,duration,Q1,Q2,Q3,Q0"]
    for k in range(n):
        overall = rng.choice([1, 2, 3, 4])
        q1 = min(5, overall + q1_gap)
        q2, q3 = rng.choice([1, 2]), rng.choice([1, 2])
        lines.append(
            f"R{seed}-{k},{counties[k % len(counties)].code},移动,1{seed:02d}{k:08d},"
            f"A{k % 5},{rng.randint(200, 900)},{q1},{q2},{q3},{overall}"
        )
    return ("\n".join(lines) + "\n").encode()


def _rounds(city: City, later_gap: int) -> tuple[Poll, Poll]:
    before = _poll(city, "2026Q2")
    fieldwork_import(before, _csv(city, 300, seed=2, q1_gap=2), filename="a.csv", actor="t")
    after = _poll(city, "2026Q3", previous=before)
    fieldwork_import(after, _csv(city, 300, seed=3, q1_gap=later_gap), filename="b.csv", actor="t")
    return before, after


def test_an_item_to_improve_becomes_a_task_and_the_next_round_decides(city: City) -> None:
    before, after = _rounds(city, later_gap=0)
    items = {i.code: i for i in poll_results(before, "county").items}
    assert items["Q1"].quadrant == "improve" and items["Q2"].quadrant != "improve"
    url = reverse("supervision_from_poll_item")
    for outsider in ("leader", "county", "reporter", "vendor", "other_quality"):
        response = city.client(outsider).post(url, {"poll": before.pk, "item": "Q1"})
        assert response.status_code == 403, outsider
    office = city.client("quality")
    refused = office.post(url, {"poll": before.pk, "item": "Q2"})
    assert refused.status_code == 302 and not Task.objects.filter(source=TaskSource.POLL).exists()
    made = office.post(url, {"poll": before.pk, "item": "Q1"})
    task = Task.objects.get(source=TaskSource.POLL)
    assert made["Location"] == reverse("supervision_task", args=[task.pk])
    assert task.unit.region == before.region and "题目Q1" in task.title
    assert task.evidence["score"] == items["Q1"].score
    assert measurable_tasks().filter(pk=task.pk).exists()
    # The same item again gives the same task.
    office.post(url, {"poll": before.pk, "item": "Q1"})
    assert Task.objects.filter(source=TaskSource.POLL).count() == 1
    # Next round: Q1 no longer trails Q0; the change test by hand.
    now = {i.code: i for i in poll_results(after, "county").items}["Q1"]
    then = items["Q1"]
    z = (now.score - then.score) / math.sqrt(now.se**2 + then.se**2)
    assert z > 1.96
    verdict, note = verdict_for(task)
    assert verdict == Verdict.VERIFIED and f"{now.score:.1f}" in note and "超出抽样误差" in note


def test_no_improvement_is_not_met_and_no_next_round_is_no_data(city: City) -> None:
    before, after = _rounds(city, later_gap=2)
    item = {i.code: i for i in poll_results(before, "county").items}["Q1"]
    city.client("quality").post(
        reverse("supervision_from_poll_item"), {"poll": before.pk, "item": "Q1"}
    )
    task = Task.objects.get(source=TaskSource.POLL)
    assert verdict_for(task)[0] == Verdict.NOT_MET
    Poll.objects.filter(pk=after.pk).update(previous=None)
    assert verdict_for(task) == (Verdict.NO_DATA, "还没有下一轮测评结果")
    assert item.quadrant == "improve"


def test_a_county_whose_score_fell_becomes_a_task(city: City) -> None:
    from tests.polls.test_polls import _csv as county_csv

    code = city.county.code
    first = _poll(city, "2026Q1")
    fieldwork_import(first, county_csv(city, 400, seed=4, better=code), filename="a.csv", actor="t")
    second = _poll(city, "2026Q2", previous=first)
    fieldwork_import(second, county_csv(city, 400, seed=5), filename="b.csv", actor="t")
    row = next(r for r in poll_results(second, "county").rows if r.code == code)
    assert row.change is not None and row.change.significant and row.change.difference < 0
    url = reverse("supervision_from_poll_region")
    for outsider in ("leader", "county", "reporter", "other_quality"):
        assert (
            city.client(outsider).post(url, {"poll": second.pk, "region": code}).status_code == 403
        )
    steady = next(r for r in poll_results(second, "county").rows if r.code != code)
    assert steady.change is not None and not (
        steady.change.significant and steady.change.difference < 0
    )
    city.client("quality").post(url, {"poll": second.pk, "region": steady.code})
    assert not Task.objects.filter(source=TaskSource.POLL).exists()
    made = city.client("quality").post(url, {"poll": second.pk, "region": code})
    task = Task.objects.get(source=TaskSource.POLL)
    assert made["Location"] == reverse("supervision_task", args=[task.pk])
    assert task.unit == city.users["county"].organisation
    assert verdict_for(task) == (Verdict.NO_DATA, "还没有下一轮测评结果")
    third = _poll(city, "2026Q3", previous=second)
    fieldwork_import(third, county_csv(city, 400, seed=6, better=code), filename="c.csv", actor="t")
    verdict, note = verdict_for(task)
    assert verdict == Verdict.VERIFIED and "超出抽样误差" in note
