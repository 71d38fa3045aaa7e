"""Warnings (预警): rules that turn scores and trends into a short list for the quality office.

Each warning has a rule, a severity (``high`` > ``medium`` > ``low``) and one sentence in Chinese
(built on demand from the numbers it carries, so a national run with many warnings stays fast).

below_average   the value is worse than the provincial (else peer) average          low
off_track       the target-year projection misses the target (see ``progress``)     high
at_risk         only the compound projection meets it, or the linear one nearly     medium
worse_running   worse than the period before, ``worse_periods`` periods running     medium
bottom_n        among the last ``bottom_n`` of the peer group on an indicator       medium
                (or on the overall index: ``indicator`` is None, severity high)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from minsheng.core.index import progress
from minsheng.core.index.model import Array, Indicator, Mask

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
RULE_LABELS = {
    "below_average": "低于平均水平",
    "off_track": "难以按期达标",
    "at_risk": "达标存在风险",
    "worse_running": "连续变差",
    "bottom_n": "排名靠后",
}


@dataclass(frozen=True, slots=True)
class Rules:
    """Which rules run; 0 switches a counted rule off."""

    below_average: bool = True
    off_track: bool = True
    worse_periods: int = 2
    bottom_n: int = 3

    def as_dict(self) -> dict[str, object]:
        return {
            "below_average": self.below_average,
            "off_track": self.off_track,
            "worse_periods": self.worse_periods,
            "bottom_n": self.bottom_n,
        }


_SPECS = [f",.{d}f" for d in range(16)]


def fmt(value: float, ind: Indicator) -> str:
    """A value with the indicator's decimals and unit: ``12.30 平方米``, ``4.2%``."""
    d = ind.decimals
    text = format(value, _SPECS[d] if 0 <= d < len(_SPECS) else f",.{d}f")
    if not ind.unit:
        return text
    return text + ind.unit if ind.unit in {"%", "‰"} else f"{text} {ind.unit}"


class Warning(NamedTuple):
    """One warning. ``numbers`` carries what the sentence needs: value and reference (average,
    target, rank …) and, per rule, the projection, the series or the size of the group. (A
    named tuple: a national run makes hundreds of thousands.)"""

    region: str
    indicator: Indicator | None
    rule: str
    severity: str
    numbers: tuple[float, ...]
    label: str = ""

    @property
    def code(self) -> str | None:
        return self.indicator.code if self.indicator else None

    @property
    def message(self) -> str:
        ind, n = self.indicator, self.numbers
        if ind is None:
            return f"水平指数在 {int(n[1])} 个同组地区中排第 {int(n[0])} 位（后 {int(n[2])} 名）"
        if self.rule == "below_average":
            side = "低" if ind.polarity > 0 else "高"
            return (
                f"{ind.name} {fmt(n[0], ind)}，{side}于平均水平 {fmt(n[1], ind)}"
                f"（差 {fmt(abs(n[0] - n[1]), ind)}）"
            )
        if self.rule in ("off_track", "at_risk"):
            where = (
                f"按线性趋势预计{self.label}末为 {fmt(n[2], ind)}"
                if not np.isnan(n[2])
                else "目标年度已过"
            )
            return (
                f"{ind.name} 目前 {fmt(n[0], ind)}，{where}，目标 {fmt(n[1], ind)}："
                f"{progress.STATUS_LABELS[self.rule]}"
            )
        if self.rule == "worse_running":
            seq = " → ".join(fmt(v, ind) for v in n)
            return f"{ind.name} 连续 {len(n) - 1} 期变差：{seq}"
        return f"{ind.name} 在 {int(n[1])} 个同组地区中排第 {int(n[0])} 位（后 {int(n[2])} 名）"


@dataclass(frozen=True, slots=True)
class AlertInput:
    regions: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    values: Array  # regions × indicators, the period
    history: Array  # regions × indicators × k: the k periods before, oldest first
    average: Array  # indicators
    target: Array
    status: np.ndarray
    linear: Array
    score_rank: Array  # regions × indicators, rank of the score (1 = best)
    index_rank: Array  # regions
    target_label: list[str]  # per indicator, e.g. "2025年"


def _cells(mask: Mask) -> tuple[list[int], list[int]]:
    r, i = np.nonzero(mask)
    return r.tolist(), i.tolist()


def find(data: AlertInput, rules: Rules) -> list[Warning]:
    out: list[Warning] = []
    regions, inds = data.regions, data.indicators
    pol = np.array([i.polarity for i in inds], dtype=np.float64)
    x = data.values
    present = ~np.isnan(x)
    n_valid = np.sum(~np.isnan(data.score_rank), axis=0)

    if rules.below_average:
        with np.errstate(invalid="ignore"):
            worse = np.where(pol > 0, x < data.average, x > data.average) & present
        rr, ii = _cells(worse)
        avg = data.average.tolist()
        for r, i, v in zip(rr, ii, x[worse].tolist(), strict=True):
            out.append(Warning(regions[r], inds[i], "below_average", "low", (v, avg[i])))

    if rules.off_track:
        for code, rule, severity in (
            (progress.OFF_TRACK, "off_track", "high"),
            (progress.AT_RISK, "at_risk", "medium"),
        ):
            hit = (data.status == code) & present
            rr, ii = _cells(hit)
            target = data.target.tolist()
            for r, i, v, proj in zip(
                rr, ii, x[hit].tolist(), data.linear[hit].tolist(), strict=True
            ):
                out.append(
                    Warning(
                        regions[r],
                        inds[i],
                        rule,
                        severity,
                        (v, target[i], proj),
                        data.target_label[i],
                    )
                )

    k = rules.worse_periods
    if k > 0 and data.history.shape[2] >= k:
        chain = np.concatenate([data.history[:, :, -k:], x[:, :, None]], axis=2)
        steps = np.diff(chain, axis=2) * pol[None, :, None]
        with np.errstate(invalid="ignore"):
            running = np.all(steps < 0, axis=2) & present
        rr, ii = _cells(running)
        for r, i, seq in zip(rr, ii, chain[running].tolist(), strict=True):
            out.append(Warning(regions[r], inds[i], "worse_running", "medium", tuple(seq)))

    n = rules.bottom_n
    if n > 0:
        with np.errstate(invalid="ignore"):
            bottom = (n_valid > n) & (data.score_rank > n_valid - n) & present
        rr, ii = _cells(bottom)
        counts = n_valid.tolist()
        for r, i, rank in zip(rr, ii, data.score_rank[bottom].tolist(), strict=True):
            out.append(Warning(regions[r], inds[i], "bottom_n", "medium", (rank, counts[i], n)))
        total = int(np.sum(~np.isnan(data.index_rank)))
        for r, rank in enumerate(data.index_rank.tolist()):
            if total > n and not np.isnan(rank) and rank > total - n:
                out.append(Warning(regions[r], None, "bottom_n", "high", (rank, total, n)))

    out.sort(key=lambda w: (SEVERITY_ORDER[w.severity], w.region, w.code or ""))
    return out
