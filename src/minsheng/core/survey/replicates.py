"""Replicate weights — JK1 jackknife and the Rao–Wu bootstrap — as R's ``as.svrepdesign``.

``Replicates.factors`` holds one multiplier per first-stage unit and replicate; a row's
replicate weight is its design weight times its unit's multiplier (then calibrated again when
the design is calibrated). The variance is ``scale · Σ_r (θ_r - θ̄)²`` with θ̄ the mean of the
replicates (R's default ``mse = FALSE``).

JK1 (unstratified designs only): replicate r drops unit r and multiplies the others by
n/(n-1); scale (1 - n/N)(n-1)/n. Bootstrap: in each stratum, draw n_h units with replacement
(without an fpc) or n_h of the N_h population slots without replacement (with one); the
multiplier is the number of times a unit was drawn; scale = n̄/((n̄ - 1)(R - 1)) with n̄ the
harmonic mean of units per stratum. Draws use R's generator (``rrng``), so with the same seed
the replicates are R's own; ``same_as_r=False`` draws the same way from numpy's generator
instead — the same distribution, several times faster, for pages that need no R match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from minsheng.core.survey.design import Design, DesignError
from minsheng.core.survey.frame import Floats, Ints
from minsheng.core.survey.rrng import RRandom

Kind = Literal["JK1", "bootstrap"]
# JK1's multipliers are fractions; the bootstrap's are draw counts, kept as 16-bit integers
# (a quarter of the memory: 200 MB, not 800 MB, for a million respondents × 100 replicates).
Factors = npt.NDArray[np.float64] | npt.NDArray[np.uint16]
KIND_CHOICES: tuple[Kind, ...] = ("JK1", "bootstrap")
MAX_REPLICATES = 5000


@dataclass(frozen=True, slots=True)
class Replicates:
    kind: Kind
    unit: Ints  # per row: first-stage unit (0..U-1)
    factors: Factors  # U × R multipliers
    scale: float

    @property
    def count(self) -> int:
        return int(self.factors.shape[1])


def _units(design: Design) -> tuple[Ints, Ints]:
    """Per row a unit index in order of first appearance, and each unit's stratum."""
    cluster = design.stages[0].cluster
    _, first, inverse = np.unique(cluster, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # unit index by first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    unit = rank[inverse.reshape(-1)].astype(np.int64)
    stratum = np.empty(len(order), dtype=np.int64)
    stratum[unit] = design.stages[0].stratum
    return unit, stratum


def jk1(design: Design) -> Replicates:
    if design.has_strata:
        raise DesignError(
            "JK1 只用于不分层的设计；分层设计请用 bootstrap / JK1 is for unstratified designs; "
            "use bootstrap"
        )
    unit, _ = _units(design)
    n = int(unit.max()) + 1
    factors = np.full((n, n), n / (n - 1))
    np.fill_diagonal(factors, 0.0)
    f = 1.0
    population = design.stages[0].population
    if population is not None:
        values = np.unique(population)
        if len(values) > 1:
            raise DesignError("JK1：第一阶段 fpc 须唯一 / JK1 needs one first-stage fpc value")
        f = float((values[0] - n) / values[0]) if np.isfinite(values[0]) else 1.0
    return Replicates("JK1", unit, factors, f * (n - 1) / n)


def bootstrap(design: Design, replicates: int, seed: int, *, same_as_r: bool = True) -> Replicates:
    if not 2 <= replicates <= MAX_REPLICATES:
        raise DesignError(
            f"bootstrap 重复数须在 2 到 {MAX_REPLICATES} 之间 / replicates must be between 2 "
            f"and {MAX_REPLICATES}"
        )
    unit, unit_stratum = _units(design)
    n_units = len(unit_stratum)
    population = design.stages[0].population
    unit_population = None
    if population is not None:
        unit_population = np.empty(n_units)
        unit_population[unit] = population
    rng = RRandom(seed)
    fast = np.random.default_rng(seed)
    factors = np.zeros((n_units, replicates), dtype=np.uint16)
    # Strata in order of first appearance, as R loops over them; each stratum's units in order.
    strata, first = np.unique(unit_stratum, return_index=True)
    by_stratum = np.argsort(unit_stratum, kind="stable")
    counts = np.bincount(unit_stratum)
    ends = np.cumsum(counts)
    sizes = []
    for s in strata[np.argsort(first)]:
        members = by_stratum[ends[s] - counts[s] : ends[s]]
        n = len(members)
        sizes.append(n)
        if unit_population is None and not same_as_r:
            factors[members] = _draw_counts(fast.integers(0, n, size=(replicates, n)), n)
            continue
        shuffled = members[rng.sample_without_replacement(n, n)] if n > 1 else members
        if unit_population is None:
            draws = rng.indices_with_replacement(n, n * replicates).reshape(replicates, n)
            # Draw j of replicate r picks unit shuffled[j].
            factors[shuffled] = _draw_counts(draws, n)
        else:
            size = unit_population[members[0]]
            pool = np.resize(shuffled, int(size)) if np.isfinite(size) else shuffled
            for r in range(replicates):
                picks = rng.sample_without_replacement(len(pool), n)
                np.add.at(factors[:, r], pool[picks], 1)
    return Replicates("bootstrap", unit, factors, bootstrap_scale(sizes, replicates))


def bootstrap_scale(units_per_stratum: Sequence[int] | Ints, replicates: int) -> float:
    """n̄/((n̄ − 1)(R − 1)), n̄ the harmonic mean of the units per stratum (R's ``bootweights``)."""
    harmonic = 1.0 / float(np.mean(1.0 / np.asarray(units_per_stratum, dtype=np.float64)))
    return harmonic / ((harmonic - 1.0) * (replicates - 1))


def _draw_counts(draws: Ints, n: int) -> Ints:
    """``draws``: replicates × n positions in 0..n-1 → how often each position was drawn in
    every replicate (n × replicates), all at once."""
    replicates = draws.shape[0]
    cells = draws * replicates + np.arange(replicates)[:, None]
    return np.bincount(cells.ravel(), minlength=n * replicates).reshape(n, replicates)


def replicate_variance(thetas: Floats, scale: float) -> Floats:
    """``svrVar`` with ``mse = FALSE``: rows are replicates; replicates giving NaN are dropped."""
    out = np.empty(thetas.shape[1])
    for j in range(thetas.shape[1]):
        column = thetas[:, j]
        column = column[np.isfinite(column)]
        out[j] = scale * float(np.sum((column - column.mean()) ** 2)) if len(column) else np.nan
    return out
