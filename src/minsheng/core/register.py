"""The register of organisations, service windows and staff as an Excel workbook: its format
(shared by the export and the import) and the validation of an uploaded one.

Sheets (any of them may be left out; other sheets are ignored):

- 机构: 标识, 名称, 类型 (人民政府 / 职能部门 / 质量办 / 政务（便民）服务中心 / 第三方测评机构 /
  12345热线中心, or the codes government / department / …), 区划代码, 启用; 所在地区 is
  informative, ignored.
- 窗口: 服务中心标识, 窗口号, 名称, 启用; 服务中心 is informative and ignored.
- 窗口工作人员: 工号, 姓名, 服务中心标识, 窗口号 (blank: no fixed window), 在岗.

Organisations are matched by 标识, windows by (服务中心标识, 窗口号), staff by 工号: a row either
creates or updates. ``parse_register`` reports every problem at once and checks scope: an importer
may only touch regions its ``region_allowed`` accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field

from minsheng.core.roles import OrgKind
from minsheng.core.tabular import (
    Cell,
    CellError,
    Table,
    TableError,
    cell_bool,
    cell_int,
    cell_text,
    require_columns,
)

ORG_SHEET, WINDOW_SHEET, STAFF_SHEET = "机构", "窗口", "窗口工作人员"
ORG_HEADERS = ("标识", "名称", "类型", "区划代码", "所在地区", "启用")
WINDOW_HEADERS = ("服务中心标识", "服务中心", "窗口号", "名称", "启用")
STAFF_HEADERS = ("工号", "姓名", "服务中心标识", "窗口号", "在岗")
KIND_LABELS: dict[OrgKind, str] = {
    OrgKind.GOVERNMENT: "人民政府",
    OrgKind.DEPARTMENT: "职能部门",
    OrgKind.QUALITY_OFFICE: "质量办",
    OrgKind.SERVICE_CENTRE: "政务（便民）服务中心",
    OrgKind.VENDOR: "第三方测评机构",
    OrgKind.HOTLINE: "12345热线中心",
}
_KIND_BY_TEXT = {**{v: k for k, v in KIND_LABELS.items()}, **{k.value: k for k in OrgKind}}
_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_EN = {
    "key": "标识",
    "name": "名称",
    "kind": "类型",
    "region_code": "区划代码",
    "active": "启用",
    "centre_key": "服务中心标识",
    "number": "窗口号",
    "staff_no": "工号",
    "on_duty": "在岗",
}


@dataclass(frozen=True, slots=True)
class OrgRow:
    key: str
    name: str
    kind: OrgKind
    region_code: str
    active: bool


@dataclass(frozen=True, slots=True)
class WindowRow:
    centre_key: str
    number: int
    name: str
    active: bool


@dataclass(frozen=True, slots=True)
class StaffRow:
    staff_no: str
    name: str
    centre_key: str
    window_number: int | None
    active: bool


@dataclass(slots=True)
class Register:
    organisations: list[OrgRow] = field(default_factory=list)
    windows: list[WindowRow] = field(default_factory=list)
    staff: list[StaffRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Known:
    """What the database holds already."""

    region_codes: Set[str]
    org_regions: Mapping[str, str]  # organisation key -> its region code
    centre_keys: Set[str]  # keys of existing service centres
    windows: Set[tuple[str, int]]  # (centre key, window number)
    staff_centres: Mapping[str, str]  # staff number -> centre key


def parse_register(
    tables: Mapping[str, Table], *, known: Known, region_allowed: Callable[[str], bool]
) -> Register:
    """Validate the workbook; returns what to write or raises ``TableError`` with every error."""
    unknown_only = not any(s in tables for s in (ORG_SHEET, WINDOW_SHEET, STAFF_SHEET))
    if unknown_only:
        names = "、".join(tables) or "无"
        message = f"找不到工作表 {ORG_SHEET}、{WINDOW_SHEET} 或 {STAFF_SHEET}（现有：{names}）"
        raise TableError([CellError("", 0, "", message)])
    errors: list[CellError] = []
    register = Register()
    centre_regions = {k: known.org_regions[k] for k in known.centre_keys if k in known.org_regions}
    if ORG_SHEET in tables:
        register.organisations = _orgs(tables[ORG_SHEET], known, region_allowed, errors)
        for org in register.organisations:
            if org.kind == OrgKind.SERVICE_CENTRE:
                centre_regions[org.key] = org.region_code
            else:
                centre_regions.pop(org.key, None)
    windows_after = set(known.windows)
    if WINDOW_SHEET in tables:
        register.windows = _windows(tables[WINDOW_SHEET], centre_regions, region_allowed, errors)
        windows_after |= {(w.centre_key, w.number) for w in register.windows}
    if STAFF_SHEET in tables:
        register.staff = _staff(
            tables[STAFF_SHEET], known, centre_regions, windows_after, region_allowed, errors
        )
    if errors:
        raise TableError(errors)
    return register


def _flag(table: Table, row: int, column: str, value: Cell, errors: list[CellError]) -> bool:
    result = cell_bool(value, default=True)
    if result is None:
        errors.append(table.error(row, column, f"“{cell_text(value)}”应为 是/否"))
        return True
    return result


def _orgs(
    table: Table, known: Known, allowed: Callable[[str], bool], errors: list[CellError]
) -> list[OrgRow]:
    cols = require_columns(table, ["标识", "名称", "类型", "区划代码"], _EN)
    active_col = cols.get("启用")
    rows: list[OrgRow] = []
    first: dict[str, int] = {}
    for row in table.rows:
        v = row.values
        key, name = cell_text(v[cols["标识"]]), cell_text(v[cols["名称"]])
        kind_text, region = cell_text(v[cols["类型"]]), cell_text(v[cols["区划代码"]])
        before = len(errors)
        if not _KEY.match(key):
            errors.append(
                table.error(row.number, cols["标识"], "标识只能是 1–64 个字母、数字、- 或 _")
            )
        elif key in first:
            errors.append(
                table.error(row.number, cols["标识"], f"标识 {key} 与第 {first[key]} 行重复")
            )
        if not name or len(name) > 200:
            errors.append(table.error(row.number, cols["名称"], "名称为空或超过 200 字"))
        kind = _KIND_BY_TEXT.get(kind_text)
        if kind is None:
            choices = "、".join(KIND_LABELS.values())
            errors.append(table.error(row.number, cols["类型"], f"类型应为：{choices}"))
        if region not in known.region_codes:
            errors.append(
                table.error(row.number, cols["区划代码"], f"地区 {region or '（空）'} 不存在")
            )
        elif not allowed(region):
            errors.append(
                table.error(row.number, cols["区划代码"], f"地区 {region} 不在您的权限范围内")
            )
        if key in known.centre_keys and kind is not None and kind != OrgKind.SERVICE_CENTRE:
            errors.append(table.error(row.number, cols["类型"], "已有的服务中心不能改为其他类型"))
        existing_region = known.org_regions.get(key)
        if existing_region is not None and not allowed(existing_region):
            errors.append(table.error(row.number, cols["标识"], f"机构 {key} 不在您的权限范围内"))
        active = _flag(table, row.number, active_col, v[active_col], errors) if active_col else True
        first.setdefault(key, row.number)
        if len(errors) == before and kind is not None:
            rows.append(OrgRow(key, name, kind, region, active))
    return rows


def _windows(
    table: Table,
    centres: Mapping[str, str],
    allowed: Callable[[str], bool],
    errors: list[CellError],
) -> list[WindowRow]:
    cols = require_columns(table, ["服务中心标识", "窗口号", "名称"], _EN)
    active_col = cols.get("启用")
    rows: list[WindowRow] = []
    first: dict[tuple[str, int], int] = {}
    for row in table.rows:
        v = row.values
        centre, name = cell_text(v[cols["服务中心标识"]]), cell_text(v[cols["名称"]])
        number = cell_int(v[cols["窗口号"]])
        before = len(errors)
        _check_centre(table, row.number, cols["服务中心标识"], centre, centres, allowed, errors)
        if number is None or not 1 <= number <= 999:
            raw = cell_text(v[cols["窗口号"]])
            errors.append(
                table.error(row.number, cols["窗口号"], f"窗口号“{raw}”应为 1–999 的整数")
            )
        elif (centre, number) in first:
            message = f"窗口 {centre} {number} 号与第 {first[(centre, number)]} 行重复"
            errors.append(table.error(row.number, cols["窗口号"], message))
        if not name or len(name) > 100:
            errors.append(table.error(row.number, cols["名称"], "名称为空或超过 100 字"))
        active = _flag(table, row.number, active_col, v[active_col], errors) if active_col else True
        if number is not None:
            first.setdefault((centre, number), row.number)
        if len(errors) == before and number is not None:
            rows.append(WindowRow(centre, number, name, active))
    return rows


def _staff(
    table: Table,
    known: Known,
    centres: Mapping[str, str],
    windows: Set[tuple[str, int]],
    allowed: Callable[[str], bool],
    errors: list[CellError],
) -> list[StaffRow]:
    cols = require_columns(table, ["工号", "姓名", "服务中心标识"], _EN)
    window_col, duty_col = cols.get("窗口号"), cols.get("在岗")
    rows: list[StaffRow] = []
    first: dict[str, int] = {}
    for row in table.rows:
        v = row.values
        staff_no, name = cell_text(v[cols["工号"]]), cell_text(v[cols["姓名"]])
        centre = cell_text(v[cols["服务中心标识"]])
        before = len(errors)
        if not staff_no or len(staff_no) > 32:
            errors.append(table.error(row.number, cols["工号"], "工号为空或超过 32 个字符"))
        elif staff_no in first:
            message = f"工号 {staff_no} 与第 {first[staff_no]} 行重复"
            errors.append(table.error(row.number, cols["工号"], message))
        if not name or len(name) > 50:
            errors.append(table.error(row.number, cols["姓名"], "姓名为空或超过 50 字"))
        _check_centre(table, row.number, cols["服务中心标识"], centre, centres, allowed, errors)
        current = known.staff_centres.get(staff_no)
        if current is not None and current in centres and not allowed(centres[current]):
            errors.append(
                table.error(row.number, cols["工号"], f"工号 {staff_no} 属于其他地区的服务中心")
            )
        number = None
        if window_col is not None and v[window_col] is not None:
            number = cell_int(v[window_col])
            if number is None:
                raw = cell_text(v[window_col])
                errors.append(table.error(row.number, window_col, f"窗口号“{raw}”应为整数"))
            elif (centre, number) not in windows:
                errors.append(
                    table.error(row.number, window_col, f"服务中心 {centre} 没有 {number} 号窗口")
                )
        active = _flag(table, row.number, duty_col, v[duty_col], errors) if duty_col else True
        first.setdefault(staff_no, row.number)
        if len(errors) == before:
            rows.append(StaffRow(staff_no, name, centre, number, active))
    return rows


def _check_centre(
    table: Table,
    row: int,
    column: str,
    centre: str,
    centres: Mapping[str, str],
    allowed: Callable[[str], bool],
    errors: list[CellError],
) -> None:
    if centre not in centres:
        errors.append(table.error(row, column, f"服务中心 {centre or '（空）'} 不存在"))
    elif not allowed(centres[centre]):
        errors.append(table.error(row, column, f"服务中心 {centre} 不在您的权限范围内"))
