"""City departments (市直部门) as assessed units: the components a department answers for —
the indicators it leads against their targets, the ratings it handled, its own supervision
tasks, the hall items it implements — each recomputed here by hand; rules limited to what a
department has; a trigger's task goes to the department itself; a department's people read their
own row of a confirmed ranking and their own 实绩档案, other departments and outsiders nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db.models import Count, Q
from django.urls import reverse

from minsheng.assess.models import Run, Scheme, UnitKind
from minsheng.assess.services import run_compute, run_confirm, scheme_save, trigger_task
from minsheng.core.assess.scheme import SchemeError
from minsheng.core.index.periods import Period
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.indicators.models import Indicator
from minsheng.indicators.selectors import load_panel
from minsheng.orgs.models import Organisation, OrgKind, Region
from minsheng.reviews.models import Rating
from minsheng.supervision.models import Task, TaskEvent, TaskSource, TaskState
from tests.conftest import City

RULES = {
    "components": {"targets": 40, "ratings": 30, "tasks": 30},
    "deductions": {"overdue_task": 2},
    "grades": [[80, "良好"], [0, "一般"]],
    "triggers": [{"name": "通报", "when": {"rank_bottom": 1, "periods": 1}}],
}


@pytest.fixture(autouse=True)
def _no_demo_schemes(city: City) -> None:
    Scheme.objects.all().delete()
    Task.objects.filter(source=TaskSource.ASSESS).delete()


def _city(city: City) -> Region:
    root = city.county.parent
    assert root is not None
    return root


def _department(city: City, who: str) -> Organisation:
    org = city.users[who].organisation
    assert org is not None and org.kind == OrgKind.DEPARTMENT
    return org


def test_rules_are_limited_to_what_a_department_has(city: City) -> None:
    root = _city(city)
    for component in ("index", "poll", "inspection"):
        with pytest.raises(SchemeError, match="部门考核不能提供组成部分"):
            scheme_save(actor=None, region=root, year=2026, name="x", units="departments",
                        rules={"components": {component: 1}})  # fmt: skip
    with pytest.raises(SchemeError, match="inspection_finding"):
        scheme_save(actor=None, region=root, year=2026, name="x", units="departments",
                    rules={"components": {"ratings": 1},
                           "deductions": {"inspection_finding": 1}})  # fmt: skip
    with pytest.raises(SchemeError, match="考核对象"):
        scheme_save(actor=None, region=root, year=2026, name="x", units="streets", rules=RULES)
    scheme = scheme_save(actor=None, region=root, year=2026, name="部门", units="departments",
                         rules=RULES)  # fmt: skip
    run_compute(actor=None, scheme=scheme, period=Period(2026, 3))
    with pytest.raises(SchemeError, match="不能再改变考核对象"):
        scheme_save(actor=None, region=root, year=2026, name="部门", units="regions",
                    rules=RULES, scheme=scheme)  # fmt: skip


def _by_hand_attainment(region: Region, led: set[str] | None) -> float | None:
    """Mean of 100·min(x/target, 1) (or target/x when lower is better) over the region's values
    in 2026Q3 of the indicators ``led`` (all when None)."""
    panel = load_panel([region], Period(2026, 3))
    t = panel.period_index(Period(2026, 3))
    scores = []
    for k, ind in enumerate(panel.indicators):
        x = float(panel.values[0, k, t])
        if (led is not None and ind.code not in led) or ind.target is None or x != x:
            continue
        ratio = x / ind.target if ind.polarity > 0 else (ind.target / x if x > 0 else 1.0)
        scores.append(100 * min(max(ratio, 0.0), 1.0))
    return sum(scores) / len(scores) if scores else None


def test_target_attainment_of_regions_by_hand(city: City) -> None:
    root = _city(city)
    rules = {"components": {"targets": 1}, "grades": [[0, "合格"]]}
    scheme = scheme_save(actor=None, region=root, year=2026, name="目标", rules=rules)
    run = run_compute(actor=None, scheme=scheme, period=Period(2026, 3))
    got = {r["unit"]: r["components"]["targets"] for r in run.results}
    expected = _by_hand_attainment(city.county, None)
    assert expected is not None and got[city.county.code] == pytest.approx(expected, abs=1e-3)


def test_components_of_a_department_recomputed_by_hand(city: City) -> None:
    root = _city(city)
    dept = _department(city, "reporter")
    centre = city.users["window"].organisation
    at = dt.datetime(2026, 8, 3, 10, tzinfo=SHANGHAI)
    for k, level in enumerate([5, 4, 4, 1, 2]):  # handled by the department: 3 of 5 good
        Rating.objects.create(case_no=f"DP{k}", department=dept, centre=centre, channel="window",
                              level=level, source="active", rated_at=at)  # fmt: skip
    Rating.objects.create(
        case_no="DPX",
        department=dept,
        centre=centre,
        channel="window",
        level=1,
        source="default",
        rated_at=at,
    )  # not active: left out
    # Its tasks in the quarter: one accepted on time, one accepted late, one still open.
    for name, due, accepted in (("早", dt.date(2026, 8, 31), dt.date(2026, 8, 20)),
                                ("晚", dt.date(2026, 8, 31), dt.date(2026, 9, 10)),
                                ("未办", dt.date(2026, 9, 15), None)):  # fmt: skip
        task = Task.objects.create(
            title=name, unit=dept, region=root, due=due,
            state=TaskState.ACCEPTED if accepted else TaskState.ASSIGNED,
        )  # fmt: skip
        if accepted is not None:
            event = TaskEvent.objects.create(task=task, action="accepted")
            moment = dt.datetime.combine(accepted, dt.time(10), tzinfo=SHANGHAI)
            TaskEvent.objects.filter(pk=event.pk).update(at=moment)
    scheme = scheme_save(actor=None, region=root, year=2026, name="部门", units="departments",
                         rules=RULES)  # fmt: skip
    run = run_compute(actor=None, scheme=scheme, period=Period(2026, 3))
    results = {r["unit"]: r for r in run.results}
    departments = Organisation.objects.filter(region=root, kind=OrgKind.DEPARTMENT, is_active=True)
    assert dept.key in results  # units with no figure at all have no result
    assert set(results) <= set(departments.values_list("key", flat=True))
    mine = results[dept.key]
    assert mine["name"] == dept.name
    counts = Rating.objects.filter(
        department=dept, source="active", is_follow_up=False,
        rated_at__gte=dt.datetime(2026, 7, 1, tzinfo=SHANGHAI),
        rated_at__lt=dt.datetime(2026, 10, 1, tzinfo=SHANGHAI),
    ).aggregate(n=Count("pk"), good=Count("pk", filter=Q(level__gte=3)))  # fmt: skip
    assert mine["components"]["ratings"] == pytest.approx(100 * counts["good"] / counts["n"])
    # On time: 1 of the 3 due in the quarter (the late one and the open one are not).
    assert mine["components"]["tasks"] == pytest.approx(100 / 3, abs=1e-3)
    assert mine["deductions"] == {"督办任务逾期": pytest.approx(2.0)}  # the open one, 2 points
    led = set(Indicator.objects.filter(lead_department=dept).values_list("code", flat=True))
    expected = _by_hand_attainment(root, led)
    if expected is None:
        assert "targets" not in mine["components"]
    else:
        assert mine["components"]["targets"] == pytest.approx(expected, abs=1e-3)
    parts = mine["components"]
    weights = {c: RULES["components"][c] for c in parts}  # type: ignore[index]
    mean = sum(weights[c] * v for c, v in parts.items()) / sum(weights.values())
    assert mine["total"] == pytest.approx(mean - 2.0, abs=1e-3)


def test_pages_scope_and_the_departments_own_task(city: City) -> None:
    root = _city(city)
    office = city.client("quality")
    made = office.post(reverse("assess_new"), {"name": "市直部门考核", "year": 2026,
                                               "units": "departments",
                                               "rules": json.dumps(RULES)})  # fmt: skip
    assert made.status_code == 302
    scheme = Scheme.objects.get(name="市直部门考核")
    assert scheme.units == UnitKind.DEPARTMENTS
    edit = office.get(reverse("assess_edit", args=[scheme.pk]))
    assert "本级部门" in edit.content.decode()
    office.post(reverse("assess_run_new", args=[scheme.pk]), {"period": "2026Q3"})
    run = Run.objects.get(scheme=scheme)
    page = reverse("assess_run", args=[run.pk])
    reporter, other = city.client("reporter"), city.client("other_reporter")
    assert reporter.get(page).status_code == 403  # not confirmed yet
    run_confirm(actor=None, run=run)
    mine, theirs = _department(city, "reporter"), _department(city, "other_reporter")
    shown = reporter.get(page)
    assert shown.status_code == 200
    rows = {r["unit"]: values for r, values in shown.context["rows"]}
    assert rows[mine.key] is not None and rows[theirs.key] is None
    assert reporter.get(page, {"format": "xlsx"}).status_code == 403
    assert page in reporter.get(reverse("assess_list")).content.decode()
    nav = reporter.get(reverse("home")).context["nav_items"]
    assert any(item.url == reverse("assess_list") for item in nav)  # the menu leads there
    assert other.get(page).context["own"] == theirs.key
    # A county's officer is no unit of a departments scheme and does not see it.
    for outsider in ("county", "window", "vendor", "other_quality"):
        assert city.client(outsider).get(page).status_code == 403, outsider
    assert page not in city.client("county").get(reverse("assess_list")).content.decode()
    # The API shows the department its own components only.
    api = reporter.get(f"/api/assess/runs/{run.pk}")
    assert api.status_code == 200
    units = {u["unit"]: u for u in api.json()["units"]}
    assert "components" in units[mine.key] and "components" not in units[theirs.key]
    # 实绩档案: the department itself and the office; not another department, nor a county.
    file_url = reverse("assess_unit", args=[mine.key])
    assert reporter.get(file_url).status_code == 200
    assert office.get(file_url).status_code == 200
    assert mine.name in office.get(file_url).content.decode()
    for outsider in ("other_reporter", "county", "other_quality"):
        assert city.client(outsider).get(file_url).status_code == 403, outsider
    # A trigger's rectification task goes to the department itself.
    last = next(r for r in run.results if "通报" in r["triggers"])
    task = trigger_task(actor=None, run=run, unit=last["unit"], trigger="通报")
    assert task.unit.key == last["unit"] and task.region == root
    assert last["name"] in task.title
