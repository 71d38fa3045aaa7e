"""Rating statistics per group (department, window, centre, region, item, channel, day, month).

Over *active* ratings only — default and system ratings are counted beside them, never in a
rate: 好评率 = levels 3–5 ÷ active, 差评率 = levels 1–2 ÷ active, score = mean mapped score
(default 1→20 … 5→100). 差评整改率 = rectified bad ratings ÷ bad ratings whose case was not
found untrue; 按期整改率 = those rectified by the deadline ÷ the same.

回访率 = rectified bad ratings whose citizen's view of the fix was recorded ÷ those with contact
details. Ranking (small-sample shrinkage): groups are ranked by the Bayesian average of the score,
(C·m + Σ scores) / (C + n), with m the mean score of all active ratings in the table and C the
prior weight (default: the minimum n). Groups with fewer than ``min_n`` active ratings are not
ranked (``ranked`` false, rank null), so a window with three ratings never tops the list.
Ranks are competition ranks (1, 2, 2, 4).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from minsheng.core.index.ranking import competition_rank
from minsheng.core.ratings.vocabulary import DEFAULT_SCORES

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
MIN_N = 30
Z95 = 1.959963984540054


@dataclass(frozen=True, slots=True)
class RatingColumns:
    """One element per rating. ``group`` indexes ``labels``. ``case_state``: 0 no case,
    1 open (not rectified yet), 2 rectified, 3 found untrue; ``on_time``: rectified by the
    deadline."""

    group: Ints
    level: Ints
    source: npt.NDArray[np.str_]  # active/default/system
    case_state: Ints
    on_time: Bools
    follow_up: Bools  # 追评: kept, not counted again
    reachable: Bools | None = None  # the citizen left contact details
    revisited: Bools | None = None  # the citizen's view of the fix was recorded (回访)


CASE_NONE, CASE_OPEN, CASE_RECTIFIED, CASE_UNTRUE = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class GroupStats:
    group: str
    n_active: int
    n_default: int
    n_system: int
    good_rate: float | None
    bad_rate: float | None
    score: float | None
    bad_n: int
    rectified_rate: float | None
    on_time_rate: float | None
    shrunk_score: float | None
    good_rate_low: float | None  # Wilson 95 % lower bound of the 好评率
    rank: int | None
    ranked: bool
    handled: int | None = None  # handled cases, when counted for the group
    active_rate: float | None = None  # 主动评价率 = active ratings ÷ handled cases
    revisit_rate: float | None = None  # 回访率 = revisited ÷ rectified bad ratings with contact

    def as_dict(self) -> dict[str, object]:
        return {
            "group": self.group,
            "n_active": self.n_active,
            "n_default": self.n_default,
            "n_system": self.n_system,
            "good_rate": self.good_rate,
            "bad_rate": self.bad_rate,
            "score": self.score,
            "bad_n": self.bad_n,
            "rectified_rate": self.rectified_rate,
            "on_time_rate": self.on_time_rate,
            "rank": self.rank,
            "ranked": self.ranked,
            "shrunk_score": self.shrunk_score,
            "good_rate_low": self.good_rate_low,
            "handled": self.handled,
            "active_rate": self.active_rate,
            "revisit_rate": self.revisit_rate,
        }


def wilson_lower(successes: int, n: int, z: float = Z95) -> float | None:
    """Wilson score interval's lower bound for a proportion."""
    if n == 0:
        return None
    p = successes / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - margin) / (1 + z * z / n)


