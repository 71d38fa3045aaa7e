"""明察暗访 in the platform: a round drawn and assigned without conflicts of interest, the phone
form's API (all-or-nothing, idempotent, photos sealed with their time), findings handed on as
tasks (repeated ones escalated) and verified by the next visit, the report, the documents and
the command; and every outsider refused."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from docx import Document

from minsheng.accounts.models import ApiScope
from minsheng.accounts.services import api_client_issue
from minsheng.core.inspect.checklist import DEFAULTS
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.inspections.models import Checklist, Photo, Plan, Visit, VisitState
from minsheng.inspections.services import (
    Draft,
    InspectionError,
    checklist_save,
    findings_hand_on,
    plan_create,
)
from minsheng.orgs.models import Organisation
from minsheng.supervision.models import Alert, Task, TaskSource, Verdict
from minsheng.supervision.verify import verdict_for
from tests.conftest import City

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
ITEMS = DEFAULTS["service_centre"]


def _plan(city: City, inspectors: list[str], *, per: int = 2, seed: int = 11) -> Plan:
    root = city.county.parent
    assert root is not None
    checklist = Checklist.objects.filter(region=root, name="测试清单").first() or checklist_save(
        actor=city.users["quality"], region=root, kind="service_centre", name="测试清单",
        items=ITEMS,
    )  # fmt: skip
    return plan_create(
        actor=city.users["quality"], region=root,
        draft=Draft(
            name=f"测试检查{seed}", kind="service_centre", period="2026Q4", checklist=checklist,
            per_stratum=per, seed=seed, starts_on=dt.date(2026, 11, 2),
            ends_on=dt.date(2026, 11, 20), inspectors=inspectors,
        ),
    )  # fmt: skip


def _marks(fail: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "results": {i.code: ("fail" if i.code in fail else "pass") for i in ITEMS},
        "notes": dict.fromkeys(fail, "现场发现问题"),
        "summary": "现场检查",
        "unannounced": True,
        "visited_at": "2026-11-05T10:30:00+08:00",
    }


def _post(client: Client, visit: Visit, body: dict[str, Any]) -> Any:
    return client.post(
        f"/api/inspections/visits/{visit.pk}", json.dumps(body), content_type="application/json"
    )


def test_draw_is_reproducible_and_nobody_inspects_their_own_county(city: City) -> None:
    plan = _plan(city, ["county", "inspector"], per=3)
    again = _plan(city, ["county", "inspector"], per=3)  # the same seed draws the same sites
    assert {v.site_id for v in plan.visits.all()} == {v.site_id for v in again.visits.all()}
    visits = list(plan.visits.select_related("site__region", "inspector"))
    assert visits and all(v.inspector is not None for v in visits)
    for v in visits:
        officer_region = v.inspector.organisation.region  # type: ignore[union-attr]
        # The county officer's county (and everything in it) is never theirs to inspect.
        assert v.site.region.county_id != officer_region.pk
    # At most 3 per county (the stratum).
    per_county: dict[object, int] = {}
    for v in visits:
        key = v.site.region.county_id or v.site.region_id
        per_county[key] = per_county.get(key, 0) + 1
    assert max(per_county.values()) <= 3


def test_unknown_inspector_and_bad_dates_are_refused(city: City) -> None:
    with pytest.raises(InspectionError, match="本地区没有用户 other_quality"):
        _plan(city, ["other_quality"])


def test_phone_form_is_all_or_nothing_and_idempotent(city: City) -> None:
    plan = _plan(city, ["inspector"])
    visit = plan.visits.filter(inspector=city.users["inspector"]).first()
    assert visit is not None
    client = city.client("inspector")
    body = _marks(fail=("YC1",))
    body["notes"] = {}
    refused = _post(client, visit, body)
    assert refused.status_code == 422 and "不合格项须写明问题" in refused.json()["error"]["message"]
    partial = _marks()
    del partial["results"]["LJ1"]
    assert "尚未判定" in _post(client, visit, partial).json()["error"]["message"]
    visit.refresh_from_db()
    assert visit.state == VisitState.ASSIGNED and not visit.photos.exists()

    body = _marks(fail=("YC1", "JL1"))
    data = "data:image/png;base64," + base64.b64encode(PNG).decode()
    body["photos"] = [{"name": "窗口.png", "taken_at": "2026-11-05T10:31:00+08:00", "data": data}]
    first = _post(client, visit, body)
    assert first.status_code == 200, first.content
    # Score: all points but YC1 (12) and JL1 (10) of 100 → 78.
    assert first.json() == {"id": visit.pk, "stored": True, "score": pytest.approx(78.0)}
    retry = _post(client, visit, body)  # the phone sends again after a dropped connection
    assert retry.json()["stored"] is False
    assert Photo.objects.filter(visit=visit).count() == 1
    photo = Photo.objects.get(visit=visit)
    assert photo.taken_at == dt.datetime(2026, 11, 5, 10, 31, tzinfo=SHANGHAI)
    changed = _post(client, visit, _marks())
    assert changed.status_code == 422 and "已经提交" in changed.json()["error"]["message"]
    # The photo is served to the inspector and the office, sealed on disk.
    assert client.get(f"/inspections/photos/{photo.pk}/").content == PNG
    assert PNG not in Path(photo.path).read_bytes()


def test_findings_become_tasks_repeats_escalate_and_the_next_visit_verifies(
    city: City,
) -> None:
    first = _plan(city, ["inspector"], per=1, seed=5)
    visit = first.visits.filter(inspector=city.users["inspector"]).first()
    assert visit is not None
    client = city.client("inspector")
    assert _post(client, visit, _marks(fail=("YC1",))).status_code == 200
    assert findings_hand_on(actor=city.users["quality"], plan=first) == 1
    task = Task.objects.get(source_key=f"inspection:{visit.pk}")
    assert task.source == TaskSource.INSPECTION and task.alert == Alert.NONE
    assert "一次性书面告知全部材料" in task.text
    assert findings_hand_on(actor=city.users["quality"], plan=first) == 1  # no second task
    assert Task.objects.filter(source=TaskSource.INSPECTION, evidence__plan=first.pk).count() == 1
    assert verdict_for(task)[0] == Verdict.NO_DATA

    # A later round visits the same site: the same item fails again → 屡查屡犯, escalated.
    second = _plan(city, ["inspector"], per=1, seed=6)
    later = second.visits.first()
    assert later is not None
    Visit.objects.filter(pk=later.pk).update(site=visit.site, inspector=city.users["inspector"])
    later.refresh_from_db()
    body = _marks(fail=("YC1",))
    body["visited_at"] = (dt.datetime.now(SHANGHAI) + dt.timedelta(minutes=5)).isoformat()
    assert _post(client, later, body).status_code == 200
    findings_hand_on(actor=city.users["quality"], plan=second)
    repeat = Task.objects.get(source_key=f"inspection:{later.pk}")
    assert repeat.alert == Alert.ESCALATED and "屡查屡犯" in repeat.title
    assert verdict_for(task) == (Verdict.NOT_MET, verdict_for(task)[1])
    assert "仍有 1 个问题" in verdict_for(task)[1]


def test_report_documents_and_command_agree(city: City) -> None:
    plan = _plan(city, ["inspector", "county"], per=1, seed=9)
    for visit in plan.visits.select_related("inspector"):
        assert visit.inspector is not None
        client = city.client(visit.inspector.username)
        assert _post(client, visit, _marks(fail=("PZ1",))).status_code == 200
    office = city.client("quality")
    page = office.get(f"/inspections/{plan.pk}/")
    assert page.status_code == 200
    report = office.get(f"/api/inspections/plans/{plan.pk}/report").json()
    n = plan.visits.count()
    assert report["visits"] == n and report["findings"] == n
    pz1 = next(i for i in report["items"] if i["code"] == "PZ1")
    assert (pz1["passed"], pz1["applies"]) == (0, n)
    docx = office.get(f"/inspections/{plan.pk}/?format=docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert f"本次检查共发现问题{n}个" in text
    out = StringIO()
    call_command("inspect", "report", "--plan", str(plan.pk), stdout=out)
    assert json.loads(out.getvalue())["findings"] == n
    xlsx = office.get(f"/inspections/{plan.pk}/?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_outsiders_are_refused(city: City) -> None:
    plan = _plan(city, ["inspector"])
    visit = plan.visits.filter(inspector=city.users["inspector"]).first()
    assert visit is not None
    for name in ("other_quality", "county", "window", "vendor", "township"):
        client = city.client(name)
        assert client.get(f"/inspections/{plan.pk}/").status_code in (403, 404), name
        assert client.get(f"/inspections/visits/{visit.pk}/").status_code == 403, name
        assert _post(client, visit, _marks()).status_code == 403, name
        assert client.get(f"/api/inspections/plans/{plan.pk}/report").status_code in (403, 404)
    assert city.client("other_quality").post(f"/inspections/{plan.pk}/tasks/").status_code in (
        403,
        404,
    )
    assert city.client("leader").post(f"/inspections/{plan.pk}/tasks/").status_code == 403
    assert Client().get(f"/inspections/{plan.pk}/").status_code == 302
    assert Client().get("/api/inspections/visits").status_code == 401
    # A token: without assess:read refused; with it, only its own region's rounds.
    org = Organisation.objects.get(key=f"gov-{city.county.code}")
    _, bare = api_client_issue(actor=city.users["admin"], name="x", organisation=org,
                               scopes=[ApiScope.READ_REGIONS])  # fmt: skip
    reply = Client(HTTP_AUTHORIZATION=f"Bearer {bare}").get("/api/inspections/plans")
    assert reply.status_code == 403
    _, token = api_client_issue(actor=city.users["admin"], name="y", organisation=org,
                                scopes=[ApiScope.READ_ASSESS])  # fmt: skip
    machine = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert machine.get("/api/inspections/plans").json() == []  # the county has no round
    assert machine.get(f"/api/inspections/plans/{plan.pk}/report").status_code == 403
    assert _post(machine, visit, _marks()).status_code == 403  # a machine fills in nothing
    # The inspector sees their own visit, not the round.
    own = city.client("inspector")
    assert own.get(f"/inspections/visits/{visit.pk}/").status_code == 200
    assert own.get(f"/inspections/{plan.pk}/").status_code == 403


def test_schools_listed_by_the_office_can_be_inspected(city: City) -> None:
    root = city.county.parent
    assert root is not None
    office = city.client("quality")
    bad = (
        "名称,区划代码,类型\n"
        f"第一中学,{city.township.code},学校\n"
        "外地中学,999999999999,学校\n"
        f"某商场,{city.township.code},商场\n"
    ).encode("gbk")
    upload = io.BytesIO(bad)
    upload.name = "名单.csv"
    refused = office.post("/inspections/checklists/", {"file": upload})
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "第 3 行 区划代码" in text and "第 4 行 类型" in text
    from minsheng.inspections.models import Site

    assert not Site.objects.filter(kind="school").exists()  # nothing kept
    good = "\n".join(
        ["名称,区划代码,类型"]
        + [f"第{k}中学,{r.code},学校" for k, r in enumerate([city.township, city.other_township])]
    ).encode()
    upload = io.BytesIO(good)
    upload.name = "名单.csv"
    assert office.post("/inspections/checklists/", {"file": upload}).status_code == 302
    assert Site.objects.filter(kind="school").count() == 2
    checklist = checklist_save(
        actor=city.users["quality"], region=root, kind="school", name="学校清单",
        items=DEFAULTS["school"],
    )  # fmt: skip
    plan = plan_create(
        actor=city.users["quality"], region=root,
        draft=Draft(
            name="学校暗访", kind="school", period="2026Q4", checklist=checklist, per_stratum=1,
            seed=3, starts_on=dt.date(2026, 11, 2), ends_on=dt.date(2026, 11, 20),
            inspectors=["quality"],
        ),
    )  # fmt: skip
    assert plan.visits.count() == 2  # one per county stratum
    assert city.client("county").post("/inspections/checklists/", {}).status_code == 403
