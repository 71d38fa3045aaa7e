"""A questionnaire's items as the quality office edits them — on the page or in an Excel sheet
(columns 题号 题目 量表 领域 被评部门 权重 总体题, or code text scale domain department
weight overall) — and the rules every version
must meet: unique codes, known scales, non-negative weights, at most one overall item and at
least one scored item. Errors are located by row and column; nothing is half-read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from minsheng.core.polls.scales import Scale
from minsheng.core.tabular import (
    CellError,
    Table,
    TableError,
    cell_bool,
    cell_float,
    cell_text,
    require_columns,
)

COLUMNS = ("code", "text", "scale", "domain", "department", "weight", "overall")
# Longest text per column (the database columns' sizes; a test keeps them equal).
LIMITS = {"code": 20, "text": 300, "domain": 50}
REQUIRED = ("code", "text", "scale")
HEADERS_ZH = ("题号", "题目", "量表", "领域", "被评部门", "权重", "总体题")
ALIASES = dict(zip(HEADERS_ZH, COLUMNS, strict=True))
SCALE_NAMES: dict[Scale, str] = {
    Scale.SATISFACTION: "五级满意度",
    Scale.SAFETY: "五级安全感",
    Scale.YES_NO: "是/否",
    Scale.ZERO_TEN: "0–10 分",
}
# The national monitoring's twelve domains (DESIGN.md), plus the overall item's.
DOMAINS = (
    "公共教育",
    "公共就业",
    "医疗服务",
    "社会保障",
    "公用事业",
    "生态环境",
    "公共交通",
    "公共安全",
    "公共文化",
    "公共体育",
    "养老服务",
    "政务服务",
    "总体",
)


@dataclass(frozen=True, slots=True)
class ItemData:
    code: str
    text: str
    scale: Scale
    domain: str = ""
    department: str = ""  # key of the rated organisation (政风行风), "" for none
    weight: float = 1.0
    is_overall: bool = False


def scale_of(value: str) -> Scale | None:
    """A scale by its key (satisfaction5) or its Chinese name (五级满意度)."""
    text = value.strip()
    for scale, name in SCALE_NAMES.items():
        if text in (scale.value, name):
            return scale
    return None


def check_items(items: Sequence[ItemData]) -> list[str]:
    """Rules across the items (each message names the item)."""
    errors: list[str] = []
    seen: set[str] = set()
    for item in items:
        if item.code in seen:
            errors.append(f"题号 {item.code} 重复")
        seen.add(item.code)
        if item.weight < 0:
            errors.append(f"题号 {item.code}：权重不能为负")
    overall = [i.code for i in items if i.is_overall]
    if len(overall) > 1:
        errors.append(f"只能有一道总体满意度题（现有 {'、'.join(overall)}）")
    if not any(not i.is_overall for i in items):
        errors.append("至少需要一道计分题")
    return errors


def read_items(table: Table, departments: Mapping[str, str]) -> list[ItemData]:
    """Rows of an items sheet → items; ``departments`` maps names and keys to keys. Raises
    ``TableError`` with every problem located."""
    columns = require_columns(table, REQUIRED, ALIASES)
    errors: list[CellError] = []
    items: list[ItemData] = []
    first_row: dict[str, int] = {}
    for row in table.rows:
        values = {c: row.values.get(columns.get(c, c)) for c in COLUMNS}
        code = cell_text(values["code"])
        text = cell_text(values["text"])
        scale = scale_of(cell_text(values["scale"]))
        department = cell_text(values["department"])
        weight_cell = values["weight"]
        weight = cell_float(weight_cell) if cell_text(weight_cell) else 1.0
        overall = cell_bool(values["overall"], default=False)
        for key, limit in LIMITS.items():
            if len(cell_text(values[key])) > limit:
                errors.append(
                    table.error(row.number, columns.get(key, key), f"不能超过 {limit} 个字符")
                )
        if not code:
            errors.append(table.error(row.number, columns.get("code", "code"), "题号不能为空"))
        elif code in first_row:
            errors.append(
                table.error(
                    row.number, columns.get("code", "code"), f"题号与第 {first_row[code]} 行重复"
                )
            )
        else:
            first_row[code] = row.number
        if not text:
            errors.append(table.error(row.number, columns.get("text", "text"), "题目不能为空"))
        if scale is None:
            names = "、".join(SCALE_NAMES.values())
            errors.append(
                table.error(row.number, columns.get("scale", "scale"), f"量表须为 {names} 之一")
            )
        if department and department not in departments:
            errors.append(
                table.error(
                    row.number, columns.get("department", "department"), f"找不到部门“{department}”"
                )
            )
        if weight is None or not 0 <= weight <= 100:
            errors.append(
                table.error(row.number, columns.get("weight", "weight"), "权重须为 0–100 的数字")
            )
        if overall is None:
            errors.append(
                table.error(row.number, columns.get("overall", "overall"), "总体题须填 是/否")
            )
        if scale is not None and code and text and weight is not None and weight >= 0:
            items.append(
                ItemData(
                    code=code,
                    text=text,
                    scale=scale,
                    domain=cell_text(values["domain"]),
                    department=departments.get(department, ""),
                    weight=weight,
                    is_overall=bool(overall),
                )
            )
    if not errors:
        errors += [table.error(0, "", message) for message in check_items(items)]
    if errors:
        raise TableError(errors)
    return items
