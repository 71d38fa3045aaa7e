"""Checking a reporting organisation's data for one period before anything is saved.

A form is a list of cells (region × indicator). Each entered cell is checked for:

type        the value is a number (blank = not reported)
range       within the indicator's valid range
jump        |x / previous − 1| above the indicator's threshold (default 30 %) needs an explanation
outlier     |z| > 3 against the other regions of the same form (mean and sample sd of the
            others, so one wild value cannot hide itself) needs an explanation
missing     on submission, a blank value needs an explanation (缺报说明)

Errors come back as ``CellError`` with the sheet, row and column the user typed them in, all at
once; the caller saves nothing while there is one.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from minsheng.core.tabular import (
    Cell,
    CellError,
    Table,
    cell_float,
    cell_text,
    require_columns,
)

Z_LIMIT = 3.0

TEMPLATE_HEADERS = (
    "地区代码",
    "地区名称",
    "指标代码",
    "指标名称",
    "单位",
    "上期数值",
    "本期数值",
    "说明",
)
TEMPLATE_ALIASES = {
    "地区代码": "region",
    "指标代码": "indicator",
    "本期数值": "value",
    "说明": "explanation",
    "region": "region",
    "indicator": "indicator",
    "value": "value",
    "explanation": "explanation",
}


@dataclass(frozen=True, slots=True)
class Rule:
    """What the form knows of an indicator."""

    code: str
    name: str
    valid_min: float | None = None
    valid_max: float | None = None
    jump_threshold: float | None = 0.3


@dataclass(frozen=True, slots=True)
class Entry:
    region: str
    indicator: str
    value: float | None
    explanation: str = ""
    row: int = 0  # where the user entered it (0 = web form)
    sheet: str = ""


@dataclass(frozen=True, slots=True)
class Check:
    """The outcome: errors block saving; ``flags`` are accepted deviations (explained)."""

    errors: list[CellError]
    flags: dict[tuple[str, str], str]


def read_template(
    table: Table, expected: set[tuple[str, str]]
) -> tuple[list[Entry], list[CellError]]:
    """Entries from an uploaded template and the problems found reading them (rows that are not
    cells of this form, repeated rows, values that are not numbers); ``check`` adds the rest."""
    cols = require_columns(table, ["region", "indicator", "value"], TEMPLATE_ALIASES)
    errors: list[CellError] = []
    seen: dict[tuple[str, str], int] = {}
    out: list[Entry] = []
    for row in table.rows:
        v = row.values
        region = cell_text(v.get(cols["region"]))
        code = cell_text(v.get(cols["indicator"]))
        key = (region, code)
        if key not in expected:
            errors.append(
                table.error(row.number, cols["region"], f"地区 {region} 的指标 {code} 不在本表单中")
            )
            continue
        if key in seen:
            errors.append(table.error(row.number, cols["indicator"], f"与第 {seen[key]} 行重复"))
            continue
        seen[key] = row.number
        raw: Cell = v.get(cols["value"])
        value = None if cell_text(raw) == "" else cell_float(raw)
        if value is None and cell_text(raw) != "":
            errors.append(table.error(row.number, cols["value"], f"“{cell_text(raw)}”不是数字"))
            continue
        explanation = cell_text(v.get(cols["explanation"])) if "explanation" in cols else ""
        out.append(Entry(region, code, value, explanation, row.number, table.sheet))
    return out, errors


def check(
    entries: Sequence[Entry],
    rules: dict[str, Rule],
    previous: dict[tuple[str, str], float],
    *,
    submitting: bool,
    names: dict[str, str] | None = None,
    value_column: str = "本期数值",
    explanation_column: str = "说明",
) -> Check:
    errors: list[CellError] = []
    flags: dict[tuple[str, str], str] = {}
    by_indicator: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.value is not None:
            by_indicator[e.indicator].append(e)
    z_of = _leave_one_out_z(by_indicator)
    for e in entries:
        rule = rules[e.indicator]
        where = (e.sheet, e.row)
        label = f"{(names or {}).get(e.region, e.region)} {rule.name}"
        if e.value is None:
            if submitting and not e.explanation:
                errors.append(
                    CellError(*where, explanation_column, f"{label} 未填写，请填写数值或缺报说明")
                )
            continue
        if (rule.valid_min is not None and e.value < rule.valid_min) or (
            rule.valid_max is not None and e.value > rule.valid_max
        ):
            lo = "—" if rule.valid_min is None else f"{rule.valid_min:g}"
            hi = "—" if rule.valid_max is None else f"{rule.valid_max:g}"
            errors.append(
                CellError(
                    *where, value_column, f"{label} 的数值 {e.value:g} 超出有效范围 [{lo}, {hi}]"
                )
            )
            continue
        reasons = []
        prev = previous.get((e.region, e.indicator))
        if rule.jump_threshold and prev is not None and prev != 0:
            change = e.value / prev - 1
            if abs(change) > rule.jump_threshold:
                reasons.append(
                    f"较上期 {prev:g} 变动 {change:+.0%}，超过 {rule.jump_threshold:.0%}"
                )
        z = z_of.get((e.region, e.indicator))
        if z is not None and abs(z) > Z_LIMIT:
            reasons.append(f"与同表其他地区相比异常（z = {z:+.1f}）")
        if reasons:
            text = "；".join(reasons)
            if e.explanation:
                flags[(e.region, e.indicator)] = text
            else:
                errors.append(CellError(*where, explanation_column, f"{label} {text}，请填写说明"))
    return Check(errors, flags)


def _leave_one_out_z(by_indicator: dict[str, list[Entry]]) -> dict[tuple[str, str], float]:
    """z of each value against the mean and sample sd of the *other* values of its indicator
    (at least five others)."""
    out: dict[tuple[str, str], float] = {}
    for code, entries in by_indicator.items():
        n = len(entries)
        if n < 6:
            continue
        xs = [float(e.value or 0.0) for e in entries]
        total = sum(xs)
        total_sq = sum(x * x for x in xs)
        for e, x in zip(entries, xs, strict=True):
            m = (total - x) / (n - 1)
            var = (total_sq - x * x - (n - 1) * m * m) / (n - 2)
            if var > 1e-12 * max(1.0, m * m):
                out[(e.region, code)] = (x - m) / math.sqrt(var)
    return out
