"""Provincial figures entered by the quality office: page, Excel round trip, command and API;
all or nothing with located errors; they feed "低于省平均"; outsiders refused."""

from __future__ import annotations

import io
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from minsheng.accounts.models import ApiScope
from minsheng.accounts.services import api_client_issue
from minsheng.audit.models import AuditEntry
from minsheng.core.index.periods import Period
from minsheng.indicators.models import Benchmark, BenchmarkKind, Indicator
from minsheng.indicators.selectors import load_panel
from minsheng.orgs.models import Organisation, Region, RegionLevel
from tests.conftest import City

PERIOD = "2026Q4"  # the demo has no provincial figures for it yet


def _book(rows: list[list[object]]) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["指标代码", "指标名称", "期别", "省平均", "省最优", "全省排名", "参评地区数"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("对标值.xlsx", out.getvalue())


def test_the_office_enters_figures_that_feed_the_index(city: City) -> None:
    url = reverse("indicator_benchmarks")
    quality = city.client("quality")
    response = quality.post(
        f"{url}?period={PERIOD}",
        {
            "file": _book(
                [
                    ["EDU01", "", PERIOD, 12.5, 15, 3, 16],
                    ["EDU02", "", "2026年第四季度", 95, None, None, None],
                ]
            )
        },
    )
    assert response.status_code == 302, re.findall(r"<li>(.*?)</li>", response.content.decode())
    province = city.county.province
    assert province is not None
    city_region = city.county.parent
    stored = {
        (b.indicator.code, b.kind, b.region_id): (b.value, b.ranked_of)
        for b in Benchmark.objects.filter(period=PERIOD).select_related("indicator")
    }
    assert stored == {
        ("EDU01", BenchmarkKind.AVERAGE, province.pk): (12.5, None),
        ("EDU01", BenchmarkKind.BEST, province.pk): (15.0, None),
        ("EDU01", BenchmarkKind.RANK, city_region.pk): (3.0, 16),  # type: ignore[union-attr]
        ("EDU02", BenchmarkKind.AVERAGE, province.pk): (95.0, None),
    }
    assert AuditEntry.objects.filter(object_type="indicators.benchmark").count() == 1
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY, parent=city_region))
    panel = load_panel(counties, Period.parse(PERIOD))
    edu01 = next(i for i in panel.indicators if i.code == "EDU01")
    assert (edu01.average, edu01.best) == (12.5, 15.0)
    page = quality.get(url, {"period": PERIOD}).content.decode()
    assert "第 3 名" in page and "（共 16 个）" in page
    # The export uploads again unchanged.
    export = quality.get(url, {"period": PERIOD, "format": "xlsx"})
    again = quality.post(
        f"{url}?period={PERIOD}", {"file": SimpleUploadedFile("b.xlsx", export.content)}
    )
    assert again.status_code == 302
    assert Benchmark.objects.filter(period=PERIOD).count() == 4


