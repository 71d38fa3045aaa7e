"""Bootstrap replicates of domain means drawn per stratum × domain cell, not per respondent.

For a stratified design whose sampling units are single rows (a poll: every respondent is a
unit, the plan cells are the strata), the Rao–Wu bootstrap with n_h draws per stratum
(``replicates.bootstrap``) gives unit i the multiplier c_i ~ Multinomial(n_h; 1/n_h, …), and a
domain mean's replicate is Σ c_i w_i y_i / Σ c_i w_i over the domain. That costs
respondents × replicates random draws (10⁸ for a million respondents and 100 replicates).

The same replicates are drawn here in two exact steps and one approximation:

1. how many of stratum h's n_h draws land in each of its domain cells (h, d), including a cell
   for rows outside every domain: Multinomial(n_h; n_hd / n_h) — exact;
2. a cell of fewer than ``EXACT_BELOW`` rows: its M draws are drawn row by row — exact;
3. a larger cell: the sums (Σ w y, Σ w) of its M draws are drawn from the normal distribution
   with their exact conditional mean M·μ and covariance M·Σ (μ, Σ the cell's mean and
   covariance of (w y, w), divisor n_hd) — the central limit theorem, as such a cell gets
   about n_hd ≥ ``EXACT_BELOW`` draws.

Step 3 keeps the first two moments of every replicate sum exactly those of the row bootstrap,
so the replicate variance of every domain mean (and the covariances between domains) agree
with it; the work is strata × cells × replicates. The scale is the row bootstrap's:
n̄/((n̄ − 1)(R − 1)) with n̄ the harmonic mean of units per stratum.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from minsheng.core.survey.design import Design
from minsheng.core.survey.frame import Floats, Ints
from minsheng.core.survey.replicates import bootstrap_scale

EXACT_BELOW = 200  # cells with fewer rows are drawn row by row


def applies(design: Design) -> bool:
    """Single-row units in one stage, no finite population correction."""
    if len(design.stages) != 1 or design.has_fpc:
        return False
    return len(design.stages[0].cluster_stratum) == design.n


def scale(design: Design, replicates: int) -> float:
    """The row bootstrap's scale (units are rows here)."""
    per_stratum = np.bincount(design.stages[0].stratum)
    return bootstrap_scale(per_stratum[per_stratum > 0], replicates)


def domain_means(
    design: Design,
    y: Floats,
    domain: Ints,
    n_domains: int,
    replicates: int,
    seed: int,
    *,
    exact_below: int = EXACT_BELOW,
) -> Floats:
    """Replicates × domains: each replicate's weighted mean of ``y`` in every domain (rows with
    ``y`` missing or ``domain`` < 0 are in no domain). NaN where a replicate drew nobody of a
    domain. Only for designs where ``applies`` holds."""
    if not applies(design):
        raise ValueError("the cell bootstrap needs single-row units and no fpc")
    rng = np.random.default_rng(seed)
    stratum = design.stages[0].stratum
    inside = ~np.isnan(y) & (domain >= 0)
    outside = n_domains  # the cell of rows in no domain
    keys = stratum * (n_domains + 1) + np.where(inside, domain, outside)
    used = np.bincount(keys) > 0  # the keys are small: factorise without sorting
    cells = np.flatnonzero(used)
    cell_of = (np.cumsum(used) - 1)[keys]
    cell_stratum, cell_domain = cells // (n_domains + 1), cells % (n_domains + 1)
    n_cells = len(cells)
    size = np.bincount(cell_of, minlength=n_cells)
    w = design.weights
    a = np.where(inside, w * np.where(inside, y, 0.0), 0.0)
    b = np.where(inside, w, 0.0)

    # 1. Each stratum's draws shared among its cells (cells are sorted by stratum).
    drawn = np.zeros((replicates, n_cells), dtype=np.int64)
    bounds = np.flatnonzero(np.diff(cell_stratum)) + 1
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, n_cells], strict=True):
        members = size[lo:hi]
        total = int(members.sum())
        drawn[:, lo:hi] = rng.multinomial(total, members / total, size=replicates)

    sum_a = np.zeros((replicates, n_cells))
    sum_b = np.zeros((replicates, n_cells))
    counted = cell_domain < outside
    small = np.flatnonzero(counted & (size < exact_below))
    large = np.flatnonzero(counted & (size >= exact_below))

    # 2. Small cells row by row: draw j of (replicate, cell) picks a uniform row of the cell.
    if len(small):
        order = np.argsort(cell_of, kind="stable")
        start = np.r_[0, np.cumsum(size)[:-1]]
        first, width = start[small], size[small]
        cell = np.arange(len(small))
        for r in range(replicates):  # one replicate at a time: its arrays stay in the cache
            slots = np.repeat(cell, drawn[r, small])
            rows = order[first[slots] + (rng.random(slots.size) * width[slots]).astype(np.int64)]
            sum_a[r, small] = np.bincount(slots, a[rows], minlength=len(small))
            sum_b[r, small] = np.bincount(slots, b[rows], minlength=len(small))

    # 3. Large cells: the sums' normal law given the number of draws (2 × 2 Cholesky).
    if len(large):
        n = size.astype(np.float64)
        mean_a = np.bincount(cell_of, a, minlength=n_cells) / n
        mean_b = np.bincount(cell_of, b, minlength=n_cells) / n
        var_a = np.maximum(np.bincount(cell_of, a * a, minlength=n_cells) / n - mean_a**2, 0.0)
        var_b = np.maximum(np.bincount(cell_of, b * b, minlength=n_cells) / n - mean_b**2, 0.0)
        cov = np.bincount(cell_of, a * b, minlength=n_cells) / n - mean_a * mean_b
        l11 = np.sqrt(var_a)
        with np.errstate(divide="ignore", invalid="ignore"):
            l21 = np.where(l11 > 0, cov / l11, 0.0)
        l22 = np.sqrt(np.maximum(var_b - l21**2, 0.0))
        m = drawn[:, large].astype(np.float64)
        root = np.sqrt(m)
        z1 = rng.standard_normal(m.shape)
        z2 = rng.standard_normal(m.shape)
        sum_a[:, large] = m * mean_a[large] + root * l11[large] * z1
        sum_b[:, large] = m * mean_b[large] + root * (l21[large] * z1 + l22[large] * z2)

    keep = np.flatnonzero(counted)
    to_domain = sp.csr_matrix(
        (np.ones(len(keep)), (keep, cell_domain[keep])), shape=(n_cells, n_domains)
    )
    numerator = np.asarray((to_domain.T @ sum_a.T).T)
    denominator = np.asarray((to_domain.T @ sum_b.T).T)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: Floats = np.where(denominator > 0, numerator / denominator, np.nan)
    return out
