"""Application records (办件) as a hall's queueing or approval system hands them over — a CSV or
xlsx file, or API items — checked, with every problem located.

Columns (Chinese headers; the English names are accepted too): 办件编号 ``case_no``, 事项编码
``item_code``, 事项名称 ``item_name``, 服务中心 ``centre`` (key or name), 受理窗口 ``window``
(number), 首问负责人 ``staff`` (工号 or name), 受理时间 ``received_at``, 一次性告知 ``notice``
(是/否: the full list of materials was printed for the applicant), 代办上门 ``assisted``
(代办 / 上门 / blank), 承诺时限 ``promised_days`` (working days; blank = the catalog's), 办结时间
``completed_at`` (blank = still open), 到现场次数 ``visits``. Times are ISO 8601 or Excel
date-times; a time without an offset is Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from minsheng.core.ratings.records import parse_time, printable
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

COLUMNS = (
    "case_no", "item_code", "item_name", "centre", "window", "staff", "received_at", "notice",
    "assisted", "promised_days", "completed_at", "visits",
)  # fmt: skip
REQUIRED = ("case_no", "item_code", "centre", "received_at")
HEADERS = {
    "case_no": "办件编号",
    "item_code": "事项编码",
    "item_name": "事项名称",
    "centre": "服务中心",
    "window": "受理窗口",
    "staff": "首问负责人",
    "received_at": "受理时间",
    "notice": "一次性告知",
    "assisted": "代办上门",
    "promised_days": "承诺时限",
    "completed_at": "办结时间",
    "visits": "到现场次数",
}
ALIASES = {
    **{chinese: name for name, chinese in HEADERS.items()},
    "窗口": "window",
    "首问工作人员": "staff",
    "工作人员": "staff",
    "承诺办结时限": "promised_days",
    "是否一次性告知": "notice",
    "帮办代办": "assisted",
}
ASSISTED = {"": "", "代办": "proxy", "帮办代办": "proxy", "proxy": "proxy", "上门": "home",
            "上门服务": "home", "home": "home"}  # fmt: skip
LIMITS = {"case_no": 64, "item_code": 64, "item_name": 200, "centre": 200, "window": 20,
          "staff": 100}  # fmt: skip
MAX_DAYS = 3650


@dataclass(frozen=True, slots=True)
class ApplicationRecord:
    row: int  # the file's row, or the position in an API batch
    case_no: str
    item_code: str
    item_name: str
    centre: str
    window: str
    staff: str
    received_at: dt.datetime  # aware
    notice: bool
    assisted: str  # "" | "proxy" (代办) | "home" (上门)
    promised_days: int | None
    completed_at: dt.datetime | None
    visits: int | None


Problem = tuple[str, str]  # (column, message)


def check(get: Callable[[str], Cell], row: int) -> ApplicationRecord | list[Problem]:
    """One record from its fields (``get`` gives a field's raw value), or every problem."""
    problems: list[Problem] = []
    text: dict[str, str] = {}
    for name, limit in LIMITS.items():
        value = cell_text(get(name))
        if len(value) > limit:
            problems.append((name, f"超过 {limit} 个字符"))
        elif not printable(value):
            problems.append((name, "含有无效字符"))
        text[name] = value
    for name in REQUIRED:
        if name != "received_at" and not text[name]:
            problems.append((name, "不能为空"))
    received = parse_time(get("received_at")) if get("received_at") is not None else None
    if received is None:
        problems.append(("received_at", f"不是日期时间：“{cell_text(get('received_at'))}”"))
    completed = None
    if get("completed_at") not in (None, ""):
        completed = parse_time(get("completed_at"))
        if completed is None:
            problems.append(("completed_at", f"不是日期时间：“{cell_text(get('completed_at'))}”"))
        elif received is not None and completed < received:
            problems.append(("completed_at", "办结时间早于受理时间"))
    notice = cell_bool(get("notice"), default=False)
    if notice is None:
        problems.append(("notice", "应为“是”或“否”"))
    assisted = ASSISTED.get(cell_text(get("assisted")).lower())
    if assisted is None:
        problems.append(("assisted", f"“{cell_text(get('assisted'))}”不是代办或上门"))
    promised = _count(get("promised_days"), "promised_days", MAX_DAYS, problems)
    visits = _count(get("visits"), "visits", 99, problems)
    if problems or received is None or notice is None or assisted is None:
        return problems
    return ApplicationRecord(
        row=row,
        case_no=text["case_no"],
        item_code=text["item_code"],
        item_name=text["item_name"],
        centre=text["centre"],
        window=text["window"],
        staff=text["staff"],
        received_at=received,
        notice=notice,
        assisted=assisted,
        promised_days=promised,
        completed_at=completed,
        visits=visits,
    )


def _count(value: Cell, name: str, limit: int, problems: list[Problem]) -> int | None:
    if value in (None, ""):
        return None
    number = cell_int(value)
    if number is None or not 0 <= number <= limit:
        problems.append((name, f"“{cell_text(value)}”不是 0–{limit} 之间的整数"))
        return None
    return number


def _cell(values: dict[str, Cell], headers: dict[str, str], name: str) -> Cell:
    header = headers.get(name)
    return values.get(header) if header else None


def records_from_table(table: Table) -> list[ApplicationRecord]:
    """Every row of the table, or ``TableError`` with every problem located (sheet, row, the
    file's own column header); a case number twice in one file is a problem too."""
    headers = require_columns(table, REQUIRED, ALIASES)
    records: list[ApplicationRecord] = []
    errors: list[CellError] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        get = partial(_cell, row.values, headers)
        found = check(get, row.number)
        case_no = cell_text(get("case_no"))
        if case_no in seen:
            errors.append(
                table.error(row.number, headers["case_no"], f"与第 {seen[case_no]} 行重复")
            )
        elif case_no:
            seen[case_no] = row.number
        if isinstance(found, list):
            errors.extend(table.error(row.number, headers.get(c, HEADERS[c]), m) for c, m in found)
        elif not errors:
            records.append(found)
    if errors:
        raise TableError(errors)
    return records


def record_from_payload(index: int, payload: object) -> ApplicationRecord | list[str]:
    """One item of an API batch, or its problems as ``field: message``."""
    if not isinstance(payload, dict):
        return ["须为对象 / each item must be an object"]
    unknown = sorted(set(payload) - set(COLUMNS))
    problems = [f"{k}: 未知字段 / unknown field" for k in unknown]
    for key, value in payload.items():
        if key in COLUMNS and not isinstance(value, str | int | bool | type(None)):
            problems.append(f"{key}: 须为文本、数字或 true/false")
    if problems:
        return problems
    found = check(lambda name: payload.get(name), index)
    if isinstance(found, list):
        return [f"{c}: {m}" for c, m in found]
    return found
