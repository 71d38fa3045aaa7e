"""Validating a table of regions (统计用区划代码) before anything is written.

Columns: ``code`` (区划代码, 2–12 digits) and ``name`` (名称) are required; ``parent_code``
(上级代码) is optional and, when given, must agree with the code. A region's parent must be in
the file or already in the database. All problems are reported together.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass

from minsheng.core.regions import AdminCode, CodeError, Level
from minsheng.core.tabular import CellError, Table, TableError, cell_text, require_columns

ALIASES = {"区划代码": "code", "代码": "code", "名称": "name", "上级代码": "parent_code"}
MAX_NAME = 100


@dataclass(frozen=True, slots=True)
class RegionRow:
    code: str
    name: str
    level: Level
    row: int


def parse_region_table(table: Table, *, existing_codes: Set[str]) -> list[RegionRow]:
    """The valid rows, parents before children; raises ``TableError`` with every problem."""
    columns = require_columns(table, ["code", "name"], ALIASES)
    code_col, name_col = columns["code"], columns["name"]
    parent_col = columns.get("parent_code")
    errors: list[CellError] = []
    parsed: list[RegionRow] = []
    first_row: dict[str, int] = {}
    for row in table.rows:
        raw_code = cell_text(row.values.get(code_col))
        name = cell_text(row.values.get(name_col))
        try:
            code = AdminCode.parse(raw_code) if raw_code else None
        except CodeError as exc:
            errors.append(table.error(row.number, code_col, str(exc)))
            code = None
        if not raw_code:
            errors.append(table.error(row.number, code_col, "区划代码为空"))
        if not name:
            errors.append(table.error(row.number, name_col, "名称为空"))
        elif len(name) > MAX_NAME:
            errors.append(table.error(row.number, name_col, f"名称超过 {MAX_NAME} 个字"))
        if code is None:
            continue
        if code.value in first_row:
            errors.append(
                table.error(
                    row.number,
                    code_col,
                    f"区划代码 {code.value} 与第 {first_row[code.value]} 行重复",
                )
            )
            continue
        first_row[code.value] = row.number
        if parent_col is not None:
            given = cell_text(row.values.get(parent_col))
            expected = code.parent.value if code.parent else ""
            try:
                given_code = AdminCode.parse(given).value if given else ""
            except CodeError:
                given_code = given
            if given and given_code != expected:
                errors.append(
                    table.error(
                        row.number,
                        parent_col,
                        f"上级代码应为 {expected or '空（省级）'}，不是 {given}",
                    )
                )
        parsed.append(RegionRow(code.value, name, code.level, row.number))
    known = set(first_row) | set(existing_codes)
    for region in parsed:
        parent = AdminCode(region.code).parent
        if parent is not None and parent.value not in known:
            errors.append(
                table.error(
                    region.row, code_col, f"上级地区 {parent.value} 既不在文件中，也不在系统中"
                )
            )
    if errors:
        raise TableError(sorted(errors, key=lambda e: (e.row, e.column)))
    return sorted(parsed, key=lambda r: (r.level, r.code))
