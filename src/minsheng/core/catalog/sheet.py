"""The catalog as a workbook: sheet 事项 (one row per item; a CSV file is this sheet alone) and,
optionally, sheet 材料 (one row per material of an item). Chinese headers as below, English
aliases accepted.

事项: 事项编码, 事项名称, 事项类型, 实施主体, 行使层级, 所属区划 (12-digit code), 法定办结时限,
承诺办结时限 (working days; blank = none), 办件类型 (即办件/承诺件), 到现场次数, 网上办理深度
(1–4 or Ⅰ–Ⅳ), 是否进驻大厅 (是/否), 不进驻原因; optional: 基本编码, 到现场原因, 收费项目,
收费标准, 收费依据, 受理条件, 办理流程, 常见问题, 办理地点, 办理时间, 咨询电话, 投诉电话.

材料: 事项编码, 所属区划 (the item's), 材料名称, 材料形式 (原件/复印件/原件和复印件/电子材料),
份数, 必要性 (必要/非必要/容缺后补), 来源渠道.

Every problem is reported with its sheet, row and column, and nothing is read when there is
one. ``catalog_sheets`` writes the same workbook back (export → edit → import)."""

from __future__ import annotations

from dataclasses import replace

from minsheng.core.catalog.items import FORMS, KINDS, LEVELS, NEEDS, ROMAN, Fee, Item, Material
from minsheng.core.tabular import (
    Cell,
    CellError,
    Table,
    TableError,
    cell_bool,
    cell_int,
    cell_text,
    read_table,
    read_workbook,
    require_columns,
)
from minsheng.core.xlsx import INTEGER, Sheet

REQUIRED = ["事项编码", "事项名称", "事项类型", "实施主体", "行使层级", "所属区划"]
HEADER_ORDER = [
    *REQUIRED,
    "法定办结时限",
    "承诺办结时限",
    "办件类型",
    "到现场次数",
    "网上办理深度",
    "是否进驻大厅",
    "不进驻原因",
]
TEXTS = {  # optional guide columns → Item fields
    "基本编码": "basic_code",
    "到现场原因": "visit_reason",
    "受理条件": "conditions",
    "办理流程": "steps",
    "常见问题": "faq",
    "办理地点": "place",
    "办理时间": "hours",
    "咨询电话": "consult_phone",
    "投诉电话": "complaint_phone",
}
FEE_COLUMNS = ["收费项目", "收费标准", "收费依据"]
# The longest text each column may hold (the catalog's storage has these limits).
LIMITS = {
    "事项编码": 64, "事项名称": 200, "实施主体": 200, "不进驻原因": 200, "基本编码": 64,
    "到现场原因": 200, "办理地点": 200, "办理时间": 200, "咨询电话": 50, "投诉电话": 50,
    "收费项目": 200, "收费标准": 200, "收费依据": 500, "材料名称": 200, "来源渠道": 200,
}  # fmt: skip


def _too_long(table: Table, row: int, values: dict[str, str], errors: list[CellError]) -> None:
    for column, text in values.items():
        limit = LIMITS.get(column)
        if limit is not None and len(text) > limit:
            errors.append(table.error(row, column, f"超过 {limit} 个字符（{len(text)} 个）"))


ALL_HEADERS = [*HEADER_ORDER, *TEXTS, *FEE_COLUMNS]
MATERIAL_HEADERS = ["事项编码", "所属区划", "材料名称", "材料形式", "份数", "必要性", "来源渠道"]
MATERIAL_ALIASES = {
    "code": "事项编码",
    "region": "所属区划",
    "material": "材料名称",
    "form": "材料形式",
    "count": "份数",
    "need": "必要性",
    "source": "来源渠道",
}
ALIASES = {
    "code": "事项编码",
    "name": "事项名称",
    "type": "事项类型",
    "organisation": "实施主体",
    "level": "行使层级",
    "region": "所属区划",
    "legal_days": "法定办结时限",
    "promised_days": "承诺办结时限",
    "case_type": "办件类型",
    "visits": "到现场次数",
    "online_depth": "网上办理深度",
    "entered": "是否进驻大厅",
    "reason": "不进驻原因",
    "basic_code": "基本编码",
    "visit_reason": "到现场原因",
    "fee_name": "收费项目",
    "fee_amount": "收费标准",
    "fee_basis": "收费依据",
    "conditions": "受理条件",
    "steps": "办理流程",
    "faq": "常见问题",
    "place": "办理地点",
    "hours": "办理时间",
    "consult_phone": "咨询电话",
    "complaint_phone": "投诉电话",
}


