"""The catalog stored and versioned: all or nothing with every unknown region or organisation
located; a changed item's old version closed; the metrics of any date; the command's JSON; the
大厅指标 page for its readers only."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from minsheng.catalog.models import CatalogItem
from minsheng.catalog.selectors import metrics_tree
from minsheng.catalog.services import catalog_store
from minsheng.core.catalog.sheet import items_from_sheet
from minsheng.core.tabular import TableError
from minsheng.orgs.models import Organisation
from tests.conftest import City
from tests.core.catalog.test_catalog import _xlsx


@pytest.fixture(autouse=True)
def _no_demo_catalog(city: City) -> None:
    """These tests count items: the demo city's catalog is set aside (rolled back after)."""
    CatalogItem.objects.all().delete()


def _rows(city: City) -> list[list[object]]:
    county = city.county.code
    dept = Organisation.objects.filter(kind="department", region=city.county.parent).first()
    assert dept is not None
    org = dept.name
    return [
        ["A1", "食品经营许可", "行政许可", org, "县", county, 20, 10, "承诺件", 1, 3, "是", ""],
        ["A2", "医师执业注册", "行政许可", org, "县", county, 20, 0, "即办件", 0, 4, "否", "医院"],
    ]  # fmt: skip


def test_store_version_and_metrics(city: City) -> None:
    root = city.county.parent
    assert root is not None
    rows = _rows(city)
    with time_machine.travel(dt.datetime(2026, 6, 1, 2, tzinfo=dt.UTC), tick=False):
        first = catalog_store(
            items_from_sheet(_xlsx(rows), filename="a.xlsx"), root=root, actor=None
        )
    assert (first.created, first.changed, first.unchanged) == (2, 0, 0)
    rows[0][7] = 5  # promised 10 → 5 working days
    with time_machine.travel(dt.datetime(2026, 9, 1, 2, tzinfo=dt.UTC), tick=False):
        second = catalog_store(
            items_from_sheet(_xlsx(rows), filename="a.xlsx"), root=root, actor=None
        )
    assert (second.created, second.changed, second.unchanged) == (0, 1, 1)
    versions = CatalogItem.objects.filter(code="A1").order_by("valid_from")
    assert [v.promised_days for v in versions] == [10, 5] and versions[0].valid_to is not None
    # The county as it stood in July, and now: legal 40; promised 10 then 5 (+0).
    july, _children = metrics_tree(city.county, dt.date(2026, 7, 1))
    now, _children = metrics_tree(city.county)
    assert july.time_cut_rate == pytest.approx(1 - 10 / 40)
    assert now.time_cut_rate == pytest.approx(1 - 5 / 40)
    assert now.entry_rate == 1.0  # A2 is out of the hall with a reason
    city_level, children = metrics_tree(root)
    assert city_level.items == 2
    assert [m.items for c, m in children if c == city.county] == [2]


def test_unknown_regions_and_organisations_store_nothing(city: City) -> None:
    root = city.county.parent
    assert root is not None
    rows = _rows(city)
    rows.append(
        ["A3", "x", "行政许可", "不存在的局", "县", city.county.code, 1, 1, "", 1, 1, "是", ""]
    )
    rows.append(["A4", "y", "行政许可", rows[0][3], "县", "399900000000", 1, 1, "", 1, 1, "是", ""])
    with pytest.raises(TableError) as caught:
        catalog_store(items_from_sheet(_xlsx(rows), filename="a.xlsx"), root=root, actor=None)
    assert {(e.row, e.column) for e in caught.value.errors} == {(4, "实施主体"), (5, "所属区划")}
    assert not CatalogItem.objects.exists()
    made = catalog_store(
        items_from_sheet(_xlsx(rows[:3]), filename="a.xlsx"),
        root=root,
        actor=None,
        create_missing=True,
    )
    assert (
        made.organisations_created == 1 and Organisation.objects.filter(name="不存在的局").exists()
    )


def test_commands(city: City, tmp_path: Path) -> None:
    path = tmp_path / "事项.xlsx"
    path.write_bytes(_xlsx(_rows(city)))
    root = city.county.parent
    assert root is not None
    out = StringIO()
    call_command("catalog", "import", str(path), "--region", root.code, stdout=out)
    assert json.loads(out.getvalue())["created"] == 2
    out = StringIO()
    call_command("hall", "metrics", "--region", root.code, stdout=out)
    got = json.loads(out.getvalue())
    assert got["region"] == root.code and got["items"] == 2
    assert set(got) >= {"entry_rate", "online_rate", "full_online_rate", "instant_rate",
                        "one_visit_rate", "time_cut_rate", "children"}  # fmt: skip
    assert any(c["region"] == city.county.code and c["items"] == 2 for c in got["children"])
    with pytest.raises(CommandError):
        call_command("hall", "metrics", "--region", "000000000000")


def test_page_for_its_readers_only(city: City) -> None:
    root = city.county.parent
    assert root is not None
    catalog_store(items_from_sheet(_xlsx(_rows(city)), filename="a.xlsx"), root=root, actor=None)
    url = reverse("catalog_metrics")
    page = city.client("quality").get(url)
    assert page.status_code == 200 and "进驻率" in page.content.decode()
    assert city.client("county").get(url).status_code == 200
    assert city.client("county").get(url, {"region": city.other_county.code}).status_code == 403
    for outsider in ("reporter", "window", "vendor"):
        assert city.client(outsider).get(url).status_code == 403, outsider
    assert city.client(None).get(url).status_code == 302


def test_the_demo_catalog_changes_between_its_two_versions(city: City) -> None:
    from minsheng.catalog.demo_steps import build_catalog

    build_catalog(city.ctx)
    root = city.county.parent
    assert root is not None
    june, _ = metrics_tree(root, dt.date(2026, 7, 1))
    october, _ = metrics_tree(root, dt.date(2026, 10, 2))
    assert june.items == october.items > 0
    # October's revisions only shorten promises and bring items into the hall.
    assert (october.time_cut_rate or 0) >= (june.time_cut_rate or 0)
    assert (october.entry_rate or 0) >= (june.entry_rate or 0)


def test_metrics_export(city: City) -> None:
    import io

    import openpyxl

    root = city.county.parent
    assert root is not None
    catalog_store(items_from_sheet(_xlsx(_rows(city)), filename="a.xlsx"), root=root, actor=None)
    got = city.client("leader").get(reverse("catalog_metrics"), {"format": "xlsx"})
    assert got.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(got.content)).active
    assert sheet is not None
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    header = next(k for k, r in enumerate(rows) if r[0] == "地区")
    assert rows[header + 1][0] == "目标" and rows[header + 1][2] == 0.9
    assert rows[header + 2][:3] == [root.name, 2, 1.0]
