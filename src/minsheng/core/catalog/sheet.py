"""The catalog as a worksheet (one row per item). Chinese headers as below, English aliases
accepted: 事项编码, 事项名称, 事项类型, 实施主体, 行使层级, 所属区划 (12-digit code),
法定办结时限, 承诺办结时限 (working days; blank = none), 办件类型 (即办件/承诺件), 到现场次数,
网上办理深度 (1–4 or Ⅰ–Ⅳ), 是否进驻大厅 (是/否), 不进驻原因. Every problem is reported with
its row and column, and nothing is read when there is one."""

from __future__ import annotations

from minsheng.core.catalog.items import KINDS, LEVELS, ROMAN, Item
from minsheng.core.tabular import (
    Cell,
    CellError,
    Table,
    TableError,
    cell_bool,
    cell_int,
    cell_text,
    read_table,
    require_columns,
)

REQUIRED = ["事项编码", "事项名称", "事项类型", "实施主体", "行使层级", "所属区划"]
HEADER_ORDER = [
    *REQUIRED,
    "法定办结时限",
    "承诺办结时限",
    "办件类型",
    "到现场次数",
    "网上办理深度",
    "是否进驻大厅",
    "不进驻原因",
]
ALIASES = {
    "code": "事项编码",
    "name": "事项名称",
    "type": "事项类型",
    "organisation": "实施主体",
    "level": "行使层级",
    "region": "所属区划",
    "legal_days": "法定办结时限",
    "promised_days": "承诺办结时限",
    "case_type": "办件类型",
    "visits": "到现场次数",
    "online_depth": "网上办理深度",
    "entered": "是否进驻大厅",
    "reason": "不进驻原因",
}


def _days(table: Table, row: int, column: str, value: Cell, errors: list[CellError]) -> int | None:
    if value is None:
        return None
    days = cell_int(value)
    if days is None or not 0 <= days <= 3650:
        errors.append(table.error(row, column, f"“{cell_text(value)}”不是 0–3650 之间的工作日数"))
        return None
    return days


def _depth(value: Cell) -> int | None:
    text = cell_text(value).strip().upper().replace("级", "")
    if text in ROMAN:
        return ROMAN[text]
    number = cell_int(value)
    return number if number in (1, 2, 3, 4) else None


def items_from_sheet(data: bytes, *, filename: str) -> list[Item]:
    table = read_table(data, filename=filename)
    columns = require_columns(table, REQUIRED, ALIASES)
    errors: list[CellError] = []
    items: list[Item] = []
    seen: dict[tuple[str, str], int] = {}

    def get(row_values: dict[str, Cell], name: str) -> Cell:
        header = columns.get(name)
        return row_values.get(header) if header else None

    for row in table.rows:
        n, v = row.number, row.values
        code, name = cell_text(get(v, "事项编码")), cell_text(get(v, "事项名称"))
        for column, text in (("事项编码", code), ("事项名称", name)):
            if not text:
                errors.append(table.error(n, column, "不能为空"))
        kind = cell_text(get(v, "事项类型"))
        if kind not in KINDS:
            errors.append(table.error(n, "事项类型", f"“{kind}”不是{'、'.join(KINDS)}之一"))
        organisation = cell_text(get(v, "实施主体"))
        if not organisation:
            errors.append(table.error(n, "实施主体", "不能为空"))
        level = cell_text(get(v, "行使层级")).rstrip("级")
        if level not in LEVELS:
            errors.append(table.error(n, "行使层级", f"“{level}”不是市、县、乡、村之一"))
        region = cell_text(get(v, "所属区划"))
        if not (len(region) == 12 and region.isdigit()):
            errors.append(table.error(n, "所属区划", f"“{region}”不是 12 位区划代码"))
        key = (code, region)
        if code and key in seen:
            errors.append(table.error(n, "事项编码", f"与第 {seen[key]} 行重复（同一区划）"))
        seen.setdefault(key, n)
        legal = _days(table, n, "法定办结时限", get(v, "法定办结时限"), errors)
        promised = _days(table, n, "承诺办结时限", get(v, "承诺办结时限"), errors)
        case_type = cell_text(get(v, "办件类型")) or ("即办件" if promised == 0 else "承诺件")
        if case_type not in ("即办件", "承诺件"):
            errors.append(table.error(n, "办件类型", f"“{case_type}”不是即办件或承诺件"))
        visits_cell = get(v, "到现场次数")
        visits = cell_int(visits_cell) if visits_cell is not None else None
        if visits_cell is not None and (visits is None or visits < 0):
            errors.append(table.error(n, "到现场次数", f"“{cell_text(visits_cell)}”不是次数"))
        depth_cell = get(v, "网上办理深度")
        depth = _depth(depth_cell) if depth_cell is not None else 1
        if depth is None:
            errors.append(
                table.error(n, "网上办理深度", f"“{cell_text(depth_cell)}”不是 1–4 或 Ⅰ–Ⅳ")
            )
        entered = cell_bool(get(v, "是否进驻大厅"), default=True)
        if entered is None:
            errors.append(table.error(n, "是否进驻大厅", "应为“是”或“否”"))
        items.append(
            Item(
                code=code,
                name=name,
                kind=kind,
                organisation=organisation,
                level=level,
                region=region,
                legal_days=legal,
                promised_days=promised,
                instant=case_type == "即办件",
                visits=visits,
                depth=depth or 1,
                entered=bool(entered),
                not_entered_reason=cell_text(get(v, "不进驻原因")),
                row=n,
            )
        )
    if errors:
        raise TableError(errors)
    return items