def _days(table: Table, row: int, column: str, value: Cell, errors: list[CellError]) -> int | None:
    if value is None:
        return None
    days = cell_int(value)
    if days is None or not 0 <= days <= 3650:
        errors.append(table.error(row, column, f"“{cell_text(value)}”不是 0–3650 之间的工作日数"))
        return None
    return days


def _depth(value: Cell) -> int | None:
    text = cell_text(value).strip().upper().replace("级", "")
    if text in ROMAN:
        return ROMAN[text]
    number = cell_int(value)
    return number if number in (1, 2, 3, 4) else None


def items_from_sheet(data: bytes, *, filename: str) -> list[Item]:
    """The items of a catalog workbook (sheets 事项 and 材料) or CSV file (事项 alone)."""
    if filename.lower().endswith(".csv"):
        return _items(read_table(data, filename=filename))
    tables = read_workbook(data, filename=filename)
    if not tables:
        raise TableError([CellError("", 0, "", "工作簿是空的")])
    items_table = tables.get("事项") or next(iter(tables.values()))
    materials = tables.get("材料")
    try:
        items = _items(items_table)
    except TableError as exc:  # report the 材料 sheet's own problems in the same list
        if materials is None:
            raise
        keys = _keys(items_table)
        try:
            _with_materials([], materials, keys=keys)
        except TableError as more:
            raise TableError([*exc.errors, *more.errors]) from None
        raise
    return _with_materials(items, materials) if materials is not None else items


def _keys(table: Table) -> set[tuple[str, str]]:
    """(code, region) of every row of the items sheet, valid or not."""
    columns = require_columns(table, ["事项编码", "所属区划"], ALIASES)
    return {
        (cell_text(r.values.get(columns["事项编码"])), cell_text(r.values.get(columns["所属区划"])))
        for r in table.rows
    }


def _items(table: Table) -> list[Item]:
    columns = require_columns(table, REQUIRED, ALIASES)
    errors: list[CellError] = []
    items: list[Item] = []
    seen: dict[tuple[str, str], int] = {}

    def get(row_values: dict[str, Cell], name: str) -> Cell:
        header = columns.get(name)
        return row_values.get(header) if header else None

    for row in table.rows:
        n, v = row.number, row.values
        _too_long(table, n, {c: cell_text(get(v, c)) for c in LIMITS if c in columns}, errors)
        code, name = cell_text(get(v, "事项编码")), cell_text(get(v, "事项名称"))
        for column, text in (("事项编码", code), ("事项名称", name)):
            if not text:
                errors.append(table.error(n, column, "不能为空"))
        kind = cell_text(get(v, "事项类型"))
        if kind not in KINDS:
            errors.append(table.error(n, "事项类型", f"“{kind}”不是{'、'.join(KINDS)}之一"))
        organisation = cell_text(get(v, "实施主体"))
        if not organisation:
            errors.append(table.error(n, "实施主体", "不能为空"))
        level = cell_text(get(v, "行使层级")).rstrip("级")
        if level not in LEVELS:
            errors.append(table.error(n, "行使层级", f"“{level}”不是市、县、乡、村之一"))
        region = cell_text(get(v, "所属区划"))
        if not (len(region) == 12 and region.isdigit()):
            errors.append(table.error(n, "所属区划", f"“{region}”不是 12 位区划代码"))
        key = (code, region)
        if code and key in seen:
            errors.append(table.error(n, "事项编码", f"与第 {seen[key]} 行重复（同一区划）"))
        seen.setdefault(key, n)
        legal = _days(table, n, "法定办结时限", get(v, "法定办结时限"), errors)
        promised = _days(table, n, "承诺办结时限", get(v, "承诺办结时限"), errors)
        case_type = cell_text(get(v, "办件类型")) or ("即办件" if promised == 0 else "承诺件")
        if case_type not in ("即办件", "承诺件"):
            errors.append(table.error(n, "办件类型", f"“{case_type}”不是即办件或承诺件"))
        visits_cell = get(v, "到现场次数")
        visits = cell_int(visits_cell) if visits_cell is not None else None
        if visits_cell is not None and (visits is None or visits < 0):
            errors.append(table.error(n, "到现场次数", f"“{cell_text(visits_cell)}”不是次数"))
        depth_cell = get(v, "网上办理深度")
        depth = _depth(depth_cell) if depth_cell is not None else 1
        if depth is None:
            errors.append(
                table.error(n, "网上办理深度", f"“{cell_text(depth_cell)}”不是 1–4 或 Ⅰ–Ⅳ")
            )
        entered = cell_bool(get(v, "是否进驻大厅"), default=True)
        if entered is None:
            errors.append(table.error(n, "是否进驻大厅", "应为“是”或“否”"))
        items.append(
            Item(
                code=code,
                name=name,
                kind=kind,
                organisation=organisation,
                level=level,
                region=region,
                legal_days=legal,
                promised_days=promised,
                instant=case_type == "即办件",
                visits=visits,
                depth=depth or 1,
                entered=bool(entered),
                not_entered_reason=cell_text(get(v, "不进驻原因")),
                row=n,
                fees=_fee(table, n, [cell_text(get(v, h)) for h in FEE_COLUMNS], errors),
                basic_code=cell_text(get(v, "基本编码")),
                visit_reason=cell_text(get(v, "到现场原因")),
                conditions=cell_text(get(v, "受理条件")),
                steps=cell_text(get(v, "办理流程")),
                faq=cell_text(get(v, "常见问题")),
                place=cell_text(get(v, "办理地点")),
                hours=cell_text(get(v, "办理时间")),
                consult_phone=cell_text(get(v, "咨询电话")),
                complaint_phone=cell_text(get(v, "投诉电话")),
            )
        )
    if errors:
        raise TableError(errors)
    return items


