"""Integrity checks on the indicators a region reports for a period (统计数据质量), each judged
against what honest reporting looks like in the same period's other regions and the region's
own history.

- ``digits``: the last reported digit (at the decimals the regions report) is far from even —
  too many 0s and 5s (rounding) or one favourite digit (digit preference). Values with fewer
  than three significant digits, and values at a bound several regions share (100 %), are left
  out: their last digits are not even by nature.
- ``repeated``: many figures identical to the previous period's, beyond what each indicator's
  repeat rate among the other regions explains (copied forward).
- ``outlier``: a favourable change far beyond both the other regions' changes this period and
  the region's own past changes (robust z, both above 5).
- ``ratio``: a share reported with its numerator above its denominator — it breaks its own
  definition, no chance involved.
- ``on_target``: many of a region's figures exactly on their target, beyond each indicator's
  rate of hitting it exactly among the other regions; and a department whose figures sit on
  their targets across the regions it reports for, beyond where the values lay before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from minsheng.core.integrity.findings import ALPHA, Finding
from minsheng.core.integrity.stats import poisson_binomial_sf

ROBUST_Z = 5.0
MIN_DIGITS = 40
FLOOR_RATE = 0.01  # an indicator's chance of repeating, or of hitting its target, at least
BROKEN = 1e-8  # a definition broken is no matter of chance


@dataclass(frozen=True, slots=True)
class IndicatorInfo:
    code: str
    name: str
    decimals: int
    polarity: int  # 1: higher is better, -1: lower is better
    share: bool  # a share (%, ‰): its numerator cannot exceed its denominator


@dataclass(frozen=True, slots=True)
class Reports:
    """The reported values: ``values[r, i, t]`` for regions × indicators × periods (NaN where
    missing), the last period the one checked; ``targets[r, i]`` (NaN: none);
    ``parts``: a share indicator's index → (numerator index, denominator index)."""

    regions: Sequence[str]
    indicators: Sequence[IndicatorInfo]
    values: npt.NDArray[np.float64]
    targets: npt.NDArray[np.float64]
    parts: Mapping[int, tuple[int, int]]
    reporters: npt.NDArray[np.object_] | None = None  # who reported each last-period cell


def find(reports: Reports) -> list[Finding]:
    found = [
        *_digits(reports),
        *_repeated(reports),
        *_outliers(reports),
        *_ratios(reports),
        *_on_target(reports),
        *_on_target_by_reporter(reports),
    ]
    return sorted(found, key=lambda f: (f.p, str(f.unit), f.kind))


def _precision(reports: Reports) -> npt.NDArray[np.float64]:
    """Per indicator, 10 to the number of decimals the regions actually report: the stated
    decimals, fewer when no region ever uses the last ones (a catalog that says two decimals
    while everyone reports one would make every last digit a 0)."""
    out = []
    for i, ind in enumerate(reports.indicators):
        v = np.abs(reports.values[:, i, :])
        v = v[np.isfinite(v)]
        used = 0
        for d in range(ind.decimals, 0, -1):
            digits = np.rint(v * 10.0**d) % 10
            if (digits != 0).any():
                used = d
                break
        out.append(10.0**used)
    return np.array(out)


def _scaled(reports: Reports) -> npt.NDArray[np.float64]:
    """Values in units of their last reported digit."""
    scale = _precision(reports)
    return np.asarray(np.rint(np.abs(reports.values) * scale[None, :, None]), dtype=np.float64)


