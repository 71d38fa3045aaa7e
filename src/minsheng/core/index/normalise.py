"""Normalisation: raw values → scores on 0–100 where higher is always better.

Every method works per indicator over the peer group of one period (axis 0 = regions) and
respects polarity (``pol`` = 1 higher is better, −1 lower is better). NaN stays NaN.

minmax
    s = 100·(x − min)/(max − min) if higher is better, 100·(max − x)/(max − min) if lower;
    all equal → 100. (OECD/JRC Handbook on Constructing Composite Indicators, 2008, §5.)
zscore
    z = (x − mean)/sd with the sample sd (n − 1); s = 50 + 10·pol·z (mean 50, sd 10, so it sits
    on the same scale as the others); all equal or a single value → 50. (Handbook §5.)
target
    distance to target relative to the worst peer (COINr ``n_dist2targ`` with cap):
    s = 100·clip((x − min)/(target − min), 0, 1), lower is better: (max − x)/(max − target);
    if every peer has reached the target the denominator is ≤ 0 and the score is 100.
goalposts
    fixed bounds from the catalog: s = 100·clip((x − lower)/(upper − lower), 0, 1), lower is
    better: (upper − x)/(upper − lower).

Winsorisation (optional, before normalising) clips each indicator to its peer quantiles
``p`` and ``1 − p`` (type 7).
"""

from __future__ import annotations

import numpy as np

from minsheng.core.index import colstats
from minsheng.core.index.model import Array, Mask, Normalise


class NormaliseError(ValueError):
    """The method needs catalog data that some indicators lack."""


def winsorise(x: Array, share: float) -> Array:
    if not 0 < share < 0.5:
        raise ValueError("winsorise share must be in (0, 0.5)")
    lo = colstats.col_quantile(x, share)
    hi = colstats.col_quantile(x, 1 - share)
    return np.clip(x, lo, hi)


# Spreads below this share of the values' magnitude are rounding noise: the values are equal.
_REL_EPS = 1e-12


def _spread(width: Array, lo: Array, hi: Array) -> Array:
    """``width`` where it is a real spread, 0 where it is rounding noise (or NaN)."""
    scale = np.fmax(np.abs(lo), np.abs(hi))
    real = width > _REL_EPS * scale
    return np.where(real, width, 0.0)


def minmax(x: Array, pol: Array) -> Array:
    lo, hi = colstats.col_min(x), colstats.col_max(x)
    span = _spread(hi - lo, lo, hi)
    with np.errstate(invalid="ignore", divide="ignore"):
        up = (x - lo) / span
        down = (hi - x) / span
    s = 100.0 * np.where(pol > 0, up, down)
    return np.where(np.isnan(x), np.nan, np.where(span > 0, s, 100.0))


def zscore(x: Array, pol: Array) -> Array:
    mean = colstats.col_mean(x)
    sd = _spread(colstats.col_std(x), colstats.col_min(x), colstats.col_max(x))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (x - mean) / sd
    s = 50.0 + 10.0 * pol * z
    flat = ~(sd > 0)  # NaN sd (one value) or zero sd (all equal)
    return np.where(np.isnan(x), np.nan, np.where(flat, 50.0, s))


def to_target(x: Array, pol: Array, target: Array) -> Array:
    lo, hi = colstats.col_min(x), colstats.col_max(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        up = (x - lo) / (target - lo)
        down = (hi - x) / (hi - target)
    reached = np.where(pol > 0, target - lo <= 0, hi - target <= 0)
    s = 100.0 * np.clip(np.where(pol > 0, up, down), 0.0, 1.0)
    return np.where(np.isnan(x), np.nan, np.where(reached, 100.0, s))


def goalposts(x: Array, pol: Array, lower: Array, upper: Array) -> Array:
    with np.errstate(invalid="ignore", divide="ignore"):
        up = (x - lower) / (upper - lower)
    s = 100.0 * np.clip(np.where(pol > 0, up, 1.0 - up), 0.0, 1.0)
    return np.where(np.isnan(x), np.nan, s)


def normalise(
    x: Array,
    pol: Array,
    method: Normalise,
    *,
    codes: tuple[str, ...],
    target: Array,
    lower: Array,
    upper: Array,
) -> Array:
    """Scores for ``x`` (regions × indicators) by ``method``."""
    if method == "minmax":
        return minmax(x, pol)
    if method == "zscore":
        return zscore(x, pol)
    if method == "target":
        _require(codes, np.isnan(target), "目标值（target）", method)
        return to_target(x, pol, target)
    bad = np.isnan(lower) | np.isnan(upper) | ~(upper > lower)
    _require(codes, bad, "上下限（lower < upper）", method)
    return goalposts(x, pol, lower, upper)


def usable(method: Normalise, *, target: Array, lower: Array, upper: Array) -> bool:
    """Whether the catalog has what ``method`` needs for every indicator."""
    if method == "target":
        return not bool(np.isnan(target).any())
    if method == "goalposts":
        return bool(np.all(upper > lower))
    return True


def _require(codes: tuple[str, ...], bad: Mask, what: str, method: str) -> None:
    if bad.any():
        missing = "、".join(c for c, b in zip(codes, bad, strict=True) if b)
        raise NormaliseError(f"标准化方法 {method} 需要每个指标的{what}；缺少：{missing}")
