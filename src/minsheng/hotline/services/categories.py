"""Loading a city's own category table (分类编码表): columns ``code,name,parent,department``
(上级编码 blank for a top category; 默认承办单位 by name, may be blank). All or nothing, every
problem located; codes already there are updated, codes the file lacks are switched off."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.tabular import CellError, TableError, cell_text, read_table, require_columns
from minsheng.hotline.models import Category
from minsheng.orgs.models import Region
from minsheng.reviews.services.directory import Directory

ALIASES = {
    "分类编码": "code", "编码": "code", "分类名称": "name", "名称": "name", "上级编码": "parent",
    "默认承办单位": "department", "承办单位": "department",
}  # fmt: skip


@transaction.atomic
def categories_import(data: bytes, *, filename: str, actor: Any, city: Region) -> int:
    table = read_table(data, filename=filename)
    headers = require_columns(table, ("code", "name"), ALIASES)
    directory = Directory(city)
    errors: list[CellError] = []
    rows: dict[str, tuple[str, str, Any]] = {}
    for row in table.rows:
        code, name, parent, dept = (
            cell_text(row.values.get(headers[c])) if c in headers else ""
            for c in ("code", "name", "parent", "department")
        )
        if not code or len(code) > 32:
            errors.append(table.error(row.number, headers["code"], "编码不能为空，最多 32 个字符"))
        elif code in rows:
            errors.append(table.error(row.number, headers["code"], f"编码 {code} 重复"))
        if not name or len(name) > 100:
            errors.append(table.error(row.number, headers["name"], "名称不能为空，最多 100 个字符"))
        unit = directory.department(dept) if dept else None
        if dept and unit is None:
            errors.append(table.error(row.number, headers.get("department", "department"),
                                      f"登记册中没有单位“{dept}”"))  # fmt: skip
        rows[code] = (name, parent, unit)
    for row in table.rows:
        header = headers.get("parent")
        parent = cell_text(row.values.get(header)) if header else ""
        if parent and parent not in rows:
            errors.append(table.error(row.number, header or "parent", f"没有上级编码 {parent}"))
    if errors:
        raise TableError(errors)
    made: dict[str, Category] = {}

    def save(code: str, depth: int = 0) -> Category:
        if code in made:
            return made[code]
        if depth > 10:
            raise TableError([CellError(table.sheet, 0, "parent", f"分类 {code} 的上级形成循环")])
        name, parent_code, unit = rows[code]
        parent = save(parent_code, depth + 1) if parent_code else None
        path = f"{parent.path}/{name}" if parent else name
        cat, _new = Category.objects.update_or_create(
            city=city, code=code,
            defaults={"name": name, "parent": parent, "path": path, "department": unit,
                      "is_active": True},
        )  # fmt: skip
        made[code] = cat
        return cat

    for code in rows:
        save(code)
    Category.objects.filter(city=city).exclude(code__in=rows).update(is_active=False)
    audit_record(actor=actor, action=AuditAction.BULK, object_type="hotline.category",
                 note=f"categories {filename}: {len(rows)}", region_code=city.code)  # fmt: skip
    return len(rows)
