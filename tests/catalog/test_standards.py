"""The basic public-service standard lists (清单+标准): the reader with every problem located
(a local list must say how each item stands against the national one), editions kept side by
side, each item linked to the indicators that monitor it, the items nothing monitors shown;
the demo's list is marked as a sample; loading is the office's, reading the region readers'."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from minsheng.catalog.models import StandardItem, StandardList
from minsheng.core.catalog.standards import standards_from_table
from minsheng.core.tabular import TableError, read_table
from tests.conftest import City

HEADER = (
    "领域,类别,序号,服务项目,服务对象,服务内容,服务标准,支出责任,牵头负责单位,对标情况,监测指标\n"
)


def _csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def test_reader_locates_every_problem() -> None:
    good = _csv("弱有所扶,社会救助,1,甲,乙,丙,丁,戊,民政部门,高于国标,SOC03、EDU01")
    (row,) = standards_from_table(read_table(good, filename="a.csv"), local=True)
    assert row.flag == "高于国标" and row.indicators == ("SOC03", "EDU01")
    bad = _csv(
        "弱有所扶,社会救助,1,甲,乙,丙,丁,戊,民政部门,更好,",
        "弱有所扶,,2,,乙,丙,丁,戊,民政部门,本地新增,",
        "弱有所扶,社会救助,3,甲,乙,丙,丁,戊,民政部门,等同国标,",
    )
    with pytest.raises(TableError) as caught:
        standards_from_table(read_table(bad, filename="a.csv"), local=True)
    assert {(e.row, e.column) for e in caught.value.errors} == {
        (2, "对标情况"),
        (3, "类别"),
        (3, "服务项目"),
        (4, "服务项目"),  # the same item as row 2
    }
    national = _csv("弱有所扶,社会救助,1,甲,乙,丙,丁,戊,民政部门,高于国标,")
    with pytest.raises(TableError, match="国家清单不填对标情况"):
        standards_from_table(read_table(national, filename="a.csv"), local=False)


def test_command_keeps_editions_and_checks_indicator_codes(city: City, tmp_path: Path) -> None:
    before = StandardList.objects.count()
    path = tmp_path / "local.csv"
    path.write_bytes(_csv("弱有所扶,社会救助,1,甲,乙,丙,丁,戊,民政部门,高于国标,SOC03"))
    out = StringIO()
    call_command(
        "standards", "import", str(path), "--name", "本市清单", "--region",
        city.county.parent.code, "--local", stdout=out,  # type: ignore[union-attr]
    )  # fmt: skip
    edition = json.loads(out.getvalue())["edition"]
    assert StandardList.objects.count() == before + 1
    out = StringIO()
    call_command("standards", "list", "--edition", str(edition), stdout=out)
    assert json.loads(out.getvalue()) == [
        {"area": "弱有所扶", "category": "社会救助", "name": "甲", "flag": "高于国标",
         "indicators": ["SOC03"]}
    ]  # fmt: skip
    path.write_bytes(_csv("弱有所扶,社会救助,1,甲,乙,丙,丁,戊,民政部门,高于国标,NOPE1"))
    with pytest.raises(CommandError):
        call_command("standards", "import", str(path), "--name", "x", "--local")
    assert StandardList.objects.count() == before + 1


def test_page_shows_the_sample_and_what_nothing_monitors(city: City) -> None:
    url = reverse("catalog_standards")
    page = city.client("quality").get(url)
    assert page.status_code == 200
    body = page.content.decode()
    sample = StandardList.objects.get(is_sample=True)
    assert "不是国家标准原文" in body and "示例" in sample.name
    nothing = StandardItem.objects.filter(standard_list=sample, indicators=None).count()
    assert page.context["unmonitored"] == nothing > 0
    only = city.client("quality").get(url, {"unmonitored": "1"})
    assert len(only.context["items"]) == nothing
    upload = SimpleUploadedFile("n.csv", _csv("幼有所育,学前教育,1,甲,乙,丙,丁,戊,教育部门,,EDU03"))
    made = city.client("quality").post(url, {"name": "新版", "file": upload})
    assert made.status_code == 302 and StandardList.objects.filter(name="新版").exists()
    bad = SimpleUploadedFile("n.csv", _csv("幼有所育,,1,甲,乙,丙,丁,戊,教育部门,,"))
    refused = city.client("quality").post(url, {"name": "坏", "file": bad})
    assert refused.status_code == 400 and not StandardList.objects.filter(name="坏").exists()
    assert city.client("county").get(url).status_code == 200
    again = SimpleUploadedFile("n.csv", _csv("幼有所育,学前教育,1,甲,乙,丙,丁,戊,教育部门,,"))
    assert city.client("county").post(url, {"name": "县", "file": again}).status_code == 403
    for outsider in ("reporter", "window", "vendor"):
        assert city.client(outsider).get(url).status_code == 403, outsider


def test_over_long_text_is_located() -> None:
    data = _csv(f"{'领' * 51},社会救助,1,甲,乙,丙,丁,戊,民政部门,,")
    with pytest.raises(TableError) as caught:
        standards_from_table(read_table(data, filename="a.csv"), local=False)
    assert {(e.row, e.column) for e in caught.value.errors} == {(2, "领域")}


def test_standards_checked_by_inspection_items_count_as_monitored(city: City) -> None:
    from minsheng.catalog.services import standards_store

    root = city.county.parent
    assert root is not None  # the demo's city has the service-centre checklist (YC1 …)
    header = HEADER.strip() + ",检查项目\n"
    data = (
        header
        + "政务服务,便民服务,1,一次性告知,群众,告知材料,告知全部材料,—,政务服务局,本地新增,,YC1\n"
        + "政务服务,便民服务,2,窗口纪律,群众,文明服务,无脱岗,—,政务服务局,本地新增,,ZZ9\n"
    ).encode()
    rows = standards_from_table(read_table(data, filename="s.csv"), local=True)
    assert rows[0].checks == ("YC1",)
    with pytest.raises(TableError) as caught:
        standards_store(rows, name="本地清单", region=root, actor=None)
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "检查项目")]
    edition = standards_store(rows[:1], name="本地清单", region=root, actor=None)
    item = StandardItem.objects.get(standard_list=edition)
    assert item.checks == ["YC1"] and not item.indicators.exists()
    page = city.client("quality").get(reverse("catalog_standards"), {"edition": edition.pk})
    assert page.context["unmonitored"] == 0 and "明察暗访 YC1" in page.content.decode()
