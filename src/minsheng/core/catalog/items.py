"""A service item of the catalog (事项清单), as cities keep it, and the quality checks provinces
run on each item. Codes are opaque strings; time limits are working days (None = none given;
promised 0 = 即办)."""

from __future__ import annotations

from dataclasses import dataclass

LEVELS = ("市", "县", "乡", "村")
KINDS = ("行政许可", "行政给付", "行政确认", "行政裁决", "行政奖励", "公共服务", "其他")
ROMAN = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "I": 1, "II": 2, "III": 3, "IV": 4}


@dataclass(frozen=True, slots=True)
class Item:
    code: str
    name: str
    kind: str
    organisation: str
    level: str
    region: str  # 12-digit division code
    legal_days: int | None
    promised_days: int | None
    instant: bool  # 办件类型 即办件 (else 承诺件)
    visits: int | None  # 到现场次数
    depth: int  # 网上办理深度 1–4
    entered: bool  # 是否进驻大厅
    not_entered_reason: str = ""
    row: int = 0  # the worksheet row it was read from (for errors found when storing)


def lint(item: Item) -> list[str]:
    """What a province's catalog check would flag on the item (Chinese, one line each)."""
    found = []
    if item.instant and item.promised_days not in (None, 0):
        found.append("即办件的承诺时限应为 0")
    if item.promised_days == 0 and not item.instant:
        found.append("承诺时限为 0 的应标为即办件")
    if item.depth == 4 and item.visits not in (None, 0):
        found.append("全程网办（四级深度）的事项到现场次数应为 0")
    if (
        item.legal_days is not None
        and item.promised_days is not None
        and item.promised_days > item.legal_days
    ):
        found.append("承诺时限超过法定时限")
    if not item.entered and not item.not_entered_reason.strip():
        found.append("未进驻大厅须写明原因")
    return found
