"""The words of a work order (工单): request types, channels, follow-up answers and states, each
with the Chinese label pages and files use, and the spellings files bring."""

from __future__ import annotations

from enum import StrEnum


class RequestType(StrEnum):
    CONSULT = "consult"  # 咨询
    HELP = "help"  # 求助
    COMPLAINT = "complaint"  # 投诉
    REPORT = "report"  # 举报
    SUGGESTION = "suggestion"  # 意见建议
    PRAISE = "praise"  # 表扬


TYPE_LABELS: dict[str, str] = {
    "consult": "咨询",
    "help": "求助",
    "complaint": "投诉",
    "report": "举报",
    "suggestion": "意见建议",
    "praise": "表扬",
}


class Channel(StrEnum):
    PHONE = "phone"  # 电话
    WEB = "web"  # 网站
    APP = "app"  # 移动端
    PLATFORM = "platform"  # 12345 平台转来
    PETITION = "petition"  # 信访转办
    WINDOW = "window"  # 窗口投诉
    MAILBOX = "mailbox"  # 信箱


CHANNEL_LABELS: dict[str, str] = {
    "phone": "电话",
    "web": "网站",
    "app": "移动端",
    "platform": "12345平台",
    "petition": "信访转办",
    "window": "窗口投诉",
    "mailbox": "信箱",
}


class Followup(StrEnum):
    SATISFIED = "satisfied"  # 满意
    MOSTLY = "mostly"  # 基本满意
    UNSATISFIED = "unsatisfied"  # 不满意


FOLLOWUP_LABELS: dict[str, str] = {
    "satisfied": "满意",
    "mostly": "基本满意",
    "unsatisfied": "不满意",
}
CONTENT = frozenset({Followup.SATISFIED, Followup.MOSTLY})  # 满意率's numerator


class State(StrEnum):
    RECEIVED = "received"  # 已受理, waiting for dispatch
    DISPATCHED = "dispatched"  # 已派单
    ACCEPTED = "accepted"  # 已签收
    HANDLING = "handling"  # 办理中
    ANSWERED = "answered"  # 已办结（答复）
    FOLLOWED_UP = "followed_up"  # 已回访
    CLOSED = "closed"  # 已归档
    MERGED = "merged"  # 并入另一工单


STATE_LABELS: dict[str, str] = {
    "received": "待派单",
    "dispatched": "待签收",
    "accepted": "已签收",
    "handling": "办理中",
    "answered": "已答复",
    "followed_up": "已回访",
    "closed": "已办结",
    "merged": "已合并",
}


def _words(labels: dict[str, str], extra: dict[str, str]) -> dict[str, str]:
    words = {k: k for k in labels} | {v: k for k, v in labels.items()} | extra
    return {k.lower(): v for k, v in words.items()}


_TYPE_WORDS = _words(TYPE_LABELS, {"建议": "suggestion", "意见": "suggestion", "求决": "help"})
_CHANNEL_WORDS = _words(
    CHANNEL_LABELS,
    {
        "热线": "phone",
        "12345": "phone",
        "电话来电": "phone",
        "网络": "web",
        "网上": "web",
        "app": "app",
        "小程序": "app",
        "平台": "platform",
        "信访": "petition",
        "窗口": "window",
        "市长信箱": "mailbox",
        "邮箱": "mailbox",
    },
)
_FOLLOWUP_WORDS = _words(FOLLOWUP_LABELS, {"比较满意": "mostly"})


def parse_type(text: str) -> RequestType | None:
    found = _TYPE_WORDS.get(text.strip().lower())
    return RequestType(found) if found else None


def parse_channel(text: str) -> Channel | None:
    found = _CHANNEL_WORDS.get(text.strip().lower())
    return Channel(found) if found else None


def parse_followup(text: str) -> Followup | None:
    found = _FOLLOWUP_WORDS.get(text.strip().lower())
    return Followup(found) if found else None
