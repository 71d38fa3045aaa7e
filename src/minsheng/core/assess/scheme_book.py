"""An assessment scheme as an Excel workbook, both ways, for offices that keep their rules in
Excel: sheets 组成部分 (组成部分, 权重), 等次 (最低分, 等次), 扣分 (来源, 每次扣分), 设置 (项目, 值:
加分上限) and 触发条件 (名称, 条件, 措施 — the condition in the scheme's JSON form, since
conditions nest). Reading locates every problem by sheet, row and column; the rules are then
checked as a whole by ``parse_scheme``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from minsheng.core.tabular import CellError, Table, TableError, cell_text
from minsheng.core.xlsx import Sheet

SHEETS = ("组成部分", "等次", "扣分", "设置", "触发条件")


def scheme_sheets(rules: dict[str, Any]) -> list[Sheet]:
    components = [[k, v] for k, v in rules.get("components", {}).items()]
    deductions = [[k, v] for k, v in rules.get("deductions", {}).items()]
    return [
        Sheet("组成部分", ["组成部分", "权重"], components),
        Sheet("等次", ["最低分", "等次"], [[m, g] for m, g in rules.get("grades", [])]),
        Sheet("扣分", ["来源", "每次扣分"], deductions),
        Sheet("设置", ["项目", "值"], [["加分上限", rules.get("bonus_cap", 0)]]),
        Sheet(
            "触发条件",
            ["名称", "条件", "措施"],
            [
                [t.get("name", ""), json.dumps(t.get("when", {}), ensure_ascii=False),
                 t.get("consequence", "")]
                for t in rules.get("triggers", [])
            ],
        ),
    ]  # fmt: skip


def _number(table: Table, row: int, column: str, raw: Any, errors: list[CellError]) -> float:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    try:
        return float(cell_text(raw))
    except ValueError:
        errors.append(table.error(row, column, f"“{cell_text(raw)}”不是数字"))
        return 0.0


def scheme_from_book(read: Callable[[str], Table | None]) -> dict[str, Any]:
    """The rules from the workbook (``read(sheet)`` gives a sheet, None when it is missing), or
    ``TableError`` with every problem located."""
    errors: list[CellError] = []
    tables = {name: read(name) for name in SHEETS}
    if tables["组成部分"] is None:
        raise TableError([CellError("组成部分", 0, "", "缺少“组成部分”工作表")])
    rules: dict[str, Any] = {"components": {}, "grades": [], "deductions": {}, "triggers": []}
    for name, table in tables.items():
        if table is None:
            continue
        for row in table.rows:
            cells = [row.values.get(h) for h in table.headers]
            if all(cell_text(c) == "" for c in cells):
                continue
            first = cell_text(cells[0]) if cells else ""
            second = cells[1] if len(cells) > 1 else None
            header = table.headers[1] if len(table.headers) > 1 else ""
            if name == "组成部分":
                rules["components"][first] = _number(table, row.number, header, second, errors)
            elif name == "等次":
                minimum = _number(table, row.number, table.headers[0], cells[0], errors)
                rules["grades"].append([minimum, cell_text(second)])
            elif name == "扣分":
                rules["deductions"][first] = _number(table, row.number, header, second, errors)
            elif name == "设置" and first == "加分上限":
                rules["bonus_cap"] = _number(table, row.number, header, second, errors)
            elif name == "设置":
                errors.append(table.error(row.number, table.headers[0], f"未知的设置“{first}”"))
            elif name == "触发条件":
                try:
                    when = json.loads(cell_text(second))
                except json.JSONDecodeError:
                    errors.append(table.error(row.number, header, "条件不是有效的 JSON"))
                    continue
                consequence = cell_text(cells[2]) if len(cells) > 2 else ""
                rules["triggers"].append({"name": first, "when": when, "consequence": consequence})
    if errors:
        raise TableError(errors)
    return rules
