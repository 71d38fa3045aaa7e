"""Provincial figures a city receives each period (对标值): the provincial average and best
value of each indicator and the city's published rank in the province. One table, one row per
indicator and period, read from the office's Excel (or CSV) all or nothing: every problem is
located by row and column and nothing is written while there is one.

Columns: 指标代码, 期别, 省平均, 省最优, 全省排名, 参评地区数 (the figures may be blank: a
blank leaves what is stored, and a row without any figure is skipped; 指标名称 is ignored, it is
there for the reader of the exported file).

The values of the province's other cities (``parse_city_values``): 地区代码, 地区, 指标代码,
指标名称, 期别, 数值 — one row per city, indicator and period, checked the same way.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass

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

HEADERS = ("指标代码", "指标名称", "期别", "省平均", "省最优", "全省排名", "参评地区数")
ALIASES = {
    "指标代码": "indicator",
    "期别": "period",
    "省平均": "average",
    "省最优": "best",
    "全省排名": "rank",
    "参评地区数": "ranked_of",
    "indicator": "indicator",
    "period": "period",
    "average": "average",
    "best": "best",
    "rank": "rank",
    "ranked_of": "ranked_of",
}
MAX_RANKED = 10_000  # more regions than any province has


@dataclass(frozen=True, slots=True)
class Bounds:
    """What the catalog knows of an indicator: its valid range, if any."""

    low: float | None
    high: float | None


@dataclass(frozen=True, slots=True)
class BenchmarkRow:
    indicator: str
    period: str
    average: float | None
    best: float | None
    rank: int | None
    ranked_of: int | None
    row: int = 0


def _number(
    table: Table, n: int, column: str, raw: Cell, errors: list[CellError], header: str
) -> float | None:
    if cell_text(raw) == "":
        return None
    value = cell_float(raw)
    if value is None or not math.isfinite(value):
        errors.append(table.error(n, header, f"“{cell_text(raw)}”不是数字"))
        return None
    return value


def _indicator_and_period(
    table: Table,
    n: int,
    values: Mapping[str, Cell],
    header: Mapping[str, str],
    indicators: Mapping[str, Bounds],
    errors: list[CellError],
) -> tuple[str, Bounds | None, str]:
    """The row's indicator code (known to the catalog) and period; problems go to ``errors``."""
    code = cell_text(values.get(header["indicator"]))
    bounds = indicators.get(code)
    if not code:
        errors.append(table.error(n, header["indicator"], "不能为空"))
    elif bounds is None:
        errors.append(table.error(n, header["indicator"], f"指标目录中没有指标 {code}"))
    try:
        period = str(Period.parse(cell_text(values.get(header["period"]))))
    except PeriodError as exc:
        errors.append(table.error(n, header["period"], str(exc)))
        period = ""
    return code, bounds, period


def _check_range(
    table: Table,
    n: int,
    column: str,
    x: float | None,
    bounds: Bounds | None,
    errors: list[CellError],
) -> None:
    """A figure outside the indicator's valid range is an error at its cell."""
    if x is None or bounds is None:
        return
    low = -math.inf if bounds.low is None else bounds.low
    high = math.inf if bounds.high is None else bounds.high
    if not low <= x <= high:
        lo = "—" if bounds.low is None else f"{bounds.low:g}"
        hi = "—" if bounds.high is None else f"{bounds.high:g}"
        errors.append(table.error(n, column, f"{x:g} 超出该指标的有效范围 [{lo}, {hi}]"))


