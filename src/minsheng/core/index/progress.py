"""Progress against targets: attainment, the gap to the average, and projection to the target
year.

attainment
    100·min(x/target, 1) if higher is better, 100·min(target/x, 1) if lower is better (a value of
    0 or below then meets any positive target). NaN without a target.
meets target
    x ≥ target (higher is better) or x ≤ target (lower is better).
projection
    linear: least-squares line through the region's values up to the period, evaluated at the
    target year's fourth quarter; compound: constant growth rate between the first and the last
    value (both > 0), extended to the same point.
status
    ``met`` (already meets the target), ``on_track`` (the linear projection meets it),
    ``at_risk`` (only the compound projection meets it, or the linear projection reaches at least
    ``AT_RISK_SHARE`` of it), ``off_track`` (neither, or the target year has passed), ``unknown``
    (no target, or fewer than two values and not met).
"""

from __future__ import annotations

import numpy as np

from minsheng.core.index.model import Array, Mask

AT_RISK_SHARE = 0.95

STATUS = ("unknown", "met", "on_track", "at_risk", "off_track")
UNKNOWN, MET, ON_TRACK, AT_RISK, OFF_TRACK = range(5)
STATUS_LABELS = {
    "unknown": "无目标或数据不足",
    "met": "已达标",
    "on_track": "有望达标",
    "at_risk": "达标存在风险",
    "off_track": "难以按期达标",
}


def meets(x: Array, target: Array, pol: Array) -> Mask:
    with np.errstate(invalid="ignore"):
        hit: Mask = np.where(pol > 0, x >= target, x <= target)
    return hit & ~np.isnan(x) & ~np.isnan(target)


def attainment(x: Array, target: Array, pol: Array) -> Array:
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(pol > 0, x / target, np.where(x > 0, target / x, 1.0))
    ratio = np.where(meets(x, target, pol), 1.0, np.clip(ratio, 0.0, 1.0))
    bad = np.isnan(x) | np.isnan(target) | ((pol > 0) & ~(target > 0) & ~meets(x, target, pol))
    return np.where(bad, np.nan, 100.0 * ratio)


def linear_projection(times: Array, y: Array, at: Array) -> Array:
    """OLS line of ``y`` (regions × indicators × periods, NaN missing) on ``times`` (periods,),
    evaluated at ``at`` (indicators,); NaN with fewer than two values.

    With times centred (c = t − mean t over all periods) and per cell the sums over its present
    periods: n, Σc, Σc², Σy, Σcy — slope = (Σcy − Σc·Σy/n) / (Σc² − (Σc)²/n), the line through
    (Σc/n, Σy/n). Each sum is one product with the times, so no full-size array but two is made.
    """
    present = ~np.isnan(y)
    shift = float(times.mean()) if len(times) else 0.0
    c = np.asarray(times, dtype=np.float64) - shift
    weight = present.astype(np.float64)
    n = weight.sum(axis=2)
    s_c = weight @ c
    s_cc = weight @ (c * c)
    yz = np.where(present, y, 0.0)
    s_y = yz.sum(axis=2)
    s_cy = yz @ c
    with np.errstate(invalid="ignore", divide="ignore"):
        c_mean = s_c / n
        y_mean = s_y / n
        sxx = s_cc - s_c * c_mean
        sxy = s_cy - s_c * y_mean
        slope = sxy / sxx
        out = y_mean + slope * (at[None, :] - shift - c_mean)
    return np.where((n >= 2) & (sxx > 1e-12 * np.maximum(s_cc, 1.0)), out, np.nan)


def compound_projection(times: Array, y: Array, at: Array) -> Array:
    """Constant growth from the first to the last value, extended to ``at``."""
    present = ~np.isnan(y)
    idx = np.arange(y.shape[2])
    first = np.where(present, idx, y.shape[2]).min(axis=2)
    last = np.where(present, idx, -1).max(axis=2)
    ok = last > first
    fi, li = np.where(ok, first, 0), np.where(ok, last, 0)
    y0 = np.take_along_axis(y, fi[..., None], axis=2)[..., 0]
    y1 = np.take_along_axis(y, li[..., None], axis=2)[..., 0]
    t0, t1 = times[fi], times[li]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        rate = np.log(y1 / y0) / (t1 - t0)
        out = y1 * np.exp(rate * (at[None, :] - t1))
    return np.where(ok & (y0 > 0) & (y1 > 0), out, np.nan)


def status(
    x: Array, target: Array, pol: Array, linear: Array, compound: Array, passed: Mask
) -> np.ndarray:
    """Status code per region × indicator (see ``STATUS``); ``passed`` marks indicators whose
    target year is already over."""
    met = meets(x, target, pol)
    lin_ok = meets(linear, target, pol)
    comp_ok = meets(compound, target, pol)
    near = attainment(linear, target, pol) >= 100 * AT_RISK_SHARE
    has = ~np.isnan(target) & ~np.isnan(x)
    code = np.full(x.shape, UNKNOWN, dtype=np.int8)
    projectable = has & ~np.isnan(linear)
    code[projectable] = OFF_TRACK
    code[projectable & (comp_ok | near)] = AT_RISK
    code[projectable & lin_ok] = ON_TRACK
    code[has & passed[None, :] & ~met] = OFF_TRACK
    code[met] = MET
    return code
