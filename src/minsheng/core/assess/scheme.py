"""An assessment scheme (考核方案) as data, since no two cities' rules are the same:

``{"components": {name: weight, …}, "bonus_cap": number, "grades": [[min_total, label], …]
(highest first), "triggers": [{"name", "when": CONDITION, "consequence"}, …], "deductions":
{source: points per occurrence, …}}`` where a
CONDITION is ``{"rank_bottom": K, "periods": N}`` (among the bottom K in each of the last N
periods), ``{"total_below": X}`` (in the last period), ``{"all": [CONDITION, …]}`` or
``{"any": [CONDITION, …]}``. ``SchemeError`` says in one line what is wrong."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any


class SchemeError(ValueError):
    """The scheme cannot be used; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class RankBottom:
    bottom: int
    periods: int


@dataclass(frozen=True, slots=True)
class TotalBelow:
    threshold: float


@dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Condition, ...]


Condition = RankBottom | TotalBelow | AllOf | AnyOf


@dataclass(frozen=True, slots=True)
class Trigger:
    name: str
    when: Condition
    consequence: str


@dataclass(frozen=True, slots=True)
class Scheme:
    components: dict[str, float]
    bonus_cap: float
    grades: tuple[tuple[float, str], ...]  # highest band first
    triggers: tuple[Trigger, ...]
    # Points taken off per occurrence of a finding the platform counts (an inspection finding,
    # an overdue task, a missed hall target); the caller turns them into deduction entries.
    deductions: dict[str, float] = field(default_factory=dict)

    def grade(self, total: float, *, vetoed: bool) -> str:
        """The band of ``total``; a veto (一票否决) gives the lowest band whatever the total."""
        if not self.grades:
            return ""
        if vetoed:
            return self.grades[-1][1]
        for minimum, label in self.grades:
            if total >= minimum - 1e-9:
                return label
        return self.grades[-1][1]


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SchemeError(f"{what} 须为数字，实际为 {value!r}")
    return float(value)


def _condition(raw: Any, where: str) -> Condition:
    if not isinstance(raw, dict) or len(raw) == 0:
        raise SchemeError(f"{where}：条件须为对象")
    if "all" in raw or "any" in raw:
        key = "all" if "all" in raw else "any"
        parts = raw[key]
        if not isinstance(parts, list) or not parts:
            raise SchemeError(f"{where}：{key} 须为非空的条件列表")
        inner = tuple(_condition(p, f"{where}.{key}[{k}]") for k, p in enumerate(parts))
        return AllOf(inner) if key == "all" else AnyOf(inner)
    if "rank_bottom" in raw:
        bottom = _number(raw["rank_bottom"], f"{where}.rank_bottom")
        periods = _number(raw.get("periods", 1), f"{where}.periods")
        if bottom < 1 or periods < 1 or not bottom.is_integer() or not periods.is_integer():
            raise SchemeError(f"{where}：rank_bottom 和 periods 须为正整数")
        return RankBottom(int(bottom), int(periods))
    if "total_below" in raw:
        return TotalBelow(_number(raw["total_below"], f"{where}.total_below"))
    raise SchemeError(f"{where}：未知条件 {', '.join(sorted(raw))}")


def parse_scheme(raw: Any) -> Scheme:
    """The scheme from its JSON value, or ``SchemeError``."""
    if not isinstance(raw, dict):
        raise SchemeError("方案须为 JSON 对象")
    known = {"components", "bonus_cap", "grades", "triggers", "name", "deductions"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SchemeError(f"方案中有未知字段：{', '.join(unknown)}")
    components = raw.get("components")
    if not isinstance(components, dict) or not components:
        raise SchemeError("components 须为非空对象 {组成部分: 权重}")
    weights = {}
    for name, weight in components.items():
        if not isinstance(name, str) or not name.strip() or ":" in name:
            raise SchemeError(f"组成部分名称无效：{name!r}")
        value = _number(weight, f"组成部分 {name} 的权重")
        if value < 0:
            raise SchemeError(f"组成部分 {name} 的权重不能为负数")
        weights[name] = value
    if sum(weights.values()) <= 0:
        raise SchemeError("权重之和须大于 0")
    cap = _number(raw.get("bonus_cap", 0), "bonus_cap")
    if cap < 0:
        raise SchemeError("bonus_cap 不能为负数")
    grades_raw = raw.get("grades", [])
    if not isinstance(grades_raw, list):
        raise SchemeError("grades 须为 [[最低分, 等次], …] 列表")
    grades: list[tuple[float, str]] = []
    for k, band in enumerate(grades_raw):
        if not isinstance(band, list) or len(band) != 2 or not isinstance(band[1], str):
            raise SchemeError(f"grades[{k}] 须为 [最低分, 等次]")
        grades.append((_number(band[0], f"grades[{k}] 的最低分"), band[1]))
    for (upper, a), (lower, b) in itertools.pairwise(grades):
        if lower >= upper:
            raise SchemeError(f"等次“{a}”与“{b}”的分数段重叠或顺序不对（须从高到低）")
    triggers_raw = raw.get("triggers", [])
    if not isinstance(triggers_raw, list):
        raise SchemeError("triggers 须为列表")
    triggers = []
    for k, t in enumerate(triggers_raw):
        if not isinstance(t, dict) or not isinstance(t.get("name"), str) or not t["name"]:
            raise SchemeError(f"triggers[{k}] 须有名称 name")
        triggers.append(
            Trigger(
                name=t["name"],
                when=_condition(t.get("when"), f"triggers[{k}]"),
                consequence=str(t.get("consequence", "")),
            )
        )
    deductions_raw = raw.get("deductions", {})
    if not isinstance(deductions_raw, dict):
        raise SchemeError("deductions 须为 {来源: 每次扣分} 对象")
    deductions = {}
    for source, points in deductions_raw.items():
        value = _number(points, f"deductions.{source}")
        if value < 0:
            raise SchemeError(f"deductions.{source} 不能为负数")
        deductions[str(source)] = value
    return Scheme(weights, cap, tuple(grades), tuple(triggers), deductions)
