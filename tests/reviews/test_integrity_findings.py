"""Findings of every domain on the quality office's page: a poll round's fieldwork and a
period's reported figures checked by their commands, listed, decided (a dismissal needs its
reason, and a later run keeps the decision), turned into tasks; outsiders refused."""

from __future__ import annotations

import io
import random

from django.core.management import call_command
from django.urls import reverse

from minsheng.audit.models import AuditEntry
from minsheng.indicators.models import Indicator, Submission, SubmissionState, Value
from minsheng.orgs.models import Organisation, OrgKind, Region, RegionLevel
from minsheng.polls.models import Poll
from minsheng.polls.services import fieldwork_import
from minsheng.reviews.models import FindingDomain, FlagStatus, IntegrityFlag
from minsheng.supervision.models import Task, TaskSource
from tests.conftest import City, token_client
from tests.polls.test_polls import CODES, _poll

OUTSIDERS = ("county", "reporter", "window", "other_quality", "vendor")


def _fieldwork(city: City, n: int, seed: int, faker_in: str | None = None) -> bytes:
    """Respondents across the counties; in ``faker_in`` one interviewer "does" most of the
    interviews, all glowing and quick."""
    rng = random.Random(seed)
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY, parent=city.county.parent))
    lines = ["respondent_id,region,stratum,phone,interviewer,duration," + ",".join(CODES)]
    for k in range(n):
        county = counties[k % len(counties)]
        fake = county.code == faker_in and rng.random() < 0.8
        if fake:
            answers, who, secs = ["1"] * len(CODES), "F9", rng.randint(125, 200)
        else:
            answers = [str(min(5, max(1, 2 + rng.choice([-1, 0, 0, 1])))) for _ in CODES]
            who, secs = f"A{rng.randrange(6)}", rng.randint(400, 900)
        lines.append(
            f"R{seed}-{k},{county.code},移动,1{seed:02d}{k:08d},{who},{secs}," + ",".join(answers)
        )
    return ("\n".join(lines) + "\n").encode()


def _round_with_a_faker(city: City) -> Poll:
    before = _poll(city, "2026Q2")
    fieldwork_import(before, _fieldwork(city, 600, seed=5), filename="a.csv", actor="t")
    now = _poll(city, "2026Q3", previous=before)
    data = _fieldwork(city, 600, seed=6, faker_in=city.county.code)
    fieldwork_import(now, data, filename="b.csv", actor="t")
    return now


