"""Provincial figures per indicator and period (对标值): the provincial average and best value
(stored at the province), and the city's published provincial rank (stored at the city).
Read by ``selectors.load_panel`` ("低于省平均", "省最优"); entered by the quality office on a
page, from Excel, or over the API — all three through ``benchmarks_import`` (all or nothing,
audited)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.index.benchmark_book import HEADERS, BenchmarkRow, Bounds
from minsheng.core.index.periods import Period
from minsheng.core.tabular import CellError, TableError
from minsheng.core.xlsx import DECIMAL2, INTEGER, Sheet
from minsheng.indicators.models import Benchmark, BenchmarkKind, Indicator
from minsheng.orgs.models import Region


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
