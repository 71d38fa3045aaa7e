"""Warnings (预警): rules that turn scores and trends into a short list for the quality office.

Each warning has a rule, a severity (``high`` > ``medium`` > ``low``) and one sentence in Chinese
(worded from the numbers it carries). A run's warnings are kept as columns (``Warnings``), so a
national run with hundreds of thousands of them stays fast.

below_average   the value is worse than the provincial (else peer) average          low
off_track       the target-year projection misses the target (see ``progress``)     high
at_risk         only the compound projection meets it, or the linear one nearly     medium
worse_running   worse than the period before, ``worse_periods`` periods running     medium
bottom_n        among the last ``bottom_n`` of the peer group on an indicator       medium
                (or on the overall index: ``indicator`` is None, severity high)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, overload

import numpy as np
import numpy.typing as npt

from minsheng.core.index import progress
from minsheng.core.index.model import Array, Indicator, Mask

Ints = npt.NDArray[np.int64]

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
SEVERITIES = tuple(SEVERITY_ORDER)
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
RULES = ("below_average", "off_track", "at_risk", "worse_running", "bottom_n")


def _style(ind: Indicator) -> tuple[str, str]:
    """The format spec and the unit's suffix of an indicator's values."""
    d = ind.decimals
    spec = _SPECS[d] if 0 <= d < len(_SPECS) else f",.{d}f"
    if not ind.unit:
        return spec, ""
    return spec, ind.unit if ind.unit in {"%", "‰"} else f" {ind.unit}"


def fmt(value: float, ind: Indicator) -> str:
    """A value with the indicator's decimals and unit: ``12.30 平方米``, ``4.2%``."""
    spec, unit = _style(ind)
    return format(value, spec) + unit


def sentences(
    rule: str,
    inds: Sequence[Indicator | None],
    numbers: Sequence[Sequence[float]],
    labels: Sequence[str],
) -> list[str]:
    """The sentences of warnings of one rule — the only place they are worded. A national run
    words hundreds of thousands at once, so each rule's loop is kept tight."""
    styles: dict[str, tuple[str, str]] = {}

    def style(ind: Indicator) -> tuple[str, str]:
        found = styles.get(ind.code)
        if found is None:
            found = styles[ind.code] = _style(ind)
        return found

    out: list[str] = []
    add = out.append
    for ind, n, label in zip(inds, numbers, labels, strict=True):
        if ind is None or rule == "bottom_n":
            subject = "水平指数" if ind is None else f"{ind.name} "
            add(f"{subject}在 {int(n[1])} 个同组地区中排第 {int(n[0])} 位（后 {int(n[2])} 名）")
            continue
        spec, unit = style(ind)
        if rule == "below_average":
            side = "低" if ind.polarity > 0 else "高"
            add(
                f"{ind.name} {format(n[0], spec)}{unit}，{side}于平均水平 "
                f"{format(n[1], spec)}{unit}（差 {format(abs(n[0] - n[1]), spec)}{unit}）"
            )
        elif rule in ("off_track", "at_risk"):
            where = (
                f"按线性趋势预计{label}末为 {format(n[2], spec)}{unit}"
                if n[2] == n[2]  # not NaN
                else "目标年度已过"
            )
            add(
                f"{ind.name} 目前 {format(n[0], spec)}{unit}，{where}，目标 "
                f"{format(n[1], spec)}{unit}：{progress.STATUS_LABELS[rule]}"
            )
        else:  # worse_running
            seq = " → ".join(format(v, spec) + unit for v in n)
            add(f"{ind.name} 连续 {len(n) - 1} 期变差：{seq}")
    return out


class Warning(NamedTuple):
    """One warning. ``numbers`` carries what the sentence needs: value and reference (average,
    target, rank …) and, per rule, the projection, the series or the size of the group."""

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
        return sentences(self.rule, [self.indicator], [self.numbers], [self.label])[0]