def test_a_bad_file_writes_nothing_and_says_where(city: City) -> None:
    response = city.client("quality").post(
        reverse("indicator_benchmarks"),
        {
            "file": _book(
                [
                    ["EDU01", "", PERIOD, "十二", None, None, None],  # row 2: text
                    ["NOPE", "", PERIOD, 1, None, None, None],  # row 3: unknown code
                    ["EDU01", "", "2026Q9", 1, None, None, None],  # row 4: bad period
                    ["EDU02", "", PERIOD, 1e308, None, 0, None],  # row 5: range and rank
                    ["EDU03", "", PERIOD, None, None, 5, 3],  # row 6: rank beyond total
                    ["EDU03", "", PERIOD, 70, None, None, None],  # row 7: duplicate of row 6
                ]
            )
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    for expected in [
        "第 2 行，列 省平均：“十二”不是数字",
        "第 3 行，列 指标代码：指标目录中没有指标 NOPE",
        "第 4 行，列 期别",
        "第 5 行，列 省平均：1e+308 超出该指标的有效范围",
        "第 5 行，列 全省排名：排名应为 1 起的整数",
        "第 6 行，列 全省排名：排名 5 大于参评地区数 3",
        "第 7 行，列 指标代码：与第 6 行重复",
    ]:
        assert expected in body, expected
    assert not Benchmark.objects.filter(period=PERIOD).exists()


def test_outsiders_are_refused(city: City) -> None:
    url = reverse("indicator_benchmarks")
    assert city.client("leader").get(url).status_code == 200  # reads
    for user in ("leader", "county", "reporter", "window", "vendor"):
        response = city.client(user).post(url, {"file": _book([["EDU01", "", PERIOD, 1, 2, 1, 9]])})
        assert response.status_code == 403, user
    for user in ("reporter", "window", "vendor"):
        assert city.client(user).get(url).status_code == 403, user
    assert city.client(None).get(url).status_code == 302
    assert not Benchmark.objects.filter(period=PERIOD).exists()
    # Another city's office writes its own city's rank, never ours.
    other = city.client("other_quality")
    assert (
        other.post(url, {"file": _book([["EDU01", "", PERIOD, None, None, 7, 16]])}).status_code
        == 302
    )
    rank = Benchmark.objects.get(period=PERIOD, kind=BenchmarkKind.RANK)
    assert rank.region.name == "外市"


def test_command_round_trip(city: City, tmp_path: Path) -> None:
    path = tmp_path / "b.xlsx"
    out = StringIO()
    call_command(
        "benchmarks",
        "export",
        str(path),
        "--region",
        city.county.parent.code,
        "--period",
        "2026Q3",
        stdout=out,
    )  # type: ignore[union-attr]
    assert json.loads(out.getvalue())["rows"] == Indicator.objects.filter(is_active=True).count()
    ws = load_workbook(path).active
    assert ws is not None and ws["A1"].value == "指标代码"
    out = StringIO()
    call_command("benchmarks", "import", str(path), "--region", city.county.parent.code, stdout=out)  # type: ignore[union-attr]
    counts = json.loads(out.getvalue())
    assert counts["created"] == 0 and counts["updated"] == 0 and counts["unchanged"] > 0
    bad = tmp_path / "bad.csv"
    bad.write_text("指标代码,期别,省平均\nEDU01,2026Q3,abc\n", encoding="gbk")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "benchmarks", "import", str(bad), "--region", city.county.parent.code, stderr=err
        )  # type: ignore[union-attr]
    assert "第 2 行，列 省平均" in err.getvalue()


def test_api_reads_and_writes_with_the_right_scope(city: City) -> None:
    def token(scopes: list[str]) -> Client:
        _, t = api_client_issue(
            actor=city.users["admin"],
            name="省级系统",
            organisation=Organisation.objects.get(key=f"gov-{city.county.parent.code}"),  # type: ignore[union-attr]
            scopes=scopes,
        )
        return Client(HTTP_AUTHORIZATION=f"Bearer {t}")

    body = {
        "rows": [
            {"indicator": "EDU01", "period": PERIOD, "average": 11, "rank": 2, "ranked_of": 16}
        ]
    }
    reader = token([ApiScope.READ_INDICATORS])
    assert (
        reader.post(
            "/api/indicators/benchmarks", json.dumps(body), content_type="application/json"
        ).status_code
        == 403
    )
    writer = token([ApiScope.WRITE_BENCHMARKS])
    ok = writer.post(
        "/api/indicators/benchmarks", json.dumps(body), content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json() == {"created": 2, "updated": 0, "unchanged": 0}
    bad = writer.post(
        "/api/indicators/benchmarks",
        json.dumps({"rows": [{"indicator": "NOPE", "period": PERIOD, "average": 1}]}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["loc"] == ["rows", 1, "indicator"]
    listed = {
        r["indicator"]: r for r in reader.get(f"/api/indicators/benchmarks?period={PERIOD}").json()
    }
    assert (listed["EDU01"]["average"], listed["EDU01"]["rank"], listed["EDU01"]["ranked_of"]) == (
        11.0,
        2,
        16,
    )
    assert Client().get("/api/indicators/benchmarks").status_code == 401
    assert city.client("vendor").get("/api/indicators/benchmarks").status_code == 403
