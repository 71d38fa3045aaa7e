"""Answer scales and their codes as vendors deliver them (1 = best), the default scores, and
which codes mean "说不清/不了解" (missing, never a score)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Scale(StrEnum):
    SATISFACTION = "satisfaction5"  # 非常满意 … 非常不满意
    SAFETY = "safety5"  # 很安全 … 不安全
    YES_NO = "yes_no"
    ZERO_TEN = "zero_ten"


@dataclass(frozen=True, slots=True)
class ScaleSpec:
    labels: dict[str, str]  # code -> answer label
    scores: dict[str, float]  # code -> default score (missing codes are "don't know")
    satisfied: frozenset[str]  # codes counted in the satisfaction rate


DONT_KNOW_CODES = frozenset({"9", "99"})

SCALES: dict[Scale, ScaleSpec] = {
    Scale.SATISFACTION: ScaleSpec(
        {
            "1": "非常满意",
            "2": "满意",
            "3": "基本满意",
            "4": "不满意",
            "5": "非常不满意",
            "9": "说不清",
        },
        {"1": 100.0, "2": 80.0, "3": 60.0, "4": 40.0, "5": 20.0},
        frozenset({"1", "2", "3"}),
    ),
    Scale.SAFETY: ScaleSpec(
        {
            "1": "很安全",
            "2": "安全",
            "3": "基本安全",
            "4": "不太安全",
            "5": "不安全",
            "9": "不了解",
        },
        {"1": 100.0, "2": 80.0, "3": 60.0, "4": 40.0, "5": 20.0},
        frozenset({"1", "2", "3"}),
    ),
    Scale.YES_NO: ScaleSpec(
        {"1": "是", "2": "否", "9": "不清楚"}, {"1": 100.0, "2": 0.0}, frozenset({"1"})
    ),
    Scale.ZERO_TEN: ScaleSpec(
        {str(k): str(k) for k in range(11)} | {"99": "说不清"},
        {str(k): k * 10.0 for k in range(11)},
        frozenset({str(k) for k in range(6, 11)}),
    ),
}


def normal_code(raw: str) -> str:
    """Vendors write 1, 1.0 or 01: one code."""
    text = raw.strip()
    if text.endswith(".0"):
        text = text[:-2]
    return text.lstrip("0") or ("0" if text else "")
