"""Rows of a ratings file (CSV or xlsx, e.g. back-filled from a provincial system), checked.

Columns: ``case_no,service_item,department,centre,window,staff,channel,level,reasons,comment,
source,rated_at`` (Chinese headers accepted). ``level`` 1–5 or its words, ``source``
active/default/system (blank = active), ``reasons`` separated by ``;``, ``rated_at`` ISO 8601
(a time without an offset is Asia/Shanghai). Every problem is reported with its row and column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from minsheng.core.ratings.vocabulary import (
    Channel,
    Source,
    parse_channel,
    parse_level,
    parse_source,
)
from minsheng.core.tabular import Cell, CellError, Row, Table, cell_text, require_columns
from minsheng.core.workdays.calendar import SHANGHAI

COLUMNS = (
    "case_no",
    "service_item",
    "department",
    "centre",
    "window",
    "staff",
    "channel",
    "level",
    "reasons",
    "comment",
    "source",
    "rated_at",
)
REQUIRED = ("case_no", "department", "centre", "channel", "level", "rated_at")
ALIASES = {
    "办件编号": "case_no",
    "事项": "service_item",
    "服务事项": "service_item",
    "办理部门": "department",
    "部门": "department",
    "服务中心": "centre",
    "中心": "centre",
    "窗口": "window",
    "工作人员": "staff",
    "渠道": "channel",
    "评价渠道": "channel",
    "评价等级": "level",
    "等级": "level",
    "原因": "reasons",
    "评价原因": "reasons",
    "评价内容": "comment",
    "留言": "comment",
    "来源": "source",
    "评价来源": "source",
    "评价时间": "rated_at",
}
MAX_CASE_NO = 64
MAX_COMMENT = 2000


@dataclass(frozen=True, slots=True)
class RatingRecord:
    row: int
    case_no: str
    service_item: str
    department: str
    centre: str
    window: str
    staff: str
    channel: Channel
    level: int
    reasons: tuple[str, ...]
    comment: str
    source: Source
    rated_at: dt.datetime  # aware
    contact: str = ""  # real-name contact, encrypted before it is stored
    idempotency_key: str = ""
    handled_at: dt.datetime | None = None
    device: str = ""
    follow_up: bool = False
    ip_hash: str = ""


def parse_time(value: Cell) -> dt.datetime | None:
    """ISO 8601 text or an Excel date-time; naive times are Asia/Shanghai."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    else:
        text = cell_text(value).replace("Z", "+00:00")
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return None
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment


def read_records(table: Table) -> tuple[list[RatingRecord], list[CellError]]:
    """All rows that are fine, and every problem of the others."""
    headers = require_columns(table, REQUIRED, ALIASES)
    records: list[RatingRecord] = []
    errors: list[CellError] = []
    for row in table.rows:
        result = _read_row(table, headers, row)
        if isinstance(result, RatingRecord):
            records.append(result)
        else:
            errors.extend(result)
    return records, errors


def _read_row(table: Table, headers: dict[str, str], row: Row) -> RatingRecord | list[CellError]:
    problems: list[CellError] = []

    def bad(column: str, message: str) -> None:
        problems.append(table.error(row.number, headers.get(column, column), message))

    def get(column: str) -> Cell:
        header = headers.get(column)
        return row.values.get(header) if header else None

    text = {c: cell_text(get(c)) for c in COLUMNS if c != "rated_at"}
    for column in ("case_no", "department", "centre"):
        if not text[column]:
            bad(column, "不能为空 / required")
    if len(text["case_no"]) > MAX_CASE_NO:
        bad("case_no", f"超过 {MAX_CASE_NO} 个字符 / too long")
    if len(text["comment"]) > MAX_COMMENT:
        bad("comment", f"超过 {MAX_COMMENT} 个字符 / too long")
    channel = parse_channel(text["channel"])
    if channel is None:
        bad("channel", f"未知渠道“{text['channel']}” / unknown channel")
    level = parse_level(text["level"])
    if level is None:
        bad("level", f"评价等级须为 1–5，实际“{text['level']}” / level must be 1–5")
    source = parse_source(text["source"])
    if source is None:
        bad("source", f"来源须为 active/default/system，实际“{text['source']}”")
    rated_at = parse_time(get("rated_at"))
    if rated_at is None:
        bad("rated_at", f"不是 ISO 8601 时间：“{cell_text(get('rated_at'))}”")
    if problems or channel is None or level is None or source is None or rated_at is None:
        return problems
    reasons = tuple(r.strip() for r in text["reasons"].replace("；", ";").split(";") if r.strip())
    return RatingRecord(
        row.number,
        text["case_no"],
        text["service_item"],
        text["department"],
        text["centre"],
        text["window"],
        text["staff"],
        channel,
        level,
        reasons,
        text["comment"],
        source,
        rated_at,
    )


