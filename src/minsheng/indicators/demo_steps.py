"""Demo data for indicator monitoring: the 57-indicator catalog, provincial targets and
benchmarks, and twelve quarters (2023Q4–2026Q3) of values for every county and township of the
demo city, collected through submissions — approved for the past, mixed states for the latest
quarter so the collection board has something to show."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from minsheng.core.index import demo_catalog as dc
from minsheng.core.index.periods import Period
from minsheng.core.regions import AdminCode, Level
from minsheng.demo.registry import DemoContext, register
from minsheng.indicators.models import (
    Benchmark,
    BenchmarkKind,
    Category,
    Indicator,
    Submission,
    SubmissionState,
    Target,
    Value,
)

BATCH = 5000
SHANGHAI = ZoneInfo("Asia/Shanghai")
PERIODS = tuple(Period(2023 + (q + 3) // 4, (q + 3) % 4 + 1) for q in range(12))  # 2023Q4–2026Q3
# Departments whose latest-quarter submission is not approved yet (key → state; None = none yet).
LATEST_OPEN = {
    "water": None,
    "culture": SubmissionState.DRAFT,
    "transport": SubmissionState.SUBMITTED,
    "eco": SubmissionState.RETURNED,
}


@register("indicators", order=50)
def build_indicators(ctx: DemoContext) -> None:
    city = next(ctx.plan.regions_at(Level.CITY)).code
    province = next(ctx.plan.regions_at(Level.PROVINCE)).code
    cats = {
        code: Category(code=code, name=name, name_en=en, order=k, owner=ctx.regions[city])
        for k, (code, name, en) in enumerate(dc.CATEGORIES)
    }
    Category.objects.bulk_create(cats.values())
    inds = {
        d.code: Indicator(
            code=d.code,
            name=d.name,
            name_en=d.name_en,
            category=cats[dc.category_of(d.code)],
            unit=d.unit,
            polarity=d.polarity,
            decimals=d.decimals,
            valid_min=d.valid[0],
            valid_max=d.valid[1],
            lead_department=ctx.organisations[f"dept-{city}-{d.department}"],
            owner=ctx.regions[city],
            source=f"{ctx.organisations[f'dept-{city}-{d.department}'].name}统计报表",
            definition=f"{d.name}（{d.unit}），按季度统计，口径以省考核办法为准。",
            order=k,
        )
        for k, d in enumerate(dc.INDICATORS)
    }
    Indicator.objects.bulk_create(inds.values())
    province_region = ctx.regions[province]
    targets, benchmarks = [], []
    for d in dc.INDICATORS:
        targets.append(
            Target(indicator=inds[d.code], year=2026, region=province_region, value=d.target)
        )
        targets.append(
            Target(
                indicator=inds[d.code],
                year=2025,
                region=province_region,
                value=round(d.target - d.trend, d.decimals),
            )
        )
        for period in PERIODS:
            avg = d.base * (1 + 0.03 * d.polarity) + d.trend * (period.time - PERIODS[0].time)
            best = avg * (1 + 1.8 * d.spread * d.polarity)
            for kind, value in ((BenchmarkKind.AVERAGE, avg), (BenchmarkKind.BEST, best)):
                benchmarks.append(
                    Benchmark(
                        indicator=inds[d.code],
                        period=str(period),
                        kind=kind,
                        region=province_region,
                        value=round(min(max(value, d.valid[0]), d.valid[1]), d.decimals),
                    )
                )
    Target.objects.bulk_create(targets)
    Benchmark.objects.bulk_create(benchmarks)

    regions = [
        (
            r.code,
            None
            if r.level == Level.COUNTY
            else str(AdminCode.parse(r.code).ancestor(Level.COUNTY)),
        )
        for r in ctx.plan.regions
        if r.level in (Level.COUNTY, Level.TOWNSHIP) and r.code.startswith(city[:4])
    ]
    values = dc.demo_values(regions, PERIODS, seed=ctx.plan.seed)
    # The city's own values (reported by its departments) and the other cities' values (the
    # provincial bulletin, imported by the quality office): a separate stream, so the
    # counties' values above stay as they were.
    cities = [r.code for r in ctx.plan.regions if r.level == Level.CITY]
    city_level = dc.demo_values(
        [(c, None) for c in cities], PERIODS, seed=ctx.plan.seed + 1, outliers=0
    )
    values += [v for v in city_level if v.region == city]
    dept_of = {d.code: d.department for d in dc.INDICATORS}
    reporter = next((u for u in ctx.users.values() if u.username == "reporter"), None)
    quality = next((u for u in ctx.users.values() if u.username == "quality"), None)
    subs: dict[tuple[str, Period], Submission] = {}
    latest = PERIODS[-1]
    for period in PERIODS:
        closed = dt.datetime(
            period.year + (period.quarter == 4), period.quarter % 4 * 3 + 1, 15, tzinfo=SHANGHAI
        )
        for key in sorted(set(dept_of.values())):
            state: SubmissionState | None = SubmissionState.APPROVED
            if period == latest and key in LATEST_OPEN:
                state = LATEST_OPEN[key]
            if state is None:
                continue
            sub = Submission(
                organisation=ctx.organisations[f"dept-{city}-{key}"],
                period=str(period),
                state=state,
                submitted_at=closed if state != SubmissionState.DRAFT else None,
                submitted_by=reporter if key == "edu" else None,
                decided_at=closed
                if state in (SubmissionState.APPROVED, SubmissionState.RETURNED)
                else None,
                decided_by=quality
                if state in (SubmissionState.APPROVED, SubmissionState.RETURNED)
                else None,
                comment="请核实农村生活污水治理率的统计口径后重新报送"
                if state == SubmissionState.RETURNED
                else "",
            )
            subs[(key, period)] = sub
    Submission.objects.bulk_create(subs.values())
    rows = [
        Value(
            submission=subs[(dept_of[v.indicator], v.period)],
            region=ctx.regions[v.region],
            indicator=inds[v.indicator],
            value=v.value,
            explanation="统计口径调整" if v.outlier and v.period == latest else "",
        )
        for v in values
        if (dept_of[v.indicator], v.period) in subs
    ]
    office = ctx.organisations[f"quality-{city}"]
    imported = {
        period: Submission(
            organisation=office,
            period=str(period),
            state=SubmissionState.APPROVED,
            decided_at=dt.datetime(period.year + (period.quarter == 4), 1, 20, tzinfo=SHANGHAI),
        )
        for period in PERIODS
    }
    Submission.objects.bulk_create(imported.values())
    rows += [
        Value(
            submission=imported[v.period],
            region=ctx.regions[v.region],
            indicator=inds[v.indicator],
            value=v.value,
            explanation="省通报",
        )
        for v in city_level
        if v.region != city
    ]
    Value.objects.bulk_create(rows, batch_size=BATCH)
    ctx.summary.update(indicators=len(inds), indicator_values=len(rows))
    from minsheng.indicators.integrity import detect_period

    found = detect_period(str(PERIODS[-1]), ctx.regions[city])
    ctx.summary[f"indicator findings {PERIODS[-1]}"] = len(found)
