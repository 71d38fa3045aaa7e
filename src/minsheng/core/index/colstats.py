"""Column statistics over the peer group (axis 0) that ignore NaN and stay silent on empty
columns (NaN out, no RuntimeWarning)."""

from __future__ import annotations

from typing import cast

import numpy as np

from minsheng.core.index.model import Array


def count(x: Array) -> Array:
    return cast(Array, np.sum(~np.isnan(x), axis=0).astype(np.float64))


def col_min(x: Array) -> Array:
    return cast(Array, np.fmin.reduce(x, axis=0))


def col_max(x: Array) -> Array:
    return cast(Array, np.fmax.reduce(x, axis=0))


def col_mean(x: Array) -> Array:
    n = count(x)
    total = np.nansum(x, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, total / np.where(n > 0, n, 1), np.nan)


def col_std(x: Array) -> Array:
    """Sample standard deviation (n − 1), as R's ``sd``; NaN below two values."""
    n = count(x)
    mean = col_mean(x)
    sq = np.nansum((x - mean) ** 2, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 1, np.sqrt(sq / np.where(n > 1, n - 1, 1)), np.nan)


def col_quantile(x: Array, q: float) -> Array:
    """Quantile with linear interpolation (R's type 7, numpy's default) per column."""
    out = np.full(x.shape[1], np.nan)
    for j in range(x.shape[1]):
        col = x[:, j]
        col = col[~np.isnan(col)]
        if col.size:
            out[j] = np.quantile(col, q)
    return out
