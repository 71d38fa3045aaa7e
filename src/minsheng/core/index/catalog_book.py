"""The catalog workbook (指标目录.xlsx): sheets 类别, 指标 and 目标值, read back exactly as
exported; every problem located by sheet, row and column, nothing written while there is one."""

from __future__ import annotations

from dataclasses import dataclass

from minsheng.core.index.files import POLARITY
from minsheng.core.tabular import (
    Cell,
    CellError,
    Table,
    TableError,
    cell_float,
    cell_int,
    cell_text,
)

CATEGORY_HEADERS = ("代码", "名称", "英文名称", "权重")
INDICATOR_HEADERS = (
    "指标代码",
    "指标名称",
    "英文名称",
    "类别代码",
    "单位",
    "方向",
    "小数位",
    "有效下限",
    "有效上限",
    "频率",
    "牵头部门",
    "权重",
    "标准化下限",
    "标准化上限",
    "环比变动阈值",
    "定义",
    "数据来源",
)
# Optional columns (older files lack them): formula indicators and base data elements.
FORMULA_HEADERS = ("分子", "分母", "系数", "计入指数")
TARGET_HEADERS = ("指标代码", "年度", "地区代码", "目标值")
FREQUENCY = {"季度": "quarterly", "quarterly": "quarterly", "年度": "yearly", "yearly": "yearly"}


# Longest text each column may hold (the database columns' sizes; a test keeps them equal).
LIMITS = {
    "category.code": 16,
    "category.name": 50,
    "category.name_en": 100,
    "indicator.code": 16,
    "indicator.name": 100,
    "indicator.name_en": 200,
    "indicator.unit": 20,
    "indicator.source": 200,
    "indicator.numerator": 100,
    "indicator.denominator": 100,
}

# Ranges of the catalog's numbers: weights are relative (0–100), a jump threshold is a share
# (0.3 = 30 %), and bounds beyond 10^12 are typing errors in any unit the catalog uses.
MAX_WEIGHT = 100.0
MAX_JUMP = 10.0
MAX_MAGNITUDE = 1e12


@dataclass(frozen=True, slots=True)
class CategoryRow:
    code: str
    name: str
    name_en: str
    weight: float
    row: int = 0


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    code: str
    name: str
    name_en: str
    category: str
    unit: str
    polarity: int
    decimals: int
    valid_min: float | None
    valid_max: float | None
    frequency: str
    department: str
    weight: float
    lower: float | None
    upper: float | None
    jump_threshold: float
    definition: str
    source: str
    numerator: str = ""  # formula: numerator ÷ denominator × factor (codes of data elements)
    denominator: str = ""
    factor: float | None = None
    in_index: bool = True  # a base data element is collected but not scored
    row: int = 0


@dataclass(frozen=True, slots=True)
class TargetRow:
    indicator: str
    year: int
    region: str
    value: float
    row: int = 0


@dataclass(frozen=True, slots=True)
class CatalogBook:
    categories: list[CategoryRow]
    indicators: list[IndicatorRow]
    targets: list[TargetRow]


class _Reader:
    def __init__(self, table: Table, headers: tuple[str, ...], errors: list[CellError]) -> None:
        self.table, self.errors = table, errors
        missing = [h for h in headers if h not in table.headers]
        for h in missing:
            errors.append(table.error(table.header_row, h, f"缺少列 {h}"))
        self.ok = not missing

    def text(
        self, row: int, values: dict[str, Cell], col: str, *, required: bool = False, limit: int = 0
    ) -> str:
        text = cell_text(values.get(col))
        if required and not text:
            self.errors.append(self.table.error(row, col, "不能为空"))
        if limit and len(text) > limit:
            self.errors.append(self.table.error(row, col, f"不能超过 {limit} 个字符"))
            return text[:limit]
        return text

    def number(self, row: int, values: dict[str, Cell], col: str) -> float | None:
        raw = values.get(col)
        if cell_text(raw) == "":
            return None
        value = cell_float(raw)
        if value is None:
            self.errors.append(self.table.error(row, col, f"“{cell_text(raw)}”不是数字"))
        return value


