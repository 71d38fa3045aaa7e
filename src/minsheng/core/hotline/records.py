"""Rows of a hotline platform's export (CSV or xlsx), checked.

Columns: ``order_no,channel,type,category,region,department,text,received_at,dispatched_at,
accepted_at,answered_at,followup,reopened`` (Chinese headers accepted), and optionally
``urgent`` (是/否), ``solved`` (是/否: the caller says it was solved), ``caller`` and ``phone``
(encrypted before they are stored), ``followed_up_at``, and the ``centre`` and
``service_item`` the order is about. Times are ISO 8601 (without an offset:
Asia/Shanghai) or Excel date-times and may be blank but ``received_at``; ``followup`` is 满意 /
基本满意 / 不满意 or blank; ``reopened`` 0/1. Every problem is reported with its row and column;
a row with any problem is left out whole."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from minsheng.core.hotline.vocabulary import (
    CHANNEL_LABELS,
    FOLLOWUP_LABELS,
    TYPE_LABELS,
    Channel,
    Followup,
    RequestType,
    parse_channel,
    parse_followup,
    parse_type,
)
from minsheng.core.ratings.records import parse_time
from minsheng.core.tabular import Cell, CellError, Row, Table, cell_bool, cell_text, require_columns

REQUIRED = ("order_no", "type", "received_at")
TIMES = ("received_at", "dispatched_at", "accepted_at", "answered_at", "followed_up_at")
TEXTS = ("order_no", "channel", "type", "category", "region", "department", "text", "followup",
         "caller", "phone", "centre", "service_item")  # fmt: skip
ALIASES = {
    "工单编号": "order_no",
    "工单号": "order_no",
    "来源渠道": "channel",
    "渠道": "channel",
    "诉求类型": "type",
    "类型": "type",
    "诉求分类": "category",
    "分类": "category",
    "所属区域": "region",
    "区域": "region",
    "地区": "region",
    "承办单位": "department",
    "办理单位": "department",
    "部门": "department",
    "诉求内容": "text",
    "内容": "text",
    "受理时间": "received_at",
    "派单时间": "dispatched_at",
    "签收时间": "accepted_at",
    "办结时间": "answered_at",
    "答复时间": "answered_at",
    "回访结果": "followup",
    "回访": "followup",
    "回访时间": "followed_up_at",
    "是否重办": "reopened",
    "重办": "reopened",
    "紧急": "urgent",
    "是否紧急": "urgent",
    "是否解决": "solved",
    "解决": "solved",
    "来电人": "caller",
    "姓名": "caller",
    "联系电话": "phone",
    "电话": "phone",
    "服务中心": "centre",
    "涉及服务中心": "centre",
    "服务事项": "service_item",
    "涉及事项": "service_item",
}
MAX_ORDER_NO = 64
MAX_TEXT = 4000
MAX_NAME = 200


@dataclass(frozen=True, slots=True)
class OrderRecord:
    row: int
    order_no: str
    channel: Channel
    type: RequestType
    category: str
    region: str
    department: str
    text: str
    received_at: dt.datetime  # aware
    dispatched_at: dt.datetime | None = None
    accepted_at: dt.datetime | None = None
    answered_at: dt.datetime | None = None
    followup: Followup | None = None
    followed_up_at: dt.datetime | None = None
    reopened: bool = False
    urgent: bool = False
    solved: bool | None = None
    caller: str = ""
    phone: str = ""
    centre: str = ""  # the service centre the order is about, by key or name
    service_item: str = ""  # the service item it is about, by code or name


def read_orders(table: Table) -> tuple[list[OrderRecord], list[CellError]]:
    """All rows that are fine, and every problem of the others (an order number twice in the
    file is a problem of the later row)."""
    headers = require_columns(table, REQUIRED, ALIASES)
    records: list[OrderRecord] = []
    errors: list[CellError] = []
    first: dict[str, int] = {}
    for row in table.rows:
        result = _read_row(table, headers, row)
        if isinstance(result, OrderRecord):
            earlier = first.setdefault(result.order_no, row.number)
            if earlier != row.number:
                errors.append(
                    table.error(row.number, headers["order_no"],
                                f"工单编号与第 {earlier} 行重复 / order number repeated")
                )  # fmt: skip
                continue
            records.append(result)
        else:
            errors.extend(result)
    return records, errors


def _read_row(table: Table, headers: dict[str, str], row: Row) -> OrderRecord | list[CellError]:
    problems: list[CellError] = []

    def bad(column: str, message: str) -> None:
        problems.append(table.error(row.number, headers.get(column, column), message))

    def get(column: str) -> Cell:
        header = headers.get(column)
        return row.values.get(header) if header else None

    text = {c: cell_text(get(c)) for c in TEXTS}
    if not text["order_no"]:
        bad("order_no", "不能为空 / required")
    elif len(text["order_no"]) > MAX_ORDER_NO:
        bad("order_no", f"超过 {MAX_ORDER_NO} 个字符 / too long")
    if len(text["text"]) > MAX_TEXT:
        bad("text", f"超过 {MAX_TEXT} 个字符 / too long")
    for column in ("category", "region", "department", "caller", "centre", "service_item"):
        if len(text[column]) > MAX_NAME:
            bad(column, f"超过 {MAX_NAME} 个字符 / too long")
    kind = parse_type(text["type"])
    if kind is None:
        known = "、".join(TYPE_LABELS.values())
        bad("type", f"未知的诉求类型“{text['type']}”（可用：{known}）")
    channel = parse_channel(text["channel"]) if text["channel"] else None
    if channel is None:
        known = "、".join(CHANNEL_LABELS.values())
        bad("channel", f"未知的来源渠道“{text['channel']}”（可用：{known}）")
    followup = parse_followup(text["followup"]) if text["followup"] else None
    if text["followup"] and followup is None:
        known = "、".join(FOLLOWUP_LABELS.values())
        bad("followup", f"回访结果须为 {known} 或空白，实际“{text['followup']}”")
    flags: dict[str, bool | None] = {}
    for column, default in (("reopened", False), ("urgent", False)):
        flags[column] = cell_bool(get(column), default=default)
        if flags[column] is None:
            bad(column, f"须为 1/0 或 是/否，实际“{cell_text(get(column))}”")
    raw_solved = cell_text(get("solved"))
    solved: bool | None = None
    if raw_solved:
        solved = {"已解决": True, "未解决": False}.get(
            raw_solved, cell_bool(raw_solved, default=False)
        )
        if solved is None:
            bad("solved", f"须为 是/否（已解决/未解决），实际“{raw_solved}”")
    times: dict[str, dt.datetime | None] = {}
    for column in TIMES:
        raw = get(column)
        if raw is None or cell_text(raw) == "":
            times[column] = None
            if column == "received_at":
                bad(column, "不能为空 / required")
            continue
        times[column] = parse_time(raw)
        if times[column] is None:
            bad(column, f"不是 ISO 8601 时间：“{cell_text(raw)}”")
    problems += _order_of_times(table, headers, row, times, followup)
    received = times["received_at"]
    if problems or kind is None or channel is None or received is None:
        return problems
    return OrderRecord(
        row=row.number, order_no=text["order_no"], channel=channel, type=kind,
        category=text["category"], region=text["region"], department=text["department"],
        text=text["text"], received_at=received, dispatched_at=times["dispatched_at"],
        accepted_at=times["accepted_at"], answered_at=times["answered_at"], followup=followup,
        followed_up_at=times["followed_up_at"], reopened=bool(flags["reopened"]),
        urgent=bool(flags["urgent"]), solved=solved, caller=text["caller"], phone=text["phone"],
        centre=text["centre"], service_item=text["service_item"],
    )  # fmt: skip


_LABEL = {"received_at": "受理时间", "dispatched_at": "派单时间", "accepted_at": "签收时间",
          "answered_at": "办结时间"}  # fmt: skip


def _order_of_times(
    table: Table,
    headers: dict[str, str],
    row: Row,
    times: dict[str, dt.datetime | None],
    followup: Followup | None,
) -> list[CellError]:
    """An order's steps happen in order: dispatch after receipt, acceptance after dispatch, the
    answer after receipt (and after dispatch when there was one)."""
    out: list[CellError] = []
    pairs = (("dispatched_at", "received_at"), ("accepted_at", "dispatched_at"),
             ("answered_at", "received_at"), ("answered_at", "dispatched_at"))  # fmt: skip
    for later, earlier in pairs:
        a, b = times.get(later), times.get(earlier)
        if a is not None and b is not None and a < b:
            out.append(table.error(row.number, headers.get(later, later),
                                   f"{_LABEL[later]}早于{_LABEL[earlier]}"))  # fmt: skip
    if times.get("accepted_at") is not None and times.get("dispatched_at") is None:
        out.append(table.error(row.number, headers.get("accepted_at", "accepted_at"),
                               "有签收时间但没有派单时间"))  # fmt: skip
    if followup is not None and times.get("answered_at") is None:
        out.append(table.error(row.number, headers.get("followup", "followup"),
                               "有回访结果但没有办结时间"))  # fmt: skip
    return out
