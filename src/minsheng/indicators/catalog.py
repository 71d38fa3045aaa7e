"""The catalog as a workbook: export (selector) and import (service, all or nothing, audited)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from minsheng.audit.models import AuditAction, AuditEntry
from minsheng.audit.services import audit_entry, audit_snapshot
from minsheng.core.index.catalog_book import (
    CATEGORY_HEADERS,
    FORMULA_HEADERS,
    INDICATOR_HEADERS,
    TARGET_HEADERS,
    CatalogBook,
)
from minsheng.core.tabular import CellError, TableError
from minsheng.core.xlsx import Sheet
from minsheng.indicators.models import Category, Frequency, Indicator, Polarity, Target
from minsheng.orgs.models import Organisation, OrgKind, Region


def catalog_sheets() -> list[Sheet]:
    cats = Category.objects.all()
    inds = Indicator.objects.select_related("category", "lead_department")
    targets = Target.objects.select_related("indicator", "region").order_by(
        "indicator__code", "year"
    )
    return [
        Sheet("类别", CATEGORY_HEADERS, [[c.code, c.name, c.name_en, c.weight] for c in cats]),
        Sheet(
            "指标",
            INDICATOR_HEADERS + FORMULA_HEADERS,
            [
                [
                    i.code,
                    i.name,
                    i.name_en,
                    i.category.code,
                    i.unit,
                    str(Polarity(i.polarity).label),
                    i.decimals,
                    i.valid_min,
                    i.valid_max,
                    str(Frequency(i.frequency).label),
                    i.lead_department.name if i.lead_department else "",
                    i.weight,
                    i.lower,
                    i.upper,
                    i.jump_threshold,
                    i.definition,
                    i.source,
                    i.numerator,
                    i.denominator,
                    i.factor,
                    "是" if i.in_index else "否",
                ]
                for i in inds
            ],
            widths=(10, 28, 28, 8, 10, 10, 6, 8, 8, 6, 20, 6, 8, 8, 8, 40, 20, 10, 10, 8, 8),
        ),
        Sheet(
            "目标值",
            TARGET_HEADERS,
            [[t.indicator.code, t.year, t.region.code, t.value] for t in targets],
        ),
    ]


def catalog_departments(organisations: Any) -> dict[str, Organisation]:
    return {o.name: o for o in organisations.filter(kind=OrgKind.DEPARTMENT)}


@transaction.atomic
def catalog_import(
    *,
    user: Any,
    book: CatalogBook,
    departments: dict[str, Organisation],
    writable: set[str],
) -> dict[str, int]:
    """Create or update every category, indicator and target of ``book``; nothing is deleted.
    Targets of regions outside ``writable`` (e.g. the province's, kept in a city's catalog) must
    come back unchanged. One audit row per created or changed record."""
    stored = {
        (t.indicator.code, t.year, t.region.code): t.value
        for t in Target.objects.select_related("indicator", "region")
    }
    foreign = [
        CellError(
            "目标值", t.row, "目标值", f"只能修改本地区的目标值；{t.region} 的目标值由上级设定"
        )
        for t in book.targets
        if t.region not in writable and stored.get((t.indicator, t.year, t.region)) != t.value
    ]
    if foreign:
        raise TableError(foreign)
    audits: list[AuditEntry] = []
    counts = {"created": 0, "updated": 0, "unchanged": 0}

    def upsert(model: Any, lookup: dict[str, Any], fields: dict[str, Any]) -> Any:
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model.objects.create(**lookup, **fields)
            audits.append(
                audit_entry(
                    actor=user,
                    action=AuditAction.CREATE,
                    obj=obj,
                    after=audit_snapshot(obj),
                    note="catalog import",
                )
            )
            counts["created"] += 1
            return obj
        before = audit_snapshot(obj)
        for k, v in fields.items():
            setattr(obj, k, v)
        after = audit_snapshot(obj)
        if after != before:
            obj.save()
            audits.append(
                audit_entry(
                    actor=user,
                    action=AuditAction.UPDATE,
                    obj=obj,
                    before=before,
                    after=after,
                    note="catalog import",
                )
            )
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        return obj

    cats = {}
    for order, c in enumerate(book.categories):
        cats[c.code] = upsert(
            Category,
            {"code": c.code},
            {"name": c.name, "name_en": c.name_en, "weight": c.weight, "order": order},
        )
    inds = {}
    for order, i in enumerate(book.indicators):
        inds[i.code] = upsert(
            Indicator,
            {"code": i.code},
            {
                "name": i.name,
                "name_en": i.name_en,
                "category": cats[i.category],
                "unit": i.unit,
                "polarity": i.polarity,
                "decimals": i.decimals,
                "valid_min": i.valid_min,
                "valid_max": i.valid_max,
                "frequency": i.frequency,
                "lead_department": departments.get(i.department),
                "weight": i.weight,
                "lower": i.lower,
                "upper": i.upper,
                "jump_threshold": i.jump_threshold,
                "definition": i.definition,
                "source": i.source,
                "numerator": i.numerator,
                "denominator": i.denominator,
                "factor": i.factor,
                "in_index": i.in_index,
                "order": order,
            },
        )
    regions = {r.code: r for r in Region.objects.filter(code__in={t.region for t in book.targets})}
    for t in book.targets:
        upsert(
            Target,
            {"indicator": inds[t.indicator], "year": t.year, "region": regions[t.region]},
            {"value": t.value},
        )
    AuditEntry.objects.bulk_create(audits)
    return counts
