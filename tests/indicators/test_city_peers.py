"""A city's own standing: its departments report city-level values, the quality office imports
the values the province publishes for the other cities, and the city is ranked among the
province's cities (its scorecard and the ranking's "各市" group). Imports are all or nothing
with every error located; only a city's quality office imports."""

from __future__ import annotations

import io
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.indicators.models import Submission, Value
from minsheng.indicators.selectors import form_spec, open_period
from minsheng.orgs.models import Organisation, Region, RegionLevel
from tests.conftest import City


def _city(city: City) -> Region:
    region = city.county.parent
    assert region is not None and region.level == RegionLevel.CITY
    return region


def _cities(city: City) -> list[Region]:
    return list(Region.objects.filter(level=RegionLevel.CITY).order_by("code"))


def test_the_city_is_ranked_among_the_provinces_cities(city: City) -> None:
    own = _city(city)
    page = city.client("quality").get(reverse("indicator_scorecard", args=[own.code]))
    assert page.status_code == 200 and page.context["peers"] == len(_cities(city)) >= 2
    assert page.context["rows"]  # no longer "本地区没有可比较的同组地区"
    peer = f"cities:{own.parent.code}"  # type: ignore[union-attr]
    ranking = city.client("quality").get(reverse("indicator_ranking"), {"peer": peer})
    assert ranking.status_code == 200
    (row,) = ranking.context["rows"]  # the other cities' figures are for ranking, not shown
    assert row.code == own.code and row.rank is not None
    everyone = city.client("admin").get(reverse("indicator_ranking"), {"peer": peer})
    index = {r.code: r.index for r in everyone.context["rows"] if r.index is not None}
    assert row.rank == 1 + sum(1 for v in index.values() if v > index[own.code])
    # A county officer has no such group.
    assert (
        city.client("county").get(reverse("indicator_ranking"), {"peer": peer}).status_code == 403
    )


def test_departments_report_the_city_level_value(city: City) -> None:
    spec = form_spec(city.users["reporter"].organisation, open_period())
    assert spec.regions[0] == _city(city)
    assert {r.level for r in spec.regions} == {
        RegionLevel.CITY,
        RegionLevel.COUNTY,
        RegionLevel.TOWNSHIP,
    }


def _exported(city: City, period: str) -> bytes:
    response = city.client("quality").get(
        reverse("indicator_benchmarks"), {"period": period, "sheet": "cities", "format": "xlsx"}
    )
    assert response.status_code == 200
    return response.content


def _upload(city: City, user: str, data: bytes, period: str):  # type: ignore[no-untyped-def]
    file = SimpleUploadedFile("各市.xlsx", data)
    return city.client(user).post(
        reverse("indicator_benchmarks"), {"file": file, "action": "cities", "period": period}
    )


def _edit(data: bytes, edits: dict[int, object], extra: list[list[object]] | None = None) -> bytes:
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    header = next(r for r in range(1, 5) if sheet.cell(r, 1).value == "地区代码")
    for offset, value in edits.items():
        sheet.cell(header + offset, 6).value = value
    for row in extra or []:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_other_cities_values_round_trip_and_are_all_or_nothing(city: City) -> None:
    period = "2026Q3"
    data = _exported(city, period)
    values = Value.objects.filter(submission__organisation__kind="quality_office")
    before = {(v.region_id, v.indicator_id, v.submission.period): v.value for v in values}
    assert before  # the demo imported the bulletin
    unchanged = _upload(city, "quality", data, period)
    assert unchanged.status_code == 302
    assert {
        (v.region_id, v.indicator_id, v.submission.period): v.value for v in values.all()
    } == before
    own = _city(city)
    bad = _edit(
        data,
        {1: 12345.0, 2: "很多"},
        extra=[
            [own.code, own.name, "EDU01", "", period, 1.0],
            ["999999000000", "", "EDU01", "", period, 1.0],
        ],
    )
    response = _upload(city, "quality", bad, period)
    assert response.status_code == 400
    errors = response.context["errors"]
    text = "\n".join(errors)
    assert "“很多”不是数字" in text and "本市的数值由各部门报表填报" in text
    assert "“999999000000”不是本省的其他市" in text
    assert {
        (v.region_id, v.indicator_id, v.submission.period): v.value for v in values.all()
    } == before
    # One value changed: stored, and the city's rank among the cities uses it.
    first = load_workbook(io.BytesIO(data)).worksheets[0]
    header = next(r for r in range(1, 5) if first.cell(r, 1).value == "地区代码")
    region, indicator = first.cell(header + 1, 1).value, first.cell(header + 1, 3).value
    changed = _edit(data, {1: 42.0})
    assert _upload(city, "quality", changed, period).status_code == 302
    stored = Value.objects.get(
        region__code=region, indicator__code=indicator, submission__period=period
    )
    assert stored.value == 42.0 and stored.submission.state == "approved"


def test_only_a_citys_quality_office_imports(city: City) -> None:
    data = _exported(city, "2026Q3")
    for outsider in ("leader", "county", "reporter", "window", "vendor"):
        assert _upload(city, outsider, data, "2026Q3").status_code == 403, outsider
    # Another city's office: the file holds its own city's rows, which it may not import
    # (they come from its departments) — refused whole, nothing written.
    count = Value.objects.count()
    response = _upload(city, "other_quality", data, "2026Q3")
    assert response.status_code == 400
    assert all("本市的数值由各部门报表填报" in e for e in response.context["errors"])
    assert Value.objects.count() == count


def test_command_round_trip(city: City, tmp_path: Path) -> None:
    own = _city(city)
    path = tmp_path / "cities.xlsx"
    out = StringIO()
    call_command(
        "benchmarks", "cities-export", str(path), region=own.code, period="2026Q3", stdout=out
    )
    assert '"rows"' in out.getvalue()
    out = StringIO()
    call_command("benchmarks", "cities-import", str(path), region=own.code, stdout=out)
    assert '"created": 0' in out.getvalue() and '"updated": 0' in out.getvalue()
    county = city.county.code
    with pytest.raises(CommandError, match="不是市"):
        call_command("benchmarks", "cities-import", str(path), region=county, stdout=StringIO())
    assert Submission.objects.filter(organisation__kind="quality_office").exists()
    assert Organisation.objects.filter(region=own, kind="quality_office").exists()
