"""The data an assessment runs on, as a table: ``unit,period,component,value`` (Chinese headers
单位, 期别, 组成部分, 数值 accepted). A component is one of the scheme's (its value on 0–100) or
``deduction:<reason>``, ``bonus:<reason>`` (points), ``veto:<reason>`` (1 = vetoed) or
``se:<component>`` (that component's standard error, for rank intervals). Every problem is
located; nothing is read when there is one."""

from __future__ import annotations

from minsheng.core.assess.engine import PREFIXES, Entry
from minsheng.core.assess.scheme import Scheme
from minsheng.core.tabular import CellError, Table, TableError, cell_float, cell_text
from minsheng.core.tabular import require_columns as columns_of

ALIASES = {"单位": "unit", "期别": "period", "组成部分": "component", "数值": "value"}


def entries_from_table(table: Table, scheme: Scheme) -> list[Entry]:
    columns = columns_of(table, ["unit", "period", "component", "value"], ALIASES)
    entries: list[Entry] = []
    errors: list[CellError] = []
    seen: dict[tuple[str, str, str], int] = {}
    for row in table.rows:
        n, v = row.number, row.values
        unit, period, component = (
            cell_text(v.get(columns[c])) for c in ("unit", "period", "component")
        )
        raw = v.get(columns["value"])
        value = cell_float(raw)
        for name, text in (("unit", unit), ("period", period), ("component", component)):
            if not text:
                errors.append(table.error(n, columns[name], "不能为空"))
        kind, sep, reason = component.partition(":")
        if (
            component
            and not (sep and kind in PREFIXES and reason)
            and (component not in scheme.components)
        ):
            errors.append(table.error(n, columns["component"], f"方案中没有组成部分“{component}”"))
        if value is None:
            errors.append(table.error(n, columns["value"], f"“{cell_text(raw)}”不是数字"))
        elif component in scheme.components and not 0 <= value <= 100:
            errors.append(table.error(n, columns["value"], f"{value:g} 不在 0–100 之间"))
        elif sep and kind in ("deduction", "bonus", "se") and value < 0:
            errors.append(table.error(n, columns["value"], "扣分、加分、标准误不能为负数"))
        key = (unit, period, component)
        if component in scheme.components and key in seen:
            errors.append(table.error(n, columns["component"], f"与第 {seen[key]} 行重复"))
        seen.setdefault(key, n)
        if value is not None:
            entries.append(Entry(unit, period, component, value, n))
    if errors:
        raise TableError(errors)
    return entries
