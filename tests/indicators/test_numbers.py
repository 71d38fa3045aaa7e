"""The numbers on the indicator pages and in their exports against references computed here
from the database rows with plain Python (not the engine): only approved values count, a rank
is taken among the whole peer group whatever the reader sees, the scorecard shows the stored
values and provincial figures, the board counts the submissions, and every export carries the
page's numbers. Tolerance: 1e-9 (the same floats, no arithmetic of their own)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.core.index.periods import Period
from minsheng.indicators.models import (
    Benchmark,
    BenchmarkKind,
    Indicator,
    Submission,
    SubmissionState,
    Value,
)
from minsheng.indicators.selectors import load_panel
from minsheng.orgs.models import Region, RegionLevel
from tests.conftest import City

TOL = 1e-9


def _counties(city: City) -> list[Region]:
    return list(
        Region.objects.filter(level=RegionLevel.COUNTY, parent=city.county.parent).order_by("code")
    )


def _competition_rank(values: dict[str, float], code: str, *, higher_is_better: bool) -> int:
    """1 + the number of regions strictly better (ties share the better rank)."""
    mine = values[code]
    better = [v for v in values.values() if (v > mine if higher_is_better else v < mine)]
    return 1 + len(better)


def test_only_approved_values_enter_the_panel(city: City) -> None:
    counties = _counties(city)
    approved = (
        Value.objects.filter(
            submission__state=SubmissionState.APPROVED,
            region__in=counties,
            indicator__is_active=True,
            indicator__in_index=True,
            value__isnull=False,
        )
        .select_related("submission", "indicator", "region")
        .order_by("-submission__period", "pk")
        .first()
    )
    assert approved is not None
    period = Period.parse(approved.submission.period)

    def cell() -> float:
        panel = load_panel(counties, period)
        r = panel.regions.index(approved.region.code)
        i = [ind.code for ind in panel.indicators].index(approved.indicator.code)
        return float(panel.values[r, i, panel.period_index(period)])

    assert cell() == pytest.approx(approved.value, abs=TOL)
    for state in (SubmissionState.SUBMITTED, SubmissionState.RETURNED, SubmissionState.DRAFT):
        Submission.objects.filter(pk=approved.submission_id).update(state=state)
        assert cell() != cell(), state  # NaN: the value no longer counts


def test_an_officer_sees_its_rank_among_the_whole_group(city: City) -> None:
    everyone = city.client("quality").get(reverse("indicator_ranking")).context["rows"]
    index = {r.code: r.index for r in everyone if r.index is not None}
    assert len(index) == len(_counties(city))
    for row in everyone:  # the page's ranks are competition ranks of its own index values
        assert row.rank == _competition_rank(index, row.code, higher_is_better=True)
    (own,) = city.client("county").get(reverse("indicator_ranking")).context["rows"]
    assert own.code == city.county.code
    assert own.rank == _competition_rank(index, city.county.code, higher_is_better=True)
    assert own.index == pytest.approx(index[city.county.code], abs=TOL)


def test_ranking_export_carries_the_pages_numbers(city: City) -> None:
    client = city.client("quality")
    rows = client.get(reverse("indicator_ranking")).context["rows"]
    book = load_workbook(
        io.BytesIO(client.get(reverse("indicator_ranking"), {"format": "xlsx"}).content)
    )
    sheet = book.worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(values) if r and "地区代码" in [str(v) for v in r])
    columns = [str(v) for v in values[header]]
    data = {r[columns.index("地区代码")]: r for r in values[header + 1 :] if r[0]}
    for row in rows:
        got = data[row.code]
        assert got[columns.index("排名")] == row.rank
        assert got[columns.index("水平指数")] == pytest.approx(row.index, abs=TOL)


def test_scorecard_shows_the_stored_values_and_provincial_figures(city: City) -> None:
    response = city.client("quality").get(reverse("indicator_scorecard", args=[city.county.code]))
    period = str(response.context["period"])
    counties = _counties(city)
    stored = {
        (v.region.code, v.indicator.code): v.value
        for v in Value.objects.filter(
            submission__state=SubmissionState.APPROVED,
            submission__period=period,
            region__in=counties,
        ).select_related("region", "indicator")
        if v.value is not None
    }
    averages = {
        b.indicator.code: b.value
        for b in Benchmark.objects.filter(
            period=period,
            kind=BenchmarkKind.AVERAGE,
            region=city.county.parent.parent,  # type: ignore[union-attr]
        ).select_related("indicator")
    }
    polarity = dict(Indicator.objects.values_list("code", "polarity"))
    checked = 0
    for row in response.context["rows"]:
        value = stored.get((city.county.code, row.code))
        if row.code not in polarity or value is None:
            assert row.value is None or row.code not in polarity
            continue
        assert row.value == pytest.approx(value, abs=TOL)
        assert row.average == (
            pytest.approx(averages[row.code], abs=TOL) if row.code in averages else None
        )
        peers = {
            c.code: stored[(c.code, row.code)] for c in counties if (c.code, row.code) in stored
        }
        assert row.peers == len(peers)
        expected = _competition_rank(
            peers, city.county.code, higher_is_better=polarity[row.code] > 0
        )
        assert row.rank == expected, row.code
        checked += 1
    assert checked >= 10


def test_board_counts_the_submissions(city: City) -> None:
    response = city.client("quality").get(reverse("indicator_board"))
    period = str(response.context["period"])
    rows = response.context["rows"]
    by_org = {s.organisation_id: s.state for s in Submission.objects.filter(period=period)}
    assert rows
    for row in rows:
        assert row.state == by_org.get(row.organisation.pk, "none")
    shown = {row.organisation.pk for row in rows}
    done = sum(
        1
        for org, state in by_org.items()
        if org in shown and state in (SubmissionState.SUBMITTED, SubmissionState.APPROVED)
    )
    assert response.context["done"] == done and response.context["total"] == len(rows)


def _sheet_rows(content: bytes, first_header: str) -> tuple[list[str], list[list[object]]]:
    values = [
        [c.value for c in row]
        for row in load_workbook(io.BytesIO(content)).worksheets[0].iter_rows()
    ]
    header = next(i for i, r in enumerate(values) if r and r[0] == first_header)
    return [str(v) for v in values[header]], [r for r in values[header + 1 :] if r[0]]


def test_scorecard_and_warnings_exports_carry_the_pages_numbers(city: City) -> None:
    client = city.client("quality")
    url = reverse("indicator_scorecard", args=[city.county.code])
    rows = client.get(url).context["rows"]
    columns, data = _sheet_rows(client.get(url, {"format": "xlsx"}).content, "指标代码")
    by_code = {r[0]: r for r in data}
    assert set(by_code) == {r.code for r in rows}
    for row in rows:
        got = by_code[row.code]
        for label, value in (("数值", row.value), ("得分", row.score), ("同组排名", row.rank)):
            cell = got[columns.index(label)]
            assert (cell is None) == (value is None), (row.code, label)
            if value is not None:
                assert cell == pytest.approx(value, abs=TOL), (row.code, label)
    page = client.get(reverse("indicator_warnings"))
    every = page.context["paged"].page.paginator.object_list
    columns, data = _sheet_rows(
        client.get(reverse("indicator_warnings"), {"format": "xlsx"}).content, "地区代码"
    )
    assert len(data) == len(every) > 0
    exported = [(r[0], r[columns.index("指标代码")] or "", r[columns.index("说明")]) for r in data]
    assert exported == [(w.region, w.indicator or "", w.message) for w in every]
