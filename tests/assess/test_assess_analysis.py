"""Assessment, wired to the rest: the inspection component and the per-occurrence deductions
recomputed here from their sources, 一票否决 grading a unit lowest, what-if on the page, the
unit's 实绩档案, the results API — and outsiders refused on each."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from minsheng.accounts.models import ApiScope
from minsheng.accounts.services import api_client_issue
from minsheng.assess.models import Scheme
from minsheng.assess.services import run_compute, run_confirm, scheme_save
from minsheng.core.index.periods import Period
from minsheng.inspections.models import Visit, VisitState
from minsheng.orgs.models import Organisation
from tests.conftest import City

RULES = {
    "components": {"inspection": 60, "hall": 40},
    "grades": [[80, "良好"], [60, "合格"], [0, "不合格"]],
    "deductions": {"inspection_finding": 0.5},
}


@pytest.fixture(autouse=True)
def _no_demo_schemes(city: City) -> None:
    Scheme.objects.all().delete()


def _scheme(city: City) -> Scheme:
    root = city.county.parent
    assert root is not None
    return scheme_save(actor=None, region=root, year=2026, name="县区考核", rules=RULES)


def test_inspection_component_and_deductions_from_the_visits(city: City) -> None:
    run = run_compute(actor=None, scheme=_scheme(city), period=Period(2026, 4))
    mine = next(r for r in run.results if r["unit"] == city.county.code)
    visits = Visit.objects.filter(
        state=VisitState.SUBMITTED, plan__period="2026Q4", score__isnull=False,
        **city.county.subtree_filter("site__region__"),
    )  # fmt: skip
    scores = [v.score for v in visits]
    assert scores, "the demo's fourth-quarter round visits this county"
    assert mine["components"]["inspection"] == pytest.approx(sum(scores) / len(scores), abs=1e-4)
    findings = sum(1 for v in visits for mark in v.results.values() if mark == "fail")
    assert mine["deductions"].get("明察暗访发现问题", 0) == pytest.approx(0.5 * findings)
    parts = mine["components"]
    base = sum(RULES["components"][c] * v for c, v in parts.items()) / sum(  # type: ignore[index]
        RULES["components"][c]
        for c in parts  # type: ignore[index]
    )
    assert mine["total"] == pytest.approx(base - 0.5 * findings, abs=1e-4)


def test_veto_whatif_and_unit_file(city: City) -> None:
    scheme = _scheme(city)
    run = run_compute(actor=None, scheme=scheme, period=Period(2026, 4))
    office = city.client("quality")
    before = next(r for r in run.results if r["unit"] == city.other_county.code)
    vetoed = office.post(
        reverse("assess_adjust", args=[run.pk]),
        {"unit": city.county.code, "kind": "veto", "reason": "发生重大安全责任事故"},
    )
    assert vetoed.status_code == 302
    bonus = office.post(
        reverse("assess_adjust", args=[run.pk]),
        {"unit": city.other_county.code, "kind": "bonus", "points": "3", "reason": "创新做法"},
    )
    assert bonus.status_code == 302
    refused = office.post(
        reverse("assess_adjust", args=[run.pk]),
        {"unit": city.county.code, "kind": "bonus", "points": "很多", "reason": "x"},
    )
    assert refused.status_code == 302 and scheme.runs.count() == 3  # no run for a bad entry
    again = scheme.runs.order_by("-pk").first()
    assert again is not None and again.pk != run.pk
    row = next(r for r in again.results if r["unit"] == city.county.code)
    assert row["vetoed"] and row["grade"] == "不合格" and row["vetoes"] == ["发生重大安全责任事故"]
    # The bonus is added up to the scheme's cap (none given: cap 0 → nothing added).
    other = next(r for r in again.results if r["unit"] == city.other_county.code)
    assert other["bonuses"] == {"创新做法": 3.0}
    assert other["total"] == pytest.approx(before["total"], abs=1e-6)
    # What-if: all weight on the hall metrics — the page shows the new order.
    page = office.get(
        reverse("assess_whatif", args=[again.pk]), {"w-inspection": "0", "w-hall": "1"}
    )
    assert page.status_code == 200
    moves = {m.unit: m for _name, m in page.context["moves"]}
    hall = {r["unit"]: r["components"].get("hall") for r in again.results}
    # Everyone's new total is their hall figure less deductions (the veto does not move it).
    for unit, m in moves.items():
        ded = sum(next(r for r in again.results if r["unit"] == unit)["deductions"].values())
        if hall[unit] is not None:
            assert m.total_after == pytest.approx(hall[unit] - ded, abs=1e-3)
    best = max(m.total_after for m in moves.values())
    assert all((m.rank_after == 1) == (m.total_after == best) for m in moves.values())
    bad = office.get(reverse("assess_whatif", args=[again.pk]), {"w-hall": "很多"})
    assert bad.status_code == 400
    for who in ("county", "reporter", "other_quality", "window"):
        assert city.client(who).post(
            reverse("assess_adjust", args=[again.pk]),
            {"unit": city.county.code, "kind": "veto", "reason": "x"},
        ).status_code in (403, 404), who
        assert city.client(who).get(reverse("assess_whatif", args=[again.pk])).status_code == 403
    # 实绩档案: confirmed results only; the unit's officer sees their own, not a neighbour's.
    run_confirm(actor=None, run=again)
    own = city.client("county").get(reverse("assess_unit", args=[city.county.code]))
    assert own.status_code == 200 and len(own.context["rows"]) == 1
    assert "发生重大安全责任事故" in own.content.decode()
    neighbour = reverse("assess_unit", args=[city.other_county.code])
    assert city.client("county").get(neighbour).status_code in (403, 404)
    assert city.client("other_quality").get(neighbour).status_code in (403, 404)
    assert Client().get(neighbour).status_code == 302


def test_results_api_scopes(city: City) -> None:
    run = run_compute(actor=None, scheme=_scheme(city), period=Period(2026, 4))
    office = city.client("quality").get(f"/api/assess/runs/{run.pk}").json()
    assert {u["unit"] for u in office["units"]} == {r["unit"] for r in run.results}
    assert all("components" in u for u in office["units"])
    county = city.client("county")
    assert county.get(f"/api/assess/runs/{run.pk}").status_code == 403  # not confirmed
    assert county.get("/api/assess/runs").json() == []
    run_confirm(actor=None, run=run)
    seen = county.get(f"/api/assess/runs/{run.pk}").json()
    with_parts = [u["unit"] for u in seen["units"] if "components" in u]
    assert with_parts == [city.county.code] and seen["rules"] is None
    for who in ("other_quality", "window", "vendor"):
        assert city.client(who).get(f"/api/assess/runs/{run.pk}").status_code == 403, who
    assert Client().get(f"/api/assess/runs/{run.pk}").status_code == 401
    city_org = Organisation.objects.get(key=f"quality-{run.scheme.region.code}")
    _, bare = api_client_issue(actor=city.users["admin"], name="a", organisation=city_org,
                               scopes=[ApiScope.READ_REGIONS])  # fmt: skip
    assert Client(HTTP_AUTHORIZATION=f"Bearer {bare}").get("/api/assess/runs").status_code == 403
    _, token = api_client_issue(actor=city.users["admin"], name="b", organisation=city_org,
                                scopes=[ApiScope.READ_ASSESS])  # fmt: skip
    machine = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert [r["id"] for r in machine.get("/api/assess/runs").json()] == [run.pk]
    assert machine.get(f"/api/assess/runs/{run.pk}").status_code == 200
    other_org = Organisation.objects.get(key=f"gov-{city.county.code}")
    _, narrow = api_client_issue(actor=city.users["admin"], name="c", organisation=other_org,
                                 scopes=[ApiScope.READ_ASSESS])  # fmt: skip
    outsider = Client(HTTP_AUTHORIZATION=f"Bearer {narrow}")
    assert outsider.get(f"/api/assess/runs/{run.pk}").status_code == 403


def test_poll_component_and_the_reports_satisfaction_are_the_polls_scores(city: City) -> None:
    from minsheng.polls.results import poll_results
    from minsheng.polls.services import fieldwork_import
    from minsheng.reports.services import quarterly_make
    from tests.polls.test_polls import _csv, _poll

    before = _poll(city, "2026Q2")
    fieldwork_import(before, _csv(city, 300, seed=4), filename="a.csv", actor="t")
    poll = _poll(city, "2026Q3", previous=before)
    fieldwork_import(poll, _csv(city, 300, seed=5, better=city.county.code), filename="b.csv",
                     actor="t")  # fmt: skip
    root = city.county.parent
    assert root is not None
    rules = {"components": {"poll": 1}, "grades": [[0, "合格"]]}
    scheme = scheme_save(actor=None, region=root, year=2026, name="满意度考核", rules=rules)
    run = run_compute(actor=None, scheme=scheme, period=Period(2026, 3))
    rows = {r.code: r.score for r in poll_results(poll, "county").rows}
    got = {r["unit"]: r["components"]["poll"] for r in run.results if "poll" in r["components"]}
    assert got == pytest.approx({k: round(v, 4) for k, v in rows.items()}, abs=1e-4)
    assert run.results[0]["unit"] == city.county.code  # the county answering higher leads
    # Rank intervals from the poll's standard errors (1,000 draws, as the engine's own test
    # checks against the one-draw inclusion probability): every unit's rank lies within its
    # interval, and the leader — more than ten points ahead — is never ranked below first.
    for r in run.results:
        assert r["rank_low"] <= r["rank"] <= r["rank_high"]
    assert (run.results[0]["rank_low"], run.results[0]["rank_high"]) == (1, 1)
    ses = {r.code: r.se for r in poll_results(poll, "county").rows}
    assert all(se > 0 for se in ses.values())
    made = quarterly_make(root, Period(2026, 3))
    overall = poll_results(poll, "county").overall
    assert overall is not None
    assert made.content.headline["满意度"] == f"{overall.estimate:.2f}"
    text = "\n".join(p for s in made.content.sections for p in s.paragraphs)
    assert f"总体满意度{overall.estimate:.2f}分" in text and "较上轮" in text


def test_ranking_notice_in_word_and_pdf(city: City) -> None:
    import io

    from docx import Document
    from pypdf import PdfReader

    run = run_compute(actor=None, scheme=_scheme(city), period=Period(2026, 4))
    url = reverse("assess_notice", args=[run.pk])
    office = city.client("quality")
    assert office.get(url).status_code == 403  # not confirmed yet
    run_confirm(actor=None, run=run)
    number = "清质强办〔2026〕9号"
    word = office.get(url, {"number": number, "date": "2026-12-01", "format": "docx"})
    doc = Document(io.BytesIO(word.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert (
        number in text and "2026年12月1日" in text and "关于县区考核2026年第4季度结果的通报" in text
    )
    ranking = [[c.text for c in row.cells] for row in doc.tables[-1].rows]
    first = run.results[0]
    assert ranking[1][:2] == ["1", first["name"]] and ranking[1][-2] == f"{first['total']:.2f}"
    pdf = office.get(url, {"number": number, "format": "pdf"})
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert number in pdf_text.replace("\n", "") and first["name"] in pdf_text
    for who in ("county", "leader", "other_quality"):
        assert city.client(who).get(url).status_code in (403, 404), who


def test_scheme_excel_export_and_import_on_the_page(city: City) -> None:
    import io
    import json

    scheme = _scheme(city)
    office = city.client("quality")
    url = reverse("assess_edit", args=[scheme.pk])
    book = office.get(url, {"format": "xlsx"})
    assert book["Content-Type"].startswith("application/vnd.openxmlformats")
    upload = io.BytesIO(book.content)
    upload.name = "方案.xlsx"
    page = office.post(url, {"book": upload, "name": scheme.name, "year": scheme.year})
    assert page.status_code == 200
    assert json.loads(page.context["text"]) == {**RULES, "triggers": [], "bonus_cap": 0.0}
    garbage = io.BytesIO(b"not excel")
    garbage.name = "x.xlsx"
    assert office.post(url, {"book": garbage}).status_code == 400
    assert city.client("county").get(url, {"format": "xlsx"}).status_code == 403
    assert city.client("other_quality").get(url, {"format": "xlsx"}).status_code == 404