PAYLOAD_FIELDS = frozenset(
    {
        "case_no",
        "service_item",
        "department",
        "centre",
        "window",
        "staff",
        "channel",
        "level",
        "reasons",
        "comment",
        "contact",
        "source",
        "rated_at",
        "handled_at",
        "idempotency_key",
        "device",
        "follow_up",
    }
)


def _text(payload: dict[str, object], key: str, limit: int) -> tuple[str, str | None]:
    value = payload.get(key)
    if value is None:
        return "", None
    if isinstance(value, bool) or not isinstance(value, str | int):
        return "", f"{key}: 须为文本 / must be text"
    text = str(value).strip()
    if len(text) > limit:
        return "", f"{key}: 超过 {limit} 个字符 / longer than {limit}"
    if not printable(text):
        return "", f"{key}: 含有无效字符（空字符或不成对的代理码位）/ invalid characters"
    return text, None


def printable(text: str) -> bool:
    """Text a database can store: no NUL and no lone UTF-16 surrogate (JSON allows both)."""
    return "\x00" not in text and not any("\ud800" <= ch <= "\udfff" for ch in text)


def record_from_payload(
    index: int, payload: object, *, centre: str = "", channel: str = ""
) -> RatingRecord | list[str]:
    """One item of an API request, with every problem in it; ``centre``/``channel`` are the
    client's own when the item leaves them out."""
    if not isinstance(payload, dict):
        return ["须为对象 / each item must be an object"]
    errors = [f"{k}: 未知字段 / unknown field" for k in sorted(set(payload) - PAYLOAD_FIELDS)]
    texts: dict[str, str] = {}
    limits = {
        "case_no": MAX_CASE_NO,
        "service_item": 200,
        "department": 200,
        "centre": 200,
        "window": 100,
        "staff": 100,
        "comment": MAX_COMMENT,
        "contact": 64,
        "idempotency_key": 100,
        "device": 64,
    }
    for key, limit in limits.items():
        texts[key], problem = _text(payload, key, limit)
        if problem:
            errors.append(problem)
    texts["centre"] = texts["centre"] or centre
    for key in ("case_no", "department", "centre"):
        if not texts[key]:
            errors.append(f"{key}: 必填 / required")
    raw_channel = payload.get("channel") or channel
    parsed_channel = parse_channel(str(raw_channel)) if raw_channel else None
    if parsed_channel is None:
        errors.append(f"channel: 未知渠道 {raw_channel!r} / unknown channel")
    raw_level = payload.get("level")
    level = (
        raw_level
        if isinstance(raw_level, int) and not isinstance(raw_level, bool) and 1 <= raw_level <= 5
        else None
    )
    if level is None:
        errors.append(f"level: 须为 1–5 的整数，实际 {raw_level!r} / must be an integer 1–5")
    source = parse_source(str(payload.get("source") or ""))
    if source is None:
        errors.append(
            f"source: 须为 active/default/system / unknown source {payload.get('source')!r}"
        )
    rated_at = parse_time(payload.get("rated_at"))
    if rated_at is None:
        errors.append("rated_at: 须为 ISO 8601 时间 / must be an ISO 8601 time")
    handled_at = None
    if payload.get("handled_at") is not None:
        handled_at = parse_time(payload.get("handled_at"))
        if handled_at is None:
            errors.append("handled_at: 须为 ISO 8601 时间 / must be an ISO 8601 time")
    reasons = payload.get("reasons") or []
    if not isinstance(reasons, list) or not all(
        isinstance(r, str) and len(r) <= 100 and printable(r) for r in reasons
    ):
        errors.append("reasons: 须为文本列表 / must be a list of texts")
        reasons = []
    follow_up = payload.get("follow_up", False)
    if not isinstance(follow_up, bool):
        errors.append("follow_up: 须为 true/false / must be a boolean")
    if errors or parsed_channel is None or level is None or source is None or rated_at is None:
        return errors
    return RatingRecord(
        index,
        texts["case_no"],
        texts["service_item"],
        texts["department"],
        texts["centre"],
        texts["window"],
        texts["staff"],
        parsed_channel,
        level,
        tuple(r.strip() for r in reasons if r.strip()),
        texts["comment"],
        source,
        rated_at,
        contact=texts["contact"],
        idempotency_key=texts["idempotency_key"],
        handled_at=handled_at,
        device=texts["device"],
        follow_up=bool(follow_up),
    )
