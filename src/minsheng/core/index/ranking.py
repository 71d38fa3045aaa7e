"""Ranks within the peer group: highest first, ties share the best rank (competition ranking,
1, 2, 2, 4), NaN unranked. Values are compared after rounding to 9 decimals so that the last bits
of floating-point sums (which depend on summation order) never split a true tie."""

from __future__ import annotations

import numpy as np

from minsheng.core.index.model import Array


def competition_rank(values: Array) -> Array:
    """Ranks (as floats, NaN where the value is NaN) of ``values`` along axis 0."""
    out = np.full(values.shape, np.nan)
    valid = ~np.isnan(values)
    v = -np.round(values[valid], 9)
    out[valid] = np.searchsorted(np.sort(v), v, side="left") + 1
    return out


def column_ranks(values: Array) -> Array:
    """``competition_rank`` of each column of a regions × items matrix."""
    out = np.full(values.shape, np.nan)
    for j in range(values.shape[1]):
        out[:, j] = competition_rank(values[:, j])
    return out


def movement(previous: Array, current: Array) -> Array:
    """Places gained since the previous period (positive = moved up), NaN if either is unranked."""
    return previous - current
