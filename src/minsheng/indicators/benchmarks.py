"""Provincial figures per indicator and period (对标值): the provincial average and best value
(stored at the province), and the city's published provincial rank (stored at the city).
Read by ``selectors.load_panel`` ("低于省平均", "省最优"); entered by the quality office on a
page, from Excel, or over the API — all three through ``benchmarks_import`` (all or nothing,
audited). The values the province publishes for its other cities are stored as approved values
of the quality office's own submission (``city_values_import``), so a city is ranked among the
province's cities with the same engine as its counties."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.index.benchmark_book import (
    CITY_HEADERS,
    HEADERS,
    BenchmarkRow,
    Bounds,
    CityValueRow,
)
from minsheng.core.index.periods import Period
from minsheng.core.tabular import CellError, TableError
from minsheng.core.xlsx import DECIMAL2, INTEGER, Sheet
from minsheng.indicators.models import (
    Benchmark,
    BenchmarkKind,
    Indicator,
    Submission,
    SubmissionState,
    Value,
)
from minsheng.orgs.models import Organisation, Region, RegionLevel


@dataclass(frozen=True, slots=True)
class BenchmarkLine:
    code: str
    name: str
    unit: str
    average: float | None
    best: float | None
    rank: int | None
    ranked_of: int | None


def indicator_bounds() -> dict[str, Bounds]:
    return {
        code: Bounds(low, high)
        for code, low, high in Indicator.objects.values_list("code", "valid_min", "valid_max")
    }


def benchmark_lines(
    *, province: Region, city: Region | None, period: Period
) -> list[BenchmarkLine]:
    """Every active indicator with its figures for ``period`` (blank where none was entered)."""
    stored = Benchmark.objects.filter(period=str(period)).filter(
        region__in=[r for r in (province, city) if r is not None]
    )
    by: dict[tuple[int, str], Benchmark] = {}
    for b in stored:
        if b.kind != BenchmarkKind.RANK or (city is not None and b.region_id == city.pk):
            by[(b.indicator_id, b.kind)] = b
    lines = []
    for ind in Indicator.objects.filter(is_active=True).order_by(
        "category__order", "order", "code"
    ):
        avg, best, rank = (by.get((ind.pk, k)) for k in BenchmarkKind.values)
        lines.append(
            BenchmarkLine(
                ind.code,
                ind.name,
                ind.unit,
                avg.value if avg else None,
                best.value if best else None,
                int(rank.value) if rank else None,
                rank.ranked_of if rank else None,
            )
        )
    return lines


def benchmark_sheet(lines: list[BenchmarkLine], period: Period) -> Sheet:
    """The page's table as a workbook that uploads again unchanged (header in row 1)."""
    return Sheet(
        "对标值",
        HEADERS,
        [[x.code, x.name, str(period), x.average, x.best, x.rank, x.ranked_of] for x in lines],
        widths=[12, 30, 10, 12, 12, 10, 12],
        formats=[None, None, None, DECIMAL2, DECIMAL2, INTEGER, INTEGER],
    )


@transaction.atomic
def benchmarks_import(
    *, actor: Any, rows: list[BenchmarkRow], province: Region, city: Region | None, note: str
) -> dict[str, int]:
    """Create or update the figures of ``rows``; a blank cell leaves what is stored. Ranks
    belong to ``city`` (refused, located, when there is none). Returns counts."""
    if city is None:
        ranked = [r for r in rows if r.rank is not None]
        if ranked:
            raise TableError(
                [
                    CellError("", r.row, "全省排名", "全省排名只能由市（县）质量办填报")
                    for r in ranked
                ]
            )
    ids = dict(Indicator.objects.values_list("code", "pk"))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for r in rows:
        wanted: list[tuple[str, Region, float, int | None]] = []
        if r.average is not None:
            wanted.append((BenchmarkKind.AVERAGE, province, r.average, None))
        if r.best is not None:
            wanted.append((BenchmarkKind.BEST, province, r.best, None))
        if r.rank is not None and city is not None:
            wanted.append((BenchmarkKind.RANK, city, float(r.rank), r.ranked_of))
        for kind, region, value, ranked_of in wanted:
            existing = Benchmark.objects.filter(
                indicator_id=ids[r.indicator], period=r.period, kind=kind, region=region
            ).first()
            if existing is None:
                Benchmark.objects.create(
                    indicator_id=ids[r.indicator],
                    period=r.period,
                    kind=kind,
                    region=region,
                    value=value,
                    ranked_of=ranked_of,
                )
                counts["created"] += 1
            elif (existing.value, existing.ranked_of) != (value, ranked_of):
                existing.value, existing.ranked_of = value, ranked_of
                existing.save(update_fields=["value", "ranked_of"])
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    audit_record(
        actor=actor,
        action=AuditAction.BULK,
        object_type="indicators.benchmark",
        note=f"{note}: created {counts['created']}, updated {counts['updated']}",
        region_code=(city or province).code,
    )
    return counts


