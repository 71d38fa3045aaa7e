"""Drill-down from a county to its townships on the poll results page: the county's townships
only (ranked among all the city's), the county's own overall and item scores as domain
estimates, and the county page refused to readers who do not see that county."""

from __future__ import annotations

import json
import random
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.orgs.models import Region, RegionLevel
from minsheng.polls.documents import results_sheets
from minsheng.polls.integrity import poll_findings
from minsheng.polls.models import Poll, Respondent
from minsheng.polls.results import poll_results
from minsheng.polls.services import fieldwork_import
from minsheng.polls.store import respondents_changed
from tests.conftest import City
from tests.polls.test_polls import CODES, _poll

SCORES = {"1": 100.0, "2": 80.0, "3": 60.0, "4": 40.0, "5": 20.0}


def _township_csv(city: City, n: int) -> bytes:
    rng = random.Random(11)
    townships = list(
        Region.objects.filter(level=RegionLevel.TOWNSHIP, city=city.county.city).order_by("code")
    )
    lines = ["respondent_id,region,stratum,phone,interviewer,duration," + ",".join(CODES)]
    for k in range(n):
        town = townships[k % len(townships)]
        answers = [str(rng.choice([1, 2, 2, 3, 4])) for _ in CODES]
        lines.append(
            f"T{k},{town.code},移动,139{k:08d},A{k % 4},{rng.randint(200, 900)},"
            + ",".join(answers)
        )
    return ("\n".join(lines) + "\n").encode()


def _poll_with_townships(city: City) -> Poll:
    poll = _poll(city)
    fieldwork_import(poll, _township_csv(city, 600), filename="t.csv", actor="t")
    return poll


def test_county_drill_down_shows_its_townships_and_its_own_scores(city: City) -> None:
    poll = _poll_with_townships(city)
    county = city.county
    whole = poll_results(poll, "township")
    drill = poll_results(poll, "township", within=county.code)
    own = set(Region.objects.filter(county=county).values_list("code", flat=True))
    assert drill.rows and {r.code for r in drill.rows} <= own
    assert len(drill.rows) < len(whole.rows)
    # Ranks are the city-wide township ranks.
    city_ranks = {r.code: r.rank.rank for r in whole.rows}
    assert all(r.rank.rank == city_ranks[r.code] for r in drill.rows)
    # The county's overall score is the county's row at county level (same domain estimate).
    county_row = next(r for r in poll_results(poll, "county").rows if r.code == county.code)
    assert drill.overall is not None
    assert drill.overall.estimate == pytest.approx(county_row.score, rel=1e-12)
    assert drill.overall.se == pytest.approx(county_row.se, rel=1e-12)
    # Item scores come from the county's respondents alone (equal weights here).
    answers = [
        r.answers["Q1"]
        for r in Respondent.objects.filter(poll=poll, region__county=county)
        if r.answers["Q1"] in SCORES
    ]
    q1 = next(i for i in drill.items if i.code == "Q1")
    assert q1.score == pytest.approx(sum(SCORES[a] for a in answers) / len(answers), rel=1e-9)


