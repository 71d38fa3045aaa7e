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
import numpy.typing as npt
import polars as pl

from minsheng.core.columnar import Columns, numbers, resolve
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


def parse_observations(columns: Columns, catalog: list[Indicator]) -> Panel:
    """The observations as a panel, checked column by column (millions of rows at once); every
    bad cell is reported by row and column, in row order."""
    cols = resolve(columns, ["region", "period", "indicator", "value"], OBS_ALIASES)
    frame = columns.frame
    region = frame[cols["region"]]
    code = frame[cols["indicator"]]
    ptext = frame[cols["period"]]
    raw = frame[cols["value"]]
    found: list[tuple[int, int, CellError]] = []  # (row, order within the row, error)

    def flag(mask: pl.Series, order: int, column: str, message: Callable[[str], str]) -> None:
        flags = mask.fill_null(value=True).to_numpy()
        texts = frame[column].filter(pl.Series(flags)).fill_null("").to_list()
        for n, text in zip(columns.rows[flags].tolist(), texts, strict=True):
            found.append((n, order, columns.error(n, column, message(text))))

    known = {ind.code: k for k, ind in enumerate(catalog)}
    i_idx = code.replace_strict(known, default=None, return_dtype=pl.Int64)
    parsed: dict[str, Period] = {}
    reasons: dict[str, str] = {}
    for text in ptext.drop_nulls().unique().to_list():
        try:
            parsed[text] = Period.parse(text)
        except PeriodError as exc:
            reasons[text] = str(exc)
    periods = sort_periods(list(parsed.values()))
    t_of = {text: periods.index(p) for text, p in parsed.items()}
    t_idx = ptext.replace_strict(t_of, default=None, return_dtype=pl.Int64)
    value = numbers(raw)
    flag(region.is_null(), 0, cols["region"], lambda _: "地区不能为空")
    flag(i_idx.is_null(), 1, cols["indicator"], lambda t: f"目录中没有指标“{t}”")
    flag(t_idx.is_null(), 2, cols["period"], lambda t: reasons.get(t) or _period_reason(t))
    flag(raw.is_not_null() & value.is_null(), 3, cols["value"], lambda t: f"“{t}”不是数字")
    ok = (region.is_not_null() & i_idx.is_not_null() & t_idx.is_not_null()).to_numpy()
    ok &= ~(raw.is_not_null() & value.is_null()).to_numpy()
    if not found:
        keep = pl.Series(ok)
        regions = region.filter(keep).unique().sort()
        r = region.filter(keep).cast(pl.Enum(regions)).to_physical().cast(pl.Int64).to_numpy()
        i = i_idx.filter(keep).to_numpy()
        t = t_idx.filter(keep).to_numpy()
        key = (r * len(catalog) + i) * max(len(periods), 1) + t
        counts = np.bincount(key, minlength=1) if len(key) else np.zeros(1, dtype=np.int64)
        if not (counts > 1).any():
            v = value.filter(keep).fill_null(float("nan")).to_numpy()
            if not len(v):
                raise TableError([columns.error(0, "", "没有观测数据")])
            return panel_from_arrays(catalog, regions.to_list(), periods, (r, i, t), v)
    # Some cell is wrong or repeated: list the repeats too, each with the row it repeats.
    good = pl.DataFrame({"r": region, "i": i_idx, "t": t_idx, "n": columns.rows}).filter(
        pl.Series(ok)
    )
    good = good.with_columns(first=pl.col("n").first().over("r", "i", "t"))
    repeated = good.filter(pl.col("n") != pl.col("first"))
    for n, first in repeated.select("n", "first").iter_rows():
        message = f"与第 {first} 行重复（同一地区、期别、指标）"
        found.append((n, 4, columns.error(n, cols["indicator"], message)))
    if not good.height and not found:
        found.append((0, 0, columns.error(0, "", "没有观测数据")))
    raise TableError([e for _, _, e in sorted(found, key=lambda x: (x[0], x[1]))])


def _period_reason(text: str) -> str:
    try:
        Period.parse(text)
    except PeriodError as exc:
        return str(exc)
    return ""


def panel_from_arrays(
    catalog: list[Indicator],
    regions: list[str],
    periods: list[Period],
    index: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]],
    values: npt.NDArray[np.float64],
    names: dict[str, str] | None = None,
) -> Panel:
    """A panel from cell positions (region, indicator, period indices) and their values."""
    grid = np.full((len(regions), len(catalog), len(periods)), np.nan)
    grid[index] = values
    return Panel(tuple(regions), tuple(catalog), tuple(periods), grid, names or {})


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
    n = len(cells)
    r_idx = np.fromiter((r_of[c[0]] for c in cells), dtype=np.int64, count=n)
    i_idx = np.fromiter((c[1] for c in cells), dtype=np.int64, count=n)
    t_idx = np.fromiter((t_of[c[2]] for c in cells), dtype=np.int64, count=n)
    values = np.fromiter((c[3] for c in cells), dtype=np.float64, count=n)
    return panel_from_arrays(catalog, regions, periods, (r_idx, i_idx, t_idx), values, names)
