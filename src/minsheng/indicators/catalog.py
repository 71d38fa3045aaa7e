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


FOREIGN = {"category", "lead_department"}
# The workbook's column for each field, to say where a refused change was typed.
COLUMN_OF = {
    "name": "名称",
    "name_en": "英文名称",
    "weight": "权重",
    "category": "类别代码",
    "unit": "单位",
    "polarity": "方向",
    "decimals": "小数位",
    "valid_min": "有效下限",
    "valid_max": "有效上限",
    "frequency": "频率",
    "lead_department": "牵头部门",
    "lower": "标准化下限",
    "upper": "标准化上限",
    "jump_threshold": "环比变动阈值",
    "definition": "定义",
    "source": "数据来源",
    "numerator": "分子",
    "denominator": "分母",
    "factor": "系数",
    "in_index": "计入指数",
}


def catalog_departments(organisations: Any) -> dict[str, Organisation]:
    return {o.name: o for o in organisations.filter(kind=OrgKind.DEPARTMENT)}


@transaction.atomic
def catalog_import(
    *,
    user: Any,
    book: CatalogBook,
    departments: dict[str, Organisation],
    writable: set[str],
    owner: Region | None = None,
) -> dict[str, int]:
    """Create or update every category, indicator and target of ``book``; nothing is deleted.
    Categories and indicators belong to the region whose quality office maintains them: one
    owned elsewhere (another city's, or the platform's when it has no owner) must come back
    unchanged, field by field, like targets of regions outside ``writable`` (e.g. the
    province's, kept in a city's catalog). New ones belong to ``owner`` (the importer's region;
    None for a platform administrator, who may change everything). One audit row per created or
    changed record."""
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
    refused: list[CellError] = []
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    owner_ids = {*Category.objects.values_list("owner_id", flat=True)} | {
        *Indicator.objects.values_list("owner_id", flat=True)
    }
    owner_codes = (
        dict(Region.objects.filter(pk__in=owner_ids).values_list("pk", "code"))
        if owner is not None
        else {}
    )

    def guard(obj: Any, fields: dict[str, Any], sheet: str, row: int) -> dict[str, Any]:
        """The fields that may be written to ``obj``; a change to one owned elsewhere is
        refused where the user typed it. The order of rows is the importer's own view."""
        if owner is None or owner_codes.get(obj.owner_id) in writable:
            return fields
        keep = {k: v for k, v in fields.items() if k != "order"}
        by = owner_codes.get(obj.owner_id, "")
        holder = Region.objects.filter(code=by).values_list("name", flat=True).first()
        for k, v in keep.items():
            current = getattr(obj, f"{k}_id") if k in FOREIGN else getattr(obj, k)
            wanted = v.pk if k in FOREIGN and v is not None else v
            if current != wanted:
                refused.append(
                    CellError(
                        sheet,
                        row,
                        "指标名称" if (sheet, k) == ("指标", "name") else COLUMN_OF[k],
                        f"{obj.code} 由{holder or '系统管理员'}维护，本地区不能修改",
                    )
                )
        return {}

    def upsert(
        model: Any, lookup: dict[str, Any], fields: dict[str, Any], *, where: tuple[str, int]
    ) -> Any:
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            if model in (Category, Indicator):
                fields = {**fields, "owner": owner}
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
        if model in (Category, Indicator):
            fields = guard(obj, fields, *where)
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
            where=("类别", c.row),
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
            where=("指标", i.row),
        )
    regions = {r.code: r for r in Region.objects.filter(code__in={t.region for t in book.targets})}
    for t in book.targets:
        upsert(
            Target,
            {"indicator": inds[t.indicator], "year": t.year, "region": regions[t.region]},
            {"value": t.value},
            where=("目标值", t.row),
        )
    if refused:
        raise TableError(refused)
    AuditEntry.objects.bulk_create(audits)
    return counts
