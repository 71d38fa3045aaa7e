"""The demo city's service catalog, made up for the demo but shaped like a real one: about 75
items of the city's departments, most in the variants real lists carry (新办、变更、延续、注销 …),
about 300 city items in all, each with materials, limits, visits, online depth, place, hours
and phones; a county list derived from the city's for the items counties implement; township
and village lists of the public services delivered there (same basic codes); and a few planted
problems for the checks to find (a village promising longer than its township, a township
asking for an extra material, a fee without its basis, a visit without its reason). No real
catalog is copied: names are common item names, the figures are invented."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from importlib.resources import files

from minsheng.core.catalog.items import Fee, Item, Material

ID, HUKOU, PHOTO, FORM = "居民身份证", "户口簿", "近期免冠照片", "申请表"


@dataclass(frozen=True, slots=True)
class Base:
    dept: str  # a CITY_DEPARTMENTS key
    name: str
    kind: str
    legal: int | None
    promised: int
    visits: int
    depth: int
    materials: tuple[str, ...]
    variants: tuple[str, ...] = ()
    county: bool = False  # counties implement it too
    fee: tuple[str, str] | None = None  # (amount, basis)


def _bases() -> tuple[Base, ...]:
    """The base items, from data/demo_items.csv (one row each)."""
    text = (files("minsheng.core.catalog") / "data" / "demo_items.csv").read_text(encoding="utf-8")
    return tuple(
        Base(
            dept=row["部门"],
            name=row["事项名称"],
            kind=row["事项类型"],
            legal=int(row["法定时限"]) if row["法定时限"] else None,
            promised=int(row["承诺时限"]),
            visits=int(row["到现场次数"]),
            depth=int(row["网办深度"]),
            materials=tuple(row["申请材料"].split("、")),
            variants=tuple(v for v in row["办理项"].split("、") if v),
            county=row["县级实施"] == "是",
            fee=(row["收费标准"], row["收费依据"]) if row["收费标准"] else None,
        )
        for row in csv.DictReader(io.StringIO(text))
    )


BASES = _bases()
# Public services delivered at township and village level (the same basic codes as the city's).
TOWNSHIP = ("城乡居民养老保险参保登记", "最低生活保障申请", "临时救助申请", "高龄津贴申领",
            "新生儿入户", "医疗费用手工报销", "异地就医备案", "社会保障卡申领")  # fmt: skip
VILLAGE = ("城乡居民养老保险参保登记", "高龄津贴申领", "临时救助申请")
PLACE = {"市": "市民服务中心", "县": "政务服务中心", "乡": "便民服务中心", "村": "便民服务站"}
HOURS = "周一至周五 9:00—12:00，13:30—17:30（法定节假日除外）"


def _materials(names: tuple[str, ...]) -> tuple[Material, ...]:
    return tuple(
        Material(n, "原件" if n in (ID, HUKOU) else "原件和复印件" if "证" in n else "原件", 1,
                 "容缺后补" if n == "银行账户信息" else "必要",
                 "申请人自备" if n in (ID, HUKOU, PHOTO, FORM) else "")
        for n in names
    )  # fmt: skip


def demo_catalog(
    *,
    city: str,
    departments: dict[str, str],
    counties: list[tuple[str, str]],
    townships: list[tuple[str, str, str]],
    villages: list[tuple[str, str, str]],
    seed: int = 14,
) -> list[Item]:
    """``departments``: key → the city department's name; ``counties``: (code, government);
    ``townships`` / ``villages``: (code, implementing organisation, the parent's code)."""
    rng = random.Random(seed)
    items: list[Item] = []
    by_name: dict[str, Item] = {}
    number = 0
    for base_no, base in enumerate(BASES, start=1):
        for k, variant in enumerate(base.variants or ("",), start=1):
            number += 1
            name = f"{base.name}（{variant}）" if variant else base.name
            visits = base.visits if variant != "注销" else 0
            depth = 4 if variant == "注销" else base.depth
            fee = (Fee("工本费", base.fee[0], base.fee[1]),) if base.fee else ()
            item = Item(
                code=f"390100-{base_no:03d}-{k:02d}",
                basic_code=f"B{base_no:03d}{k:02d}",
                name=name,
                kind=base.kind,
                organisation=departments[base.dept],
                level="市",
                region=city,
                legal_days=base.legal,
                promised_days=base.promised,
                instant=base.promised == 0,
                visits=visits,
                depth=depth if visits == 0 or depth < 4 else 3,
                entered=rng.random() < 0.94,
                not_entered_reason="",
                visit_reason="核验原件、现场采集" if visits else "",
                materials=_materials(base.materials),
                fees=fee,
                conditions="申请人符合法律、法规规定的条件。",
                steps="申请—受理—审查—决定—送达",
                place=f"{PLACE['市']}{rng.randint(1, 3)}楼综合窗口",
                hours=HOURS,
                consult_phone=f"0391-{rng.randint(6000000, 6999999)}",
                complaint_phone="12345",
            )
            if not item.entered:
                item = _replace(item, not_entered_reason=rng.choice(
                    ["涉及国家秘密", "需在专业场所现场勘验", "在专业服务场所办理"]))  # fmt: skip
            items.append(item)
            by_name.setdefault(base.name, item)
            if base.county:
                for code, government in counties:
                    items.append(_replace(item, code=f"{code[:6]}-{base_no:03d}-{k:02d}",
                                          level="县", region=code, organisation=government,
                                          place=f"{PLACE['县']}综合窗口"))  # fmt: skip
    for code, organisation, _parent in townships:
        for name in TOWNSHIP:
            upper = by_name[name]
            items.append(_replace(upper, code=f"{code[:9]}-{upper.basic_code}", level="乡",
                                  region=code, organisation=organisation, depth=min(upper.depth, 3),
                                  visits=upper.visits, place=PLACE["乡"]))  # fmt: skip
    for code, organisation, _parent in villages:
        for name in VILLAGE:
            upper = by_name[name]
            items.append(_replace(upper, code=f"{code}-{upper.basic_code}", level="村",
                                  region=code, organisation=organisation, depth=min(upper.depth, 2),
                                  place=PLACE["村"], entered=True))  # fmt: skip
    return _planted(items)


def _replace(item: Item, **changes: object) -> Item:
    from dataclasses import replace

    return replace(item, **changes)  # type: ignore[arg-type]


def _planted(items: list[Item]) -> list[Item]:
    """Four planted problems for the checks (the first township, village and county items)."""
    out = list(items)
    first = {level: next(k for k, i in enumerate(out) if i.level == level) for level in "乡村县"}
    town = out[first["乡"]]
    out[first["乡"]] = _replace(town, materials=(*town.materials, Material("村委会证明")))
    village = out[first["村"]]
    out[first["村"]] = _replace(village, promised_days=(village.promised_days or 0) + 5,
                                instant=False)  # fmt: skip
    county = out[first["县"]]
    out[first["县"]] = _replace(county, visit_reason="")  # a visit without its reason
    fee_item = next(k for k, i in enumerate(out) if i.fees and i.level == "县")
    out[fee_item] = _replace(out[fee_item], fees=(Fee("工本费", out[fee_item].fees[0].amount, ""),))
    return out
