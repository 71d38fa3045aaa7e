"""The office's list of places to inspect that are not service centres (schools, nursing homes,
hospital outpatient departments): a table of name, region code and kind (名称, 区划代码, 类型),
every problem located by row and column. Service centres come from the register itself."""

from __future__ import annotations

from dataclasses import dataclass

from minsheng.core.inspect.checklist import KINDS
from minsheng.core.tabular import CellError, Table, cell_text, require_columns

ALIASES = {"名称": "name", "区划代码": "region", "地区代码": "region", "类型": "kind"}
BY_LABEL = {label: key for key, label in KINDS.items()}


@dataclass(frozen=True, slots=True)
class SiteRow:
    row: int
    name: str
    region: str
    kind: str


def read_sites(table: Table) -> tuple[list[SiteRow], list[CellError]]:
    """The rows that are fine and every problem of the others (the caller adds its own checks
    and takes the file whole or not at all). A missing column is a ``TableError`` at once."""
    columns = require_columns(table, ["name", "region", "kind"], ALIASES)
    rows: list[SiteRow] = []
    errors: list[CellError] = []
    seen: dict[tuple[str, str, str], int] = {}
    for row in table.rows:
        name = cell_text(row.values.get(columns["name"])).strip()
        region = cell_text(row.values.get(columns["region"])).strip()
        raw_kind = cell_text(row.values.get(columns["kind"])).strip()
        kind = BY_LABEL.get(raw_kind, raw_kind)
        if not name or len(name) > 200:
            errors.append(table.error(row.number, columns["name"], "名称不能为空，最多 200 个字符"))
        if not (region.isdigit() and len(region) == 12):
            errors.append(
                table.error(row.number, columns["region"], f"“{region}”不是 12 位区划代码")
            )
        if kind not in KINDS or kind == "service_centre":
            allowed = "、".join(v for k, v in KINDS.items() if k != "service_centre")
            errors.append(
                table.error(row.number, columns["kind"], f"类型“{raw_kind}”须为{allowed}之一")
            )
        key = (name, region, kind)
        if key in seen:
            errors.append(table.error(row.number, columns["name"], f"与第 {seen[key]} 行重复"))
        seen.setdefault(key, row.number)
        if not any(e.row == row.number for e in errors):
            rows.append(SiteRow(row.number, name, region, kind))
    return rows, errors
