"""Aggregation: indicator scores → category indices → overall index.

arithmetic (default)
    I = Σ wᵢsᵢ / Σ wᵢ over the indicators present (missing ones dropped, weights rescaled).
geometric
    I = exp(Σ wᵢ·ln max(sᵢ, floor) / Σ wᵢ) over the indicators present; the floor (default 1 on
    the 0–100 scale) keeps one zero score from zeroing the whole index.

A category with no indicator present is NaN and is dropped from the overall index the same way.
(OECD/JRC Handbook on Constructing Composite Indicators, 2008, §6; COINr ``a_amean``/``a_gmean``.)

Imputation (before normalising, on raw values): ``mean`` / ``median`` replace a missing value with
the peer mean / median of that indicator in the period; ``drop`` leaves it missing.
"""

from __future__ import annotations

import numpy as np

from minsheng.core.index import colstats
from minsheng.core.index.model import Aggregate, Array, Missing


def impute(x: Array, missing: Missing) -> tuple[Array, np.ndarray]:
    """Return the completed values and the mask of imputed cells."""
    holes = np.isnan(x)
    if missing == "drop" or not holes.any():
        return x, np.zeros_like(holes)
    fill = colstats.col_mean(x) if missing == "mean" else _col_median(x)
    out = np.where(holes, fill, x)
    return out, holes & ~np.isnan(out)


def _col_median(x: Array) -> Array:
    return colstats.col_quantile(x, 0.5)


def membership(groups: list[int], n_groups: int) -> Array:
    """One-hot matrix (indicators × groups)."""
    m = np.zeros((len(groups), n_groups))
    m[np.arange(len(groups)), groups] = 1.0
    return m


def weighted_mean(
    scores: Array, weights: Array, member: Array, method: Aggregate, floor: float
) -> Array:
    """Aggregate ``scores`` (regions × items) into groups (regions × groups) with ``weights``
    (items,) and the one-hot ``member`` matrix (items × groups)."""
    present = ~np.isnan(scores)
    if method == "geometric":
        values = np.log(np.maximum(np.where(present, scores, 1.0), floor))
    else:
        values = np.where(present, scores, 0.0)
    wm = weights[:, None] * member
    num = (values * present) @ wm
    den = present.astype(np.float64) @ wm
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return np.exp(mean) if method == "geometric" else mean
