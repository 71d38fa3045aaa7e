"""A deterministic plan of a fictional demo city (or province): regions, organisations,
service centres with windows and staff, peer groups and one login per role.

Pure data and a seeded ``random.Random``: the same ``(scale, seed)`` always gives the same plan,
so demo databases, screenshots and later issues' demo data are reproducible. The Django side
(``minsheng.demo``) only writes this plan to the database.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from minsheng.core.regions import AdminCode, Level
from minsheng.core.roles import OrgKind, Role

PROVINCE_CODE = "39"  # Unused by real provinces: the demo is plainly fictional.
PROVINCE_NAME = "江淮省"
CITY_NAME = "清河市"

_FIRST = (
    "东西南北青白金石龙凤安永长平新兴高丰宁和华云清明太仁德福寿桂柳梅松竹兰河山湖江溪泉岭峰坪塘桥湾"
)
_SECOND = "阳城源泽口坝营庄集铺店寨川沟岗洼台林田圩园陵渡关潭滩浦埠堡峪屯坊里塘"
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程"
)
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌飞鹏辉宁晨欣悦"

# Lead units of seed 004's action plan, plus the other departments a city reports with.
CITY_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("edu", "市教育体育局"),
    ("hrss", "市人力资源社会保障局"),
    ("health", "市卫生健康委"),
    ("housing", "市住房城乡建设局"),
    ("eco", "市生态环境局"),
    ("transport", "市交通运输局"),
    ("police", "市公安局"),
    ("culture", "市文化和旅游局"),
    ("civil", "市民政局"),
    ("gov-service", "市政务服务管理局"),
    ("market", "市市场监管局"),
    ("medical-ins", "市医疗保障局"),
    ("ndrc", "市发展改革委"),
    ("urban", "市城市管理局"),
    ("water", "市水利局"),
)

_CENTRE_WINDOWS = {
    Level.CITY: (
        "综合受理",
        "市场主体登记",
        "不动产登记",
        "公安户政",
        "出入境",
        "税务",
        "社保",
        "医保",
        "公积金",
        "卫生健康",
        "交通运输",
        "住房建设",
        "教育",
        "民政",
        "人力资源",
        "工程建设",
        "生态环境",
        "文化旅游",
        "水利",
        "城市管理",
        "帮办代办",
        "出件",
    ),
    Level.COUNTY: (
        "综合受理",
        "市场主体登记",
        "不动产登记",
        "公安户政",
        "税务",
        "社保",
        "医保",
        "公积金",
        "卫生健康",
        "交通运输",
        "民政",
        "帮办代办",
        "出件",
    ),
    Level.TOWNSHIP: ("综合受理", "社保医保", "民政残联", "农业农村"),
    Level.VILLAGE: ("代办",),
}


class Scale(StrEnum):
    TEST = "test"
    CITY = "city"
    PROVINCE = "province"


@dataclass(frozen=True, slots=True)
class RegionPlan:
    code: str
    name: str
    level: Level


@dataclass(frozen=True, slots=True)
class OrgPlan:
    key: str
    name: str
    kind: OrgKind
    region_code: str
    centre_level: Level | None = None  # for service centres: city/county/township/village


@dataclass(frozen=True, slots=True)
class WindowPlan:
    centre_key: str
    number: int
    name: str


@dataclass(frozen=True, slots=True)
class StaffPlan:
    centre_key: str
    window_number: int
    staff_no: str
    name: str


@dataclass(frozen=True, slots=True)
class PeerGroupPlan:
    key: str
    name: str
    level: Level
    owner_code: str  # the region whose quality office owns the group
    member_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UserPlan:
    username: str
    role: Role
    org_key: str
    display_name: str
    is_superuser: bool = False
    staff_no: str | None = None  # window staff: the staff record the login belongs to


@dataclass(frozen=True, slots=True)
class ScaleSpec:
    cities: int
    counties: tuple[int, int]
    townships: tuple[int, int]
    villages: tuple[int, int]
    # The province's other cities, as names only (no counties, no organisations): the city
    # ranks itself among them with the values the province publishes.
    other_cities: int = 0


SCALES: dict[Scale, ScaleSpec] = {
    Scale.TEST: ScaleSpec(
        cities=1, counties=(3, 3), townships=(3, 3), villages=(2, 2), other_cities=3
    ),
    Scale.CITY: ScaleSpec(
        cities=1, counties=(8, 8), townships=(12, 18), villages=(7, 13), other_cities=11
    ),
    Scale.PROVINCE: ScaleSpec(cities=13, counties=(6, 10), townships=(12, 18), villages=(7, 13)),
}


@dataclass(slots=True)
class DemoPlan:
    scale: Scale
    seed: int
    regions: list[RegionPlan] = field(default_factory=list)
    organisations: list[OrgPlan] = field(default_factory=list)
    windows: list[WindowPlan] = field(default_factory=list)
    staff: list[StaffPlan] = field(default_factory=list)
    peer_groups: list[PeerGroupPlan] = field(default_factory=list)
    users: list[UserPlan] = field(default_factory=list)

    def regions_at(self, level: Level) -> Iterator[RegionPlan]:
        return (r for r in self.regions if r.level == level)


class _Names:
    """Unique two-character place names from a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def place(self) -> str:
        # Two characters while they are easy to find (~1,700 pairs), then three, then four.
        for attempt in range(1_000_000):
            extra = 0 if attempt < 50 else (1 if attempt < 200 else 2)
            middle = "".join(self._rng.choice(_FIRST) for _ in range(extra))
            name = self._rng.choice(_FIRST) + middle + self._rng.choice(_SECOND)
            if name not in self._used:
                self._used.add(name)
                return name
        raise RuntimeError("place names exhausted")

    def person(self) -> str:
        given = self._rng.choice(_GIVEN)
        if self._rng.random() < 0.6:
            given += self._rng.choice(_GIVEN)
        return self._rng.choice(_SURNAMES) + given


