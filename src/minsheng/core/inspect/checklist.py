"""Inspection checklists (检查清单) and the score of one visit.

A checklist is a list of items, each with a stable code (so a finding at a site can be matched
with the same item on a later visit), a group (六有, 首问负责 …), the text the inspector reads,
and its points. An inspector marks each item 合格 (pass), 不合格 (fail) or 不适用 (n.a.).

The visit's score is on 0–100: the points of the items passed ÷ the points of the items that
apply × 100 (an item marked n.a. leaves both sides), so a site is not punished for a check that
does not apply to it. A visit where nothing applies has no score. Each failed item is a finding,
and its points are the deduction rule: ``deduction_points`` sums them for the assessment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PASS, FAIL, NA = "pass", "fail", "na"
RESULTS = {PASS: "合格", FAIL: "不合格", NA: "不适用"}

KINDS = {
    "service_centre": "便民服务中心",
    "school": "学校",
    "nursing_home": "养老机构",
    "hospital": "医院门诊",
}
MAX_ITEMS = 200


class ChecklistError(ValueError):
    """A checklist or a visit's results that cannot be used (the message is for the user)."""


@dataclass(frozen=True, slots=True)
class Item:
    code: str
    group: str
    text: str
    points: float

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "group": self.group, "text": self.text, "points": self.points}


def parse_items(raw: Any) -> list[Item]:
    """Items from their JSON form ``[{"code", "group", "text", "points"}, …]``."""
    if not isinstance(raw, list) or not raw:
        raise ChecklistError("检查清单至少要有一项")
    if len(raw) > MAX_ITEMS:
        raise ChecklistError(f"检查清单最多 {MAX_ITEMS} 项")
    items: list[Item] = []
    seen: set[str] = set()
    for n, entry in enumerate(raw, start=1):
        if not isinstance(entry, Mapping):
            raise ChecklistError(f"第 {n} 项格式不对")
        code = str(entry.get("code", "")).strip()
        text = str(entry.get("text", "")).strip()
        group = str(entry.get("group", "")).strip()
        points = entry.get("points")
        if not code or len(code) > 20:
            raise ChecklistError(f"第 {n} 项：编号不能为空，最多 20 个字符")
        if code in seen:
            raise ChecklistError(f"第 {n} 项：编号 {code} 重复")
        seen.add(code)
        if not text or len(text) > 200:
            raise ChecklistError(f"第 {n} 项：检查内容不能为空，最多 200 个字符")
        if len(group) > 30:
            raise ChecklistError(f"第 {n} 项：分组最多 30 个字符")
        if isinstance(points, bool) or not isinstance(points, int | float) or not 0 < points <= 100:
            raise ChecklistError(f"第 {n} 项：分值须为 0 到 100 之间的正数")
        items.append(Item(code, group, text, float(points)))
    return items


def parse_lines(text: str) -> list[Item]:
    """Items typed one a line as ``编号|分组|检查内容|分值`` (the editor's form)."""
    raw: list[dict[str, Any]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("｜", "|").split("|")]
        if len(parts) != 4:
            raise ChecklistError(f"第 {n} 行须为“编号|分组|检查内容|分值”四栏")
        try:
            points: Any = float(parts[3])
        except ValueError:
            raise ChecklistError(f"第 {n} 行：分值“{parts[3]}”不是数字") from None
        raw.append({"code": parts[0], "group": parts[1], "text": parts[2], "points": points})
    return parse_items(raw)


def as_lines(items: Sequence[Item]) -> str:
    return "\n".join(f"{i.code}|{i.group}|{i.text}|{i.points:g}" for i in items)


def check_results(items: Sequence[Item], results: Mapping[str, Any]) -> dict[str, str]:
    """``{code: pass|fail|na}`` for every item, or ``ChecklistError`` naming the first item
    left unmarked or marked with something else (a code not on the list is refused too)."""
    codes = {i.code for i in items}
    unknown = sorted(set(results) - codes)
    if unknown:
        raise ChecklistError(f"检查清单中没有编号 {'、'.join(unknown[:5])}")
    out: dict[str, str] = {}
    for item in items:
        value = results.get(item.code)
        if value not in RESULTS:
            raise ChecklistError(f"“{item.text}”（{item.code}）尚未判定合格、不合格或不适用")
        out[item.code] = str(value)
    return out


def visit_score(items: Sequence[Item], results: Mapping[str, str]) -> float | None:
    """100 × points passed ÷ points that apply; None when no item applies."""
    passed = sum(i.points for i in items if results.get(i.code) == PASS)
    applies = passed + sum(i.points for i in items if results.get(i.code) == FAIL)
    return 100 * passed / applies if applies else None


def failed(items: Sequence[Item], results: Mapping[str, str]) -> list[Item]:
    return [i for i in items if results.get(i.code) == FAIL]


def deduction_points(items: Sequence[Item], results: Mapping[str, str]) -> float:
    """The points of the failed items (the deduction a finding carries)."""
    return sum(i.points for i in failed(items, results))


def _items(rows: list[tuple[str, str, str, float]]) -> list[Item]:
    return [Item(*row) for row in rows]


# Illustrative starting checklists; the office edits its own. The service centre's follows
# seed 002 (六有, 首问负责制, 一次性告知制, and the inspection group's 服务态度、工作效率、
# 廉洁自律).
DEFAULTS: dict[str, list[Item]] = {
    "service_centre": _items([
        ("LY1", "六有", "有固定的办公场所，标识标牌清楚", 4),
        ("LY2", "六有", "有必要的办公设备（取号、评价器、自助终端可用）", 4),
        ("LY3", "六有", "有明确的服务内容（事项清单和办事指南公开）", 4),
        ("LY4", "六有", "有专业的服务队伍（窗口人员在岗）", 4),
        ("LY5", "六有", "有完善的服务制度（制度上墙）", 4),
        ("LY6", "六有", "有良好的服务环境（整洁、有休息区）", 4),
        ("PZ1", "佩证上岗", "窗口人员佩戴工作牌、桌牌与人员一致", 8),
        ("SW1", "首问负责", "首位接待人员解答咨询或引导至窗口", 10),
        ("YC1", "一次性告知", "需补材料时一次性书面告知全部材料", 12),
        ("JL1", "窗口纪律", "无脱岗、串岗、玩手机、吃零食", 10),
        ("TD1", "服务态度", "文明用语，无推诿、刁难", 12),
        ("XL1", "工作效率", "即办件当场办结，承诺件按时限办理", 12),
        ("LJ1", "廉洁自律", "无收受财物、无违规收费", 12),
    ]),
    "school": _items([
        ("XA1", "校园安全", "门卫值守、来访登记", 20),
        ("XA2", "校园安全", "食堂明厨亮灶、食品留样", 20),
        ("JF1", "教育收费", "收费项目和标准公示，无违规收费", 30),
        ("JZ1", "家校沟通", "校长信箱或热线有人回复", 30),
    ]),
    "nursing_home": _items([
        ("YL1", "安全", "消防设施完好、通道畅通", 30),
        ("YL2", "照护", "护理员与老人配比符合要求", 30),
        ("YL3", "膳食", "食谱公示，留样齐全", 20),
        ("YL4", "收费", "收费标准公示", 20),
    ]),
    "hospital": _items([
        ("YY1", "门诊秩序", "分时段预约，候诊有序", 25),
        ("YY2", "便民服务", "导诊台有人，自助机可用", 25),
        ("YY3", "收费公示", "药品和服务价格公示", 25),
        ("YY4", "服务态度", "医务人员文明用语", 25),
    ]),
}  # fmt: skip
