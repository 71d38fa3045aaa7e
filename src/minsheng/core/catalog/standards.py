"""The basic public-service standard list (基本公共服务标准, 清单+标准) as the office
supplies it in a spreadsheet: the national edition (2021 or 2023: areas, categories and
items, each with 服务对象, 服务内容, 服务标准, 支出责任, 牵头负责单位) or a local list that
also says how each item stands against the national one (等同国标 / 高于国标 / 本地新增). A
row may name the indicators (codes, separated by 、 or ;) that monitor it, and the inspection
checklist items (their codes) that check it. The platform carries no national text of its own.

Columns: 领域, 类别, 序号, 服务项目, 服务对象, 服务内容, 服务标准, 支出责任, 牵头负责单位,
and optionally 对标情况, 监测指标 and 检查项目. Every problem is located; nothing is read when
there is one."""

from __future__ import annotations

import re
from dataclasses import dataclass

from minsheng.core.tabular import Cell, CellError, Table, TableError, cell_text, require_columns

REQUIRED = ["领域", "类别", "服务项目", "服务对象", "服务内容", "服务标准"]
OPTIONAL = ["序号", "支出责任", "牵头负责单位", "对标情况", "监测指标", "检查项目"]
FLAGS = ("等同国标", "高于国标", "本地新增")
ALIASES = {
    "area": "领域", "category": "类别", "number": "序号", "item": "服务项目",
    "recipients": "服务对象", "content": "服务内容", "standard": "服务标准",
    "funding": "支出责任", "lead": "牵头负责单位", "flag": "对标情况", "indicators": "监测指标",
    "checks": "检查项目",
}  # fmt: skip
# The longest text each column may hold (the standard list's storage has these limits).
LIMITS = {"领域": 50, "类别": 50, "序号": 20, "服务项目": 200, "牵头负责单位": 200, "对标情况": 10}
_SPLIT = re.compile(r"[、;；,，\s]+")


@dataclass(frozen=True, slots=True)
class StandardRow:
    row: int
    area: str
    category: str
    number: str
    name: str
    recipients: str
    content: str
    standard: str
    funding: str
    lead: str
    flag: str  # "" for the national list
    indicators: tuple[str, ...]
    checks: tuple[str, ...] = ()  # inspection checklist item codes


def standards_from_table(table: Table, *, local: bool) -> list[StandardRow]:
    """``local``: a local list, whose every row must say 等同国标, 高于国标 or 本地新增."""
    columns = require_columns(table, REQUIRED, ALIASES)

    def get(values: dict[str, Cell], name: str) -> str:
        header = columns.get(name)
        return cell_text(values.get(header)) if header else ""

    rows: list[StandardRow] = []
    errors: list[CellError] = []
    seen: dict[tuple[str, str, str], int] = {}
    for row in table.rows:
        n, v = row.number, row.values
        texts = {c: get(v, c) for c in REQUIRED + OPTIONAL}
        for column in REQUIRED:
            if not texts[column]:
                errors.append(table.error(n, column, "不能为空"))
        for column, limit in LIMITS.items():
            if len(texts[column]) > limit:
                errors.append(table.error(n, column, f"超过 {limit} 个字符"))
        flag = texts["对标情况"]
        if local and flag not in FLAGS:
            errors.append(table.error(n, "对标情况", f"地方清单须填写{'、'.join(FLAGS)}之一"))
        elif not local and flag:
            errors.append(table.error(n, "对标情况", "国家清单不填对标情况"))
        key = (texts["领域"], texts["类别"], texts["服务项目"])
        if texts["服务项目"] and key in seen:
            errors.append(table.error(n, "服务项目", f"与第 {seen[key]} 行重复"))
        seen.setdefault(key, n)
        rows.append(
            StandardRow(
                row=n,
                area=texts["领域"],
                category=texts["类别"],
                number=texts["序号"],
                name=texts["服务项目"],
                recipients=texts["服务对象"],
                content=texts["服务内容"],
                standard=texts["服务标准"],
                funding=texts["支出责任"],
                lead=texts["牵头负责单位"],
                flag=flag,
                indicators=tuple(c for c in _SPLIT.split(texts["监测指标"]) if c),
                checks=tuple(c for c in _SPLIT.split(texts["检查项目"]) if c),
            )
        )
    if errors:
        raise TableError(errors)
    return rows