class Warnings(Sequence[Warning]):
    """Every warning of a run as columns (a national run makes hundreds of thousands), sorted by
    severity, region code and indicator code; reading one gives a ``Warning``."""

    def __init__(
        self,
        regions: tuple[str, ...],
        indicators: tuple[Indicator, ...],
        labels: list[str],
        region: Ints,
        indicator: Ints,  # -1: the overall index
        rule: Ints,  # position in RULES
        numbers: Array,  # one row per warning, NaN-padded
    ) -> None:
        self._regions, self._indicators, self._labels = regions, indicators, labels
        high = (rule == RULES.index("off_track")) | (indicator < 0)
        low = rule == RULES.index("below_average")
        severity = np.where(high, 0, np.where(low, 2, 1))  # SEVERITY_ORDER
        region_order = np.argsort(np.argsort(np.asarray(regions, dtype=object)))
        codes = np.asarray([""] + [i.code for i in indicators], dtype=object)
        code_order = np.argsort(np.argsort(codes))
        order = np.lexsort((code_order[indicator + 1], region_order[region], severity))
        self.region, self.indicator, self.rule = region[order], indicator[order], rule[order]
        self.severity = severity[order]
        self.numbers = numbers[order]

    def __len__(self) -> int:
        return len(self.region)

    @overload
    def __getitem__(self, k: int) -> Warning: ...
    @overload
    def __getitem__(self, k: slice) -> list[Warning]: ...
    def __getitem__(self, k: int | slice) -> Warning | list[Warning]:
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        i, rule = int(self.indicator[k]), RULES[self.rule[k]]
        numbers = self.numbers[k]
        width = 2 if rule == "below_average" else 3
        kept = numbers[~np.isnan(numbers)] if rule == "worse_running" else numbers[:width]
        return Warning(
            self._regions[self.region[k]],
            self._indicators[i] if i >= 0 else None,
            rule,
            SEVERITIES[self.severity[k]],
            tuple(float(x) for x in kept),
            self._labels[i] if i >= 0 else "",
        )

    def __iter__(self) -> Iterator[Warning]:
        for k in range(len(self)):
            yield self[k]

    def columns(self) -> dict[str, list[str | None]]:
        """region, indicator (code), rule, severity and message of every warning, in order."""
        regions, inds = np.asarray(self._regions, dtype=object), self._indicators
        codes = np.asarray([*(i.code for i in inds), None], dtype=object)
        messages = np.empty(len(self), dtype=object)
        for code, rule in enumerate(RULES):
            (rows,) = np.nonzero(self.rule == code)
            if not len(rows):
                continue
            numbers = self.numbers[rows]
            if rule == "worse_running":
                numbers = numbers[:, ~np.all(np.isnan(numbers), axis=0)]
            which = self.indicator[rows].tolist()
            messages[rows] = sentences(
                rule,
                [inds[i] if i >= 0 else None for i in which],
                numbers.tolist(),
                [self._labels[i] if i >= 0 else "" for i in which],
            )
        return {
            "region": regions[self.region].tolist(),
            "indicator": codes[self.indicator].tolist(),
            "rule": np.asarray(RULES, dtype=object)[self.rule].tolist(),
            "severity": np.asarray(SEVERITIES, dtype=object)[self.severity].tolist(),
            "message": messages.tolist(),
        }


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


def find(data: AlertInput, rules: Rules) -> Warnings:
    n_r = data.values.shape[0]
    pol = np.array([i.polarity for i in data.indicators], dtype=np.float64)
    x = data.values
    present = ~np.isnan(x)
    n_valid = np.sum(~np.isnan(data.score_rank), axis=0)
    width = max(3, rules.worse_periods + 1)
    found: list[tuple[int, Ints, Ints, Array]] = []  # rule, regions, indicators, numbers

    def add(rule: str, mask: Mask, *columns: Array) -> None:
        r, i = np.nonzero(mask)
        numbers = np.full((len(r), width), np.nan)
        for k, column in enumerate(columns):
            numbers[:, k] = column
        found.append((RULES.index(rule), r, i, numbers))

    if rules.below_average:
        with np.errstate(invalid="ignore"):
            worse = np.where(pol > 0, x < data.average, x > data.average) & present
        add("below_average", worse, x[worse], np.broadcast_to(data.average, x.shape)[worse])

    if rules.off_track:
        target = np.broadcast_to(data.target, x.shape)
        for code, rule in ((progress.OFF_TRACK, "off_track"), (progress.AT_RISK, "at_risk")):
            hit = (data.status == code) & present
            add(rule, hit, x[hit], target[hit], data.linear[hit])

    k = rules.worse_periods
    if k > 0 and data.history.shape[2] >= k:
        chain = np.concatenate([data.history[:, :, -k:], x[:, :, None]], axis=2)
        steps = np.diff(chain, axis=2) * pol[None, :, None]
        with np.errstate(invalid="ignore"):
            running = np.all(steps < 0, axis=2) & present
        add("worse_running", running, *chain[running].T)

    n = rules.bottom_n
    if n > 0:
        with np.errstate(invalid="ignore"):
            bottom = (n_valid > n) & (data.score_rank > n_valid - n) & present
        counts = np.broadcast_to(n_valid, x.shape)[bottom]
        add("bottom_n", bottom, data.score_rank[bottom], counts, np.full(len(counts), n))
        total = int(np.sum(~np.isnan(data.index_rank)))
        with np.errstate(invalid="ignore"):
            last = (data.index_rank > total - n) if total > n else np.zeros(n_r, dtype=bool)
        (r,) = np.nonzero(last)
        numbers = np.full((len(r), width), np.nan)
        numbers[:, :3] = np.column_stack([data.index_rank[r], np.full((len(r), 2), (total, n))])
        found.append((RULES.index("bottom_n"), r, np.full(len(r), -1), numbers))

    def joined(k: int) -> Any:
        return np.concatenate([f[k] for f in found]) if found else np.zeros(0, dtype=np.int64)

    return Warnings(
        data.regions,
        data.indicators,
        data.target_label,
        joined(1).astype(np.int64),
        joined(2).astype(np.int64),
        np.concatenate([np.full(len(f[1]), f[0]) for f in found]).astype(np.int64)
        if found
        else np.zeros(0, dtype=np.int64),
        np.concatenate([f[3] for f in found]) if found else np.zeros((0, width)),
    )
