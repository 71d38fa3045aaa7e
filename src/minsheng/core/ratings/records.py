"""Rows of a ratings file (CSV or xlsx, e.g. back-filled from a provincial system), checked.

Columns: ``case_no,service_item,department,centre,window,staff,channel,level,reasons,comment,
source,rated_at`` (Chinese headers accepted). ``level`` 1–5 or its words, ``source``
active/default/system (blank = active), ``reasons`` separated by ``;``, ``rated_at`` ISO 8601
(a time without an offset is Asia/Shanghai). Every problem is reported with its row and column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from minsheng.core.columnar import Columns, Problems, each_distinct, resolve, utc_times
from minsheng.core.ratings.vocabulary import (
    Channel,
    Source,
    parse_channel,
    parse_level,
    parse_source,
)
from minsheng.core.tabular import Cell, CellError, cell_text
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


FRAME_SCHEMA = {
    "row": pl.Int64,
    "case_no": pl.String,
    "service_item": pl.String,
    "department": pl.String,
    "centre": pl.String,
    "window": pl.String,
    "staff": pl.String,
    "channel": pl.String,
    "level": pl.Int16,
    "reasons": pl.String,
    "comment": pl.String,
    "source": pl.String,
    "rated_at": pl.Datetime("us", "UTC"),
}


def read_frame(columns: Columns) -> tuple[pl.DataFrame, list[CellError]]:
    """The rows of a ratings file that are fine, as typed columns (``FRAME_SCHEMA``: text
    blank as "", channel and source as codes, rated_at in UTC), and every problem of the
    others, located by row and column. Whole columns are checked at once; a distinct value
    (a channel word, a level) is parsed once."""
    headers = resolve(columns, REQUIRED, ALIASES)
    texts = {name: columns.named(headers, name).fill_null("") for name in COLUMNS}
    problems = Problems(columns, headers)
    bad = problems.add

    for name in ("case_no", "department", "centre"):
        bad(name, texts[name] == "", "不能为空 / required")
    bad(
        "case_no",
        texts["case_no"].str.len_chars() > MAX_CASE_NO,
        f"超过 {MAX_CASE_NO} 个字符 / too long",
    )
    bad(
        "comment",
        texts["comment"].str.len_chars() > MAX_COMMENT,
        f"超过 {MAX_COMMENT} 个字符 / too long",
    )
    channel = each_distinct(texts["channel"], parse_channel, pl.String)
    bad("channel", channel.is_null(), "未知渠道“" + texts["channel"] + "” / unknown channel")
    level = each_distinct(texts["level"], parse_level, pl.Int16)
    bad(
        "level",
        level.is_null(),
        "评价等级须为 1–5，实际“" + texts["level"] + "” / level must be 1–5",
    )
    kind = each_distinct(texts["source"], parse_source, pl.String)
    bad("source", kind.is_null(), "来源须为 active/default/system，实际“" + texts["source"] + "”")
    rated_at = utc_times(texts["rated_at"], parse_time).alias("rated_at")
    bad("rated_at", rated_at.is_null(), "不是 ISO 8601 时间：“" + texts["rated_at"] + "”")

    rows = pl.Series("row", columns.rows, dtype=pl.Int64)
    frame = (
        pl.DataFrame(
            [
                rows,
                *(texts[n] for n in COLUMNS if n not in {"channel", "level", "source", "rated_at"}),
            ]
        )
        .with_columns(channel=channel, level=level, source=kind, rated_at=rated_at)
        .select(list(FRAME_SCHEMA))
        .filter(~problems.failed)
    )
    return frame, problems.sorted_errors()


def split_reasons(text: str) -> tuple[str, ...]:
    """``服务态度差;等待时间长`` (either semicolon) → the reasons, blanks dropped."""
    return tuple(r.strip() for r in text.replace("；", ";").split(";") if r.strip())


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