def test_poll_findings_by_command_page_decision_and_task(city: City) -> None:
    poll = _round_with_a_faker(city)
    out = io.StringIO()
    call_command("polls", "integrity", "--poll", str(poll.pk), stdout=out)
    lines = out.getvalue().splitlines()
    kinds = {line.split("\t")[0] for line in lines[:-1]}
    assert {"durations", "interviewer", "jump"} <= kinds
    assert lines[-1] == f"{len(lines) - 1} findings"
    jump = IntegrityFlag.objects.get(domain=FindingDomain.POLLS, kind="jump")
    assert jump.unit == city.county.code and jump.source == f"poll:{poll.pk}"
    assert jump.region == city.county and jump.month == "2026Q3" and jump.strength > 3
    # The office's page lists them, worded for the reader.
    page = city.client("quality").get(
        reverse("review_integrity"), {"domain": "polls", "of": poll.pk}
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "访员 F9" in text and "得分较上轮上升" in text and "interviewer:" not in text
    # Outsiders see nothing of it, and cannot decide it.
    decide = reverse("review_integrity_decide", args=[jump.pk])
    for outsider in OUTSIDERS:
        client = city.client(outsider)
        listing = client.get(reverse("review_integrity"), {"domain": "polls", "of": poll.pk})
        assert listing.status_code in (403, 404)
        assert client.post(decide, {"status": "confirmed"}).status_code in (403, 404)
    assert city.client(None).get(reverse("review_integrity")).status_code == 302  # to log in
    # A dismissal needs its reason; the flag stays open without one.
    quality = city.client("quality")
    quality.post(decide, {"status": "dismissed"})
    jump.refresh_from_db()
    assert jump.status == FlagStatus.OPEN
    quality.post(decide, {"status": "dismissed", "note": "已调取录音，访问真实"})
    jump.refresh_from_db()
    assert (jump.status, jump.decision_note) == (FlagStatus.DISMISSED, "已调取录音，访问真实")
    assert jump.decided_by == city.users["quality"] and jump.decided_at is not None
    # Running the checks again (here from the page) keeps the office's decision.
    again = quality.post(reverse("review_integrity_run"), {"domain": "polls", "of": poll.pk})
    assert again.status_code == 302 and f"domain=polls&of={poll.pk}" in again["Location"]
    assert AuditEntry.objects.filter(note__startswith="integrity checks 2026Q3:").exists()
    jump.refresh_from_db()
    assert jump.status == FlagStatus.DISMISSED
    for outsider in OUTSIDERS:
        run = city.client(outsider).post(
            reverse("review_integrity_run"), {"domain": "polls", "of": poll.pk}
        )
        assert run.status_code in (403, 404)
    # A confirmed fieldwork finding becomes a task for the government of the poll's region.
    durations = IntegrityFlag.objects.get(domain=FindingDomain.POLLS, kind="durations")
    quality.post(reverse("review_integrity_decide", args=[durations.pk]), {"status": "confirmed"})
    made = quality.post(reverse("supervision_from_flag"), {"flag": durations.pk})
    task = Task.objects.get(source=TaskSource.INTEGRITY)
    assert made["Location"] == reverse("supervision_task", args=[task.pk])
    assert task.region == poll.region and "调查过程核查整改" in task.title


def test_a_rise_with_honest_fieldwork_is_no_finding(city: City) -> None:
    before = _poll(city, "2026Q2")
    fieldwork_import(before, _fieldwork(city, 600, seed=7), filename="a.csv", actor="t")
    now = _poll(city, "2026Q3", previous=before)
    honest = _fieldwork(city, 600, seed=8).replace(b",2,", b",1,")  # everyone happier
    fieldwork_import(now, honest, filename="b.csv", actor="t")
    out = io.StringIO()
    call_command("polls", "integrity", "--poll", str(now.pk), stdout=out)
    assert "jump" not in out.getvalue()


def _reports(city: City) -> Organisation:
    """Eight quarters of one department's figures for the city's regions; one county copies
    last quarter's figures forward."""
    regions = list(Region.objects.filter(city=city.county.city).exclude(level=RegionLevel.CITY))
    health = Organisation.objects.create(
        key="dept-test-stats", name="测试统计局", kind=OrgKind.DEPARTMENT, region=city.county.parent
    )
    indicators = [
        Indicator.objects.create(
            code=f"T{k:02d}", name=f"测试指标{k}", category=Indicator.objects.first().category,  # type: ignore[union-attr]
            lead_department=health, decimals=1, in_index=False,
        )
        for k in range(12)
    ]  # fmt: skip
    rng = random.Random(3)
    for q, period in enumerate(["2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1",
                                "2026Q2", "2026Q3"]):  # fmt: skip
        sub = Submission.objects.create(
            organisation=health, period=period, state=SubmissionState.APPROVED
        )
        Value.objects.bulk_create(
            Value(
                submission=sub, region=r, indicator=i,
                value=round(rng.uniform(100, 900) * (1 + 0.01 * q), 1),
            )
            for r in regions
            for i in indicators
        )  # fmt: skip
    last = Submission.objects.get(organisation=health, period="2026Q3")
    before = dict(
        Value.objects.filter(submission__period="2026Q2", region=city.county).values_list(
            "indicator_id", "value"
        )
    )
    for v in Value.objects.filter(submission=last, region=city.county, indicator__in=indicators):
        v.value = before[v.indicator_id]
        v.save()
    return health


def test_indicator_findings_by_command_and_page(city: City) -> None:
    _reports(city)
    out = io.StringIO()
    call_command("indicators", "integrity", "--period", "2026Q3", stdout=out)
    lines = out.getvalue().splitlines()
    assert f"repeated\t{city.county.code}\t" in "\n".join(lines)
    flag = IntegrityFlag.objects.get(
        domain=FindingDomain.INDICATORS, kind="repeated", unit=city.county.code
    )
    assert flag.region == city.county and flag.source == "period:2026Q3"
    page = city.client("quality").get(
        reverse("review_integrity"), {"domain": "indicators", "of": "2026Q3"}
    )
    assert "项与上期完全相同" in page.content.decode()
    # The county sends corrected figures: the open finding goes when the checks run again.
    fixed = Value.objects.filter(submission__period="2026Q3", region=city.county)
    for v in fixed:
        v.value = (v.value or 0) + 1.3
        v.save()
    call_command("indicators", "integrity", "--period", "2026Q3", stdout=io.StringIO())
    assert not IntegrityFlag.objects.filter(pk=flag.pk).exists()
    # The other city's office sees none of it.
    other = city.client("other_quality").get(
        reverse("review_integrity"), {"domain": "indicators", "of": "2026Q3"}
    )
    assert other.status_code == 404 or "项与上期完全相同" not in other.content.decode()


def test_findings_over_the_api(city: City) -> None:
    poll = _round_with_a_faker(city)
    call_command("polls", "integrity", "--poll", str(poll.pk), stdout=io.StringIO())
    url = "/api/integrity/findings"
    listed = city.client("quality").get(url, {"domain": "polls", "of": poll.pk})
    assert listed.status_code == 200
    body = listed.json()
    kinds = [f["kind"] for f in body["findings"]]
    assert "jump" in kinds and body["count"] == len(kinds)
    strengths = [f["strength"] for f in body["findings"]]
    assert strengths == sorted(strengths, reverse=True)
    jump = next(f for f in body["findings"] if f["kind"] == "jump")
    assert jump["kind_label"] == "得分跃升且调查过程存疑" and "得分较上轮上升" in jump["message"]
    decision = f"{url}/{jump['id']}/decision"
    quality = city.client("quality")
    no_note = quality.post(decision, {"status": "dismissed"}, content_type="application/json")
    assert no_note.status_code == 422
    assert "排除线索须写明核查情况" in no_note.json()["error"]["message"]
    done = quality.post(
        decision,
        {"status": "confirmed", "note": "录音显示未实际访问"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "confirmed"
    # Outsiders: anonymous, a machine client, another city's office, a county officer.
    assert city.client(None).get(url).status_code == 401
    machine = token_client(city, ["ratings:read"], city.users["quality"].organisation)
    assert machine.get(url).status_code == 403
    other = city.client("other_quality").get(url, {"domain": "polls"})
    assert other.status_code == 200 and other.json()["count"] == 0
    refused = city.client("other_quality").post(
        decision, {"status": "open"}, content_type="application/json"
    )
    assert refused.status_code == 404
    assert city.client("county").get(url).status_code == 403


def test_the_worker_checks_last_month_once(city: City) -> None:
    import datetime as dt

    from minsheng.jobs.schedule import periodic_jobs
    from minsheng.reviews.services.integrity import check_last_month, was_checked

    assert "reviews-integrity-last-month" in {j.name for j in periodic_jobs()}
    assert not was_checked("2026-10")
    month, found = check_last_month(dt.date(2026, 11, 3))
    assert month == "2026-10" and found is not None and was_checked("2026-10")
    assert check_last_month(dt.date(2026, 11, 4)) == ("2026-10", None)  # once
    # A month the office checked from the page counts as checked.
    quality = city.client("quality")
    assert quality.post(reverse("review_integrity_run"), {"month": "2026-10"}).status_code in (
        302,
        404,
    )
    assert check_last_month(dt.date(2026, 12, 1))[0] == "2026-11"


def test_a_department_whose_every_figure_sits_on_its_target(city: City) -> None:
    from minsheng.indicators.models import Target

    department = _reports(city)
    city_region = city.county.parent
    for indicator in Indicator.objects.filter(code__startswith="T")[:6]:
        target = 500.0
        Target.objects.create(indicator=indicator, year=2026, region=city_region, value=target)
        Value.objects.filter(
            submission__organisation=department, submission__period="2026Q3", indicator=indicator
        ).update(value=target)
    out = io.StringIO()
    call_command("indicators", "integrity", "--period", "2026Q3", stdout=out)
    assert f"on_target\t{department.name}\treporter\t" in out.getvalue()
    flag = IntegrityFlag.objects.get(kind="on_target", unit=department.name)
    assert flag.region == department.region
    page = city.client("quality").get(
        reverse("review_integrity"), {"domain": "indicators", "of": "2026Q3", "kind": "on_target"}
    )
    assert "测试统计局报送的" in page.content.decode() and "恰好等于目标值" in page.content.decode()
