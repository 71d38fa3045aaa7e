"""A service item of the catalog (事项清单), as cities keep it (GB/T 39554's basic list and
implementation list, with the fields of a 办事指南), the quality checks provinces run on each
item, and the cross-level check: an item with the same basic code at the city, a county, a
township and a village must ask for the same materials and may not promise a longer time than
the level above. Codes are opaque strings; time limits are working days (None = none given;
promised 0 = 即办)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LEVELS = ("市", "县", "乡", "村")
KINDS = ("行政许可", "行政给付", "行政确认", "行政裁决", "行政奖励", "公共服务", "其他")
ROMAN = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "I": 1, "II": 2, "III": 3, "IV": 4}
FORMS = ("原件", "复印件", "原件和复印件", "电子材料")
NEEDS = ("必要", "非必要", "容缺后补")


@dataclass(frozen=True, slots=True)
class Material:
    name: str
    form: str = "原件"  # FORMS
    count: int = 1
    need: str = "必要"  # NEEDS
    source: str = ""  # 来源渠道: 申请人自备, 政府部门核发 (可共享免提交) …

    def as_json(self) -> dict[str, str | int]:
        return {
            "name": self.name,
            "form": self.form,
            "count": self.count,
            "need": self.need,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Fee:
    name: str
    amount: str  # as the guide states it ("每件 10 元", "按面积收取")
    basis: str  # 收费依据

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "amount": self.amount, "basis": self.basis}


@dataclass(frozen=True, slots=True)
class Item:
    code: str  # 实施编码 (or the only code a city keeps)
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
    basic_code: str = ""  # 基本编码: the same item at every level (blank: the code itself)
    visit_reason: str = ""  # why the applicant must come in person
    materials: tuple[Material, ...] = ()
    fees: tuple[Fee, ...] = ()
    conditions: str = ""  # 受理条件
    steps: str = ""  # 办理流程
    faq: str = ""  # 常见问题
    place: str = ""  # 办理地点
    hours: str = ""  # 办理时间
    consult_phone: str = ""  # 咨询电话
    complaint_phone: str = ""  # 投诉电话

    @property
    def family(self) -> str:
        """The code that ties the same item together across levels."""
        return self.basic_code or self.code


def lint(item: Item) -> list[str]:
    """What a province's catalog check would flag on the item (Chinese, one line each)."""
    found = []
    if item.instant and item.promised_days not in (None, 0):
        found.append("即办件的承诺时限应为 0")
    if item.promised_days == 0 and not item.instant:
        found.append("承诺时限为 0 的应标为即办件")
    if item.depth == 4 and item.visits not in (None, 0):
        found.append("全程网办（四级深度）的事项到现场次数应为 0")
    if item.visits and not item.visit_reason.strip():
        found.append("到现场次数大于 0 须说明到现场的原因")
    if (
        item.legal_days is not None
        and item.promised_days is not None
        and item.promised_days > item.legal_days
    ):
        found.append("承诺时限超过法定时限")
    if not item.entered and not item.not_entered_reason.strip():
        found.append("未进驻大厅须写明原因")
    for fee in item.fees:
        if not fee.basis.strip():
            found.append(f"收费项目“{fee.name}”缺少收费依据")
    consult, complaint = item.consult_phone.strip(), item.complaint_phone.strip()
    if consult and consult == complaint:
        found.append("咨询电话与投诉电话不能相同")
    return found


@dataclass(frozen=True, slots=True)
class Inconsistency:
    family: str  # the basic code
    name: str
    region: str  # the lower item's region
    level: str
    upper_region: str  # the region of the item above it
    upper_level: str
    message: str


def region_prefix(code: str) -> str:
    """The significant prefix of a 12-digit division code (390100000000 → 3901)."""
    for cut in (2, 4, 6, 9):
        if set(code[cut:]) <= {"0"}:
            return code[:cut]
    return code


def _materials(item: Item) -> dict[str, str]:
    return {m.name: m.need for m in item.materials}


