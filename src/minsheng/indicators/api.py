"""Indicator monitoring over REST (session users, and machine clients holding
``indicators:read``; the same gates as the pages):
``GET /api/indicators`` (the catalog the caller may see), ``GET /api/indicators/ranking``
(the level index of a peer group for a period, with rank intervals), and
``GET /api/indicators/regions/{code}/scores`` (a region's scorecard)."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from minsheng.api.auth import caller
from minsheng.api.schemas import ErrorOut
from minsheng.core.index.benchmark_book import parse_benchmarks
from minsheng.core.index.periods import Period
from minsheng.core.tabular import Row, Table, TableError
from minsheng.indicators import results
from minsheng.indicators.access import (
    access_result_region,
    benchmark_regions,
    indicators_visible,
    visible_region_ids,
)
from minsheng.indicators.benchmarks import benchmark_lines, benchmarks_import, indicator_bounds
from minsheng.indicators.params import chosen_period, parse_period
from minsheng.indicators.selectors import (
    index_result,
    open_period,
    peer_regions,
    periods_available,
    region_peers,
)

router = Router(tags=["indicators"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
API_RUNS = 200  # Monte Carlo runs behind the rank intervals
MAX_BENCHMARK_ROWS = 5000


class IndicatorOut(Schema):
    code: str
    name: str
    name_en: str
    category: str
    unit: str
    polarity: int
    frequency: str
    lead_department: str | None


class RankOut(Schema):
    region: str
    name: str
    index: float | None
    rank: int | None
    rank_p05: int | None
    rank_median: int | None
    rank_p95: int | None
    previous_rank: int | None
    movement: int | None
    categories: dict[str, float | None]
    met_target: int
    below_average: int
    rank_first: int


class RankingOut(Schema):
    peer_group: str
    period: str
    policy: dict[str, Any]
    regions: list[RankOut]


class ScoreOut(Schema):
    indicator: str
    name: str
    category: str
    unit: str
    value: float | None
    score: float | None
    rank: int | None
    peers: int
    target: float | None
    attainment: float | None
    average: float | None
    vs_average: float | None
    best: float | None
    status: str


def _period(text: str | None) -> Period:
    period = chosen_period(text, periods_available())
    if period is None:
        raise Http404("no data yet")
    return period


@router.get("", response={200: list[IndicatorOut], **ERRORS})
def indicator_list(request: HttpRequest) -> list[IndicatorOut]:
    rows = indicators_visible(caller(request)).select_related("category", "lead_department")
    return [
        IndicatorOut(
            code=i.code,
            name=i.name,
            name_en=i.name_en,
            category=i.category.name,
            unit=i.unit,
            polarity=i.polarity,
            frequency=i.frequency,
            lead_department=i.lead_department.name if i.lead_department else None,
        )
        for i in rows.order_by("order", "code")
    ]


@router.get("/ranking", response={200: RankingOut, **ERRORS})
def indicator_ranking(
    request: HttpRequest, peer: str | None = None, period: str | None = None
) -> RankingOut:
    """Ranks are those of the whole peer group; only the regions the caller may see are
    listed."""
    principal = caller(request)
    option, regions = peer_regions(principal, peer)
    when = _period(period)
    result = index_result(regions, when, runs=API_RUNS)
    visible = {r.code for r in regions if r.pk in visible_region_ids(principal)}
    rows = results.rank_rows(result, visible)
    return RankingOut(
        peer_group=option.key,
        period=str(when),
        policy=result.policy.as_dict(),
        regions=[
            RankOut(
                region=r.code,
                name=r.name,
                index=r.index,
                rank=r.rank,
                rank_p05=r.p05,
                rank_median=r.median,
                rank_p95=r.p95,
                previous_rank=r.previous,
                movement=r.movement,
                categories=dict(zip(result.categories, r.categories, strict=True)),
                met_target=r.met,
                below_average=r.below,
                rank_first=r.first,
            )
            for r in rows
        ],
    )


@router.get("/regions/{code}/scores", response={200: list[ScoreOut], **ERRORS})
def region_scores(request: HttpRequest, code: str, period: str | None = None) -> list[ScoreOut]:
    region = access_result_region(caller(request), code)
    peers = region_peers(region)
    if region not in peers:
        raise Http404("the region has no peer group to be scored in")
    result = index_result(peers, _period(period), runs=0)
    return [
        ScoreOut(
            indicator=s.code,
            **{
                k: v
                for k, v in dataclasses.asdict(s).items()
                if k in ScoreOut.model_fields and k != "indicator"
            },
        )
        for s in results.score_rows(result, region.code)
    ]


class BenchmarkIn(Schema):
    indicator: str
    period: str
    average: float | None = None
    best: float | None = None
    rank: int | None = None
    ranked_of: int | None = None


class BenchmarksIn(Schema):
    rows: list[BenchmarkIn]


class BenchmarkOut(Schema):
    indicator: str
    name: str
    period: str
    average: float | None
    best: float | None
    rank: int | None
    ranked_of: int | None


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int


@router.get("/benchmarks", response={200: list[BenchmarkOut], **ERRORS})
def benchmark_list(request: HttpRequest, period: str | None = None) -> list[BenchmarkOut]:
    """Provincial average, best value and the caller's provincial rank per indicator."""
    province, city = benchmark_regions(caller(request), write=False)
    when = parse_period(period) if period else open_period()
    return [
        BenchmarkOut(
            indicator=x.code,
            name=x.name,
            period=str(when),
            average=x.average,
            best=x.best,
            rank=x.rank,
            ranked_of=x.ranked_of,
        )
        for x in benchmark_lines(province=province, city=city, period=when)
    ]


@router.post("/benchmarks", response={200: ImportOut, **ERRORS, 413: ErrorOut})
def benchmark_import(request: HttpRequest, body: BenchmarksIn) -> Any:
    """All or nothing: 422 lists every problem by row (1 = the first item) and field."""
    principal = caller(request)
    province, city = benchmark_regions(principal, write=True)
    if len(body.rows) > MAX_BENCHMARK_ROWS:
        return Status(
            413, ErrorOut.of("too_large", f"at most {MAX_BENCHMARK_ROWS} rows per request")
        )
    columns = ("indicator", "period", "average", "best", "rank", "ranked_of")
    table = Table(
        "rows",
        list(columns),
        [Row(k + 1, {c: getattr(r, c) for c in columns}) for k, r in enumerate(body.rows)],
        header_row=0,
    )
    try:
        rows = parse_benchmarks(table, indicator_bounds())
        counts = benchmarks_import(
            actor=principal, rows=rows, province=province, city=city, note="benchmark API"
        )
    except TableError as exc:
        return Status(
            422,
            ErrorOut.of(
                "invalid",
                "The rows are not valid; nothing was stored.",
                [{"loc": ["rows", e.row, e.column], "message": e.message} for e in exc.errors],
            ),
        )
    return Status(200, ImportOut(**counts))
