"""A poll's saved sampling plan: design weights N_h / r_h with the nonresponse adjustment within
each region × stratum cell, bad files changing nothing, the cells used as strata in the results,
and outsiders refused."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minsheng.orgs.models import Region, RegionLevel
from minsheng.polls.models import PlanCell, Poll, Respondent
from minsheng.polls.results import poll_results, score_spread
from minsheng.polls.services import fieldwork_import
from tests.conftest import City
from tests.polls.test_polls import _csv, _poll

STRATA = {"移动": 36_000, "联通": 24_000}


def _frame(counties: list[Region], extra: str = "") -> bytes:
    lines = ["region,stratum,count"]
    for k, county in enumerate(counties):
        for stratum, count in STRATA.items():
            lines.append(f"{county.code},{stratum},{count * (k + 1)}")
    return ("\n".join(lines) + "\n" + extra).encode("gbk")


def _counties(city: City) -> list[Region]:
    return list(
        Region.objects.filter(level=RegionLevel.COUNTY, parent=city.county.parent).order_by("code")
    )


def _save_plan(city: City, poll: Poll, frame: bytes) -> object:
    return city.client("quality").post(
        reverse("poll_plan", args=[poll.pk]),
        {
            "file": SimpleUploadedFile("frame.csv", frame),
            "method": "proportional",
            "total": "120",
            "action": "save",
        },
    )


def test_design_weights_from_the_plan_with_nonresponse_adjustment(city: City) -> None:
    poll = _poll(city)
    counties = _counties(city)
    page = _save_plan(city, poll, _frame(counties))
    assert page.context["errors"] == [] and page.context["saved"]  # type: ignore[attr-defined]
    assert PlanCell.objects.filter(poll=poll).count() == 2 * len(counties)
    # A frame naming a region outside the poll's city is refused; the saved plan stays.
    page = _save_plan(city, poll, _frame(counties, "999999,移动,100\n"))
    assert any("999999" in e for e in page.context["errors"])  # type: ignore[attr-defined]
    assert PlanCell.objects.filter(poll=poll).count() == 2 * len(counties)

    fieldwork_import(poll, _csv(city, 90, seed=3), filename="f.csv", actor="t")
    url = reverse("poll_weights", args=[poll.pk])
    quality = city.client("quality")
    issued_lines = ["region,stratum,issued"]
    for cell in PlanCell.objects.filter(poll=poll).select_related("region"):
        issued_lines.append(f"{cell.region.code},{cell.stratum},{cell.quota + 100}")
    issued = "\n".join(issued_lines) + "\n"
    # Issued above the frame: located error, nothing changed.
    too_many = issued + f"{counties[0].code},移动,999999\n"
    page = quality.post(
        url,
        {"action": "design", "issued": SimpleUploadedFile("i.csv", too_many.encode())},
    )
    assert any("发放数超过抽样框数量" in e for e in page.context["errors"])
    assert not PlanCell.objects.filter(poll=poll, issued__isnull=False).exists()
    assert set(Respondent.objects.filter(poll=poll).values_list("weight", flat=True)) == {1.0}

    stale = {"method": "rake", "margins": [["sex", {"男": 1, "女": 1}]], "trim": None}
    Poll.objects.filter(pk=poll.pk).update(calibration=stale)
    page = quality.post(
        url, {"action": "design", "issued": SimpleUploadedFile("i.csv", issued.encode())}
    )
    assert page.context["errors"] == [], page.context["errors"]
    poll.refresh_from_db()
    assert poll.calibration == {}  # new design weights undo an earlier raking
    by_cell: dict[int, list[float]] = defaultdict(list)
    for r in Respondent.objects.filter(poll=poll):
        assert r.cell is not None and r.cell.stratum == r.stratum
        assert r.base_weight == r.weight
        by_cell[r.cell_id].append(r.weight)  # type: ignore[index]
    shown = {c.cell.pk: c.weight for c in page.context["cells"]}
    assert by_cell
    for cell in PlanCell.objects.filter(poll=poll):
        weights = by_cell.get(cell.pk)
        if not weights:  # a cell nobody answered in: shown without a weight, not guessed
            assert shown[cell.pk].weight is None and shown[cell.pk].responded == 0
            continue
        # Every respondent of a cell carries N_h / r_h; together they stand for the frame.
        assert weights == pytest.approx([cell.frame / len(weights)] * len(weights))
        assert sum(weights) == pytest.approx(cell.frame)
    some = next(w for w in shown.values() if w.responded)
    assert some.adjustment == pytest.approx(some.issued / some.responded)
    assert some.base == pytest.approx(some.frame / some.issued)

    # Results use the plan's cells as strata, and the weighted mean is the design weighted one.
    results = poll_results(poll, "county")
    assert results.overall is not None
    scores = {1: 100.0, 2: 80.0, 3: 60.0, 4: 40.0, 5: 20.0}
    total = weighted = 0.0
    for r in Respondent.objects.filter(poll=poll):
        values = [scores[int(a)] for c, a in r.answers.items() if c != "Q0" and a != "9"]
        total += r.weight
        weighted += r.weight * float(np.mean(values))
    assert results.overall.estimate == pytest.approx(weighted / total, rel=1e-9)


def test_respondents_outside_the_plan_are_reported(city: City) -> None:
    poll = _poll(city)
    counties = _counties(city)
    only_mobile = "region,stratum,count\n" + "".join(f"{c.code},移动,5000\n" for c in counties)
    _save_plan(city, poll, only_mobile.encode())
    fieldwork_import(poll, _csv(city, 30, seed=4), filename="f.csv", actor="t")
    page = city.client("quality").post(
        reverse("poll_weights", args=[poll.pk]), {"action": "design"}
    )
    assert any("找不到所属的地区与层" in e for e in page.context["errors"])
    assert not Respondent.objects.filter(poll=poll, cell__isnull=False).exists()


def test_more_respondents_than_issued_is_refused(city: City) -> None:
    poll = _poll(city)
    counties = _counties(city)
    _save_plan(city, poll, _frame(counties))
    fieldwork_import(poll, _csv(city, 90, seed=5), filename="f.csv", actor="t")
    issued = "region,stratum,issued\n" + "".join(
        f"{c.code},{s},1\n" for c in counties for s in STRATA
    )
    page = city.client("quality").post(
        reverse("poll_weights", args=[poll.pk]),
        {"action": "design", "issued": SimpleUploadedFile("i.csv", issued.encode())},
    )
    assert any("完成数超过发放数" in e for e in page.context["errors"])
    # The issued counts were part of the same transaction: not kept either.
    assert not PlanCell.objects.filter(poll=poll, issued__isnull=False).exists()


def test_outsiders_cannot_save_plans_or_weights(city: City) -> None:
    poll = _poll(city)
    for outsider in ("vendor", "county", "other_quality", "other_county"):
        client = city.client(outsider)
        page = client.post(reverse("poll_weights", args=[poll.pk]), {"action": "design"})
        assert page.status_code == 403
        refused = client.post(
            reverse("poll_plan", args=[poll.pk]),
            {"file": SimpleUploadedFile("f.csv", _frame(_counties(city))), "action": "save"},
        )
        assert refused.status_code == 403
    assert not PlanCell.objects.filter(poll=poll).exists()
    anonymous = city.client(None).post(
        reverse("poll_weights", args=[poll.pk]), {"action": "design"}
    )
    assert anonymous.status_code == 302


def test_neyman_allocation_uses_the_previous_rounds_spread(city: City) -> None:
    before = _poll(city, "2026Q2")
    # The better county answers at the top of the scale, so its scores vary less.
    fieldwork_import(
        before, _csv(city, 300, seed=6, better=city.county.code), filename="b.csv", actor="t"
    )
    poll = _poll(city, "2026Q3", previous=before)
    spread = score_spread(before)
    assert spread[city.county.code] < min(v for k, v in spread.items() if k != city.county.code)
    counties = _counties(city)
    frame = "region,stratum,count\n" + "".join(f"{c.code},移动,10000\n" for c in counties)
    url = reverse("poll_plan", args=[poll.pk])
    quotas = {}
    for method in ("proportional", "neyman"):
        page = city.client("quality").post(
            url,
            {
                "file": SimpleUploadedFile("f.csv", frame.encode()),
                "method": method,
                "total": "600",
            },
        )
        quotas[method] = {r.region: r.quota for r in page.context["rows"]}
    equal = 600 // len(counties)
    assert quotas["proportional"][city.county.code] == equal
    assert quotas["neyman"][city.county.code] < equal


def test_a_frame_region_outside_the_poll_is_located_and_nothing_is_saved(city: City) -> None:
    poll = _poll(city)
    frame = _frame(_counties(city), extra="999999000000,移动,5000\n")
    response = _save_plan(city, poll, frame)
    errors = response.context["errors"]  # type: ignore[attr-defined]
    rows = len(_counties(city)) * len(STRATA) + 2
    assert errors == [
        f"工作表 frame，第 {rows} 行，列 region：“999999000000”不是本测评范围内的县区或乡镇"
    ]
    assert not PlanCell.objects.filter(poll=poll).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("total", "1" + "0" * 30),
        ("total", "nan"),
        ("per_region", "-5"),
        ("margin", "inf"),
        ("deff", "1e308"),
        ("min_n", "2.5"),
        ("total", "x" * 5000),
    ],
)
def test_plan_numbers_out_of_range_name_their_field(city: City, field: str, value: str) -> None:
    poll = _poll(city)
    form = {
        "file": SimpleUploadedFile("frame.csv", _frame(_counties(city))),
        "method": "proportional",
        "total": "120",
        "action": "save",
        field: value,
    }
    response = city.client("quality").post(reverse("poll_plan", args=[poll.pk]), form)
    assert response.status_code == 200
    labels = {
        "total": "总样本量",
        "per_region": "每地区样本量",
        "margin": "误差界",
        "deff": "设计效应",
        "min_n": "每地区最少",
    }
    (error,) = response.context["errors"]
    assert error.startswith(labels[field] + "须为 "), error
    assert not PlanCell.objects.filter(poll=poll).exists()


def test_frame_counts_beyond_any_population_are_refused(city: City) -> None:
    poll = _poll(city)
    response = _save_plan(
        city, poll, _frame(_counties(city), extra=f"{city.county.code},电信,1e308\n")
    )
    (error,) = response.context["errors"]  # type: ignore[attr-defined]
    assert "第 8 行，列 count：抽样框数量须为 0 至" in error
    assert not PlanCell.objects.filter(poll=poll).exists()