def parse_catalog_book(
    sheets: dict[str, Table], *, departments: set[str], regions: set[str]
) -> CatalogBook:
    errors: list[CellError] = []
    for name in ("类别", "指标"):
        if name not in sheets:
            errors.append(CellError(name, 0, "", f"缺少工作表“{name}”"))
    if errors:
        raise TableError(errors)
    cats: list[CategoryRow] = []
    t = sheets["类别"]
    rd = _Reader(t, CATEGORY_HEADERS, errors)
    if rd.ok:
        for row in t.rows:
            v, n = row.values, row.number
            weight = rd.number(n, v, "权重")
            cats.append(
                CategoryRow(
                    rd.text(n, v, "代码", required=True, limit=LIMITS["category.code"]),
                    rd.text(n, v, "名称", required=True, limit=LIMITS["category.name"]),
                    rd.text(n, v, "英文名称", limit=LIMITS["category.name_en"]),
                    1.0 if weight is None else weight,
                    n,
                )
            )
            if weight is not None and not 0 <= weight <= MAX_WEIGHT:
                errors.append(t.error(n, "权重", f"权重应在 0 至 {MAX_WEIGHT:g} 之间"))
    cat_codes = {c.code for c in cats}
    inds: list[IndicatorRow] = []
    t = sheets["指标"]
    rd = _Reader(t, INDICATOR_HEADERS, errors)
    seen: dict[str, int] = {}
    if rd.ok:
        for row in t.rows:
            v, n = row.values, row.number
            code = rd.text(n, v, "指标代码", required=True, limit=LIMITS["indicator.code"])
            if code in seen:
                errors.append(t.error(n, "指标代码", f"与第 {seen[code]} 行重复"))
            seen.setdefault(code, n)
            category = rd.text(n, v, "类别代码", required=True)
            if category and category not in cat_codes:
                errors.append(t.error(n, "类别代码", f"“类别”表中没有类别 {category}"))
            polarity = POLARITY.get(rd.text(n, v, "方向").removesuffix(".0"))
            if polarity is None:
                errors.append(t.error(n, "方向", "应为“越高越好”或“越低越好”"))
            frequency = FREQUENCY.get(rd.text(n, v, "频率") or "季度")
            if frequency is None:
                errors.append(t.error(n, "频率", "应为“季度”或“年度”"))
            department = rd.text(n, v, "牵头部门")
            if department and department not in departments:
                errors.append(t.error(n, "牵头部门", f"没有名为“{department}”的部门"))
            decimals = cell_int(v.get("小数位")) if cell_text(v.get("小数位")) else 2
            if decimals is None or not 0 <= decimals <= 6:
                errors.append(t.error(n, "小数位", "应为 0–6 的整数"))
            nums = {
                k: rd.number(n, v, k)
                for k in (
                    "有效下限",
                    "有效上限",
                    "权重",
                    "标准化下限",
                    "标准化上限",
                    "环比变动阈值",
                )
            }
            lo, hi = nums["有效下限"], nums["有效上限"]
            if lo is not None and hi is not None and not hi > lo:
                errors.append(t.error(n, "有效上限", "有效上限必须大于有效下限"))
            for column in ("有效下限", "有效上限", "标准化下限", "标准化上限"):
                x = nums[column]
                if x is not None and abs(x) > MAX_MAGNITUDE:
                    errors.append(
                        t.error(n, column, f"数值过大（绝对值应不超过 {MAX_MAGNITUDE:.0e}）")
                    )
            low, up = nums["标准化下限"], nums["标准化上限"]
            if low is not None and up is not None and not up > low:
                errors.append(t.error(n, "标准化上限", "标准化上限必须大于标准化下限"))
            w = nums["权重"]
            if w is not None and not 0 <= w <= MAX_WEIGHT:
                errors.append(t.error(n, "权重", f"权重应在 0 至 {MAX_WEIGHT:g} 之间"))
            jump = nums["环比变动阈值"]
            if jump is not None and not 0 <= jump <= MAX_JUMP:
                errors.append(
                    t.error(
                        n, "环比变动阈值", f"环比变动阈值应在 0 至 {MAX_JUMP:g} 之间（0.3 即 30%）"
                    )
                )
            inds.append(
                IndicatorRow(
                    code=code,
                    name=rd.text(n, v, "指标名称", required=True, limit=LIMITS["indicator.name"]),
                    name_en=rd.text(n, v, "英文名称", limit=LIMITS["indicator.name_en"]),
                    category=category,
                    unit=rd.text(n, v, "单位", limit=LIMITS["indicator.unit"]),
                    polarity=polarity or 1,
                    decimals=2 if decimals is None else decimals,
                    valid_min=lo,
                    valid_max=hi,
                    frequency=frequency or "quarterly",
                    department=department,
                    weight=1.0 if nums["权重"] is None else nums["权重"],
                    lower=nums["标准化下限"],
                    upper=nums["标准化上限"],
                    jump_threshold=0.3 if nums["环比变动阈值"] is None else nums["环比变动阈值"],
                    definition=rd.text(n, v, "定义"),
                    source=rd.text(n, v, "数据来源", limit=LIMITS["indicator.source"]),
                    numerator=rd.text(n, v, "分子", limit=LIMITS["indicator.numerator"]),
                    denominator=rd.text(n, v, "分母", limit=LIMITS["indicator.denominator"]),
                    factor=rd.number(n, v, "系数"),
                    in_index=cell_text(v.get("计入指数")) not in {"否", "0", "false", "FALSE"},
                    row=n,
                )
            )
        codes = {i.code for i in inds}
        rows_of = {i.code: seen[i.code] for i in inds}
        for i in inds:
            if bool(i.numerator) != bool(i.denominator):
                errors.append(t.error(rows_of[i.code], "分母", "分子与分母须同时填写"))
            for column, ref in (("分子", i.numerator), ("分母", i.denominator)):
                if ref and ref not in codes:
                    errors.append(t.error(rows_of[i.code], column, f"“指标”表中没有 {ref}"))
                if ref == i.code:
                    errors.append(t.error(rows_of[i.code], column, "公式不能引用指标自身"))
    targets: list[TargetRow] = []
    if "目标值" in sheets:
        t = sheets["目标值"]
        rd = _Reader(t, TARGET_HEADERS, errors)
        if rd.ok:
            for row in t.rows:
                v, n = row.values, row.number
                code = rd.text(n, v, "指标代码", required=True)
                if code and code not in seen:
                    errors.append(t.error(n, "指标代码", f"“指标”表中没有指标 {code}"))
                year = cell_int(v.get("年度"))
                if year is None or not 2000 <= year <= 2100:
                    errors.append(t.error(n, "年度", "应为四位年份"))
                region = rd.text(n, v, "地区代码", required=True)
                if region and region not in regions:
                    errors.append(
                        t.error(n, "地区代码", f"没有区划代码 {region}（或不在您的范围内）")
                    )
                value = rd.number(n, v, "目标值")
                if cell_text(v.get("目标值")) == "":
                    errors.append(t.error(n, "目标值", "不能为空"))
                targets.append(TargetRow(code, year or 0, region, value or 0.0, n))
    if errors:
        raise TableError(errors)
    return CatalogBook(cats, inds, targets)
