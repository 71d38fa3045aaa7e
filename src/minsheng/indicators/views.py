"""Results pages: ranking, region scorecard, indicator page, warnings — each with an xlsx export
(``?format=xlsx``) of exactly the rows shown."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.core.index.periods import Period
from minsheng.core.xlsx import Sheet
from minsheng.indicators import results
from minsheng.indicators.access import (
    access_indicator,
    access_result_region,
    can_review,
    lead_department,
    results_root,
    visible_region_ids,
)
from minsheng.indicators.params import chosen_period
from minsheng.indicators.selectors import (
    default_peer_key,
    index_result,
    indicator_peer_regions,
    indicator_series,
    peer_options,
    peer_regions,
    periods_available,
    region_peers,
)
from minsheng.orgs.models import Region
from minsheng.web.downloads import sheets_response
from minsheng.web.paging import search_and_page

UI_RUNS = 500  # Monte Carlo runs behind the rank intervals shown on pages


def _period(request: HttpRequest, available: list[Period]) -> Period | None:
    return chosen_period(request.GET.get("period", ""), available)


def _visible_codes(user: Any, regions: list[Region]) -> set[str]:
    ids = visible_region_ids(user)
    return {r.code for r in regions if r.pk in ids}


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    option, regions = peer_regions(request.user, request.GET.get("peer"))
    available = periods_available()
    period = _period(request, available)
    context: dict[str, Any] = {
        "options": peer_options(request.user),
        "option": option,
        "periods": available[::-1],
        "period": period,
        "can_review": can_review(request.user),
    }
    if period is not None and regions:
        result = index_result(regions, period, runs=UI_RUNS)
        rows = results.rank_rows(result, _visible_codes(request.user, regions))
        if request.GET.get("format") == "xlsx":
            name = f"{_('水平指数排名')}-{option.label}-{period}"
            caption = f"{_('水平指数排名')} · {option.label} · {period.label}"
            return sheets_response(name, [results.rank_sheet(result, rows, caption=caption)])
        context.update(
            rows=rows,
            categories=result.categories,
            peers=len(regions),
            policy=result.policy,
            sensitivity=result.spread.sensitivity if result.spread else {},
            runs=UI_RUNS,
        )
    return render(request, "indicators/ranking.html", context)


@login_required
def scorecard(request: HttpRequest, code: str) -> HttpResponse:
    region = access_result_region(request.user, code)
    available = periods_available()
    period = _period(request, available)
    context: dict[str, Any] = {"region": region, "periods": available[::-1], "period": period}
    peers = region_peers(region)
    if period is not None and region in peers:
        result = index_result(peers, period, runs=UI_RUNS)
        rows = results.score_rows(result, region.code)
        if request.GET.get("format") == "xlsx":
            return sheets_response(
                f"{region.name}-{_('指标得分')}-{period}",
                [
                    results.score_sheet(
                        rows,
                        region.name,
                        caption=f"{region.name} · {_('指标得分')} · {period.label}",
                    )
                ],
            )
        rank = results.rank_rows(result, {region.code})
        context.update(
            rows=rows,
            rank=rank[0] if rank else None,
            categories=[
                (name, value, "" if value is not None else results.category_reason(rows, name))
                for name, value in zip(
                    result.categories, rank[0].categories if rank else [], strict=False
                )
            ],
            peers=len(peers),
            peer_key=default_peer_key(region),
            warnings=results.warning_rows(result, {region.code}),
        )
    return render(request, "indicators/scorecard.html", context)


@login_required
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = access_indicator(request.user, code)
    regions = indicator_peer_regions(request.user, request.GET.get("peer"))
    available = periods_available()
    period = _period(request, available)
    visible = _visible_codes(request.user, regions) | indicator_reporter_codes(
        request.user, regions, indicator
    )
    context: dict[str, Any] = {"indicator": indicator, "period": period, "periods": available[::-1]}
    if period is not None and regions:
        result = index_result(regions, period)
        focus = request.GET.get("region") or next(iter(sorted(visible)), "")
        if focus not in visible:
            focus = next(iter(sorted(visible)), "")
        series = indicator_series(result, indicator.code, focus)
        table = results.indicator_rows(result, indicator.code, visible)
        if request.GET.get("format") == "xlsx":
            sheet = Sheet(
                indicator.name[:31],
                [_("地区代码"), _("地区"), _("数值"), _("得分"), _("排名"), _("进度")],
                [
                    [t["code"], t["name"], t["value"], t["score"], t["rank"], t["status"]]
                    for t in table
                ],
            )
            return sheets_response(f"{indicator.code}-{indicator.name}-{period}", [sheet])
        context.update(table=table, chart=series, focus=focus, peers=len(regions))
    return render(request, "indicators/indicator.html", context)


def indicator_reporter_codes(user: Any, regions: list[Region], indicator: Any) -> set[str]:
    """A department reporter sees every region of the indicators it reports."""
    org = getattr(user, "organisation", None)
    if org is not None and indicator.lead_department_id == org.pk:
        return {r.code for r in regions}
    return set()


def _hall_rows(regions: list[Region], period: Period) -> list[results.WarningRow]:
    """The hall metrics below target at the period's end, as warnings (a task from each goes
    through the catalog's own from-hall path)."""
    from minsheng.catalog.selectors import HALL_LABELS, hall_misses

    end = min(period.days()[1], timezone.localdate())
    return [
        results.WarningRow(
            region.code,
            region.name,
            None,
            HALL_LABELS[metric],
            "hall_target",
            "medium",
            f"{HALL_LABELS[metric]}{value * 100:.1f}%，低于{end.year}年度目标{target * 100:.0f}%",
            metric=metric,
        )
        for region, metric, value, target in hall_misses(regions, end)
    ]


@login_required
def warnings(request: HttpRequest) -> HttpResponse:
    results_root(request.user, departments=True)
    department = lead_department(request.user)
    own = set(department.lead_indicators.values_list("code", flat=True)) if department else None
    option, regions = peer_regions(request.user, request.GET.get("peer"), departments=True)
    available = periods_available()
    period = _period(request, available)
    severity = request.GET.get("severity", "")
    rule = request.GET.get("rule", "")
    context: dict[str, Any] = {
        "department": department,
        "can_assign": can_review(request.user),  # the quality office turns warnings into tasks
        "options": peer_options(request.user, departments=True),
        "option": option,
        "periods": available[::-1],
        "period": period,
        "can_review": can_review(request.user),
        "severity": severity,
        "rule": rule,
        "rules": [(r, results.rule_label(r)) for r in results.RULES],
        "severities": [(s, results.severity_label(s)) for s in ("high", "medium", "low")],
    }
    if period is not None and regions:
        result = index_result(regions, period)
        visible = {r.code for r in regions} if department else _visible_codes(request.user, regions)
        rows = results.warning_rows(result, visible, severity=severity, rule=rule, indicators=own)
        if own is None and rule in ("", "hall_target") and severity in ("", "medium"):
            rows += _hall_rows([r for r in regions if r.code in visible], period)
        if request.GET.get("format") == "xlsx":
            return sheets_response(
                f"{_('预警')}-{option.label}-{period}",
                [
                    results.warning_sheet(
                        rows, caption=f"{_('预警')} · {option.label} · {period.label}"
                    )
                ],
            )
        paged = search_and_page(
            request, rows, lambda w: f"{w.region_name} {w.indicator_name} {w.message}"
        )
        context.update(rows=paged.page.object_list, total=paged.total, paged=paged)
    return render(request, "indicators/warnings.html", context)
