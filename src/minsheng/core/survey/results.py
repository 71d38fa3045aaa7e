"""What a poll's results page needs beyond estimates: rank intervals from replicate weights
with a minimum-n rule, change against the previous round with a test, a target met beyond
sampling error, and importance–performance analysis. (Scoring answers: ``core.polls.scoring``.)

- Rank intervals: the domains are ranked in every replicate (highest first); the 5 % and 95 %
  quantiles of each domain's replicate ranks (R's type 7) bound its rank. Domains under
  ``min_n`` respondents are not ranked (样本不足).
- Change: rounds are independent samples, so the difference of two estimates has standard
  error √(se₁² + se₀²); z = Δ / se, two-sided p from the normal. A change of rank is beyond
  sampling error when the 90 % interval of rank changes across paired replicates excludes 0.
- Importance–performance: importance of an item = its weighted Pearson correlation with the
  overall-satisfaction item over respondents answering both (the method is stated on the page);
  performance = its weighted mean score. Items with importance above the mean and performance
  below the mean are "improve first".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from minsheng.core.index.ranking import competition_rank
from minsheng.core.survey.estimate import Z975
from minsheng.core.survey.frame import Floats


@dataclass(frozen=True, slots=True)
class RankInterval:
    rank: int | None
    low: int | None  # 5 % quantile of the replicate ranks
    high: int | None  # 95 %
    ranked: bool  # False: under the minimum n (样本不足)


def rank_intervals(
    estimates: Floats, replicates: Floats, counts: Sequence[int], *, min_n: int = 30
) -> list[RankInterval]:
    """``replicates``: R × D replicate estimates of the D domains."""
    eligible = np.array([n >= min_n for n in counts])
    point = np.where(eligible, estimates, np.nan)
    ranks = competition_rank(point)
    reps = np.where(eligible[None, :], replicates, np.nan)
    rep_ranks = np.vstack([competition_rank(row) for row in reps]) if len(reps) else reps
    out = []
    for d in range(len(estimates)):
        if not eligible[d] or np.isnan(ranks[d]):
            out.append(RankInterval(None, None, None, False))
            continue
        col = rep_ranks[:, d]
        col = col[~np.isnan(col)]
        if len(col) == 0:
            out.append(RankInterval(int(ranks[d]), None, None, True))
            continue
        low, high = np.quantile(col, [0.05, 0.95])
        out.append(RankInterval(int(ranks[d]), math.floor(low), math.ceil(high), True))
    return out


@dataclass(frozen=True, slots=True)
class Change:
    difference: float
    se: float
    z: float
    p: float
    significant: bool  # at the 5 % level


def change(now: float, se_now: float, before: float, se_before: float) -> Change:
    se = math.sqrt(se_now**2 + se_before**2)
    diff = now - before
    z = diff / se if se > 0 else math.inf if diff else 0.0
    # two-sided normal p-value, 2·(1 − Φ(|z|)) = erfc(|z|/√2) (scipy's norm.sf, without
    # importing scipy.stats — half a second of every command's start-up)
    p = math.erfc(abs(z) / math.sqrt(2)) if math.isfinite(z) else 0.0
    return Change(diff, se, z, p, p < 0.05)


@dataclass(frozen=True, slots=True)
class RankChange:
    places: int  # positive: rose
    low: int  # 5 % quantile of replicate rank changes
    high: int
    beyond_noise: bool


def rank_change(
    rank_now: Floats, reps_now: Floats, rank_before: Floats, reps_before: Floats
) -> list[RankChange | None]:
    """Per domain: places moved (before − now), and whether the 90 % interval of the change
    over paired replicates (replicate r of each round) excludes 0."""
    now = np.vstack([competition_rank(r) for r in reps_now])
    before = np.vstack([competition_rank(r) for r in reps_before])
    pairs = min(len(now), len(before))
    moved = before[:pairs] - now[:pairs]
    out: list[RankChange | None] = []
    for d in range(len(rank_now)):
        if np.isnan(rank_now[d]) or np.isnan(rank_before[d]):
            out.append(None)
            continue
        col = moved[:, d]
        col = col[~np.isnan(col)]
        low, high = np.quantile(col, [0.05, 0.95]) if len(col) else (np.nan, np.nan)
        places = int(rank_before[d] - rank_now[d])
        beyond = bool(len(col)) and (low > 0 or high < 0)
        out.append(
            RankChange(
                places,
                math.floor(low) if len(col) else places,
                math.ceil(high) if len(col) else places,
                beyond,
            )
        )
    return out


def weighted_correlation(x: Floats, y: Floats, w: Floats) -> float:
    ok = ~(np.isnan(x) | np.isnan(y) | np.isnan(w)) & (w > 0)
    x, y, w = x[ok], y[ok], w[ok]
    if len(x) < 3:
        return float("nan")
    mx, my = np.average(x, weights=w), np.average(y, weights=w)
    cov = np.average((x - mx) * (y - my), weights=w)
    vx, vy = np.average((x - mx) ** 2, weights=w), np.average((y - my) ** 2, weights=w)
    return float(cov / math.sqrt(vx * vy)) if vx > 0 and vy > 0 else float("nan")


@dataclass(frozen=True, slots=True)
class IpaPoint:
    item: str
    importance: float
    performance: float
    # "improve" | "keep" | "low" | "overkill"; "" when the item's importance does not differ
    # from the items' mean importance beyond sampling error (no advice is given then).
    quadrant: str
    importance_low: float = float("nan")  # 95 % bootstrap interval of the importance
    importance_high: float = float("nan")


def correlations(
    columns: Sequence[Floats], overall: Floats, weights: Floats
) -> tuple[Floats, Floats]:
    """Each column's weighted Pearson correlation with the overall score (as
    ``weighted_correlation``: rows missing either value, or weighing 0, left out; NaN under 3
    such rows or without spread), and items × rows: each row's weighted influence on it (the
    Taylor linearisation: the derivative with respect to the row's weight, times that weight).
    With dx = x − x̄, dy = y − ȳ over the rows answering both (total weight W):
    wᵢ/W · (dxᵢ·dyᵢ / √(sxx·syy) − r/2 · (dxᵢ²/sxx + dyᵢ²/syy))."""
    w = np.where(np.isnan(weights) | (weights <= 0), 0.0, weights)
    y_all = np.nan_to_num(overall)
    usable = ~np.isnan(overall) & (w > 0)
    r = np.full(len(columns), np.nan)
    influence: Floats = np.zeros((len(columns), len(w)))
    for j, column in enumerate(columns):  # one item at a time: a million rows stay small
        both = usable & ~np.isnan(column)
        wb = w[both]
        total = wb.sum()
        if both.sum() < 3 or total <= 0:
            continue
        x, y = column[both], y_all[both]
        if x.min() == x.max() or y.min() == y.max():
            continue  # no spread
        dx, dy = x - wb @ x / total, y - wb @ y / total
        sxx, syy = wb @ (dx * dx) / total, wb @ (dy * dy) / total
        if not (sxx > 0 and syy > 0):
            continue
        root = np.sqrt(sxx * syy)
        r[j] = wb @ (dx * dy) / total / root
        influence[j, both] = (
            wb / total * (dx * dy / root - r[j] / 2 * (dx * dx / sxx + dy * dy / syy))
        )
    return r, influence


def importance_performance(
    items: Mapping[str, Floats],
    overall: Floats,
    weights: Floats,
    *,
    variance: Callable[[Floats], Floats] | None = None,
    intervals: bool = True,
) -> list[IpaPoint]:
    """Importance (weighted correlation of an item with the overall item) against performance
    (the item's weighted mean), split at the items' means.

    An item gets quadrant advice only when its importance differs from the mean importance
    beyond sampling error: the 95 % interval of (importanceᵢ − mean importance) excludes 0.
    Its standard error is the Taylor linearisation's: the rows' influence values on the gap
    (``correlations``, less their mean over the items), summed by ``variance`` — the
    survey design's (``core.survey.taylor.variance``), or without one the with-replacement
    formula n/(n − 1)·Σ(zᵢ − z̄)². Correlations of 0.62 to 0.645 across every item decide
    nothing. (A bootstrap of 100 resamples gave the same intervals within its noise; at a
    million respondents it took 11 s, this takes well under one.) ``intervals=False``: the
    importances' own intervals are left NaN (one variance computation fewer).
    """
    codes = list(items)
    if not codes:
        return []
    columns = [np.asarray(items[c], dtype=np.float64) for c in codes]
    importance, influence = correlations(columns, overall, weights)
    performance = np.array([_weighted_mean(col, weights) for col in columns])
    usable = ~(np.isnan(importance) | np.isnan(performance))
    if not usable.any():
        return []
    influence[~usable] = 0.0
    spread = variance or _with_replacement
    se_importance = (
        np.sqrt(np.maximum(spread(influence.T), 0.0)) if intervals else np.full(len(codes), np.nan)
    )
    influence -= influence[usable].mean(axis=0)  # now the gaps' influence, in place
    se_gap = np.sqrt(np.maximum(spread(influence.T), 0.0))
    mean_imp = float(np.mean(importance[usable]))
    mean_perf = float(np.mean(performance[usable]))
    out = []
    for j, code in enumerate(codes):
        if not usable[j]:
            continue
        difference = importance[j] - mean_imp
        decided = bool(abs(difference) > Z975 * se_gap[j])
        high_imp, high_perf = importance[j] >= mean_imp, performance[j] >= mean_perf
        quadrant = (
            ""
            if not decided
            else "improve"
            if high_imp and not high_perf
            else "keep"
            if high_imp
            else "overkill"
            if high_perf
            else "low"
        )
        out.append(
            IpaPoint(
                code,
                float(importance[j]),
                float(performance[j]),
                quadrant,
                float(importance[j] - Z975 * se_importance[j]),
                float(importance[j] + Z975 * se_importance[j]),
            )
        )
    return out


def _weighted_mean(values: Floats, weights: Floats) -> float:
    """The weighted mean of the values present (NaN if none, or they weigh nothing)."""
    present = ~np.isnan(values)
    w = np.where(present, weights, 0.0)
    total = w.sum()
    return float(w @ np.where(present, values, 0.0) / total) if total > 0 else float("nan")


def _with_replacement(x: Floats) -> Floats:
    n = len(x)
    if n < 2:
        return np.full(x.shape[1], np.nan)
    centred = x - x.mean(axis=0)
    out: Floats = n / (n - 1) * (centred * centred).sum(axis=0)
    return out


Verdict = Literal["met", "missed", "undecided"]


def against_target(ci_low: float, ci_high: float, target: float) -> Verdict:
    """Whether a target is met beyond sampling error: the whole 95 % interval at or above it
    (met), below it (missed), or the interval straddling it (undecided)."""
    if ci_low >= target:
        return "met"
    if ci_high < target:
        return "missed"
    return "undecided"
