"""The draw of an unannounced inspection round (明察暗访): which sites to visit and who visits.

Sites are drawn at random within each stratum (e.g. county × kind of site), reproducibly from a
seed, without replacement and with weights: a site visited within the last ``recent_days`` days
weighs ``recent_weight`` (default ¼) against 1 for the others, so the same site is seldom
visited twice running but can be. The weighted draw is Efraimidis and Spirakis' A-ES (2006,
"Weighted random sampling with a reservoir", Information Processing Letters 97(5)): each site
gets the key u^(1/w) with u uniform on (0, 1) and the k largest keys are drawn — for k = 1 a
site is drawn with probability w ÷ Σw.

Inspectors are then assigned site by site to the least-loaded inspector who does not belong to
the site's unit or a unit above it that answers for it (no one inspects their own unit or their
own subordinates); ties go to the inspector listed first. A site
nobody may visit is reported, not silently skipped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Site:
    key: str
    stratum: str
    unit: str  # the organisation answerable for the site (for conflicts of interest)
    last_visited: dt.date | None = None
    # The units above it that answer for it too (its township, its county): their people may
    # not inspect it either.
    chain: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Inspector:
    key: str
    unit: str


@dataclass(frozen=True, slots=True)
class Visit:
    site: Site
    inspector: str | None  # None: nobody without a conflict could be assigned


class DrawError(ValueError):
    """The draw cannot be made as asked (the message is for the user)."""


def draw_sites(
    sites: Sequence[Site],
    per_stratum: dict[str, int] | int,
    *,
    seed: int,
    today: dt.date,
    recent_days: int = 180,
    recent_weight: float = 0.25,
) -> list[Site]:
    """``per_stratum``: how many to draw in each stratum (one number for all); a stratum with
    fewer sites gives all of them. The same arguments always give the same sites."""
    if not 0 < recent_weight <= 1:
        raise DrawError("近期已检查站点的权重须在 0 到 1 之间")
    rng = np.random.default_rng(seed)
    strata: dict[str, list[Site]] = {}
    for site in sorted(sites, key=lambda s: (s.stratum, s.key)):
        strata.setdefault(site.stratum, []).append(site)
    chosen: list[Site] = []
    for name in sorted(strata):
        members = strata[name]
        k = per_stratum if isinstance(per_stratum, int) else per_stratum.get(name, 0)
        if k < 0:
            raise DrawError(f"{name} 的抽取数不能为负数")
        weights = np.array(
            [
                recent_weight
                if s.last_visited is not None and (today - s.last_visited).days < recent_days
                else 1.0
                for s in members
            ]
        )
        keys = rng.random(len(members)) ** (1.0 / weights)
        top = np.argsort(-keys, kind="stable")[: min(k, len(members))]
        chosen += [members[i] for i in sorted(top)]
    return chosen


def assign(sites: Sequence[Site], inspectors: Sequence[Inspector]) -> list[Visit]:
    """Each site to the least-loaded inspector from outside the site's unit."""
    load = {i.key: 0 for i in inspectors}
    visits = []
    for site in sites:
        free = [i for i in inspectors if i.unit != site.unit and i.unit not in site.chain]
        if not free:
            visits.append(Visit(site, None))
            continue
        best = min(free, key=lambda i: load[i.key])
        load[best.key] += 1
        visits.append(Visit(site, best.key))
    return visits