def _at_bounds(values: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    """Cells at an extreme that several regions share in their period: a ceiling or a floor
    (coverage at 100 %), whose digits say nothing about how the figure was made."""
    out = np.zeros(values.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        for extreme in (np.nanmax, np.nanmin):
            finite = np.isfinite(values).any(axis=0)
            edge = np.full(finite.shape, np.nan)
            edge[finite] = extreme(values[:, finite], axis=0)
            at = values == edge[None, :, :]
            shared = at.sum(axis=0) >= 2
            out |= at & shared[None, :, :]
    return out


def _digits(reports: Reports, periods: int = 4) -> list[Finding]:
    scaled = np.where(_at_bounds(reports.values), np.nan, _scaled(reports))[:, :, -periods:]
    found = []
    for r, region in enumerate(reports.regions):
        cells = scaled[r].ravel()
        cells = cells[np.isfinite(cells) & (cells >= 100)]
        if len(cells) < MIN_DIGITS:
            continue
        last = (cells % 10).astype(int)
        counts = np.bincount(last, minlength=10)
        n = int(counts.sum())
        round_p = float(stats.binom.sf(counts[0] + counts[5] - 1, n, 0.2))
        even_p = float(stats.chisquare(counts).pvalue)
        p = min(1.0, 2 * min(round_p, even_p))
        if p < ALPHA:
            found.append(
                Finding(
                    "digits",
                    region,
                    "",
                    p,
                    f"近 {periods} 期 {n} 个数据的末位数字分布异常：0 和 5 占 "
                    f"{(counts[0] + counts[5]) / n:.0%}（应约 20%）",
                    {"counts": counts.tolist(), "n": n, "periods": periods},
                )
            )
    return found


def _peer_rates(
    hits: npt.NDArray[np.bool_], known: npt.NDArray[np.bool_]
) -> npt.NDArray[np.float64]:
    """Per region and indicator, the share of the *other* regions with a hit (floored)."""
    h = hits.sum(axis=0)[None, :] - hits
    k = known.sum(axis=0)[None, :] - known
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(k > 0, h / np.maximum(k, 1), 0.0)
    return np.maximum(rate, FLOOR_RATE)


def _count_findings(
    kind: str,
    reports: Reports,
    hits: npt.NDArray[np.bool_],
    known: npt.NDArray[np.bool_],
    what: str,
) -> list[Finding]:
    rates = _peer_rates(hits, known)
    found = []
    for r, region in enumerate(reports.regions):
        m = int(known[r].sum())
        k = int(hits[r].sum())
        if k < 3 or k < 0.3 * m:
            continue
        chances = rates[r][known[r]]
        expected = float(chances.sum())
        p = poisson_binomial_sf(k, chances)
        if p < ALPHA:
            codes = [reports.indicators[int(i)].code for i in np.flatnonzero(hits[r])]
            found.append(
                Finding(
                    kind,
                    region,
                    "",
                    p,
                    f"{m} 项指标中 {k} 项{what}（其他地区同类情形约 {expected:.1f} 项）",
                    {"count": k, "total": m, "expected": round(expected, 2), "indicators": codes},
                )
            )
    return found


def _repeated(reports: Reports) -> list[Finding]:
    scaled = _scaled(reports)
    if scaled.shape[2] < 2:
        return []
    now, before = scaled[:, :, -1], scaled[:, :, -2]
    known = np.isfinite(now) & np.isfinite(before)
    return _count_findings("repeated", reports, known & (now == before), known, "与上期完全相同")


def _on_target(reports: Reports) -> list[Finding]:
    scale = _precision(reports)
    now = np.rint(reports.values[:, :, -1] * scale[None, :])
    target = np.rint(reports.targets * scale[None, :])
    known = np.isfinite(now) & np.isfinite(target)
    return _count_findings("on_target", reports, known & (now == target), known, "恰好等于目标值")


def _on_target_by_reporter(reports: Reports, min_cells: int = 5) -> list[Finding]:
    """A department whose figures sit exactly on their targets in every region it reports for.
    The other regions cannot be the yardstick here (the department reported them too), so each
    figure's chance of landing on its target honestly comes from where the indicator's values
    lay the period before: a normal density (their median and robust spread) at the target,
    times one last digit — at least ``FLOOR_RATE``. (Values that crowd a ceiling the period
    before make a target at the ceiling likely, as it should.)"""
    if reports.reporters is None or reports.values.shape[2] < 2:
        return []
    scale = _precision(reports)
    now = np.rint(reports.values[:, :, -1] * scale[None, :])
    target = np.rint(reports.targets * scale[None, :])
    known = np.isfinite(now) & np.isfinite(target)
    hits = known & (now == target)
    chance = np.full(now.shape, np.nan)
    before = reports.values[:, :, -2] * scale[None, :]
    for i in range(len(reports.indicators)):
        centre, spread = _spread(before[:, i])
        if np.isfinite(before[:, i]).sum() < 6 or not np.isfinite(spread):
            continue
        spread = max(spread, 1.0)
        density = stats.norm.pdf((target[:, i] - centre) / spread) / spread
        chance[:, i] = np.clip(density, FLOOR_RATE, 1.0)
    judged = known & np.isfinite(chance)
    found = []
    for who in sorted({str(u) for u in reports.reporters[judged] if u}):
        cells = judged & (reports.reporters == who)
        m, k = int(cells.sum()), int(hits[cells].sum())
        if m < min_cells or k < 3 or k < 0.5 * m:
            continue
        p = poisson_binomial_sf(k, chance[cells])
        if p < ALPHA:
            expected = float(chance[cells].sum())
            found.append(
                Finding(
                    "on_target",
                    who,
                    "reporter",
                    p,
                    f"{who}报送的 {m} 个有目标的数据中 {k} 个恰好等于目标值"
                    f"（按各指标上期的分布约 {expected:.1f} 个）",
                    {"reporter": who, "count": k, "total": m, "expected": round(expected, 2)},
                )
            )
    return found


def _spread(x: npt.NDArray[np.float64]) -> tuple[float, float]:
    """(median, spread) of the known values: the spread is the larger of the scaled median
    absolute deviation and the 90th percentile of the absolute deviations over 1.645 — so that
    a count that mostly stays put still has a spread from the times it moves."""
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return float("nan"), float("nan")
    median = float(np.median(x))
    deviation = np.abs(x - median)
    return median, max(
        1.4826 * float(np.median(deviation)), float(np.quantile(deviation, 0.9)) / 1.645
    )


def _outliers(reports: Reports, min_history: int = 4, min_peers: int = 6) -> list[Finding]:
    v = reports.values
    if v.shape[2] < min_history + 2:
        return []
    with np.errstate(divide="ignore", invalid="ignore"):
        positive = np.where(v > 0, v, np.nan)
        changes = np.diff(np.log(positive), axis=2)  # relative changes, regions × ind. × t
    found = []
    tests = len(reports.indicators)
    for i, ind in enumerate(reports.indicators):
        now = changes[:, i, -1]
        known = np.isfinite(now)
        if known.sum() < min_peers + 1 or ind.share:
            continue
        for r in np.flatnonzero(known):
            centre, spread = _spread(np.delete(now, r))
            history = changes[r, i, :-1]
            if np.isfinite(history).sum() < min_history:
                continue
            h_centre, h_spread = _spread(history)
            unit = 0.5 / max(float(v[r, i, -2]) * 10.0**ind.decimals, 1.0)  # half a last digit
            z_peers = (now[r] - centre) / max(spread, unit)
            z_history = (now[r] - h_centre) / max(h_spread, unit)
            z = float(min(z_peers * ind.polarity, z_history * ind.polarity))
            if z <= ROBUST_Z:
                continue
            p = min(1.0, float(stats.norm.sf(z)) * tests)
            if p < ALPHA:
                change = float(v[r, i, -1] - v[r, i, -2])
                found.append(
                    Finding(
                        "outlier",
                        reports.regions[int(r)],
                        f"indicator:{ind.code}",
                        p,
                        f"{ind.name}较上期变动 {np.expm1(now[r]):+.1%}，其他地区变动中位 "
                        f"{np.expm1(centre):+.1%}，本地区以往变动中位 {np.expm1(h_centre):+.1%}",
                        {
                            "indicator": ind.code,
                            "name": ind.name,
                            "change": round(change, 6),
                            "relative": round(float(np.expm1(now[r])), 6),
                            "peers": round(float(np.expm1(centre)), 6),
                            "history": round(float(np.expm1(h_centre)), 6),
                            "z": round(z, 2),
                        },
                    )
                )
    return found


def _ratios(reports: Reports) -> list[Finding]:
    v = reports.values[:, :, -1]
    found = []
    for r, region in enumerate(reports.regions):
        broken = [
            (reports.indicators[i], float(v[r, num]), float(v[r, den]))
            for i, (num, den) in sorted(reports.parts.items())
            if reports.indicators[i].share
            and np.isfinite(v[r, num])
            and np.isfinite(v[r, den])
            and v[r, num] > v[r, den]
        ]
        if broken:
            names = "、".join(ind.name for ind, _, _ in broken)
            found.append(
                Finding(
                    "ratio",
                    region,
                    "",
                    BROKEN ** len(broken),
                    f"{names}的分子大于分母",
                    {
                        "indicators": [
                            {"code": ind.code, "name": ind.name, "numerator": a, "denominator": b}
                            for ind, a, b in broken
                        ]
                    },
                )
            )
    return found