def test_drill_down_page_and_its_scope(city: City) -> None:
    poll = _poll_with_townships(city)
    url = reverse("poll_detail", args=[poll.pk])
    page = city.client("quality").get(url)
    assert f'?county={city.county.code}"' in page.content.decode()  # county rows link down
    page = city.client("quality").get(url, {"county": city.county.code})
    assert page.status_code == 200 and page.context["county"] == city.county
    assert city.county.name in page.content.decode()
    export = city.client("quality").get(url, {"county": city.county.code, "format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert city.client("county").get(url, {"county": city.county.code}).status_code == 200
    # Another county's officer, another city's office, the vendor, anonymous: refused.
    assert city.client("other_county").get(url, {"county": city.county.code}).status_code == 403
    assert city.client("county").get(url, {"county": city.other_county.code}).status_code == 403
    for outsider in ("other_quality", "vendor"):
        assert city.client(outsider).get(url, {"county": city.county.code}).status_code == 403
    assert city.client(None).get(url, {"county": city.county.code}).status_code == 302
    assert city.client("quality").get(url, {"county": "000000"}).status_code == 403


def test_field_scores_and_item_intervals(city: City) -> None:
    poll = _poll_with_townships(city)
    items = poll.questionnaire.items
    items.filter(code__in=["Q1", "Q2"]).update(domain="公共教育")
    items.filter(code="Q2").update(weight=3.0)
    items.filter(code="Q3").update(domain="公共安全")
    results = poll_results(poll, "county")
    fields = {f.name: f for f in results.fields}
    assert set(fields) == {"公共教育", "公共安全"} and fields["公共教育"].items == 2
    # Equal respondent weights: the field score is the mean of each respondent's weighted
    # mean of Q1 (weight 1) and Q2 (weight 3) over the items they answered.
    per_person = []
    for r in Respondent.objects.filter(poll=poll):
        parts = [
            (SCORES[r.answers[c]], w) for c, w in (("Q1", 1), ("Q2", 3)) if r.answers[c] in SCORES
        ]
        if parts:
            per_person.append(sum(s * w for s, w in parts) / sum(w for _, w in parts))
    education = fields["公共教育"]
    assert education.score == pytest.approx(sum(per_person) / len(per_person), rel=1e-9)
    assert education.ci_low < education.score < education.ci_high
    q1 = next(i for i in results.items if i.code == "Q1")
    assert q1.ci_low < q1.score < q1.ci_high and q1.department == ""
    page = city.client("quality").get(reverse("poll_detail", args=[poll.pk]))
    assert "公共教育" in page.content.decode()


def test_satisfaction_rate_against_the_target(city: City) -> None:
    poll = _poll_with_townships(city)
    # Answers 1, 2, 2, 3, 4 drawn evenly: about 80 % at 基本满意 or better.
    results = poll_results(poll, "county")
    assert results.satisfied is not None and results.target is None
    assert 0.7 < results.satisfied.estimate < 0.9
    verdicts = {}
    for target in (0.5, results.satisfied.estimate, 0.99):
        Poll.objects.filter(pk=poll.pk).update(target_rate=target)
        poll.refresh_from_db()
        verdicts[target] = poll_results(poll, "county").target
    assert list(verdicts.values()) == ["met", "undecided", "missed"]
    page = city.client("quality").get(reverse("poll_detail", args=[poll.pk]))
    assert "未达到 99% 的目标" in page.content.decode()


def test_results_are_computed_once_until_the_data_change(city: City) -> None:
    poll = _poll_with_townships(city)
    first = poll_results(poll, "county")
    flags = poll_findings(poll, first)
    with CaptureQueriesContext(connection) as queries:
        again = poll_results(poll, "county")
        assert poll_findings(poll, again) == flags
    assert not any('"answers"' in q["sql"] for q in queries.captured_queries)  # from the cache
    assert again.overall == first.overall and again.rows == first.rows
    # New weights are new data: computed afresh.
    Respondent.objects.filter(poll=poll, region__county=city.county).update(weight=3.0)
    respondents_changed(poll)  # as every write in the product does
    with CaptureQueriesContext(connection) as queries:
        changed = poll_results(poll, "county")
    assert any('"answers"' in q["sql"] for q in queries.captured_queries)
    assert changed.overall is not None and first.overall is not None
    assert changed.overall.estimate != pytest.approx(first.overall.estimate, rel=1e-12)


def test_the_results_command_gives_the_page_numbers(city: City, tmp_path: Path) -> None:
    """``minsheng polls results``: the JSON carries the page's figures; xlsx the page's sheets."""
    poll = _poll_with_townships(city)
    page = poll_results(poll, "county")
    out = StringIO()
    call_command("polls", "results", "--poll", str(poll.pk), stdout=out)
    data = json.loads(out.getvalue())
    assert data["respondents"] == page.n > 0
    assert [r["code"] for r in data["regions"]] == [r.code for r in page.rows]
    assert data["regions"][0]["score"] == pytest.approx(page.rows[0].score, rel=1e-12)
    assert data["overall"]["estimate"] == pytest.approx(page.overall.estimate, rel=1e-12)
    county = city.county.code
    out = StringIO()
    call_command("polls", "results", "--poll", str(poll.pk), "--county", county, stdout=out)
    drill = poll_results(poll, "township", within=county)
    assert [r["code"] for r in json.loads(out.getvalue())["regions"]] == [
        r.code for r in drill.rows
    ]
    book = tmp_path / "results.xlsx"
    call_command(
        "polls", "results", "--poll", str(poll.pk), "--format", "xlsx", "--output", str(book)
    )
    assert load_workbook(book).sheetnames == [s.title for s in results_sheets(page)]
    with pytest.raises(CommandError, match="没有编号为 999999 的调查"):
        call_command("polls", "results", "--poll", "999999")