def group_stats(
    columns: RatingColumns,
    labels: Sequence[str],
    *,
    min_n: int = MIN_N,
    prior_weight: float | None = None,
    scores: Mapping[int, float] = DEFAULT_SCORES,
    handled: Sequence[int | None] | None = None,
) -> list[GroupStats]:
    """``handled``: per group, the cases handled in the period (for 主动评价率), or None."""
    k = len(labels)
    counted = ~columns.follow_up
    active = counted & (columns.source == "active")
    level = columns.level
    group = columns.group

    def count(mask: Bools) -> Ints:
        return np.bincount(group[mask], minlength=k).astype(np.int64)

    counts = {
        "n_active": count(active),
        "n_default": count(counted & (columns.source == "default")),
        "n_system": count(counted & (columns.source == "system")),
        **{f"l{lvl}": count(active & (level == lvl)) for lvl in range(1, 6)},
    }
    bad_cases = active & (level <= 2)
    rectified = bad_cases & (columns.case_state == CASE_RECTIFIED)
    none = np.zeros(len(group), dtype=bool)
    reachable = rectified & (columns.reachable if columns.reachable is not None else none)
    cases = {
        "untrue": count(bad_cases & (columns.case_state == CASE_UNTRUE)),
        "rectified": count(rectified),
        "on_time": count(rectified & columns.on_time),
        "can_revisit": count(reachable),
        "revisited": count(
            reachable & (columns.revisited if columns.revisited is not None else none)
        ),
    }
    return stats_from_counts(
        labels, counts, cases, min_n=min_n, prior_weight=prior_weight, scores=scores,
        handled=handled,
    )  # fmt: skip


def stats_from_counts(
    labels: Sequence[str],
    counts: Mapping[str, Ints],
    cases: Mapping[str, Ints],
    *,
    min_n: int = MIN_N,
    prior_weight: float | None = None,
    scores: Mapping[int, float] = DEFAULT_SCORES,
    handled: Sequence[int | None] | None = None,
) -> list[GroupStats]:
    """The statistics from counts per group — ``counts``: n_active, n_default, n_system and the
    active ratings by level l1 … l5; ``cases`` (of the bad active ratings): untrue, rectified,
    on_time, can_revisit (rectified, with contact), revisited. The analytics store hands these
    counts over directly; ``group_stats`` counts them from one row per rating."""
    n_active = counts["n_active"]
    n_default, n_system = counts["n_default"], counts["n_system"]
    by_level = {lvl: counts[f"l{lvl}"] for lvl in range(1, 6)}
    good = by_level[3] + by_level[4] + by_level[5]
    bad = by_level[1] + by_level[2]
    score_sum = sum(
        (scores.get(lvl, 0.0) * by_level[lvl].astype(np.float64) for lvl in range(1, 6)),
        start=np.zeros(len(labels)),
    )
    judged = bad - cases["untrue"]
    rectified, on_time = cases["rectified"], cases["on_time"]
    can_revisit, revisited = cases["can_revisit"], cases["revisited"]
    total_active = int(n_active.sum())
    overall = float(score_sum.sum() / total_active) if total_active else 0.0
    c = float(min_n if prior_weight is None else prior_weight)
    shrunk = (c * overall + score_sum) / (c + n_active)
    ranked = n_active >= max(min_n, 1)
    ranked_groups = np.flatnonzero(ranked)
    ranks = competition_rank(shrunk[ranked_groups])
    rank_of = {int(g): int(r) for g, r in zip(ranked_groups, ranks, strict=True)}

    def rate(a: int, b: int) -> float | None:
        return a / b if b else None

    out = []
    for g, label in enumerate(labels):
        n = int(n_active[g])
        if n == 0 and not n_default[g] and not n_system[g]:
            continue
        done = handled[g] if handled is not None else None
        out.append(
            GroupStats(
                group=label,
                n_active=n,
                n_default=int(n_default[g]),
                n_system=int(n_system[g]),
                good_rate=rate(int(good[g]), n),
                bad_rate=rate(int(bad[g]), n),
                score=float(score_sum[g] / n) if n else None,
                bad_n=int(bad[g]),
                rectified_rate=rate(int(rectified[g]), int(judged[g])),
                on_time_rate=rate(int(on_time[g]), int(judged[g])),
                shrunk_score=float(shrunk[g]) if n else None,
                good_rate_low=wilson_lower(int(good[g]), n),
                rank=rank_of.get(g),
                ranked=bool(ranked[g]),
                handled=done,
                revisit_rate=rate(int(revisited[g]), int(can_revisit[g])),
                active_rate=min(n / done, 1.0) if done else None,
            )
        )
    out.sort(key=lambda s: (s.rank is None, s.rank or 0, s.group))
    return out
