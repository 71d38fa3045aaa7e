"""Rank intervals of an assessment (考核排名的不确定性): the components' own uncertainty — a poll's
standard error from its replicates, the index's Monte Carlo spread — given as a standard error
per unit and component (data rows ``se:<component>``), propagated by drawing every component
from a normal distribution around its value, recomputing the totals (the same weights,
deductions and capped bonuses) and ranking each draw. A unit's interval is the 5th–95th
percentile of its ranks; two units whose intervals overlap are not told apart."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from minsheng.core.assess.engine import UnitResult
from minsheng.core.assess.scheme import Scheme


def rank_intervals(
    scheme: Scheme,
    results: list[UnitResult],
    errors: dict[tuple[str, str], float],
    *,
    draws: int = 1000,
    seed: int = 0,
    chunk: int = 250,
) -> dict[str, tuple[int, int]]:
    """(low, high) rank per unit over ``draws`` draws; ``errors`` maps (unit, component) to a
    standard error (missing = known exactly). Drawn in chunks to bound memory."""
    names = list(scheme.components)
    n = len(results)
    values = np.array([[r.components.get(c, np.nan) for c in names] for r in results])
    se = np.array([[errors.get((r.unit, c), 0.0) for c in names] for r in results])
    weights = np.array([scheme.components[c] for c in names])
    present = ~np.isnan(values)
    used = np.where(present, weights, 0.0)
    denominator = used.sum(axis=1)
    denominator[denominator == 0] = 1.0
    offset = np.array(
        [min(sum(r.bonuses.values()), scheme.bonus_cap) - sum(r.deductions.values())
         for r in results]
    )  # fmt: skip
    rng = np.random.default_rng(seed)
    ranks = np.empty((draws, n), dtype=np.int32)
    base = np.nan_to_num(values)
    for start in range(0, draws, chunk):
        k = min(chunk, draws - start)
        drawn = np.clip(base + rng.standard_normal((k, n, len(names))) * se, 0, 100)
        totals = (drawn * used).sum(axis=2) / denominator + offset
        ranks[start : start + k] = _ranks(totals)
    low = np.percentile(ranks, 5, axis=0, method="lower")
    high = np.percentile(ranks, 95, axis=0, method="higher")
    return {r.unit: (int(lo), int(hi)) for r, lo, hi in zip(results, low, high, strict=True)}


def _ranks(totals: NDArray[np.float64]) -> NDArray[np.int32]:
    """Competition ranks (1 = highest) of each row."""
    order = np.sort(-np.round(totals, 9), axis=1)
    keyed = -np.round(totals, 9)
    out = np.empty(totals.shape, dtype=np.int32)
    for i in range(totals.shape[0]):
        out[i] = np.searchsorted(order[i], keyed[i], side="left") + 1
    return out
