"""Four quarterly poll rounds for the demo city: about 20,000 respondents a round, reached by
phone in proportion to the carriers' numbers (the seed's 36 : 24 : 5.8 万), answering twelve
domain items, three department items (政风行风) and the overall item. Counties and townships
differ realistically and improve slowly. In the last round one township's score jumps far
beyond sampling error, and its fieldwork shows why: one interviewer (访员41) "did" most of its
interviews, quickly and glowing — the planted anomaly for the integrity checks to find."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from minsheng.core.index.demo_catalog import CATEGORIES

CARRIERS = (("移动", 36.0), ("联通", 24.0), ("电信", 5.8))
ROUNDS = ("2025Q4", "2026Q1", "2026Q2", "2026Q3")
DEPARTMENT_ITEMS = (
    ("police", "公安机关服务"),
    ("hrss", "人社部门服务"),
    ("health", "卫健部门服务"),
)


@dataclass(frozen=True, slots=True)
class DemoItem:
    code: str
    text: str
    domain: str
    department: str | None  # key of the rated department (政风行风)
    is_overall: bool = False


def demo_items() -> list[DemoItem]:
    items = [
        DemoItem(f"D{k + 1:02d}", f"您对本地{name}的满意程度", name, None)
        for k, (_, name, _) in enumerate(CATEGORIES)
    ]
    items += [
        DemoItem(f"G{k + 1}", f"您对{text}的评价", "政务服务", key)
        for k, (key, text) in enumerate(DEPARTMENT_ITEMS)
    ]
    items.append(DemoItem("Q0", "总体而言，您对本地公共服务的满意程度", "总体", None, True))
    return items


@dataclass(frozen=True, slots=True)
class DemoRespondent:
    respondent_id: str
    region: str  # township code (or county code for a county without townships)
    stratum: str
    phone: str
    interviewer: str
    duration: float
    answers: dict[str, str]


def anomaly_township(townships: Sequence[str]) -> str:
    return sorted(townships)[len(townships) // 3]


def demo_round(
    round_index: int,
    townships: Sequence[tuple[str, str]],  # (township code, county code)
    *,
    seed: int,
    size: int = 20_000,
) -> list[DemoRespondent]:
    rng_regions = np.random.default_rng(seed)  # the same regional effects every round
    counties = sorted({c for _, c in townships})
    county_effect = dict(zip(counties, rng_regions.normal(0, 0.35, len(counties)), strict=True))
    town_effect = dict(
        zip([t for t, _ in townships], rng_regions.normal(0, 0.25, len(townships)), strict=True)
    )
    item_effect = rng_regions.normal(0, 0.3, len(demo_items()))
    planted = anomaly_township([t for t, _ in townships])
    rng = np.random.default_rng(seed * 100 + round_index + 1)
    items = demo_items()
    carriers = [c for c, _ in CARRIERS]
    shares = np.array([s for _, s in CARRIERS]) / sum(s for _, s in CARRIERS)
    out: list[DemoRespondent] = []
    town_index = rng.integers(0, len(townships), size)
    carrier_index = rng.choice(len(carriers), size, p=shares)
    latent = rng.normal(0, 0.7, size) + 0.08 * round_index
    for k in range(size):
        town, county = townships[town_index[k]]
        level = latent[k] + county_effect[county] + town_effect[town]
        faked = town == planted and round_index == len(ROUNDS) - 1 and rng.random() < 0.8
        if faked:
            level += 1.5
        # Answer code 1 (非常满意) … 5 (非常不满意): lower is better.
        raw = 2.3 - level - item_effect + rng.normal(0, 0.55, len(items))
        codes = np.clip(np.rint(raw), 1, 5).astype(int)
        answers = {
            item.code: ("9" if rng.random() < 0.04 and not item.is_overall else str(code))
            for item, code in zip(items, codes, strict=True)
        }
        out.append(
            DemoRespondent(
                respondent_id=f"{ROUNDS[round_index]}-{k + 1:06d}",
                region=town,
                stratum=carriers[carrier_index[k]],
                phone=f"1{rng.integers(30, 99)}{rng.integers(0, 10**8):08d}",
                interviewer="访员41" if faked else f"访员{rng.integers(1, 41):02d}",
                duration=float(rng.integers(125, 260) if faked else rng.integers(300, 1200)),
                answers=answers,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class DemoCell:
    county: str
    carrier: str
    frame: int  # phone numbers of the carrier in the county
    quota: int
    issued: int  # numbers dialled to fill the quota


NUMBERS_PER_TOWNSHIP = 12_000


def demo_plan(
    townships: Sequence[tuple[str, str]], people: Sequence[DemoRespondent], *, seed: int
) -> list[DemoCell]:
    """The round's plan by county × carrier: frames in the carriers' proportions, quotas as
    achieved, and issued numbers from response rates that differ by carrier and county (so
    the nonresponse adjustment has work to do)."""
    county_of = dict(townships) | {c: c for _, c in townships}
    size = {c: sum(1 for _, cc in townships if cc == c) for c in county_of.values()}
    achieved: dict[tuple[str, str], int] = {}
    for p in people:
        key = (county_of[p.region], p.stratum)
        achieved[key] = achieved.get(key, 0) + 1
    rng = np.random.default_rng(seed + 7)
    total_share = sum(s for _, s in CARRIERS)
    base_rate = {"移动": 0.62, "联通": 0.56, "电信": 0.5}
    cells = []
    for county in sorted(size):
        for carrier, share in CARRIERS:
            quota = achieved.get((county, carrier), 0)
            rate = float(np.clip(base_rate[carrier] + rng.normal(0, 0.06), 0.3, 0.9))
            frame = round(size[county] * NUMBERS_PER_TOWNSHIP * share / total_share)
            issued = min(frame, max(quota, round(quota / rate)))
            cells.append(DemoCell(county, carrier, frame, quota, issued))
    return cells