def build_plan(scale: Scale, seed: int, *, spec: ScaleSpec | None = None) -> DemoPlan:
    """Build the demo plan for ``scale`` with the generator seeded by ``seed``; ``spec``
    overrides the scale's sizes (benchmarks build a 100,000-region province this way)."""
    spec = spec or SCALES[scale]
    rng = random.Random(seed)
    names = _Names(rng)
    plan = DemoPlan(scale=scale, seed=seed)
    province = AdminCode.parse(PROVINCE_CODE)
    plan.regions.append(RegionPlan(province.value, PROVINCE_NAME, Level.PROVINCE))
    plan.organisations.append(
        OrgPlan(
            "gov-" + province.value, PROVINCE_NAME + "人民政府", OrgKind.GOVERNMENT, province.value
        )
    )
    all_counties: list[str] = []
    for c in range(1, spec.cities + 1):
        city = province.child(Level.CITY, c)
        city_name = CITY_NAME if c == 1 else names.place() + "市"
        plan.regions.append(RegionPlan(city.value, city_name, Level.CITY))
        counties = _add_city(plan, rng, names, city, city_name, spec)
        all_counties.extend(counties)
    if spec.cities > 1:
        plan.peer_groups.append(
            PeerGroupPlan(
                "province-counties",
                f"{PROVINCE_NAME}全部县（市、区）",
                Level.COUNTY,
                province.value,
                tuple(all_counties),
            )
        )
    # A stream of its own, so that everything above is the same with or without them.
    others = _Names(random.Random(f"{seed}:other-cities"))
    others._used = set(names._used)
    for c in range(spec.cities + 1, spec.cities + 1 + spec.other_cities):
        city = province.child(Level.CITY, c)
        plan.regions.append(RegionPlan(city.value, others.place() + "市", Level.CITY))
    _add_users(plan)
    return plan


