"""Hall targets per region and year (the region's own, else the nearest above, else seed 004's),
set by the quality office on its page or by command; a miss listed on 大厅指标 becomes a task
for the region's government, and the task is decided by the catalog after it changes."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from minsheng.catalog.models import CatalogItem, HallTarget
from minsheng.catalog.selectors import targets_for
from minsheng.catalog.services import TargetError, catalog_store, targets_save
from minsheng.core.catalog.metrics import TARGETS
from minsheng.core.catalog.sheet import items_from_sheet
from minsheng.supervision.models import Task, TaskSource, Verdict
from minsheng.supervision.verify import verdict_for
from tests.catalog.test_catalog_app import _rows
from tests.conftest import City
from tests.core.catalog.test_catalog import _xlsx


@pytest.fixture(autouse=True)
def _no_demo_catalog(city: City) -> None:
    """The county's figures below are the two items stored here alone, against no targets but
    those set here (the demo county's own are set aside; rolled back after)."""
    CatalogItem.objects.all().delete()
    HallTarget.objects.all().delete()


def test_targets_are_inherited_down_the_tree(city: City) -> None:
    root = city.county.parent
    assert root is not None
    targets_save(actor=None, region=root, year=2026, values={"entry_rate": 0.95})
    targets_save(actor=None, region=city.county, year=2026, values={"entry_rate": 0.97})
    assert targets_for(city.county, 2026)["entry_rate"] == 0.97
    assert targets_for(city.other_county, 2026)["entry_rate"] == 0.95
    assert targets_for(city.township, 2026)["entry_rate"] == 0.97  # under the county
    assert targets_for(city.county, 2025) == TARGETS  # another year: seed 004's
    targets_save(actor=None, region=city.county, year=2026, values={"entry_rate": None})
    assert targets_for(city.county, 2026)["entry_rate"] == 0.95
    with pytest.raises(TargetError):
        targets_save(actor=None, region=root, year=2026, values={"entry_rate": 1.2})
    with pytest.raises(TargetError):
        targets_save(actor=None, region=root, year=2026, values={"speed": 0.5})


def test_office_sets_targets_on_its_page_only(city: City) -> None:
    url = reverse("catalog_targets")
    office = city.client("quality")
    page = office.get(url, {"region": city.county.code, "year": 2026})
    assert page.status_code == 200 and "进驻率" in page.content.decode()
    bad = office.post(url, {"region": city.county.code, "year": 2026, "entry_rate": "九十"})
    assert bad.status_code == 400 and "不是百分数" in bad.content.decode()
    too_big = office.post(url, {"region": city.county.code, "year": 2026, "entry_rate": "120"})
    assert too_big.status_code == 400 and not HallTarget.objects.exists()
    saved = office.post(url, {"region": city.county.code, "year": 2026, "entry_rate": "95.5"})
    assert saved.status_code == 302
    saved_target = HallTarget.objects.get(region=city.county, year=2026, metric="entry_rate")
    assert saved_target.target == pytest.approx(0.955)
    for outsider in ("county", "leader", "reporter", "window", "vendor"):
        assert city.client(outsider).get(url).status_code == 403, outsider
    # Another city's office reaches neither the page nor the region.
    assert city.client("other_quality").get(url, {"region": city.county.code}).status_code == 403
    assert city.client(None).get(url).status_code == 302


def test_command_sets_and_shows_targets(city: City) -> None:
    out = StringIO()
    call_command(
        "hall", "targets", "--region", city.county.code, "--year", "2026",
        "--set", "one_visit_rate=0.95", stdout=out,
    )  # fmt: skip
    got = json.loads(out.getvalue())
    assert got["own"] == {"one_visit_rate": 0.95} and got["in_force"]["entry_rate"] == 0.90
    with pytest.raises(CommandError):
        call_command("hall", "targets", "--region", city.county.code, "--set", "x=1")


def test_a_miss_becomes_a_task_decided_by_the_changed_catalog(city: City) -> None:
    root = city.county.parent
    assert root is not None
    rows = _rows(city)  # two county items: instant share 1/2, one-visit 2/2, full online 1/2
    rows[1][10] = 3  # A2 no longer fully online: 全程网办 0/2 < 30 %
    with time_machine.travel(dt.datetime(2026, 3, 1, 2, tzinfo=dt.UTC), tick=False):
        catalog_store(items_from_sheet(_xlsx(rows), filename="a.xlsx"), root=root, actor=None)
    with time_machine.travel(dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC), tick=False):
        page = city.client("quality").get(reverse("catalog_metrics"), {"region": root.code})
        assert page.status_code == 200
        misses = page.context["misses"]
        assert (city.county.code, "full_online_rate") in {(r.code, k) for r, k, *_ in misses}
        url = reverse("catalog_from_hall")
        body = {"region": city.county.code, "metric": "full_online_rate"}
        assert city.client("county").post(url, body).status_code == 403  # the office assigns
        made = city.client("quality").post(url, body)
        assert made.status_code == 302
        task = Task.objects.get(source=TaskSource.HALL)
        assert task.unit.region == city.county and "全程网办率" in task.title
        assert city.client("quality").post(url, body).url == made.url  # the same task again
        met = city.client("quality").post(url, {"region": city.county.code, "metric": "entry_rate"})
        assert met.status_code == 302 and Task.objects.filter(source=TaskSource.HALL).count() == 1
        assert verdict_for(task)[0] == Verdict.NO_DATA  # the catalog has not changed yet
    rows[1][10] = 4  # A2 fully online again: 1/2 = 50 % ≥ 30 %
    with time_machine.travel(dt.datetime(2026, 4, 1, 2, tzinfo=dt.UTC), tick=False):
        catalog_store(items_from_sheet(_xlsx(rows), filename="a.xlsx"), root=root, actor=None)
        verdict, note = verdict_for(task)
    assert verdict == Verdict.VERIFIED and "50.0%" in note