def _fee(table: Table, row: int, texts: list[str], errors: list[CellError]) -> tuple[Fee, ...]:
    name, amount, basis = texts
    if not (name or amount or basis):
        return ()
    if not name:
        errors.append(table.error(row, "收费项目", "填写了收费标准或依据，但没有收费项目"))
    return (Fee(name=name, amount=amount, basis=basis),)


def _with_materials(
    items: list[Item], table: Table, *, keys: set[tuple[str, str]] | None = None
) -> list[Item]:
    """``keys``: the items' (code, region) when the items themselves could not be read."""
    columns = require_columns(table, MATERIAL_HEADERS[:3], MATERIAL_ALIASES)
    keyed = keys if keys is not None else {(i.code, i.region) for i in items}
    found: dict[tuple[str, str], list[Material]] = {}
    errors: list[CellError] = []

    def get(values: dict[str, Cell], name: str) -> Cell:
        header = columns.get(name)
        return values.get(header) if header else None

    for row in table.rows:
        n, v = row.number, row.values
        _too_long(table, n, {c: cell_text(get(v, c)) for c in ("材料名称", "来源渠道")}, errors)
        key = (cell_text(get(v, "事项编码")), cell_text(get(v, "所属区划")))
        if key not in keyed:
            errors.append(table.error(n, "事项编码", f"事项表中没有{key[1]}的事项 {key[0]}"))
        name = cell_text(get(v, "材料名称"))
        if not name:
            errors.append(table.error(n, "材料名称", "不能为空"))
        form = cell_text(get(v, "材料形式")) or "原件"
        if form not in FORMS:
            errors.append(table.error(n, "材料形式", f"“{form}”不是{'、'.join(FORMS)}之一"))
        count_cell = get(v, "份数")
        count = cell_int(count_cell) if count_cell is not None else 1
        if count is None or not 0 <= count <= 99:
            errors.append(table.error(n, "份数", f"“{cell_text(count_cell)}”不是 0–99 的份数"))
        need = cell_text(get(v, "必要性")) or "必要"
        if need not in NEEDS:
            errors.append(table.error(n, "必要性", f"“{need}”不是{'、'.join(NEEDS)}之一"))
        mine = found.setdefault(key, [])
        if any(m.name == name for m in mine):
            errors.append(table.error(n, "材料名称", f"同一事项的材料“{name}”重复"))
        mine.append(Material(name, form, count or 0, need, cell_text(get(v, "来源渠道"))))
    if errors:
        raise TableError(errors)
    return [replace(i, materials=tuple(found.get((i.code, i.region), ()))) for i in items]


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def catalog_sheets(items: list[Item]) -> list[Sheet]:
    """The workbook ``items_from_sheet`` reads: 事项 and 材料 (export → edit → import)."""
    rows = []
    for i in items:
        fee = i.fees[0] if i.fees else Fee("", "", "")
        rows.append(
            [
                i.code, i.name, i.kind, i.organisation, i.level, i.region, i.legal_days,
                i.promised_days, "即办件" if i.instant else "承诺件", i.visits, i.depth,
                _yes(i.entered), i.not_entered_reason,
                *[getattr(i, field) for field in TEXTS.values()],
                fee.name, fee.amount, fee.basis,
            ]
        )  # fmt: skip
    materials = [
        [i.code, i.region, m.name, m.form, m.count, m.need, m.source]
        for i in items
        for m in i.materials
    ]
    days = [None] * 6 + [INTEGER, INTEGER, None, INTEGER, INTEGER]
    return [
        Sheet("事项", ALL_HEADERS, rows, formats=days + [None] * (len(ALL_HEADERS) - len(days))),
        Sheet("材料", MATERIAL_HEADERS, materials, formats=[None] * 4 + [INTEGER, None, None]),
    ]