def parse_benchmarks(table: Table, indicators: Mapping[str, Bounds]) -> list[BenchmarkRow]:
    """The rows of ``table``; raises ``TableError`` listing every problem."""
    cols = require_columns(table, ["indicator", "period"], ALIASES)
    header = {key: cols.get(key, key) for key in ALIASES.values()}
    errors: list[CellError] = []
    out: list[BenchmarkRow] = []
    seen: dict[tuple[str, str], int] = {}
    for row in table.rows:
        v, n = row.values, row.number
        code, bounds, period = _indicator_and_period(table, n, v, header, indicators, errors)
        if code and period:
            if (code, period) in seen:
                errors.append(
                    table.error(n, header["indicator"], f"与第 {seen[(code, period)]} 行重复")
                )
            seen.setdefault((code, period), n)
        values = {}
        for key in ("average", "best"):
            x = _number(table, n, key, v.get(header[key]), errors, header[key])
            _check_range(table, n, header[key], x, bounds, errors)
            values[key] = x
        rank_raw, of_raw = v.get(header["rank"]), v.get(header["ranked_of"])
        rank = cell_int(rank_raw) if cell_text(rank_raw) else None
        ranked_of = cell_int(of_raw) if cell_text(of_raw) else None
        if cell_text(rank_raw) and (rank is None or not 1 <= rank <= MAX_RANKED):
            errors.append(table.error(n, header["rank"], "排名应为 1 起的整数"))
            rank = None
        if cell_text(of_raw) and (ranked_of is None or not 1 <= ranked_of <= MAX_RANKED):
            errors.append(table.error(n, header["ranked_of"], "参评地区数应为正整数"))
            ranked_of = None
        if rank is not None and ranked_of is not None and rank > ranked_of:
            errors.append(table.error(n, header["rank"], f"排名 {rank} 大于参评地区数 {ranked_of}"))
        if all(x is None for x in (values["average"], values["best"], rank)):
            continue  # nothing given for it (the exported table lists every indicator)
        out.append(
            BenchmarkRow(code, period, values["average"], values["best"], rank, ranked_of, n)
        )
    if errors:
        raise TableError(errors)
    return out


# The values the province publishes for each of its cities (全省各市指标值), so that a city can
# rank itself among them: one row per city, indicator and period.
CITY_HEADERS = ("地区代码", "地区", "指标代码", "指标名称", "期别", "数值")
CITY_ALIASES = {
    "地区代码": "region",
    "指标代码": "indicator",
    "期别": "period",
    "数值": "value",
    "region": "region",
    "indicator": "indicator",
    "period": "period",
    "value": "value",
}


@dataclass(frozen=True, slots=True)
class CityValueRow:
    region: str
    indicator: str
    period: str
    value: float
    row: int = 0


def parse_city_values(
    table: Table,
    cities: Mapping[str, str],
    indicators: Mapping[str, Bounds],
    *,
    own: Collection[str],
) -> list[CityValueRow]:
    """The rows of ``table``; ``cities`` maps each other city's code (and name) to its code;
    ``own`` is the importing city (code and name), whose values come from its departments'
    forms. A row with a
    blank value is skipped. Raises ``TableError`` listing every problem."""
    cols = require_columns(table, ["region", "indicator", "period"], CITY_ALIASES)
    header = {key: cols.get(key, key) for key in CITY_ALIASES.values()}
    errors: list[CellError] = []
    out: list[CityValueRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    for row in table.rows:
        v, n = row.values, row.number
        raw_region = cell_text(v.get(header["region"]))
        region = cities.get(raw_region, "")
        if not raw_region:
            errors.append(table.error(n, header["region"], "不能为空"))
        elif raw_region in own:
            errors.append(
                table.error(n, header["region"], "本市的数值由各部门报表填报，不在此导入")
            )
        elif not region:
            errors.append(table.error(n, header["region"], f"“{raw_region}”不是本省的其他市"))
        code, bounds, period = _indicator_and_period(table, n, v, header, indicators, errors)
        value = _number(table, n, "value", v.get(header["value"]), errors, header["value"])
        _check_range(table, n, header["value"], value, bounds, errors)
        key = (region, code, period)
        if region and code and period:
            if key in seen:
                errors.append(table.error(n, header["indicator"], f"与第 {seen[key]} 行重复"))
            seen.setdefault(key, n)
        if value is None or not (region and code and period):
            continue
        out.append(CityValueRow(region, code, period, value, n))
    if errors:
        raise TableError(errors)
    return out