def inconsistencies(items: Sequence[Item]) -> list[Inconsistency]:
    """Every item whose nearest item above it (same basic code, a region containing its own)
    asks for other materials (by name and necessity) or promises a longer time."""
    placed: dict[tuple[str, str], Item] = {}  # (basic code, region prefix) → the item there
    for item in items:
        placed.setdefault((item.family, region_prefix(item.region)), item)
    found: list[Inconsistency] = []
    for item in sorted(items, key=lambda i: (i.family, len(region_prefix(i.region)), i.region)):
        own = region_prefix(item.region)
        upper = next(
            (
                placed[(item.family, own[:cut])]
                for cut in (9, 6, 4, 2)
                if cut < len(own) and (item.family, own[:cut]) in placed
            ),
            None,
        )
        if upper is None:
            continue
        found += [
            Inconsistency(item.family, item.name, item.region, item.level, upper.region,
                          upper.level, message)
            for message in _differences(item, upper)
        ]  # fmt: skip
    return found


def _differences(item: Item, upper: Item) -> list[str]:
    mine, theirs = _materials(item), _materials(upper)
    out = []
    extra = sorted(set(mine) - set(theirs))
    missing = sorted(set(theirs) - set(mine))
    if extra:
        out.append(f"多出材料：{'、'.join(extra)}")
    if missing:
        out.append(f"缺少材料：{'、'.join(missing)}")
    for name in sorted(n for n in set(mine) & set(theirs) if mine[n] != theirs[n]):
        out.append(f"材料“{name}”为{mine[name]}，上级为{theirs[name]}")
    if (
        item.promised_days is not None
        and upper.promised_days is not None
        and item.promised_days > upper.promised_days
    ):
        out.append(
            f"承诺时限 {item.promised_days} 个工作日，长于上级的 {upper.promised_days} 个工作日"
        )
    return out


LABELS = {
    "name": "事项名称", "kind": "事项类型", "organisation": "实施主体", "level": "行使层级",
    "legal_days": "法定办结时限", "promised_days": "承诺办结时限", "instant": "办件类型",
    "visits": "到现场次数", "depth": "网上办理深度", "entered": "是否进驻大厅",
    "not_entered_reason": "不进驻原因", "basic_code": "基本编码", "visit_reason": "到现场原因",
    "materials": "申请材料", "fees": "收费", "conditions": "受理条件", "steps": "办理流程",
    "faq": "常见问题", "place": "办理地点", "hours": "办理时间", "consult_phone": "咨询电话",
    "complaint_phone": "投诉电话",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Change:
    code: str
    region: str
    name: str
    kind: str  # "added" | "removed" | "changed"
    fields: tuple[tuple[str, str, str], ...] = ()  # (label, before, after), as a reader reads


def _shown(field: str, value: object) -> str:
    if field == "instant":
        return "即办件" if value else "承诺件"
    if field == "entered":
        return "是" if value else "否"
    if field == "materials":
        return "；".join(f"{m.name}（{m.need}）" for m in value) or "无"  # type: ignore[attr-defined]
    if field == "fees":
        return "；".join(f"{f.name} {f.amount}" for f in value) or "不收费"  # type: ignore[attr-defined]
    return "—" if value in (None, "") else str(value)


def catalog_diff(before: Sequence[Item], after: Sequence[Item]) -> list[Change]:
    """What changed between two versions of a catalog (by region and code): items added,
    removed, and each changed field with its old and new value."""
    old = {(i.region, i.code): i for i in before}
    new = {(i.region, i.code): i for i in after}
    changes: list[Change] = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if a is None and b is not None:
            changes.append(Change(b.code, b.region, b.name, "added"))
        elif b is None and a is not None:
            changes.append(Change(a.code, a.region, a.name, "removed"))
        elif a is not None and b is not None:
            fields = tuple(
                (label, _shown(f, getattr(a, f)), _shown(f, getattr(b, f)))
                for f, label in LABELS.items()
                if getattr(a, f) != getattr(b, f)
            )
            if fields:
                changes.append(Change(b.code, b.region, b.name, "changed", fields))
    return changes
