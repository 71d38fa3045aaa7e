"""Uncertainty and sensitivity of the composite (OECD/JRC Handbook 2008 §7; COINr
``get_sensitivity``).

Each Monte Carlo run draws three assumptions independently and uniformly:

weights
    one of ``weight_sets`` pre-drawn sets, each indicator weight multiplied by U(1 − noise,
    1 + noise) (COINr ``get_noisy_weights``); category weights stay nominal;
normalisation
    one of the usable methods among ``normalisations`` (``target``/``goalposts`` only when the
    catalog has targets/bounds for every indicator);
aggregation
    one of ``aggregations``.

Per region the result is the distribution of its rank: the median and the 5 % and 95 %
quantiles (lower and higher order statistics, so they are ranks that occurred). The reported
interval is widened to contain the nominal rank if it ever falls outside (``nominal_outside``).

The first-order sensitivity index of assumption *k* is Sₖ = Var(E[Y | Xₖ]) / Var(Y), where Y is
the mean absolute rank shift against the nominal ranks (COINr's default output). Var(E[Y | Xₖ]) is
estimated from the same runs by one-way analysis of variance over the levels of Xₖ (the
between-group variance less its expected sampling part, method of moments; a given-data
estimator in the sense of Plischke, Borgonovo & Smith 2013), clipped to [0, 1].
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from minsheng.core.index.model import AGGREGATE_CHOICES, Aggregate, Array, Normalise
from minsheng.core.index.ranking import competition_rank


@dataclass(frozen=True, slots=True)
class MonteCarlo:
    runs: int = 1000
    seed: int = 0
    noise: float = 0.25
    weight_sets: int = 20
    normalisations: tuple[Normalise, ...] = ("minmax", "zscore", "target", "goalposts")
    aggregations: tuple[Aggregate, ...] = AGGREGATE_CHOICES


@dataclass(frozen=True, slots=True)
class RankSpread:
    p05: Array
    median: Array
    p95: Array
    nominal_outside: np.ndarray
    sensitivity: dict[str, float]
    methods: dict[str, list[str]]
    runs: int
    # Each region's index across the runs: its standard deviation (what an assessment takes as
    # the index component's standard error when it propagates the uncertainty to its ranks).
    index_sd: Array | None = None


# Builds the overall index from normalised scores, indicator weights and the aggregation method.
IndexFn = Callable[[Array, Array, Aggregate], Array]


def rank_spread(
    scores_by_method: dict[Normalise, Array],
    weights: Array,
    index_fn: IndexFn,
    nominal_rank: Array,
    mc: MonteCarlo,
) -> RankSpread:
    """Run ``mc.runs`` Monte Carlo draws; ``scores_by_method`` holds the normalised scores for
    each usable method, ``index_fn`` aggregates them."""
    if mc.runs < 2:
        raise ValueError("uncertainty needs at least 2 runs")
    rng = np.random.default_rng(mc.seed)
    methods = [m for m in mc.normalisations if m in scores_by_method]
    aggs = list(mc.aggregations)
    n_sets = max(1, min(mc.weight_sets, mc.runs))
    wsets = weights[None, :] * rng.uniform(1 - mc.noise, 1 + mc.noise, (n_sets, weights.size))
    draw_w = rng.integers(0, n_sets, mc.runs)
    draw_n = rng.integers(0, len(methods), mc.runs)
    draw_a = rng.integers(0, len(aggs), mc.runs)
    ranks = np.empty((mc.runs, nominal_rank.size))
    indices = np.empty((mc.runs, nominal_rank.size))
    for k in range(mc.runs):
        index = index_fn(scores_by_method[methods[draw_n[k]]], wsets[draw_w[k]], aggs[draw_a[k]])
        ranks[k] = competition_rank(index)
        indices[k] = index
    valid = ~np.isnan(nominal_rank)
    p05 = np.full(nominal_rank.size, np.nan)
    p50, p95 = p05.copy(), p05.copy()
    if valid.any():
        sub = ranks[:, valid]
        p05[valid] = np.quantile(sub, 0.05, axis=0, method="lower")
        p50[valid] = np.quantile(sub, 0.5, axis=0, method="nearest")
        p95[valid] = np.quantile(sub, 0.95, axis=0, method="higher")
    outside = valid & ((nominal_rank < p05) | (nominal_rank > p95))
    p05 = np.where(outside, np.fmin(p05, nominal_rank), p05)
    p95 = np.where(outside, np.fmax(p95, nominal_rank), p95)
    shift = np.abs(ranks[:, valid] - nominal_rank[valid]).mean(axis=1) if valid.any() else None
    sens = {}
    if shift is not None:
        sens = {
            "weights": first_order(shift, draw_w),
            "normalisation": first_order(shift, draw_n),
            "aggregation": first_order(shift, draw_a),
        }
    return RankSpread(
        p05,
        p50,
        p95,
        outside,
        sens,
        {"normalisation": list(methods), "aggregation": list(map(str, aggs))},
        mc.runs,
        index_sd=_sd(indices),
    )


def first_order(y: Array, level: np.ndarray) -> float:
    """Sₖ = Var(E[Y|X]) / Var(Y) by one-way ANOVA (method of moments) over the levels of X."""
    total = float(np.var(y))
    if total <= 0:
        return 0.0
    levels, inverse, counts = np.unique(level, return_inverse=True, return_counts=True)
    if levels.size < 2:
        return 0.0
    means = np.bincount(inverse, weights=y) / counts
    within = np.bincount(inverse, weights=(y - means[inverse]) ** 2)
    n, g = y.size, levels.size
    ms_within = float(within.sum()) / max(n - g, 1)
    between = float(np.sum(counts * (means - y.mean()) ** 2)) / n
    # E[between] = Var(E[Y|X]) + (g − 1)/n · σ²_within
    estimate = between - (g - 1) / n * ms_within
    return float(np.clip(estimate / total, 0.0, 1.0))


def _sd(values: Array) -> Array:
    """Standard deviation per column over the runs (NaN where a column has no value)."""
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sd: Array = np.nanstd(values, axis=0, ddof=1)
        return sd
