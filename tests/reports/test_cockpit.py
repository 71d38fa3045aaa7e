"""领导驾驶舱: its figures are the quarterly report's (one gathering, so they agree) and link to
their pages; the weakest spots carry the tasks made about them; the map's figures per child
region are recomputed here; boundaries upload with every bad feature named; outsiders refused."""

from __future__ import annotations

import io
import json

from django.test import Client
from django.urls import reverse

from minsheng.core.index.periods import Period
from minsheng.indicators.selectors import index_result
from minsheng.orgs.models import Region
from minsheng.reports.cockpit import cockpit
from minsheng.reports.models import Boundary
from minsheng.supervision.findings import task_from_hall
from tests.conftest import City


def test_cockpit_agrees_with_the_report_and_links_its_spots(city: City) -> None:
    root = city.county.parent
    assert root is not None
    page = city.client("leader").get(reverse("cockpit"), {"period": "2026Q3"})
    assert page.status_code == 200
    board = page.context["board"]
    assert board.region == root and board.facts is not None
    text = page.content.decode()
    assert f"{board.facts.index.index:.2f}" in text
    assert board.links["index"] in text
    # A hall metric below target is a spot; once a task is made from it, the spot shows it.
    hall = next(s for s in board.spots if s.kind == "大厅指标")
    assert hall.tasks == [] and "尚无整改任务" in text
    metric = next(m for m in board.facts.hall.metrics if m.detail.startswith("未达到"))
    target = float(metric.detail.split()[-1].rstrip("%")) / 100
    task = task_from_hall(
        actor=city.users["quality"], region=root, metric=metric.key, label=metric.name,
        value=metric.value, target=target, year=board.facts.hall.year,
    )  # fmt: skip
    again = cockpit(root, Period(2026, 3))
    spot = next(s for s in again.spots if s.kind == "大厅指标" and metric.name in s.text)
    assert [t.title for t in spot.tasks] == [task.title]
    # The map's figures: each county's level index among the counties, as computed here.
    children = list(Region.objects.filter(parent=root).order_by("code"))
    result = index_result(children, Period(2026, 3))
    expected = {
        result.panel.names[c]: round(float(v), 2)
        for c, v in zip(result.panel.regions, result.index, strict=True)
        if v == v
    }
    assert board.map_values == expected
    assert "示意边界" in text  # the demo's generated grid is marked


def test_overdue_map_and_other_figures(city: City) -> None:
    root = city.county.parent
    assert root is not None
    board = cockpit(root, Period(2026, 3), "overdue")
    assert set(board.map_values) == set(
        Region.objects.filter(parent=root).values_list("name", flat=True)
    )
    assert all(v >= 0 for v in board.map_values.values())


def test_boundaries_upload_names_every_bad_feature(city: City) -> None:
    root = city.county.parent
    assert root is not None
    office = city.client("quality")
    url = reverse("cockpit_boundaries")
    ring = [[113, 34], [113.5, 34], [113.5, 33.5], [113, 33.5], [113, 34]]
    good = {"type": "Feature", "properties": {"code": city.county.code},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}  # fmt: skip
    bad = {
        "type": "FeatureCollection",
        "features": [
            good,
            {"type": "Feature", "properties": {"name": "外省某县"}, "geometry": good["geometry"]},
            {"type": "Feature", "properties": {"name": city.other_county.name},
             "geometry": {"type": "Point", "coordinates": [1, 2]}},
        ],
    }  # fmt: skip
    upload = io.BytesIO(json.dumps(bad, ensure_ascii=False).encode())
    upload.name = "边界.geojson"
    refused = office.post(url, {"file": upload})
    message = refused.content.decode()
    assert refused.status_code == 400
    assert "第 2 个要素（外省某县）不是本地区的下级地区" in message
    assert "第 3 个要素" in message and "Polygon 或 MultiPolygon" in message
    before = Boundary.objects.get(region=root).geojson
    assert Boundary.objects.get(region=root).geojson == before  # nothing kept
    upload = io.BytesIO(json.dumps({"type": "FeatureCollection", "features": [good]}).encode())
    upload.name = "边界.geojson"
    assert office.post(url, {"file": upload}).status_code == 302
    stored = Boundary.objects.get(region=root)
    assert not stored.generated
    assert stored.geojson["features"][0]["properties"] == {
        "code": city.county.code,
        "name": city.county.name,
    }
    garbage = io.BytesIO(b"{not json")
    garbage.name = "x.geojson"
    assert "JSON 格式错误" in office.post(url, {"file": garbage}).content.decode()


def test_outsiders_are_refused(city: City) -> None:
    root = city.county.parent
    assert root is not None
    for who in ("reporter", "window", "vendor"):
        assert city.client(who).get(reverse("cockpit")).status_code == 403, who
    assert city.client("county").get(reverse("cockpit"), {"region": root.code}).status_code == 403
    own = city.client("county").get(reverse("cockpit"))
    assert own.status_code == 200 and own.context["board"].region == city.county
    assert "/inspections/visits/" not in own.content.decode()  # officers open no visit
    assert city.client("other_quality").get(
        reverse("cockpit"), {"region": root.code}
    ).status_code in (403, 404)
    for who in ("leader", "county", "reporter"):
        assert city.client(who).get(reverse("cockpit_boundaries")).status_code == 403, who
    assert Client().get(reverse("cockpit")).status_code == 302


def test_cockpit_api_and_command_scopes(city: City) -> None:
    from io import StringIO

    from django.core.management import call_command

    from minsheng.accounts.models import ApiScope
    from minsheng.accounts.services import api_client_issue
    from minsheng.orgs.models import Organisation

    root = city.county.parent
    assert root is not None
    url = "/api/reports/cockpit"
    office = city.client("quality").get(url, {"period": "2026Q3"}).json()
    out = StringIO()
    call_command("report", "cockpit", "--region", root.code, "--period", "2026Q3", stdout=out)
    assert json.loads(out.getvalue()) == office  # the command and the API answer alike
    assert office["facts"]["index"]["index"] == cockpit(root, Period(2026, 3)).facts.index.index  # type: ignore[union-attr]
    assert (
        city.client("county").get(url, {"region": root.code, "period": "2026Q3"}).status_code == 403
    )
    assert city.client("window").get(url, {"period": "2026Q3"}).status_code == 403
    assert Client().get(url, {"period": "2026Q3"}).status_code == 401
    bad = city.client("quality").get(url, {"period": "明年"})
    assert bad.status_code == 422
    org = Organisation.objects.get(key=f"gov-{city.county.code}")
    _, bare = api_client_issue(actor=city.users["admin"], name="x", organisation=org,
                               scopes=[ApiScope.READ_REGIONS])  # fmt: skip
    assert Client(HTTP_AUTHORIZATION=f"Bearer {bare}").get(url).status_code == 403
    _, token = api_client_issue(actor=city.users["admin"], name="y", organisation=org,
                                scopes=[ApiScope.READ_REPORTS])  # fmt: skip
    machine = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    own = machine.get(url, {"period": "2026Q3"})
    assert own.status_code == 200 and own.json()["region"] == city.county.code
    assert machine.get(url, {"region": root.code, "period": "2026Q3"}).status_code == 403
    assert machine.get("/api/reports").status_code == 200
