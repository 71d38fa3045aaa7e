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

from collections.abc import Callable
from typing import Any

import polars as pl

from minsheng.core.columnar import Columns, Problems, each_distinct, resolve, utc_times
from minsheng.core.hotline.vocabulary import (
    CHANNEL_LABELS,
    FOLLOWUP_LABELS,
    TYPE_LABELS,
    parse_channel,
    parse_followup,
    parse_type,
)
from minsheng.core.ratings.records import parse_time
from minsheng.core.tabular import CellError, cell_bool

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


FRAME_SCHEMA = {
    "row": pl.Int64,
    "order_no": pl.String,
    "channel": pl.String,
    "type": pl.String,
    "category": pl.String,
    "region": pl.String,
    "department": pl.String,
    "text": pl.String,
    "received_at": pl.Datetime("us", "UTC"),
    "dispatched_at": pl.Datetime("us", "UTC"),
    "accepted_at": pl.Datetime("us", "UTC"),
    "answered_at": pl.Datetime("us", "UTC"),
    "followed_up_at": pl.Datetime("us", "UTC"),
    "followup": pl.String,
    "reopened": pl.Boolean,
    "urgent": pl.Boolean,
    "solved": pl.Boolean,
    "caller": pl.String,
    "phone": pl.String,
    "centre": pl.String,
    "service_item": pl.String,
}
_LABEL = {"received_at": "受理时间", "dispatched_at": "派单时间", "accepted_at": "签收时间",
          "answered_at": "办结时间"}  # fmt: skip
# An order's steps happen in order: (later, earlier) pairs, the problem shown at the later one.
_ORDER = (("dispatched_at", "received_at"), ("accepted_at", "dispatched_at"),
          ("answered_at", "received_at"), ("answered_at", "dispatched_at"))  # fmt: skip


def read_order_frame(columns: Columns) -> tuple[pl.DataFrame, list[CellError]]:
    """The rows that are fine as typed columns (``FRAME_SCHEMA``: texts blank as "", channel,
    type and follow-up as codes, times in UTC), and every problem of the others, located by
    row and column; an order number twice is a problem of the later row. Whole columns are
    checked at once; a distinct word or time is parsed once."""
    headers = resolve(columns, REQUIRED, ALIASES)

    def raw(name: str) -> pl.Series:
        return columns.named(headers, name)

    texts = {name: raw(name).fill_null("") for name in (*TEXTS, "reopened", "urgent", "solved")}
    problems = Problems(columns, headers)
    bad = problems.add

    bad("order_no", texts["order_no"] == "", "不能为空 / required")
    bad("order_no", texts["order_no"].str.len_chars() > MAX_ORDER_NO,
        f"超过 {MAX_ORDER_NO} 个字符 / too long")  # fmt: skip
    bad("text", texts["text"].str.len_chars() > MAX_TEXT, f"超过 {MAX_TEXT} 个字符 / too long")
    for name in ("category", "region", "department", "caller", "centre", "service_item"):
        bad(name, texts[name].str.len_chars() > MAX_NAME, f"超过 {MAX_NAME} 个字符 / too long")
    kind = each_distinct(texts["type"], _code(parse_type), pl.String)
    known = "、".join(TYPE_LABELS.values())
    bad("type", kind.is_null(), "未知的诉求类型“" + texts["type"] + f"”（可用：{known}）")
    channel = each_distinct(texts["channel"], _code(parse_channel), pl.String)
    known = "、".join(CHANNEL_LABELS.values())
    bad("channel", channel.is_null(), "未知的来源渠道“" + texts["channel"] + f"”（可用：{known}）")
    followup = each_distinct(texts["followup"], _code(parse_followup), pl.String)
    known = "、".join(FOLLOWUP_LABELS.values())
    bad("followup", followup.is_null() & (texts["followup"] != ""),
        f"回访结果须为 {known} 或空白，实际“" + texts["followup"] + "”")  # fmt: skip
    flags = {}
    for name in ("reopened", "urgent"):
        flags[name] = each_distinct(texts[name], _flag, pl.Boolean)
        bad(name, flags[name].is_null(), "须为 1/0 或 是/否，实际“" + texts[name] + "”")
    solved = each_distinct(texts["solved"], _solved, pl.Int8)
    bad("solved", solved.is_null(), "须为 是/否（已解决/未解决），实际“" + texts["solved"] + "”")
    times = {name: utc_times(raw(name), parse_time) for name in TIMES}
    for name in TIMES:
        given = raw(name).is_not_null()
        texts[name] = raw(name).fill_null("")
        if name == "received_at":
            bad(name, ~given, "不能为空 / required")
        bad(name, given & times[name].is_null(), "不是 ISO 8601 时间：“" + texts[name] + "”")
    for later, earlier in _ORDER:
        bad(later, times[later] < times[earlier], f"{_LABEL[later]}早于{_LABEL[earlier]}")
    bad("accepted_at", times["accepted_at"].is_not_null() & times["dispatched_at"].is_null(),
        "有签收时间但没有派单时间")  # fmt: skip
    bad("followup", followup.is_not_null() & times["answered_at"].is_null(),
        "有回访结果但没有办结时间")  # fmt: skip

    rows = pl.Series("row", columns.rows, dtype=pl.Int64)
    # An order number seen on an earlier good row: a problem of this one.
    good = pl.DataFrame([rows, texts["order_no"]]).with_columns(ok=~problems.failed)
    first = good.filter("ok").group_by("order_no").agg(first=pl.col("row").min())
    seen = good.join(first, on="order_no", how="left", maintain_order="left")
    repeated = seen.select(pl.col("ok") & (pl.col("row") != pl.col("first"))).to_series()
    again = (
        pl.lit("工单编号与第 ") + seen["first"].cast(pl.String) + " 行重复 / order number repeated"
    )
    bad("order_no", repeated, pl.select(again).to_series())
    frame = pl.DataFrame(
        {
            "row": rows,
            **{name: texts[name] for name in TEXTS if name not in {"channel", "type", "followup"}},
            **times,
            "channel": channel,
            "type": kind,
            "followup": followup.fill_null(""),
            "reopened": flags["reopened"],
            "urgent": flags["urgent"],
            "solved": solved.replace_strict(
                {1: True, 0: False}, default=None, return_dtype=pl.Boolean
            ),
        }
    )
    return frame.select(list(FRAME_SCHEMA)).filter(~problems.failed), problems.sorted_errors()


def _code(parse: Callable[[str], Any]) -> Callable[[str], str | None]:
    """A vocabulary word → its code; blank and unknown → None."""

    def code(text: str) -> str | None:
        found = parse(text) if text else None
        return None if found is None else str(found.value)

    return code


def _flag(text: str) -> bool | None:
    return cell_bool(text or None, default=False)


def _solved(text: str) -> int | None:
    """1 solved, 0 not, -1 not said; None: a word that says neither (is reported)."""
    if not text:
        return -1
    said = {"已解决": True, "未解决": False}.get(text, cell_bool(text, default=False))
    return None if said is None else int(said)
