"""Reading the catalog and observation tables of ``minsheng index compute`` (CSV in UTF-8, BOM or
GBK, or Excel) into a ``Panel``; every problem is reported with its sheet, row and column.

CATALOG: ``code,name,category,unit,polarity,weight,target,lower,upper`` (polarity 1 or −1; blank
cells allowed where unused), optionally ``target_year``, ``average``, ``decimals``.
OBS: ``region,period,indicator,value``; all regions in OBS form the peer group.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np

from minsheng.core.index.model import Indicator, Panel, sort_periods
from minsheng.core.index.periods import Period, PeriodError
from minsheng.core.tabular import (
    Cell,
    CellError,
    Table,
    TableError,
    cell_float,
    cell_int,
    cell_text,
    require_columns,
)

CATALOG_ALIASES = {
    "指标代码": "code",
    "代码": "code",
    "指标名称": "name",
    "名称": "name",
    "类别": "category",
    "领域": "category",
    "单位": "unit",
    "方向": "polarity",
    "极性": "polarity",
    "权重": "weight",
    "目标值": "target",
    "目标": "target",
    "下限": "lower",
    "上限": "upper",
    "目标年度": "target_year",
    "平均值": "average",
    "省平均": "average",
    "小数位": "decimals",
}
OBS_ALIASES = {
    "地区": "region",
    "地区代码": "region",
    "期别": "period",
    "指标": "indicator",
    "指标代码": "indicator",
    "数值": "value",
    "值": "value",
}
# Every way a catalog says which direction is good (CSV of the command and the catalog workbook).
POLARITY = {
    **dict.fromkeys(("1", "+1", "正向", "高优", "越高越好", "higher", "up"), 1),
    **dict.fromkeys(("-1", "逆向", "负向", "低优", "越低越好", "lower", "down"), -1),
}

T = TypeVar("T")


def _optional(
    table: Table,
    errors: list[CellError],
    row: int,
    column: str,
    value: Cell,
    convert: Callable[[Cell], T | None],
    what: str,
) -> T | None:
    if cell_text(value) == "":
        return None
    out = convert(value)
    if out is None:
        errors.append(table.error(row, column, f"“{cell_text(value)}”不是{what}"))
    return out


def parse_catalog(table: Table) -> list[Indicator]:
    cols = require_columns(table, ["code", "name", "category", "polarity"], CATALOG_ALIASES)
    errors: list[CellError] = []
    seen: dict[str, int] = {}
    out: list[Indicator] = []
    for row in table.rows:
        v = {k: row.values.get(h) for k, h in cols.items()}
        n = row.number
        code = cell_text(v.get("code"))
        name = cell_text(v.get("name"))
        category = cell_text(v.get("category"))
        for key, text in (("code", code), ("name", name), ("category", category)):
            if not text:
                errors.append(table.error(n, cols[key], "不能为空"))
        if code in seen:
            errors.append(table.error(n, cols["code"], f"指标代码 {code} 与第 {seen[code]} 行重复"))
        seen.setdefault(code, n)
        pol_text = cell_text(v.get("polarity")).lower()
        polarity = POLARITY.get(pol_text.removesuffix(".0"))
        if polarity is None:
            errors.append(
                table.error(
                    n,
                    cols["polarity"],
                    f"方向应为 1（越高越好）或 -1（越低越好），而不是“{pol_text}”",
                )
            )
        nums: dict[str, float | None] = {}
        for key in ("weight", "target", "lower", "upper", "average"):
            if key in cols:
                nums[key] = _optional(table, errors, n, cols[key], v.get(key), cell_float, "数字")
        weight = nums.get("weight")
        if weight is not None and weight < 0:
            errors.append(table.error(n, cols["weight"], "权重不能为负"))
        year = decimals = None
        if "target_year" in cols:
            year = _optional(
                table, errors, n, cols["target_year"], v.get("target_year"), cell_int, "年份"
            )
        if "decimals" in cols:
            decimals = _optional(
                table, errors, n, cols["decimals"], v.get("decimals"), cell_int, "整数"
            )
        lower, upper = nums.get("lower"), nums.get("upper")
        if lower is not None and upper is not None and not upper > lower:
            errors.append(table.error(n, cols["upper"], "上限必须大于下限"))
        out.append(
            Indicator(
                code=code,
                name=name or code,
                category=category,
                unit=cell_text(v.get("unit")) if "unit" in cols else "",
                polarity=polarity or 1,
                weight=1.0 if weight is None else weight,
                decimals=2 if decimals is None else decimals,
                target=nums.get("target"),
                target_year=year,
                lower=lower,
                upper=upper,
                average=nums.get("average"),
            )
        )
    if not out and not errors:
        errors.append(table.error(0, "", "目录中没有指标"))
    if errors:
        raise TableError(errors)
    return out


def parse_observations(table: Table, catalog: list[Indicator]) -> Panel:
    cols = require_columns(table, ["region", "period", "indicator", "value"], OBS_ALIASES)
    known = {ind.code: k for k, ind in enumerate(catalog)}
    errors: list[CellError] = []
    cells: list[tuple[str, int, Period, float]] = []
    seen: dict[tuple[str, int, Period], int] = {}
    period_cache: dict[str, Period] = {}
    for row in table.rows:
        vals = row.values
        n = row.number
        region = cell_text(vals.get(cols["region"]))
        code = cell_text(vals.get(cols["indicator"]))
        ptext = cell_text(vals.get(cols["period"]))
        ok = True
        if not region:
            errors.append(table.error(n, cols["region"], "地区不能为空"))
            ok = False
        if code not in known:
            errors.append(table.error(n, cols["indicator"], f"目录中没有指标“{code}”"))
            ok = False
        period = period_cache.get(ptext)
        if period is None:
            try:
                period = period_cache[ptext] = Period.parse(ptext)
            except PeriodError as exc:
                errors.append(table.error(n, cols["period"], str(exc)))
                ok = False
        raw = vals.get(cols["value"])
        value = float("nan") if cell_text(raw) == "" else cell_float(raw)
        if value is None:
            errors.append(table.error(n, cols["value"], f"“{cell_text(raw)}”不是数字"))
            ok = False
        if not ok or period is None or value is None:
            continue
        key = (region, known[code], period)
        if key in seen:
            errors.append(
                table.error(
                    n, cols["indicator"], f"与第 {seen[key]} 行重复（同一地区、期别、指标）"
                )
            )
            continue
        seen[key] = n
        cells.append((region, known[code], period, value))
    if not cells and not errors:
        errors.append(table.error(0, "", "没有观测数据"))
    if errors:
        raise TableError(errors)
    return build_panel(catalog, cells)


def build_panel(
    catalog: list[Indicator],
    cells: list[tuple[str, int, Period, float]],
    names: dict[str, str] | None = None,
) -> Panel:
    """A panel from (region, indicator position, period, value) cells; regions sorted by code."""
    regions = sorted({c[0] for c in cells})
    periods = sort_periods([c[2] for c in cells])
    r_of = {r: k for k, r in enumerate(regions)}
    t_of = {p: k for k, p in enumerate(periods)}
    values = np.full((len(regions), len(catalog), len(periods)), np.nan)
    if cells:
        r_idx = np.fromiter((r_of[c[0]] for c in cells), dtype=np.intp, count=len(cells))
        i_idx = np.fromiter((c[1] for c in cells), dtype=np.intp, count=len(cells))
        t_idx = np.fromiter((t_of[c[2]] for c in cells), dtype=np.intp, count=len(cells))
        values[r_idx, i_idx, t_idx] = np.fromiter((c[3] for c in cells), dtype=np.float64)
    return Panel(tuple(regions), tuple(catalog), tuple(periods), values, names or {})
