"""Taylor-linearisation variance of weighted influence values, as R's ``svyrecvar``.

For each stage, within each stratum h with n_h sampled units (clusters) and sampling fraction
n_h/N_h: v_h = (1 - n_h/N_h) · n_h/(n_h - 1) · Σ_c (X_c - X̄_h)², X_c the sum of the
influence values in unit c and X̄_h their mean over the n_h units (units without any value
count as zeros, so domain estimates keep the full design). Later stages are added, each
multiplied by the sampling fractions of the stages above, only when an fpc is given (else
the first stage stands for all, the "ultimate cluster" approximation R uses too).

Columns are independent estimates; ``x`` may be a dense array or a scipy sparse matrix (one
column per domain × variable keeps the million-row case small). Only variances (the diagonal)
are computed.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from minsheng.core.survey.calibrate import Calibration, residualise
from minsheng.core.survey.design import Design, Stage
from minsheng.core.survey.frame import Floats

CHUNK = 64  # columns densified at a time when a calibration has to be removed first


def variance(
    design: Design, x: sp.csr_matrix | Floats, calibration: Calibration | None = None
) -> Floats:
    """Variance of the column totals of ``x`` (already weighted influence values)."""
    matrix = sp.csr_matrix(x)
    if calibration is None:
        return _stages(design, matrix)
    p = matrix.shape[1]
    out = np.empty(p)
    for start in range(0, p, CHUNK):
        dense = matrix[:, start : start + CHUNK].toarray()
        out[start : start + CHUNK] = _stages(design, sp.csr_matrix(residualise(dense, calibration)))
    return out


def _stages(design: Design, x: sp.csr_matrix) -> Floats:
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
    return sp.csr_matrix(m.multiply(m))


def _one_stage(
    stage: Stage, x: sp.csr_matrix, multiplier: Floats, lonely: str, first: bool
) -> Floats:
    n_rows = len(stage.cluster)
    n_clusters = len(stage.cluster_stratum)
    n_strata = len(stage.first_row)
    to_cluster = sp.csr_matrix(
        (np.ones(n_rows), stage.cluster, np.arange(n_rows + 1)), shape=(n_rows, n_clusters)
    ).T
    to_stratum = sp.csr_matrix(
        (np.ones(n_clusters), stage.cluster_stratum, np.arange(n_clusters + 1)),
        shape=(n_clusters, n_strata),
    ).T
    sums = sp.csr_matrix(to_cluster @ x)
    s1 = sp.csr_matrix(to_stratum @ sums)
    s2 = sp.csr_matrix(to_stratum @ _square(sums))

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
        # design refused before) add nothing; "average" is handled below.
        scale = np.where(single, 0.0, scale)
        centre = np.where(single, 0.0, centre)
    v = (s2.T @ scale) - (_square(s1).T @ centre)
    if lonely == "average" and first:
        # R scales by (strata) / (strata without a lone unit), counting for each estimate only
        # the strata that hold some of its rows: svyby and na.rm subset the design, and a
        # stratum without a row of the domain drops out of both counts.
        pattern = x.copy()
        pattern.data = np.ones_like(pattern.data)
        present = sp.csr_matrix(to_stratum @ sp.csr_matrix(to_cluster @ pattern))
        present.data = np.ones_like(present.data)
        counted_ok = (~single | (f < 1e-7)).astype(np.float64)
        strata = np.asarray(present.sum(axis=0)).ravel()
        counted = np.asarray(present.T @ counted_ok).ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.asarray(v).ravel() * np.where(counted > 0, strata / counted, 1.0)
    return np.asarray(v, dtype=np.float64)
