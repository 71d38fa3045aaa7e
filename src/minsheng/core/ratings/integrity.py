"""Integrity checks on ratings: the ways 好评率 is gamed, each with evidence.

- ``burst``: many top ratings from one device or one staff member within minutes (staff rating
  themselves on the window tablet); at least ``burst_count`` level-5 ratings within
  ``burst_minutes``.
- ``before_handled``: ratings given before the case was handled (filled in in advance).
- ``default_share``: a centre whose default ratings exceed ``default_share`` of its ratings.
- ``system``: system-generated ratings at a centre.
- ``shift``: a centre whose bad-rating rate this month differs from its earlier months by more
  than sampling error (two-proportion z-test, |z| > ``shift_z``, and by ``shift_points``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class Rules:
    burst_count: int = 8
    burst_minutes: float = 10.0
    default_share: float = 0.2
    default_min_n: int = 50
    shift_z: float = 3.0
    shift_points: float = 0.05
    shift_min_n: int = 100


@dataclass(frozen=True, slots=True)
class Event:
    rating_id: int
    centre: int
    staff: int | None
    device: str
    level: int
    source: str
    rated_at: float  # seconds since the epoch
    handled_at: float | None


@dataclass(frozen=True, slots=True)
class Flag:
    kind: str
    centre: int
    subject: str  # "device:<id>", "staff:<pk>" or "" for the centre itself
    severity: str  # "high" | "medium"
    message: str  # in Chinese, for the command; pages word it from kind and evidence
    evidence: dict[str, object] = field(default_factory=dict)


def _bursts(times: npt.NDArray[np.float64], count: int, seconds: float) -> list[tuple[int, int]]:
    """Maximal runs [i, j] of sorted times with at least ``count`` within ``seconds``."""
    runs: list[tuple[int, int]] = []
    n = len(times)
    i = 0
    while i + count - 1 < n:
        if times[i + count - 1] - times[i] <= seconds:
            j = i + count - 1
            while j + 1 < n and times[j + 1] - times[j - count + 2] <= seconds:
                j += 1
            runs.append((i, j))
            i = j + 1
        else:
            i += 1
    return runs


def find_flags(
    events: Sequence[Event], history: dict[int, tuple[int, int]], rules: Rules = Rules()
) -> list[Flag]:
    """``history``: per centre, (bad, active) over the earlier months compared with."""
    flags: list[Flag] = []
    flags += _burst_flags(events, rules)
    by_centre: dict[int, list[Event]] = defaultdict(list)
    for e in events:
        by_centre[e.centre].append(e)
    for centre, rows in sorted(by_centre.items()):
        early = [e for e in rows if e.handled_at is not None and e.rated_at < e.handled_at]
        if early:
            flags.append(
                Flag(
                    "before_handled",
                    centre,
                    "",
                    "high",
                    f"{len(early)} 条评价早于办结时间",
                    {"count": len(early), "ratings": [e.rating_id for e in early[:50]]},
                )
            )
        system = [e for e in rows if e.source == "system"]
        if system:
            flags.append(
                Flag(
                    "system",
                    centre,
                    "",
                    "medium",
                    f"{len(system)} 条系统生成的评价",
                    {"count": len(system), "ratings": [e.rating_id for e in system[:50]]},
                )
            )
        defaults = sum(e.source == "default" for e in rows)
        counted = sum(e.source in {"default", "active"} for e in rows)
        if counted >= rules.default_min_n and defaults / counted > rules.default_share:
            flags.append(
                Flag(
                    "default_share",
                    centre,
                    "",
                    "medium",
                    f"默认评价占 {defaults / counted:.0%}",
                    {"default": defaults, "total": counted},
                )
            )
        shift = _shift(rows, history.get(centre), rules)
        if shift is not None:
            flags.append(Flag("shift", centre, "", "medium", shift[0], shift[1]))
    return flags


def _burst_flags(events: Sequence[Event], rules: Rules) -> list[Flag]:
    flags = []
    groups: dict[tuple[str, str, int], list[Event]] = defaultdict(list)
    for e in events:
        if e.level != 5 or e.source != "active":
            continue
        if e.device:
            groups[("device", e.device, e.centre)].append(e)
        if e.staff is not None:
            groups[("staff", str(e.staff), e.centre)].append(e)
    for (what, subject, centre), rows in sorted(groups.items()):
        rows.sort(key=lambda e: e.rated_at)
        times = np.array([e.rated_at for e in rows])
        for i, j in _bursts(times, rules.burst_count, rules.burst_minutes * 60):
            minutes = (times[j] - times[i]) / 60
            who = "同一设备" if what == "device" else "同一工作人员"
            flags.append(
                Flag(
                    "burst",
                    centre,
                    f"{what}:{subject}",
                    "high",
                    f"{who}在 {minutes:.0f} 分钟内产生 {j - i + 1} 条“非常满意”",
                    {
                        "count": j - i + 1,
                        "from": float(times[i]),
                        "to": float(times[j]),
                        "ratings": [e.rating_id for e in rows[i : j + 1]][:50],
                    },
                )
            )
    return flags


def _shift(
    rows: list[Event], before: tuple[int, int] | None, rules: Rules
) -> tuple[str, dict[str, object]] | None:
    active = [e for e in rows if e.source == "active"]
    if before is None or len(active) < rules.shift_min_n or before[1] < rules.shift_min_n:
        return None
    bad_now = sum(e.level <= 2 for e in active)
    p1, n1 = bad_now / len(active), len(active)
    p0, n0 = before[0] / before[1], before[1]
    pooled = (bad_now + before[0]) / (n1 + n0)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    if se == 0:
        return None
    z = (p1 - p0) / se
    if abs(z) <= rules.shift_z or abs(p1 - p0) < rules.shift_points:
        return None
    direction = "上升" if z > 0 else "下降"
    return (
        f"差评率{direction}：{p0:.1%} → {p1:.1%}（z = {z:.1f}，超出抽样误差）",
        {"before": [before[0], before[1]], "now": [bad_now, n1], "z": round(z, 2)},
    )