def other_cities(city: Region) -> dict[str, str]:
    """The province's other cities, by code and by name → code (for reading a file)."""
    out: dict[str, str] = {}
    if city.parent is None:
        return out
    for code, name in (
        Region.objects.filter(parent=city.parent, level=RegionLevel.CITY)
        .exclude(pk=city.pk)
        .values_list("code", "name")
    ):
        out[code] = code
        out.setdefault(name, code)
    return out


def city_value_lines(*, city: Region, period: Period) -> list[list[object]]:
    """Every other city × active indicator for ``period`` with its stored value (blank where
    none): the workbook the office fills in from the provincial bulletin and uploads again."""
    cities = list(
        Region.objects.filter(parent=city.parent, level=RegionLevel.CITY)
        .exclude(pk=city.pk)
        .order_by("code")
    )
    stored = {
        (v.region_id, v.indicator_id): v.value
        for v in Value.objects.filter(
            region__in=cities,
            submission__period=str(period),
            submission__state=SubmissionState.APPROVED,
        )
    }
    indicators = list(
        Indicator.objects.filter(is_active=True).order_by("category__order", "order", "code")
    )
    return [
        [c.code, c.name, i.code, i.name, str(period), stored.get((c.pk, i.pk))]
        for c in cities
        for i in indicators
    ]


def city_values_sheet(lines: list[list[object]]) -> Sheet:
    return Sheet(
        "各市数值",
        CITY_HEADERS,
        lines,
        widths=[14, 14, 12, 30, 10, 12],
        formats=[None, None, None, None, None, DECIMAL2],
    )


@transaction.atomic
def city_values_import(
    *, actor: Any, office: Organisation, rows: list[CityValueRow], note: str
) -> dict[str, int]:
    """Store the other cities' published values as approved values of the office's own
    submission for each period ("imported figures"), so that the panel ranks the city among
    them. A value given again replaces the stored one. Returns counts."""
    ids = dict(Indicator.objects.values_list("code", "pk"))
    regions = dict(
        Region.objects.filter(code__in={r.region for r in rows}).values_list("code", "pk")
    )
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    now = timezone.now()
    subs: dict[str, Submission] = {}
    for period in sorted({r.period for r in rows}):
        sub, _created = Submission.objects.get_or_create(
            organisation=office,
            period=period,
            defaults={"state": SubmissionState.APPROVED, "decided_at": now},
        )
        if sub.state != SubmissionState.APPROVED:
            raise TableError([CellError("", 0, "", f"{period} 的导入数据状态异常，请联系管理员")])
        subs[period] = sub
    existing = {
        (v.submission_id, v.region_id, v.indicator_id): v
        for v in Value.objects.filter(submission__in=subs.values())
    }
    for r in rows:
        sub = subs[r.period]
        key = (sub.pk, regions[r.region], ids[r.indicator])
        found = existing.get(key)
        if found is None:
            Value.objects.create(
                submission=sub,
                region_id=regions[r.region],
                indicator_id=ids[r.indicator],
                value=r.value,
                explanation="省通报",
            )
            counts["created"] += 1
        elif found.value != r.value:
            found.value = r.value
            found.save(update_fields=["value"])
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    audit_record(
        actor=actor,
        action=AuditAction.BULK,
        object_type="indicators.value",
        note=f"{note}: created {counts['created']}, updated {counts['updated']}",
        region_code=office.region.code,
    )
    return counts
