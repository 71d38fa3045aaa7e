"""The demo catalog — 57 indicators across the 12 domains of the national monitoring (DESIGN.md),
modelled on the seeds — and a deterministic generator of their quarterly values for every county
and township: persistent regional differences, trends, noise, a few gaps and planted outliers.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from minsheng.core.index.periods import Period

CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("EDU", "公共教育", "Public education"),
    ("EMP", "公共就业", "Public employment"),
    ("MED", "医疗服务", "Medical services"),
    ("SOC", "社会保障", "Social security"),
    ("UTL", "公用事业", "Public utilities"),
    ("ECO", "生态环境", "Ecological environment"),
    ("TRN", "公共交通", "Public transport"),
    ("SAF", "公共安全", "Public safety"),
    ("CUL", "公共文化", "Public culture"),
    ("SPT", "公共体育", "Public sports"),
    ("ELD", "养老服务", "Elderly care"),
    ("GOV", "政务服务", "Government services"),
)


@dataclass(frozen=True, slots=True)
class DemoIndicator:
    code: str
    name: str
    name_en: str
    unit: str
    polarity: int
    decimals: int
    valid: tuple[float, float]
    base: float  # typical level at the start
    trend: float  # typical change per year
    spread: float  # relative spread between regions
    target: float  # provincial target for the final year
    department: str  # key of the lead department (core.demo_plan.CITY_DEPARTMENTS)


def _i(*a: object) -> DemoIndicator:
    return DemoIndicator(*a)  # type: ignore[arg-type]


P = "%"
# fmt: off
INDICATORS: tuple[DemoIndicator, ...] = (
    _i("EDU01", "生均校舍面积", "School floor area per pupil", "平方米", 1, 2, (0, 100), 8.5, 0.3, 0.15, 10, "edu"),
    _i("EDU02", "义务教育优质均衡达标比例", "Schools meeting the quality-balance standard", P, 1, 1, (0, 100), 62, 6, 0.15, 85, "edu"),
    _i("EDU03", "普惠性幼儿园覆盖率", "Coverage of inclusive kindergartens", P, 1, 1, (0, 100), 84, 2.5, 0.06, 90, "edu"),
    _i("EDU04", "中小学生师比", "Pupils per teacher", "人", -1, 1, (3, 40), 16.5, -0.3, 0.1, 15, "edu"),
    _i("EDU05", "九年义务教育巩固率", "Nine-year compulsory education completion", P, 1, 1, (50, 100), 97.5, 0.3, 0.01, 99, "edu"),
    _i("EMP01", "城镇调查失业率", "Surveyed urban unemployment rate", P, -1, 2, (0, 30), 5.2, -0.1, 0.12, 5.0, "hrss"),
    _i("EMP02", "每万人城镇新增就业", "New urban jobs per 10,000 people", "人", 1, 1, (0, 2000), 95, 3, 0.2, 110, "hrss"),
    _i("EMP03", "公共就业服务职业介绍成功率", "Placement rate of public employment services", P, 1, 1, (0, 100), 62, 2, 0.1, 70, "hrss"),
    _i("EMP04", "每万人职业技能培训人次", "Vocational training per 10,000 people", "人次", 1, 0, (0, 5000), 180, 12, 0.25, 220, "hrss"),
    _i("MED01", "每千人口医疗机构床位数", "Hospital beds per 1,000 people", "张", 1, 2, (0, 30), 5.8, 0.2, 0.15, 6.5, "health"),
    _i("MED02", "每千人口执业（助理）医师数", "Licensed doctors per 1,000 people", "人", 1, 2, (0, 15), 2.9, 0.1, 0.15, 3.2, "health"),
    _i("MED03", "65岁以上老年人健康管理率", "Health management of people aged 65+", P, 1, 1, (0, 100), 68, 2.5, 0.1, 75, "health"),
    _i("MED04", "孕产妇系统管理率", "Systematic maternal care", P, 1, 1, (0, 100), 92, 0.8, 0.04, 95, "health"),
    _i("MED05", "家庭医生签约服务覆盖率", "Family doctor contract coverage", P, 1, 1, (0, 100), 38, 2.5, 0.15, 45, "health"),
    _i("MED06", "婴儿死亡率", "Infant mortality", "‰", -1, 2, (0, 30), 3.1, -0.1, 0.2, 3.0, "health"),
    _i("SOC01", "基本养老保险参保率", "Basic pension insurance coverage", P, 1, 1, (0, 100), 93.5, 0.8, 0.03, 95, "hrss"),
    _i("SOC02", "基本医疗保险参保率", "Basic medical insurance coverage", P, 1, 1, (0, 100), 96.2, 0.3, 0.02, 97, "medical-ins"),
    _i("SOC03", "城乡低保月人均标准", "Minimum living allowance per month", "元", 1, 0, (300, 3000), 820, 40, 0.08, 900, "civil"),
    _i("SOC04", "异地就医直接结算率", "Direct settlement of out-of-area medical bills", P, 1, 1, (0, 100), 78, 5, 0.08, 90, "medical-ins"),
    _i("UTL01", "燃气普及率", "Gas supply coverage", P, 1, 1, (0, 100), 96, 0.8, 0.03, 98, "housing"),
    _i("UTL02", "农村自来水普及率", "Rural tap water coverage", P, 1, 1, (0, 100), 94, 1, 0.04, 97, "water"),
    _i("UTL03", "户均停车位", "Parking spaces per household", "个", 1, 2, (0, 5), 0.85, 0.08, 0.2, 1.0, "housing"),
    _i("UTL04", "供水水质综合合格率", "Drinking water quality compliance", P, 1, 1, (0, 100), 98.2, 0.3, 0.01, 99, "water"),
    _i("UTL05", "生活垃圾无害化处理率", "Safe treatment of household waste", P, 1, 1, (0, 100), 97, 0.8, 0.02, 100, "urban"),
    _i("ECO01", "空气质量优良天数比率", "Days of good air quality", P, 1, 1, (0, 100), 80, 1.2, 0.05, 85, "eco"),
    _i("ECO02", "PM2.5平均浓度", "Mean PM2.5 concentration", "微克/立方米", -1, 1, (0, 300), 34, -1.2, 0.12, 30, "eco"),
    _i("ECO03", "人均公园绿地面积", "Park green space per person", "平方米", 1, 2, (0, 100), 13.8, 0.3, 0.15, 15, "urban"),
    _i("ECO04", "地表水优Ⅲ类断面比例", "Surface water sections of class III or better", P, 1, 1, (0, 100), 82, 2, 0.08, 90, "eco"),
    _i("ECO05", "农村生活污水治理率", "Rural sewage treatment", P, 1, 1, (0, 100), 45, 5, 0.2, 60, "eco"),
    _i("TRN01", "镇村公交覆盖率", "Town and village bus coverage", P, 1, 1, (0, 100), 88, 3, 0.08, 100, "transport"),
    _i("TRN02", "行政村公交直达率", "Administrative villages with direct buses", P, 1, 1, (0, 100), 85, 3, 0.08, 95, "transport"),
    _i("TRN03", "公共交通出行分担率", "Public transport share of trips", P, 1, 1, (0, 100), 22, 1, 0.2, 28, "transport"),
    _i("TRN04", "万人公交车标台数", "Standard buses per 10,000 people", "标台", 1, 1, (0, 50), 11.5, 0.4, 0.15, 13, "transport"),
    _i("TRN05", "公交准点率", "Bus punctuality", P, 1, 1, (0, 100), 86, 1, 0.05, 90, "transport"),
    _i("SAF01", "每万人刑事案件立案数", "Criminal cases per 10,000 people", "起", -1, 1, (0, 300), 38, -2, 0.2, 32, "police"),
    _i("SAF02", "十万人道路交通事故死亡人数", "Road deaths per 100,000 people", "人", -1, 2, (0, 50), 4.2, -0.15, 0.2, 3.5, "police"),
    _i("SAF03", "群众安全感", "Residents' sense of safety", P, 1, 1, (0, 100), 96.5, 0.3, 0.02, 98, "police"),
    _i("SAF04", "食品安全抽检合格率", "Food safety sampling pass rate", P, 1, 1, (0, 100), 97.8, 0.2, 0.01, 98.5, "market"),
    _i("SAF05", "亿元GDP生产安全事故死亡率", "Work-safety deaths per 100 million yuan GDP", "人", -1, 3, (0, 2), 0.012, -0.001, 0.25, 0.010, "market"),
    _i("CUL01", "人均公共图书馆藏书量", "Public library books per person", "册", 1, 2, (0, 20), 1.35, 0.08, 0.2, 1.6, "culture"),
    _i("CUL02", "每万人公共文化设施面积", "Public cultural floor space per 10,000 people", "平方米", 1, 0, (0, 20000), 1650, 60, 0.2, 1900, "culture"),
    _i("CUL03", "综合性文化服务中心覆盖率", "Coverage of community cultural centres", P, 1, 1, (0, 100), 92, 2, 0.05, 100, "culture"),
    _i("CUL04", "人均参加公共文化活动次数", "Public cultural activities per person", "次", 1, 2, (0, 50), 2.6, 0.2, 0.2, 3.2, "culture"),
    _i("SPT01", "人均体育场地面积", "Sports ground area per person", "平方米", 1, 2, (0, 20), 2.45, 0.12, 0.15, 2.8, "edu"),
    _i("SPT02", "经常参加体育锻炼人数比例", "Share of people exercising regularly", P, 1, 1, (0, 100), 38, 1.2, 0.1, 42, "edu"),
    _i("SPT03", "国民体质监测合格率", "National fitness test pass rate", P, 1, 1, (0, 100), 91, 0.6, 0.03, 93, "edu"),
    _i("SPT04", "每万人社会体育指导员数", "Sports instructors per 10,000 people", "人", 1, 1, (0, 300), 24, 1.5, 0.2, 28, "edu"),
    _i("ELD01", "每千名老年人养老床位数", "Elderly care beds per 1,000 older people", "张", 1, 1, (0, 150), 36, 1, 0.15, 40, "civil"),
    _i("ELD02", "护理型床位占比", "Share of nursing beds", P, 1, 1, (0, 100), 52, 4, 0.12, 60, "civil"),
    _i("ELD03", "社区居家养老服务设施覆盖率", "Coverage of community elderly care facilities", P, 1, 1, (0, 100), 86, 3, 0.08, 100, "civil"),
    _i("ELD04", "老年助餐服务覆盖率", "Coverage of meal services for older people", P, 1, 1, (0, 100), 55, 6, 0.2, 75, "civil"),
    _i("GOV01", "政务服务事项网上可办率", "Services available online", P, 1, 1, (0, 100), 95, 1.5, 0.03, 100, "gov-service"),
    _i("GOV02", "全程网办率", "Services fully online", P, 1, 1, (0, 100), 24, 3, 0.2, 30, "gov-service"),
    _i("GOV03", "即办件占比", "Services done on the spot", P, 1, 1, (0, 100), 16, 2, 0.2, 20, "gov-service"),
    _i("GOV04", "承诺时限压减比例", "Reduction of promised time limits", P, 1, 1, (0, 100), 42, 4, 0.12, 50, "gov-service"),
    _i("GOV05", "最多跑一次事项比例", "Services needing at most one visit", P, 1, 1, (0, 100), 86, 2, 0.05, 90, "gov-service"),
    _i("GOV06", "政务服务好评率", "Share of good ratings of government services", P, 1, 2, (0, 100), 99.2, 0.1, 0.005, 99.5, "gov-service"),
)
# fmt: on


def category_of(code: str) -> str:
    return code[:3]


@dataclass(frozen=True, slots=True)
class DemoValue:
    region: str
    indicator: str
    period: Period
    value: float | None
    outlier: bool = False


def demo_values(
    regions: Sequence[tuple[str, str | None]],
    periods: Sequence[Period],
    *,
    seed: int,
    missing: float = 0.02,
    outliers: int = 4,
    copied: bool = True,
) -> list[DemoValue]:
    """Values of every demo indicator for ``regions`` — (code, parent county code or None) — over
    ``periods``. A township shares part of its county's standing; values keep to each
    indicator's valid range. About ``missing`` of the cells are blank; ``outliers`` cells are
    planted (a value ten times too large, as from a unit slip); with ``copied``, the first
    township reports its last period as a copy of the one before (for the integrity checks)."""
    rng = random.Random(f"{seed}:indicator-values")
    county_effect: dict[str, list[float]] = {}
    out: list[DemoValue] = []
    start = periods[0].time
    for code, county in regions:
        key = county or code
        if key not in county_effect:
            county_effect[key] = [rng.gauss(0, 1) for _ in INDICATORS]
        shared = county_effect[key]
        for k, ind in enumerate(INDICATORS):
            z = 0.7 * shared[k] + 0.7 * rng.gauss(0, 1) if county else shared[k]
            lo, hi = ind.valid
            level = ind.base * (1 + ind.spread * z)
            slope = ind.trend * (1 + 0.6 * rng.gauss(0, 1))
            for period in periods:
                if rng.random() < missing:
                    out.append(DemoValue(code, ind.code, period, None))
                    continue
                noise = rng.gauss(0, abs(ind.base) * ind.spread * 0.08)
                season = 0.01 * ind.base * math.sin(period.quarter * math.pi / 2)
                value = level + slope * (period.time - start) + noise + season
                value = min(max(value, lo), hi)
                out.append(DemoValue(code, ind.code, period, round(value, ind.decimals)))
    cells = [k for k, v in enumerate(out) if v.value is not None]
    for k in rng.sample(cells, min(outliers, len(cells))):
        v = out[k]
        value = float(v.value or 0.0)
        out[k] = DemoValue(v.region, v.indicator, v.period, round(value * 10, 3), outlier=True)
    townships = sorted(code for code, county in regions if county)
    if copied and townships and len(periods) >= 2:
        last, before = periods[-1], periods[-2]
        earlier = {
            v.indicator: v.value
            for v in out
            if v.region == townships[0] and v.period == before and not v.outlier
        }
        out = [
            DemoValue(v.region, v.indicator, v.period, earlier[v.indicator])
            if v.region == townships[0] and v.period == last and v.indicator in earlier
            else v
            for v in out
        ]
    return out
