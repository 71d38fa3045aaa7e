"""Assessment schemes in the platform: rules checked on save, a run over the city's counties
from the platform's own figures (each component recomputed here from its source), confirmation
freezing the run, the command; the office edits and runs, leaders read, a county officer reads
a confirmed ranking with only their own components, outsiders nothing."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse

from minsheng.assess.models import Run, Scheme
from minsheng.assess.services import run_compute, scheme_save
from minsheng.core.assess.scheme import SchemeError
from minsheng.core.index.periods import Period
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.reviews.models import Rating
from tests.conftest import City

RULES = {
    "components": {"ratings": 50, "hall": 50},
    "bonus_cap": 5,
    "grades": [[80, "良好"], [0, "一般"]],
    "triggers": [{"name": "通报", "when": {"rank_bottom": 1, "periods": 1}}],
}


@pytest.fixture(autouse=True)
def _no_demo_schemes(city: City) -> None:
    """These tests count runs and tasks: the demo city's scheme and the task of its 约谈 are set
    aside (rolled back after)."""
    from minsheng.supervision.models import Task, TaskSource

    Scheme.objects.all().delete()
    Task.objects.filter(source=TaskSource.ASSESS).delete()


def test_rules_are_checked_on_save(city: City) -> None:
    root = city.county.parent
    assert root is not None
    with pytest.raises(SchemeError, match="平台不能提供组成部分"):
        scheme_save(actor=None, region=root, year=2026, name="x",
                    rules={"components": {"speed": 1}})  # fmt: skip
    scheme_save(actor=None, region=root, year=2026, name="x", rules=RULES)
    with pytest.raises(SchemeError, match="已有名为"):
        scheme_save(actor=None, region=root, year=2026, name="x", rules=RULES)
    with pytest.raises(SchemeError, match="超过 100"):
        scheme_save(actor=None, region=root, year=2026, name="名" * 101, rules=RULES)


def test_run_recomputes_each_component_from_its_source(city: City) -> None:
    root = city.county.parent
    assert root is not None
    at = dt.datetime(2026, 8, 3, 10, tzinfo=SHANGHAI)
    centre = city.users["window"].organisation
    assert centre is not None
    for k, level in enumerate([5, 5, 4, 2]):  # 3 of 4 active ratings are 3–5: 75 %
        Rating.objects.create(case_no=f"AS{k}", department=centre, centre=centre, channel="window",
                              level=level, source="active", rated_at=at)  # fmt: skip
    scheme = scheme_save(actor=None, region=root, year=2026, name="县区考核", rules=RULES)
    run = run_compute(actor=None, scheme=scheme, period=Period(2026, 3))
    results = {r["unit"]: r for r in run.results}
    assert set(results) >= {city.county.code, city.other_county.code}
    start = dt.datetime(2026, 7, 1, tzinfo=SHANGHAI)
    stop = dt.datetime(2026, 10, 1, tzinfo=SHANGHAI)
    counts = Rating.objects.filter(
        rated_at__gte=start, rated_at__lt=stop, source="active", is_follow_up=False,
        **city.county.subtree_filter("centre__region__"),
    ).aggregate(n=Count("pk"), good=Count("pk", filter=Q(level__gte=3)))  # fmt: skip
    mine = results[city.county.code]
    assert mine["components"]["ratings"] == pytest.approx(100 * counts["good"] / counts["n"])
    # The total is the weighted mean of the components present (no deductions here).
    parts = mine["components"]
    weights = {c: RULES["components"][c] for c in parts}  # type: ignore[index]
    expected = sum(weights[c] * v for c, v in parts.items()) / sum(weights.values())
    assert mine["total"] == pytest.approx(expected, abs=1e-4)
    last = max(r["rank"] for r in run.results)
    assert all(("通报" in r["triggers"]) == (r["rank"] == last) for r in run.results)


def test_pages_and_scope(city: City) -> None:
    root = city.county.parent
    assert root is not None
    office = city.client("quality")
    made = office.post(reverse("assess_new"), {"name": "县区考核", "year": 2026,
                                               "rules": json.dumps(RULES)})  # fmt: skip
    assert made.status_code == 302
    bad = office.post(reverse("assess_new"), {"name": "坏", "year": 2026, "rules": "{oops"})
    assert bad.status_code == 400 and "JSON" in bad.content.decode()
    scheme = Scheme.objects.get(name="县区考核")
    assert (
        office.post(reverse("assess_run_new", args=[scheme.pk]), {"period": "明年"}).status_code
        == 302
    )
    assert not Run.objects.exists()  # a bad period runs nothing
    office.post(reverse("assess_run_new", args=[scheme.pk]), {"period": "2026Q3"})
    run = Run.objects.get()
    page = reverse("assess_run", args=[run.pk])
    assert office.get(page).status_code == 200
    assert office.get(page, {"format": "xlsx"}).status_code == 200
    assert city.client("leader").get(page).status_code == 200
    county = city.client("county")
    assert county.get(page).status_code == 403  # not confirmed yet
    assert page not in county.get(reverse("assess_list")).content.decode()
    assert county.post(reverse("assess_confirm", args=[run.pk])).status_code == 403
    assert office.post(reverse("assess_confirm", args=[run.pk])).status_code == 302
    run.refresh_from_db()
    assert run.confirmed_at is not None
    shown = county.get(page)
    assert shown.status_code == 200 and page in county.get(reverse("assess_list")).content.decode()
    rows = {r["unit"]: values for r, values in shown.context["rows"]}
    assert rows[city.county.code] is not None and rows[city.other_county.code] is None
    assert county.get(page, {"format": "xlsx"}).status_code == 403
    for outsider in ("reporter", "window", "vendor", "other_quality"):
        assert city.client(outsider).get(page).status_code == 403, outsider
    new_run = reverse("assess_run_new", args=[scheme.pk])
    for who in ("county", "leader", "reporter"):
        assert city.client(who).get(reverse("assess_new")).status_code == 403, who
        assert city.client(who).get(reverse("assess_edit", args=[scheme.pk])).status_code == 403
        assert city.client(who).post(new_run, {"period": "2026Q3"}).status_code == 403, who
        body = {"unit": city.county.code, "trigger": "通报"}
        assert city.client(who).post(reverse("assess_task", args=[run.pk]), body).status_code == 403
    # Another city's office reaches neither this city's scheme nor its run.
    other = city.client("other_quality")
    assert other.get(reverse("assess_edit", args=[scheme.pk])).status_code == 404
    assert other.post(new_run, {"period": "2026Q3"}).status_code == 404
    assert Client().get(reverse("assess_list")).status_code == 302


def test_command_runs_a_stored_scheme(city: City) -> None:
    root = city.county.parent
    assert root is not None
    scheme = scheme_save(actor=None, region=root, year=2026, name="命令行", rules=RULES)
    out = StringIO()
    call_command("assess", "run", "--scheme", str(scheme.pk), "--period", "2026Q3",
                 "--confirm", stdout=out)  # fmt: skip
    got = json.loads(out.getvalue())
    assert got["units"] and Run.objects.get(pk=got["run"]).confirmed_at is not None
    with pytest.raises(CommandError):
        call_command("assess", "run", "--scheme", str(scheme.pk), "--period", "下季度")


def test_a_fired_trigger_becomes_a_talk_and_a_task_decided_by_the_next_run(city: City) -> None:
    from minsheng.assess.models import Talk
    from minsheng.supervision.models import Task, TaskSource, Verdict
    from minsheng.supervision.verify import verdict_for

    root = city.county.parent
    assert root is not None
    scheme = scheme_save(actor=None, region=root, year=2026, name="问责", rules=RULES)
    run = run_compute(actor=None, scheme=scheme, period=Period(2026, 3))
    last = next(r for r in run.results if "通报" in r["triggers"])
    office = city.client("quality")
    body = {"unit": last["unit"], "trigger": "通报"}
    assert office.post(reverse("assess_task", args=[run.pk]), body).status_code == 302
    assert not Task.objects.filter(source=TaskSource.ASSESS).exists()  # not confirmed yet
    office.post(reverse("assess_confirm", args=[run.pk]))
    talk_url = reverse("assess_talk", args=[run.pk])
    assert office.get(talk_url, body).status_code == 200
    assert city.client("county").get(talk_url, body).status_code == 403
    saved = office.post(talk_url, {**body, "held_on": "2026-10-15", "people": "分管副市长、区长",
                                   "minutes": "指出差距", "commitments": "一月内整改"})  # fmt: skip
    assert saved.status_code == 302
    talk = Talk.objects.get()
    task = Task.objects.get(source=TaskSource.ASSESS)
    assert talk.task == task and task.region.code == last["unit"]
    again = office.post(reverse("assess_task", args=[run.pk]), body)
    assert again.url == reverse("supervision_task", args=[task.pk])  # the same task
    assert verdict_for(task)[0] == Verdict.NO_DATA  # no later confirmed run yet
    later = run_compute(actor=None, scheme=scheme, period=Period(2026, 4))
    office.post(reverse("assess_confirm", args=[later.pk]))
    verdict, note = verdict_for(task)
    fired_again = "通报" in next(r for r in Run.objects.get(pk=later.pk).results
                                 if r["unit"] == last["unit"])["triggers"]  # fmt: skip
    assert verdict == (Verdict.NOT_MET if fired_again else Verdict.VERIFIED) and "2026Q4" in note


def test_named_assessors_score_with_reasons(city: City) -> None:
    from minsheng.assess.models import ExpertScore

    root = city.county.parent
    assert root is not None
    rules = {"components": {"expert": 1}, "grades": [[0, "合格"]]}
    office = city.client("quality")
    body = {
        "name": "专业",
        "year": 2026,
        "assessors": "leader、reporter",
        "rules": json.dumps(rules),
    }
    made = office.post(reverse("assess_new"), body)
    assert made.status_code == 302
    scheme = Scheme.objects.get(name="专业")
    assert set(scheme.assessors.values_list("username", flat=True)) == {"leader", "reporter"}
    wrong = office.post(reverse("assess_edit", args=[scheme.pk]),
                        {"name": "专业", "year": 2026, "assessors": "nobody",
                         "rules": json.dumps(rules)})  # fmt: skip
    assert wrong.status_code == 400 and "没有用户 nobody" in wrong.content.decode()
    url = reverse("assess_scores", args=[scheme.pk])
    reporter = city.client("reporter")  # a department's reporter named as an assessor
    assert reporter.get(url, {"period": "2026Q3"}).status_code == 200
    county = city.county.code
    other = city.other_county.code
    no_reason = reporter.post(url, {"period": "2026Q3", f"score-{county}": "80"})
    assert no_reason.status_code == 400 and not ExpertScore.objects.exists()
    reporter.post(url, {"period": "2026Q3", f"score-{county}": "80", f"reason-{county}": "材料齐全",
                        f"score-{other}": "60", f"reason-{other}": "整改滞后"})  # fmt: skip
    city.client("leader").post(url, {"period": "2026Q3", f"score-{county}": "90",
                                     f"reason-{county}": "亮点突出"})  # fmt: skip
    assert ExpertScore.objects.count() == 3
    for outsider in ("quality", "county", "window", "vendor"):
        assert city.client(outsider).get(url).status_code == 403, outsider
    run = run_compute(actor=None, scheme=scheme, period=Period(2026, 3))
    got = {r["unit"]: r["components"].get("expert") for r in run.results}
    assert got[county] == pytest.approx(85.0) and got[other] == pytest.approx(60.0)
    assert "考核" in reporter.get(reverse("assess_list")).content.decode()
