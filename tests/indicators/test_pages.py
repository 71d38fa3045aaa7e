"""Indicator pages: insiders read them, outsiders (other county, other department, other city,
roles without results) are refused on the server, anonymous goes to login; exports hold only
what the user may see."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.indicators.models import Submission, SubmissionState
from tests.conftest import City

Url = Callable[[City], str]


def _submission(state: str) -> Url:
    return lambda c: reverse(
        "indicator_review",
        args=[Submission.objects.filter(state=state).order_by("pk").first().pk],  # type: ignore[union-attr]
    )


PAGES: list[tuple[str, Url, str, list[str]]] = [
    (
        "ranking",
        lambda c: reverse("indicator_ranking"),
        "quality",
        ["reporter", "other_reporter", "window", "vendor"],
    ),
    (
        "ranking export",
        lambda c: reverse("indicator_ranking") + "?format=xlsx",
        "leader",
        ["reporter", "window", "vendor"],
    ),
    (
        "county scorecard",
        lambda c: reverse("indicator_scorecard", args=[c.county.code]),
        "county",
        ["other_county", "other_quality", "township", "reporter", "window", "vendor"],
    ),
    (
        "township scorecard",
        lambda c: reverse("indicator_scorecard", args=[c.township.code]),
        "township",
        ["other_county", "reporter"],
    ),
    (
        "indicator page",
        lambda c: reverse("indicator_detail", args=["EDU01"]),
        "reporter",
        ["other_reporter", "window", "vendor"],
    ),
    (
        "warnings",
        lambda c: reverse("indicator_warnings"),
        "quality",
        ["window", "vendor"],  # department reporters read their own indicators' warnings
    ),
    (
        "catalog",
        lambda c: reverse("indicator_catalog"),
        "quality",
        ["leader", "county", "reporter", "window", "vendor"],
    ),
    (
        "catalog export",
        lambda c: reverse("indicator_catalog_export"),
        "quality",
        ["leader", "county", "reporter"],
    ),
    (
        "collection board",
        lambda c: reverse("indicator_board"),
        "quality",
        ["leader", "county", "reporter", "window"],
    ),
    (
        "review",
        _submission(SubmissionState.SUBMITTED),
        "quality",
        ["other_quality", "leader", "county", "reporter", "other_reporter"],
    ),
    (
        "my forms",
        lambda c: reverse("indicator_forms"),
        "reporter",
        ["quality", "county", "window", "vendor"],
    ),
    (
        "form",
        lambda c: reverse("indicator_form", args=["2026Q3"]),
        "reporter",
        ["quality", "county", "leader", "window"],
    ),
    (
        "form template",
        lambda c: reverse("indicator_form_template", args=["2026Q3"]),
        "reporter",
        ["quality", "county", "window"],
    ),
]


@pytest.mark.parametrize(("name", "url", "insider", "outsiders"), PAGES, ids=[p[0] for p in PAGES])
def test_insider_reads_and_outsiders_are_refused(
    city: City, name: str, url: Url, insider: str, outsiders: list[str]
) -> None:
    path = url(city)
    assert city.client(insider).get(path).status_code == 200, name
    for outsider in outsiders:
        assert city.client(outsider).get(path).status_code == 403, (name, outsider)
    response = city.client(None).get(path)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_ranking_shows_every_county_with_rank_intervals(city: City) -> None:
    body = city.client("quality").get(reverse("indicator_ranking")).content.decode()
    assert city.county.name in body and city.other_county.name in body
    assert 'data-testid="sensitivity"' in body and "排名区间" in body


def test_county_officer_sees_only_its_own_row_ranked_among_all(city: City) -> None:
    body = city.client("county").get(reverse("indicator_ranking")).content.decode()
    assert f'data-region="{city.county.code}"' in body
    assert f'data-region="{city.other_county.code}"' not in body


def test_ranking_export_holds_only_visible_regions(city: City) -> None:
    response = city.client("county").get(reverse("indicator_ranking"), {"format": "xlsx"})
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert str(rows[0][0]).startswith("水平指数排名 · ") and "年第" in str(rows[0][0])  # caption
    assert rows[1][:4] == ("地区代码", "地区", "水平指数", "排名")
    assert [r[0] for r in rows[2:]] == [city.county.code]
    assert ws["C3"].number_format == "0.00" and ws["D3"].number_format == "#,##0"


def test_a_peer_group_outside_the_scope_is_refused(city: City) -> None:
    url = reverse("indicator_ranking")
    other = city.client("county").get(url, {"peer": f"townships:{city.other_county.code}"})
    assert other.status_code == 403


def test_scorecard_states_the_seed_sentence(city: City) -> None:
    body = (
        city.client("county")
        .get(reverse("indicator_scorecard", args=[city.county.code]))
        .content.decode()
    )
    assert "项已达到目标值" in body and "项低于省平均水平" in body
    assert 'data-status="' in body


def test_unknown_period_is_404(city: City) -> None:
    response = city.client("quality").get(reverse("indicator_ranking"), {"period": "1999Q1"})
    assert response.status_code == 404


def test_warnings_are_limited_to_the_officers_region(city: City) -> None:
    body = city.client("county").get(reverse("indicator_warnings")).content.decode()
    assert city.other_county.name not in body.split('data-testid="warning-table"')[1]


def test_a_department_reads_the_warnings_of_the_indicators_it_leads(city: City) -> None:
    from minsheng.indicators.models import Indicator

    def rows(user: str) -> list[tuple[str, str, str]]:
        response = city.client(user).get(reverse("indicator_warnings"))
        assert response.status_code == 200, user
        every = response.context["paged"].page.paginator.object_list  # all pages
        return [(w.region, w.indicator, w.rule) for w in every]

    everything = rows("quality")  # the quality office's list is the reference
    for user in ("reporter", "other_reporter"):
        department = city.users[user].organisation
        led = set(
            Indicator.objects.filter(lead_department=department).values_list("code", flat=True)
        )
        expected = [w for w in everything if w[1] in led]
        assert expected, user  # the demo plants warnings on every department's indicators
        assert rows(user) == expected, user
    page = city.client("reporter").get(reverse("indicator_warnings")).content.decode()
    assert reverse("indicator_ranking") + '"' not in page  # no tab to pages it cannot open
    assert reverse("indicator_scorecard", args=[city.county.code]) not in page
    # A department cannot widen the peer group beyond its region.
    other_city = f"counties:{city.users['other_quality'].organisation.region.code}"
    assert (
        city.client("reporter").get(reverse("indicator_warnings"), {"peer": other_city}).status_code
        == 403
    )


def test_another_citys_quality_office_sees_none_of_our_regions(city: City) -> None:
    for name in ("indicator_ranking", "indicator_warnings"):
        body = city.client("other_quality").get(reverse(name)).content.decode()
        assert city.county.name not in body and city.other_county.name not in body, name
    own_peer = f"counties:{city.county.parent.code}"  # type: ignore[union-attr]
    refused = city.client("other_quality").get(reverse("indicator_ranking"), {"peer": own_peer})
    assert refused.status_code == 403


def test_scorecard_and_chart_show_the_provincial_best(city: City) -> None:
    from minsheng.indicators.models import Benchmark, BenchmarkKind

    response = city.client("county").get(reverse("indicator_scorecard", args=[city.county.code]))
    rows = {r.code: r for r in response.context["rows"]}
    period = str(response.context["period"])
    best = Benchmark.objects.filter(kind=BenchmarkKind.BEST, period=period).select_related(
        "indicator"
    )
    assert best.exists()
    for b in best[:5]:
        assert rows[b.indicator.code].best == pytest.approx(b.value)
    assert "省最优" in response.content.decode()


def test_warning_rules_are_set_by_the_quality_office_and_change_the_warnings(city: City) -> None:
    from minsheng.audit.models import AuditEntry

    url = reverse("indicator_warning_settings")
    quality = city.client("quality")
    before = quality.get(reverse("indicator_warnings")).context["total"]
    assert quality.get(url).status_code == 200
    response = quality.post(
        url, {"below_average": "", "off_track": "", "worse_periods": "0", "bottom_n": "0"}
    )
    assert response.status_code == 302
    left = quality.get(reverse("indicator_warnings")).context
    # Only the hall metrics below target remain: they come from the catalog, not these rules.
    assert left["total"] < before and all(r.rule == "hall_target" for r in left["rows"])
    assert AuditEntry.objects.filter(object_type__contains="warningsettings").exists()
    for outsider in ("county", "reporter", "leader", "window"):
        assert city.client(outsider).get(url).status_code == 403
        assert city.client(outsider).post(url, {"bottom_n": "1"}).status_code == 403


def test_a_missing_report_is_called_missing_not_no_target(city: City) -> None:
    from minsheng.indicators.models import Target, Value

    code = Target.objects.values_list("indicator__code", flat=True).order_by("indicator__code")[0]
    latest = Value.objects.filter(indicator__code=code, region=city.county).order_by(
        "-submission__period"
    )[0]
    Value.objects.filter(pk=latest.pk).update(value=None)
    response = city.client("county").get(
        reverse("indicator_scorecard", args=[city.county.code]),
        {"period": latest.submission.period},
    )
    row = next(r for r in response.context["rows"] if r.code == code)
    assert row.target is not None and row.value is None
    assert row.status_label == "缺报"
    others = [r for r in response.context["rows"] if r.status == "unknown" and r.value is not None]
    assert all(r.status_label in ("无目标", "数据期数不足") for r in others)


def test_warnings_are_searched_and_paged(city: City) -> None:
    url = reverse("indicator_warnings")
    quality = city.client("quality")
    everything = quality.get(url)
    total = everything.context["total"]
    assert total > 0 and len(everything.context["rows"]) <= 100
    name = everything.context["rows"][0].region_name
    narrowed = quality.get(url, {"q": name})
    assert 0 < narrowed.context["total"] <= total
    assert all(
        name in f"{w.region_name} {w.indicator_name} {w.message}" for w in narrowed.context["rows"]
    )
    if total > 100:
        second = quality.get(url, {"page": 2})
        assert second.context["rows"] and 'data-testid="pager"' in second.content.decode()


def test_a_category_without_a_score_says_why(city: City) -> None:
    from minsheng.indicators.models import Category, Value

    first = city.client("quality").get(reverse("indicator_scorecard", args=[city.county.code]))
    period = str(first.context["period"])
    category = Category.objects.filter(indicators__isnull=False).order_by("pk").first()
    assert category is not None
    Value.objects.filter(
        region=city.county, indicator__category=category, submission__period=period
    ).update(value=None)
    page = city.client("quality").get(
        reverse("indicator_scorecard", args=[city.county.code]), {"period": period}
    )
    by_name = {name: (value, reason) for name, value, reason in page.context["categories"]}
    value, reason = by_name[category.name]
    count = sum(1 for r in page.context["rows"] if r.category == category.name)
    assert value is None and reason == f"这一类的 {count} 项指标均缺报"
    assert all(r for _, v, r in page.context["categories"] if v is None)  # never a bare "—"
    assert 'data-testid="category-no-score"' in page.content.decode()


def test_hall_metrics_below_target_are_in_the_warning_list(city: City) -> None:
    from django.utils import timezone

    from minsheng.catalog.selectors import hall_misses
    from minsheng.core.index.periods import Period
    from minsheng.indicators.selectors import peer_regions

    quality = city.client("quality")
    page = quality.get(reverse("indicator_warnings"), {"rule": "hall_target"})
    rows = page.context["rows"]
    period = page.context["period"]
    assert isinstance(period, Period)
    end = min(period.days()[1], timezone.localdate())
    regions = peer_regions(city.users["quality"], None, departments=True)[1]
    expected = {(r.code, m) for r, m, _v, _t in hall_misses(regions, end)}
    assert rows and {(w.region, w.metric) for w in rows} == expected
    # Each carries the catalog's own task form.
    assert reverse("catalog_from_hall") in page.content.decode()
