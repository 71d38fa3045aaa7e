"""Warnings (预警): rules that turn scores and trends into a short list for the quality office.

Each warning has a rule, a severity (``high`` > ``medium`` > ``low``) and one sentence in Chinese.

below_average   the value is worse than the provincial (else peer) average          low
off_track       the target-year projection misses the target (see ``progress``)     high
at_risk         only the compound projection meets it, or the linear one nearly     medium
worse_running   worse than the period before, ``worse_periods`` periods running     medium
bottom_n        among the last ``bottom_n`` of the peer group on an indicator       medium
                (or on the overall index: ``indicator`` is None, severity high)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from minsheng.core.index import progress
from minsheng.core.index.model import Array, Indicator

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


@dataclass(frozen=True, slots=True)
class Warning:
    region: str
    indicator: str | None
    rule: str
    severity: str
    message: str


def _fmt(value: float, ind: Indicator) -> str:
    text = f"{value:,.{ind.decimals}f}"
    return (
        f"{text} {ind.unit}".rstrip() if ind.unit and ind.unit != "%" else text + (ind.unit or "")
    )


@dataclass(frozen=True, slots=True)
class AlertInput:
    regions: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    values: Array  # regions × indicators, the period
    history: Array  # regions × indicators × k: the k periods before, most recent last
    average: Array  # indicators
    target: Array
    status: np.ndarray
    linear: Array
    score_rank: Array  # regions × indicators, rank of the score (1 = best)
    index_rank: Array  # regions
    target_label: list[str]  # per indicator, e.g. "2025年"


def find(data: AlertInput, rules: Rules) -> list[Warning]:
    out: list[Warning] = []
    pol = np.array([i.polarity for i in data.indicators], dtype=np.float64)
    x = data.values
    n_valid = np.sum(~np.isnan(data.score_rank), axis=0)
    worse_avg = np.zeros(x.shape, dtype=bool)
    if rules.below_average:
        with np.errstate(invalid="ignore"):
            worse_avg = np.where(pol > 0, x < data.average, x > data.average)
    running = np.zeros(x.shape, dtype=bool)
    k = rules.worse_periods
    if k > 0 and data.history.shape[2] >= k:
        chain = np.concatenate([data.history[:, :, -k:], x[:, :, None]], axis=2)
        steps = np.diff(chain, axis=2) * pol[None, :, None]
        with np.errstate(invalid="ignore"):
            running = np.all(steps < 0, axis=2)
    bottom = np.zeros(x.shape, dtype=bool)
    if rules.bottom_n > 0:
        with np.errstate(invalid="ignore"):
            bottom = (n_valid > rules.bottom_n) & (data.score_rank > n_valid - rules.bottom_n)
    present = ~np.isnan(x)
    status = data.status
    for r, i in np.argwhere(worse_avg & present):
        ind, v = data.indicators[i], x[r, i]
        gap = abs(v - data.average[i])
        side = "低" if pol[i] > 0 else "高"
        out.append(
            Warning(
                data.regions[r],
                ind.code,
                "below_average",
                "low",
                f"{ind.name} {_fmt(v, ind)}，{side}于平均水平 {_fmt(data.average[i], ind)}"
                f"（差 {_fmt(gap, ind)}）",
            )
        )
    if rules.off_track:
        flagged = (status == progress.OFF_TRACK) | (status == progress.AT_RISK)
        for r, i in np.argwhere(flagged & present):
            ind, v = data.indicators[i], x[r, i]
            rule = "off_track" if status[r, i] == progress.OFF_TRACK else "at_risk"
            projected = data.linear[r, i]
            where = (
                f"按线性趋势预计{data.target_label[i]}末为 {_fmt(projected, ind)}"
                if not np.isnan(projected)
                else "目标年度已过"
            )
            out.append(
                Warning(
                    data.regions[r],
                    ind.code,
                    rule,
                    "high" if rule == "off_track" else "medium",
                    f"{ind.name} 目前 {_fmt(v, ind)}，{where}，目标 "
                    f"{_fmt(data.target[i], ind)}：{progress.STATUS_LABELS[rule]}",
                )
            )
    for r, i in np.argwhere(running & present):
        ind, v = data.indicators[i], x[r, i]
        seq = " → ".join(_fmt(float(s), ind) for s in [*data.history[r, i, -k:], v])
        out.append(
            Warning(
                data.regions[r],
                ind.code,
                "worse_running",
                "medium",
                f"{ind.name} 连续 {k} 期变差：{seq}",
            )
        )
    for r, i in np.argwhere(bottom & present):
        ind = data.indicators[i]
        out.append(
            Warning(
                data.regions[r],
                ind.code,
                "bottom_n",
                "medium",
                f"{ind.name} 在 {int(n_valid[i])} 个同组地区中排第 "
                f"{int(data.score_rank[r, i])} 位（后 {rules.bottom_n} 名）",
            )
        )
    if rules.bottom_n > 0:
        n = int(np.sum(~np.isnan(data.index_rank)))
        for r, region in enumerate(data.regions):
            rank = data.index_rank[r]
            if n > rules.bottom_n and not np.isnan(rank) and rank > n - rules.bottom_n:
                out.append(
                    Warning(
                        region,
                        None,
                        "bottom_n",
                        "high",
                        f"水平指数在 {n} 个同组地区中排第 {int(rank)} 位（后 {rules.bottom_n} 名）",
                    )
                )
    out.sort(key=lambda w: (SEVERITY_ORDER[w.severity], w.region, w.indicator or ""))
    return out
