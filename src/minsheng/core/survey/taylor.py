"""Taylor-linearisation variance of weighted influence values, as R's ``svyrecvar``.

For each stage, within each stratum h with n_h sampled units (clusters) and sampling fraction
n_h/N_h: v_h = (1 - n_h/N_h) · n_h/(n_h - 1) · Σ_c (X_c - X̄_h)², X_c the sum of the
influence values in unit c and X̄_h their mean over the n_h units (units without any value
count as zeros, so domain estimates keep the full design). Later stages are added, each
multiplied by the sampling fractions of the stages above, only when an fpc is given (else
the first stage stands for all, the "ultimate cluster" approximation R uses too).

Columns are independent estimates; ``x`` may be a dense array or a scipy sparse matrix (one
column per domain × variable keeps the million-row case small). Only variances (the diagonal)
are computed. ``nested_domain_variance`` is the same sum for the common case of domains that
each hold whole first-stage units (a region's respondents in its own PSUs), without the
matrix: plain counting, and scipy is not even imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import numpy as np

from minsheng.core.survey.calibrate import Calibration, residualise
from minsheng.core.survey.design import Design, Stage
from minsheng.core.survey.frame import Floats, Ints

if TYPE_CHECKING:
    import scipy.sparse as sp

CHUNK = 64  # columns densified at a time when a calibration has to be removed first
DENSE_CELLS = 20_000_000  # strata × columns summed as a dense array (single-row units)


def variance(
    design: Design, x: sp.csr_matrix | Floats, calibration: Calibration | None = None
) -> Floats:
    """Variance of the column totals of ``x`` (already weighted influence values; a dense
    array stays dense)."""
    import scipy.sparse as sp

    matrix = x if isinstance(x, np.ndarray) else sp.csr_matrix(x)
    if calibration is None:
        return _stages(design, matrix)
    p = matrix.shape[1]
    out = np.empty(p)
    for start in range(0, p, CHUNK):
        part = matrix[:, start : start + CHUNK]
        dense = part if isinstance(part, np.ndarray) else part.toarray()
        out[start : start + CHUNK] = _stages(design, residualise(dense, calibration))
    return out


def _stages(design: Design, x: sp.csr_matrix | Floats) -> Floats:
    total = np.zeros(x.shape[1])
    multiplier = np.ones(design.n)
    for k, stage in enumerate(design.stages):
        if k > 0 and not design.has_fpc:
            break
        total += _one_stage(stage, x, multiplier, design.lonely_psu, first=k == 0)
        if stage.population is not None:
            multiplier = multiplier * stage.n / stage.population
    return total


def _square(m: sp.csr_matrix) -> sp.csr_matrix:
    import scipy.sparse as sp

    return sp.csr_matrix(m.multiply(m))


Sums: TypeAlias = (
    "tuple[Floats, Floats, Floats] | tuple[sp.csr_matrix, sp.csr_matrix, sp.csr_matrix]"
)


def _stratum_sums(stage: Stage, x: sp.csr_matrix | Floats, present_too: bool) -> Sums:
    """Per stratum and column: the sum of the units' totals, of their squares, and whether any
    unit has a value (for ``lonely_psu = "average"``; a dense array's are left 0 unless
    ``present_too``)."""
    if isinstance(x, np.ndarray):
        return _dense_sums(stage, x, present_too)
    single = len(stage.cluster_stratum) == len(stage.cluster)
    if single and len(stage.first_row) * x.shape[1] <= DENSE_CELLS:
        return _row_unit_sums(stage, x)
    return _cluster_sums(stage, x)


def _dense_sums(stage: Stage, x: Floats, present_too: bool) -> tuple[Floats, Floats, Floats]:
    n_clusters, n_strata, n_cols = len(stage.cluster_stratum), len(stage.first_row), x.shape[1]
    totals = x
    unit_stratum = stage.stratum
    if n_clusters != len(stage.cluster):
        totals = np.zeros((n_clusters, n_cols))
        np.add.at(totals, stage.cluster, x)
        unit_stratum = stage.cluster_stratum
    s1, s2 = np.empty((n_strata, n_cols)), np.empty((n_strata, n_cols))
    present = np.zeros((n_strata, n_cols))
    for j in range(n_cols):  # a column at a time: no unit × column temporaries
        column = np.ascontiguousarray(totals[:, j])
        s1[:, j] = np.bincount(unit_stratum, column, minlength=n_strata)
        s2[:, j] = np.bincount(unit_stratum, column * column, minlength=n_strata)
        if present_too:
            present[:, j] = np.bincount(unit_stratum, column != 0, minlength=n_strata) > 0
    return s1, s2, present


def _row_unit_sums(stage: Stage, x: sp.csr_matrix) -> tuple[Floats, Floats, Floats]:
    """Every unit is a single row (a poll's respondents): a unit's total is its row, and the
    stratum sums are counts over (stratum, column) keys."""
    n_strata, n_cols = len(stage.first_row), x.shape[1]
    entry_row = np.repeat(np.arange(len(stage.cluster)), np.diff(x.indptr))
    key = stage.stratum[entry_row] * n_cols + x.indices
    size = n_strata * n_cols
    s1: Floats = np.bincount(key, x.data, minlength=size).astype(np.float64)
    s2: Floats = np.bincount(key, x.data * x.data, minlength=size).astype(np.float64)
    present = np.bincount(key, minlength=size).reshape(n_strata, n_cols) > 0
    shape = (n_strata, n_cols)
    return s1.reshape(shape), s2.reshape(shape), present.astype(np.float64)


def _cluster_sums(
    stage: Stage, x: sp.csr_matrix
) -> tuple[sp.csr_matrix, sp.csr_matrix, sp.csr_matrix]:
    import scipy.sparse as sp

    n_rows, n_clusters = len(stage.cluster), len(stage.cluster_stratum)
    n_strata = len(stage.first_row)
    to_cluster = sp.csr_matrix(
        (np.ones(n_rows), stage.cluster, np.arange(n_rows + 1)), shape=(n_rows, n_clusters)
    ).T
    to_stratum = sp.csr_matrix(
        (np.ones(n_clusters), stage.cluster_stratum, np.arange(n_clusters + 1)),
        shape=(n_clusters, n_strata),
    ).T
    totals = sp.csr_matrix(to_cluster @ x)
    pattern = totals.copy()
    pattern.data = np.ones_like(pattern.data)
    present = sp.csr_matrix(to_stratum @ pattern)
    present.data = np.ones_like(present.data)
    return sp.csr_matrix(to_stratum @ totals), sp.csr_matrix(to_stratum @ _square(totals)), present


def _one_stage(
    stage: Stage, x: sp.csr_matrix | Floats, multiplier: Floats, lonely: str, first: bool
) -> Floats:
    s1, s2, present = _stratum_sums(stage, x, present_too=lonely == "average" and first)
    s1_squared = s1 * s1 if isinstance(s1, np.ndarray) else _square(s1)
    scale, centre, counted_ok = _stratum_factors(stage, multiplier, lonely)
    v = (s2.T @ scale) - (s1_squared.T @ centre)
    if lonely == "average" and first:
        # R scales by (strata) / (strata without a lone unit), counting for each estimate only
        # the strata that hold some of its rows: svyby and na.rm subset the design, and a
        # stratum without a row of the domain drops out of both counts.
        strata = np.asarray(present.sum(axis=0)).ravel()
        counted = np.asarray(present.T @ counted_ok).ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.asarray(v).ravel() * np.where(counted > 0, strata / counted, 1.0)
    return np.asarray(v, dtype=np.float64)


def _stratum_factors(
    stage: Stage, multiplier: Floats, lonely: str
) -> tuple[Floats, Floats, Floats]:
    """Per stratum: the factor of Σ X_c², the factor of (Σ X_c)², and whether the stratum
    counts for ``lonely_psu = "average"`` (not a lone unit, or one taken with certainty)."""
    first_row = stage.first_row
    n = stage.n[first_row]
    f = stage.fraction_left()[first_row]
    m = multiplier[first_row]
    single = n == 1
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(single, f, f * n / (n - 1))
    scale = np.where(f < 1e-7, 0.0, scale) * m
    centre = np.where(single & (lonely == "adjust"), 0.0, scale / n)
    if lonely != "adjust":
        # A lone unit minus its own mean is zero: "remove", "certainty" (and "fail", which the
        # design refused before) add nothing; "average" is handled by the caller.
        scale = np.where(single, 0.0, scale)
        centre = np.where(single, 0.0, centre)
    return scale, centre, (~single | (f < 1e-7)).astype(np.float64)


def nested_domain_variance(
    design: Design, rows: Ints, domain: Ints, x: Floats, n_domains: int
) -> Floats | None:
    """The variance of every domain's column totals of ``x`` (one row per row of ``rows``,
    already weighted influence values; ``domain`` per row), equal to ``variance`` on the
    domain × column matrix, when every first-stage unit holding some of ``rows`` holds rows
    of one domain only and the first stage stands for all (no fpc, or a single stage).
    Then a unit's total sits in its domain's columns alone, and each (stratum, domain) pair
    is summed by counting. Returns (domains, columns), or None when the design is not so."""
    if design.has_fpc and len(design.stages) > 1:
        return None
    stage = design.stages[0]
    unit = stage.cluster[rows]
    n_units = len(stage.cluster_stratum)
    unit_domain = np.full(n_units, -1, dtype=np.int64)
    unit_domain[unit] = domain
    if not np.array_equal(unit_domain[unit], domain):
        return None  # a unit with rows of two domains
    used = np.flatnonzero(unit_domain >= 0)
    key = stage.cluster_stratum[used] * n_domains + unit_domain[used]
    pairs, pair = np.unique(key, return_inverse=True)
    pair_stratum, pair_domain = pairs // n_domains, pairs % n_domains
    scale, centre, counted_ok = _stratum_factors(stage, np.ones(design.n), design.lonely_psu)
    boost = np.ones(n_domains)
    if design.lonely_psu == "average":  # as in _one_stage: the strata holding rows count
        strata = np.bincount(pair_domain, minlength=n_domains)
        counted = np.bincount(pair_domain, counted_ok[pair_stratum], minlength=n_domains)
        with np.errstate(divide="ignore", invalid="ignore"):
            boost = np.where(counted > 0, strata / counted, 1.0)
    out = np.empty((n_domains, x.shape[1]))
    for c in range(x.shape[1]):
        totals = np.bincount(unit, x[:, c], minlength=n_units)[used]
        s1 = np.bincount(pair, totals, minlength=len(pairs))
        s2 = np.bincount(pair, totals * totals, minlength=len(pairs))
        terms = scale[pair_stratum] * s2 - centre[pair_stratum] * s1 * s1
        out[:, c] = np.bincount(pair_domain, terms, minlength=n_domains) * boost
    return out
