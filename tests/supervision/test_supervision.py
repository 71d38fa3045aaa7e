"""Supervision: a plan imported from its Word document (preview, then confirm; units matched
to the register, "各县(市、区)人民政府" fanned out), a task from an indicator warning, the report →
return → report → accept steps, and the scope of every page for insiders and outsiders."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from minsheng.audit.models import AuditEntry
from minsheng.orgs.models import Organisation, Region, RegionLevel
from minsheng.supervision.models import Plan, Task, TaskState
from tests.conftest import City
from tests.core.plans.test_parse import SEED, docx


def _seed_docx() -> bytes:
    return docx([line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()])


def _import(city: City) -> Plan:
    """Import seed 004 again on the web (the demo imported it once already)."""
    quality = city.client("quality")
    url = reverse("supervision_plan_import")
    before = Plan.objects.count()
    preview = quality.post(url, {"file": SimpleUploadedFile("方案.docx", _seed_docx())})
    assert preview.status_code == 200 and Plan.objects.count() == before  # nothing stored yet
    body = preview.content.decode()
    assert "保山市公共服务质量改进提升行动方案" in body and "清河市教育体育局" in body
    unmatched = preview.context["preview"].unmatched
    assert "各园区管委会" in unmatched and "市公交公司" in unmatched
    confirmed = quality.post(url, {"action": "confirm"})
    assert confirmed.status_code == 302 and Plan.objects.count() == before + 1
    return Plan.objects.order_by("-pk").first()  # type: ignore[return-value]


def test_a_plan_from_its_word_document_fans_out_to_every_county(city: City) -> None:
    plan = _import(city)
    top = list(plan.tasks.filter(parent=None).order_by("pk"))
    assert len(top) == 14
    first = top[0]
    assert first.unit.name == "清河市教育体育局" and first.number == "(一)"
    counties = Region.objects.filter(level=RegionLevel.COUNTY, parent=city.county.parent)
    governments = Organisation.objects.filter(kind="government", region__in=counties)
    assert {c.unit for c in first.children.all()} == set(governments)
    twelve = next(t for t in top if t.number == "(十二)")
    assert [(t.metric, t.op, t.value) for t in twelve.targets.order_by("pk")][:2] == [
        ("全市政务服务进驻率", ">=", 90.0),
        ("网上可办事项(二级办理深度及以上)", ">=", 100.0),
    ]
    assert AuditEntry.objects.filter(
        object_type="supervision.plan", object_pk=str(plan.pk)
    ).exists()
    # The lead department sees its task and its counties' sub-tasks; a county only its own.
    reporter = city.client("reporter").get(reverse("supervision_tasks"))
    seen = {t.pk for t in reporter.context["paged"].page.paginator.object_list}
    assert first.pk in seen and set(first.children.values_list("pk", flat=True)) <= seen
    county = city.client("county").get(reverse("supervision_tasks"))
    mine = county.context["paged"].page.paginator.object_list
    assert mine and all(t.region.code.startswith(city.county.code[:6]) for t in mine)


def test_report_return_report_accept(city: City) -> None:
    plan = _import(city)
    task = plan.tasks.get(parent__number="(一)", unit__region=city.county)
    url = reverse("supervision_task", args=[task.pk])
    county, quality = city.client("county"), city.client("quality")
    assert county.post(url, {"action": "report", "note": "", "percent": "30"}).status_code == 400
    assert (
        county.post(
            url, {"action": "report", "note": "已完善招生规则", "percent": "150"}
        ).status_code
        == 400
    )
    assert (
        county.post(
            url, {"action": "report", "note": "已完善招生规则", "percent": "60"}
        ).status_code
        == 302
    )
    task.refresh_from_db()
    assert (task.state, task.percent) == (TaskState.REPORTED, 60)
    # The other county cannot report; a department that does not lead the task cannot decide;
    # returning needs a reason.
    assert (
        city.client("other_county").post(url, {"action": "report", "note": "x"}).status_code == 403
    )
    assert city.client("other_reporter").post(url, {"action": "accept"}).status_code == 403
    assert quality.post(url, {"action": "return", "comment": ""}).status_code == 400
    assert quality.post(url, {"action": "return", "comment": "请附招生方案"}).status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.RETURNED
    county.post(url, {"action": "report", "note": "已附招生方案", "percent": "100"})
    # The lead unit (市教育体育局) accepts its responsible unit's report.
    assert city.client("reporter").post(url, {"action": "accept", "comment": ""}).status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.ACCEPTED
    history = [e.action for e in task.events.all()]
    assert history == ["created", "reported", "returned", "reported", "accepted"]
    page = county.get(url).content.decode()
    assert "退回：请附招生方案" in page and "报送进展" in page
    assert (
        AuditEntry.objects.filter(object_type="supervision.task", object_pk=str(task.pk)).count()
        == 4
    )


def test_a_warning_becomes_a_task_once(city: City) -> None:
    page = city.client("quality").get(reverse("indicator_warnings"))
    warning = page.context["rows"][0]
    form = {
        "region": warning.region,
        "indicator": warning.indicator or "",
        "rule": warning.rule,
        "period": str(page.context["period"]),
        "message": warning.message,
    }
    assert "创建任务" in page.content.decode()
    count = Task.objects.count()
    first = city.client("quality").post(reverse("supervision_from_warning"), form)
    again = city.client("quality").post(reverse("supervision_from_warning"), form)
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    task = Task.objects.get(pk=int(first["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert Task.objects.count() in (count, count + 1)  # the demo may have made it already
    assert task.source == "warning" and task.evidence["message"] == warning.message
    assert task.region.code == warning.region and task.due is not None
    for outsider in ("leader", "county", "reporter", "window", "vendor", "other_quality"):
        response = city.client(outsider).post(reverse("supervision_from_warning"), form)
        assert response.status_code == 403, outsider
    assert Task.objects.filter(source_key=task.source_key).count() == 1
    # Only the quality office sees the button.
    assert (
        "创建任务" not in city.client("county").get(reverse("indicator_warnings")).content.decode()
    )


def test_outsiders_are_refused_everywhere(city: City) -> None:
    plan = _import(city)
    task = plan.tasks.get(parent__number="(一)", unit__region=city.county)
    detail = reverse("supervision_task", args=[task.pk])
    for outsider in ("other_county", "other_reporter", "window", "vendor", "other_quality"):
        assert city.client(outsider).get(detail).status_code == 403, outsider
    for user in ("county", "reporter", "leader", "quality"):
        assert city.client(user).get(detail).status_code == 200, user
    for user in ("county", "reporter", "leader", "window", "vendor"):  # the office imports
        response = city.client(user).get(reverse("supervision_plan_import"))
        assert response.status_code == 403, user
    assert city.client("other_quality").get(reverse("supervision_tasks")).context["total"] == 0
    for outsider in ("window", "vendor"):
        assert city.client(outsider).get(reverse("supervision_tasks")).status_code == 403
    for url in (reverse("supervision_tasks"), detail, reverse("supervision_plan_import")):
        assert city.client(None).get(url).status_code == 302


def test_bad_plan_files_are_refused_and_store_nothing(city: City) -> None:
    url = reverse("supervision_plan_import")
    quality = city.client("quality")
    plans = Plan.objects.count()
    bad = quality.post(url, {"file": SimpleUploadedFile("方案.pdf", b"%PDF")})
    assert bad.status_code == 400 and "只能读取" in bad.content.decode()
    empty = quality.post(url, {"file": SimpleUploadedFile("空.docx", docx(["一、总体要求"]))})
    assert empty.status_code == 400 and "没有找到任务" in empty.content.decode()
    assert quality.post(url, {"action": "confirm"}).status_code == 400  # nothing waiting
    assert Plan.objects.count() == plans


def test_command_stores_the_plan(city: City, tmp_path: Path) -> None:
    path = tmp_path / "方案.docx"
    path.write_bytes(_seed_docx())
    out = StringIO()
    call_command("plans", "import", str(path), region=city.county.parent.code, stdout=out)  # type: ignore[union-attr]
    result = json.loads(out.getvalue())
    assert (
        result["tasks"] == 14 and result["sub_tasks"] > 0 and "各园区管委会" in result["unmatched"]
    )


def test_the_demo_city_has_the_seed_plan_in_every_state(city: City) -> None:
    plan = Plan.objects.get(title="保山市公共服务质量改进提升行动方案")
    states = set(plan.tasks.values_list("state", flat=True))
    assert {TaskState.ASSIGNED, TaskState.REPORTED} <= states
    assert Task.objects.filter(source="warning").exists()
    first = plan.tasks.filter(parent=None).order_by("pk").first()
    assert first is not None and first.children.exists()


def test_the_api_follows_the_pages_gates(city: City) -> None:
    from django.test import Client

    from minsheng.accounts.models import ApiScope
    from minsheng.accounts.services import api_client_issue

    task = Task.objects.filter(
        unit=city.users["county"].organisation, state=TaskState.ASSIGNED
    ).first()
    assert task is not None
    county = city.client("county")
    listed = county.get("/api/supervision/tasks").json()
    assert task.pk in [t["id"] for t in listed["items"]] and listed["total"] >= 1
    assert county.get("/api/supervision/tasks", {"state": "nope"}).status_code == 422
    url = f"/api/supervision/tasks/{task.pk}"
    assert county.get(url).json()["leads"]  # a sub-task shows its parent's lead unit
    body = json.dumps({"note": "已部署", "percent": 40})
    assert (
        city.client("other_county")
        .post(f"{url}/report", body, content_type="application/json")
        .status_code
        == 403
    )
    bad = json.dumps({"note": "x", "percent": 140})
    assert county.post(f"{url}/report", bad, content_type="application/json").status_code == 422
    done = county.post(f"{url}/report", body, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "reported"
    decide = json.dumps({"accept": False, "comment": ""})
    assert county.post(f"{url}/decide", decide, content_type="application/json").status_code == 403
    quality = city.client("quality")
    assert quality.post(f"{url}/decide", decide, content_type="application/json").status_code == 422
    accept = json.dumps({"accept": True})
    assert (
        quality.post(f"{url}/decide", accept, content_type="application/json").json()["state"]
        == "accepted"
    )
    for outsider in ("window", "vendor", "other_quality"):
        assert city.client(outsider).get(url).status_code == 403, outsider
    assert Client().get("/api/supervision/tasks").status_code == 401
    _, token = api_client_issue(
        actor=city.users["admin"],
        name="看板",
        organisation=city.users["quality"].organisation,
        scopes=[ApiScope.READ_INDICATORS],
    )
    machine = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert machine.get("/api/supervision/tasks").status_code == 403  # lacks supervision:read
    assert machine.get("/api/todo").status_code == 403
    # A dashboard with supervision:read reads its region's tasks and acts on none.
    _, token = api_client_issue(
        actor=city.users["admin"],
        name="督办看板",
        organisation=city.users["quality"].organisation,
        scopes=[ApiScope.READ_SUPERVISION],
    )
    board = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    read = board.get("/api/supervision/tasks").json()
    assert read["total"] == Task.objects.count() and board.get(url).status_code == 200
    assert board.post(f"{url}/report", body, content_type="application/json").status_code == 403
    _, token = api_client_issue(
        actor=city.users["admin"],
        name="外市看板",
        organisation=city.users["other_quality"].organisation,
        scopes=[ApiScope.READ_SUPERVISION],
    )
    outside = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert outside.get("/api/supervision/tasks").json()["total"] == 0
    assert outside.get(url).status_code == 403
    todo = county.get("/api/todo").json()
    assert all(set(i) == {"kind", "title", "url", "due", "overdue"} for i in todo)


def test_the_office_matches_unknown_names_and_they_are_remembered(city: City) -> None:
    from minsheng.supervision.models import UnitAlias

    quality = city.client("quality")
    url = reverse("supervision_plan_import")
    quality.post(url, {"file": SimpleUploadedFile("方案.docx", _seed_docx())})
    transport = Organisation.objects.create(
        key="bus", name="清河公共交通集团", kind="department", region=city.county.parent
    )
    outside = Organisation.objects.get(key="quality-other")
    response = quality.post(
        url,
        {"action": "confirm", "alias:市公交公司": transport.pk, "alias:各园区管委会": outside.pk},
    )
    assert response.status_code == 302
    # Only the match inside the city is remembered.
    assert list(UnitAlias.objects.values_list("name", "organisation")) == [
        ("市公交公司", transport.pk)
    ]
    plan = Plan.objects.order_by("-pk").first()
    assert plan is not None
    assert (
        plan.tasks.filter(unit=transport).exists()
        or plan.tasks.filter(leads=transport).exists()
        or plan.tasks.filter(cooperating=transport).exists()
    )
    again = quality.post(url, {"file": SimpleUploadedFile("方案.docx", _seed_docx())})
    unmatched = again.context["preview"].unmatched
    assert "市公交公司" not in unmatched and "各园区管委会" in unmatched


def test_a_plan_from_a_worksheet(city: City) -> None:
    from tests.core.plans.test_sheet import GOOD, _xlsx

    quality = city.client("quality")
    url = reverse("supervision_plan_import")
    preview = quality.post(url, {"file": SimpleUploadedFile("任务表.xlsx", _xlsx(GOOD))})
    assert preview.status_code == 200 and len(preview.context["rows"]) == 2
    bad = quality.post(
        url, {"file": SimpleUploadedFile("任务表.xlsx", _xlsx([["1", "", "", "", "", "", None]]))}
    )
    assert bad.status_code == 400 and "第 2 行" in bad.content.decode()
    before = Plan.objects.count()
    quality.post(url, {"file": SimpleUploadedFile("任务表.xlsx", _xlsx(GOOD))})
    assert quality.post(url, {"action": "confirm"}).status_code == 302
    plan = Plan.objects.order_by("-pk").first()
    assert plan is not None and Plan.objects.count() == before + 1 and plan.title == "任务表"


def test_the_lead_unit_consolidates_and_reports_up(city: City) -> None:
    from minsheng.notify.models import Notification
    from minsheng.web.todo import todo_items

    plan = _import(city)
    parent = plan.tasks.get(parent=None, number="(一)")
    child = parent.children.get(unit__region=city.county)
    assert child.report_by is not None and parent.report_by is not None
    assert child.report_by < parent.report_by  # responsible → lead, then lead → office
    county, reporter = city.client("county"), city.client("reporter")
    url = reverse("supervision_task", args=[child.pk])
    county.post(url, {"action": "report", "note": "已完善划片招生方案", "percent": "80"})
    # The lead unit hears of it and has it in its to-do; the office does not.
    assert Notification.objects.filter(
        user=city.users["reporter"], title="督办任务已报送，请审核", url=url
    ).exists()
    lead_todo = [i.url for i in todo_items(city.users["reporter"])[0]]
    office_todo = [i.url for i in todo_items(city.users["quality"])[0]]
    assert url in lead_todo and url not in office_todo
    page = reporter.get(reverse("supervision_task", args=[parent.pk]))
    draft = page.context["consolidated"]
    assert f"{city.county.name}人民政府（已报送）：已完善划片招生方案（完成 80%）" in draft
    assert "尚未报送" in draft  # the other counties
    parent_url = reverse("supervision_task", args=[parent.pk])
    assert (
        reporter.post(parent_url, {"action": "report", "note": draft, "percent": "50"}).status_code
        == 302
    )
    assert parent_url in [i.url for i in todo_items(city.users["quality"])[0]]


def test_a_deadline_in_working_days_counts_from_storing(city: City) -> None:
    import time_machine

    from minsheng.core.plans.parse import parse_plan
    from minsheng.supervision.services import plan_preview, plan_store

    parsed = parse_plan(
        [
            "某市证明事项清理方案",
            "1．全面清理证明事项，15个工作日内完成。（牵头单位：市教育体育局）",
        ]
    )
    region = city.county.parent
    assert region is not None
    office = city.users["quality"].organisation
    assert office is not None
    # Stored on Monday 9 March 2026 (no holiday in March): counted by hand, 10–13 (4),
    # 16–20 (9), 23–27 (14), 30 March (15).
    with time_machine.travel(dt.datetime(2026, 3, 9, 10, tzinfo=dt.UTC), tick=False):
        plan = plan_store(plan_preview(parsed, region), office=office, region=region, actor=None)
    task = plan.tasks.get()
    assert task.due == dt.date(2026, 3, 30)