def _add_city(
    plan: DemoPlan,
    rng: random.Random,
    names: _Names,
    city: AdminCode,
    city_name: str,
    spec: ScaleSpec,
) -> list[str]:
    short = city_name.removesuffix("市")
    plan.organisations.append(
        OrgPlan("gov-" + city.value, city_name + "人民政府", OrgKind.GOVERNMENT, city.value)
    )
    for key, name in CITY_DEPARTMENTS:
        plan.organisations.append(
            OrgPlan(f"dept-{city.value}-{key}", short + name, OrgKind.DEPARTMENT, city.value)
        )
    plan.organisations.append(
        OrgPlan(
            f"quality-{city.value}",
            short + "市质量强市工作领导小组办公室",
            OrgKind.QUALITY_OFFICE,
            city.value,
        )
    )
    plan.organisations.append(
        OrgPlan(f"hotline-{city.value}", short + "市12345政务服务便民热线中心", OrgKind.HOTLINE,
                city.value)
    )  # fmt: skip
    _add_centre(plan, rng, names, city, city_name + "政务服务中心", Level.CITY)
    n_counties = rng.randint(*spec.counties)
    county_codes: list[str] = []
    township_codes: list[str] = []
    for k in range(1, n_counties + 1):
        county = city.child(Level.COUNTY, k)
        # Two urban districts, one county-level city, the rest counties.
        suffix = "区" if k <= 2 else ("市" if k == 3 else "县")
        county_name = names.place() + suffix
        plan.regions.append(RegionPlan(county.value, county_name, Level.COUNTY))
        county_codes.append(county.value)
        plan.organisations.append(
            OrgPlan(
                "gov-" + county.value, county_name + "人民政府", OrgKind.GOVERNMENT, county.value
            )
        )
        _add_centre(plan, rng, names, county, county_name + "政务服务中心", Level.COUNTY)
        own_townships: list[str] = []
        for t in range(1, rng.randint(*spec.townships) + 1):
            township = county.child(Level.TOWNSHIP, t)
            roll = rng.random()
            t_suffix = "街道" if suffix == "区" and roll < 0.5 else ("乡" if roll > 0.75 else "镇")
            t_name = names.place() + t_suffix
            plan.regions.append(RegionPlan(township.value, t_name, Level.TOWNSHIP))
            own_townships.append(township.value)
            gov_suffix = "办事处" if t_suffix == "街道" else "人民政府"
            plan.organisations.append(
                OrgPlan(
                    "gov-" + township.value, t_name + gov_suffix, OrgKind.GOVERNMENT, township.value
                )
            )
            _add_centre(plan, rng, names, township, t_name + "便民服务中心", Level.TOWNSHIP)
            for v in range(1, rng.randint(*spec.villages) + 1):
                village = township.child(Level.VILLAGE, v)
                v_name = names.place() + ("社区" if rng.random() < 0.15 else "村")
                plan.regions.append(RegionPlan(village.value, v_name, Level.VILLAGE))
                _add_centre(plan, rng, names, village, v_name + "便民服务站", Level.VILLAGE)
        plan.peer_groups.append(
            PeerGroupPlan(
                f"townships-{county.value}",
                f"{county_name}全部乡镇（街道）",
                Level.TOWNSHIP,
                county.value,
                tuple(own_townships),
            )
        )
        township_codes.extend(own_townships)
    plan.peer_groups.append(
        PeerGroupPlan(
            f"counties-{city.value}",
            f"{city_name}{n_counties}个县（市、区）",
            Level.COUNTY,
            city.value,
            tuple(county_codes),
        )
    )
    plan.peer_groups.append(
        PeerGroupPlan(
            f"townships-{city.value}",
            f"{city_name}全部乡镇（街道）",
            Level.TOWNSHIP,
            city.value,
            tuple(township_codes),
        )
    )
    plan.organisations.append(
        OrgPlan(f"vendor-{city.value}", short + "民意调查咨询有限公司", OrgKind.VENDOR, city.value)
    )
    return county_codes


def _add_centre(
    plan: DemoPlan, rng: random.Random, names: _Names, region: AdminCode, name: str, level: Level
) -> None:
    key = "centre-" + region.value
    plan.organisations.append(OrgPlan(key, name, OrgKind.SERVICE_CENTRE, region.value, level))
    for number, window_name in enumerate(_CENTRE_WINDOWS[level], start=1):
        plan.windows.append(WindowPlan(key, number, f"{window_name}窗口"))
        staff_count = 2 if level in {Level.CITY, Level.COUNTY} else 1
        for s in range(1, staff_count + 1):
            plan.staff.append(
                StaffPlan(key, number, f"{region.value}-{number:02d}{s}", names.person())
            )


def _add_users(plan: DemoPlan) -> None:
    city = next(plan.regions_at(Level.CITY)).code
    county = next(plan.regions_at(Level.COUNTY)).code
    township = next(plan.regions_at(Level.TOWNSHIP)).code
    second_county = list(plan.regions_at(Level.COUNTY))[1].code
    first_window_staff = next(s for s in plan.staff if s.centre_key == "centre-" + county)
    plan.users.extend(
        [
            UserPlan("admin", Role.ADMIN, f"quality-{city}", "系统管理员", is_superuser=True),
            UserPlan("quality", Role.QUALITY_OFFICE, f"quality-{city}", "质量办分析员"),
            UserPlan("leader", Role.LEADER, "gov-" + city, "市领导"),
            UserPlan("reporter", Role.DEPARTMENT_REPORTER, f"dept-{city}-edu", "教育体育局填报员"),
            UserPlan("county", Role.REGION_OFFICER, "gov-" + county, "区县联络员"),
            UserPlan("township", Role.REGION_OFFICER, "gov-" + township, "乡镇联络员"),
            UserPlan(
                "window",
                Role.WINDOW_STAFF,
                "centre-" + county,
                first_window_staff.name,
                staff_no=first_window_staff.staff_no,
            ),
            UserPlan("vendor", Role.SURVEY_VENDOR, f"vendor-{city}", "测评机构数据员"),
            UserPlan("inspector", Role.REGION_OFFICER, "gov-" + second_county, "暗访检查员"),
            UserPlan("dispatcher", Role.DISPATCHER, f"hotline-{city}", "热线派单员"),
        ]
    )
