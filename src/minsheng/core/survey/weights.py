"""Weight diagnostics and trimming.

Kish's design effect from unequal weights, deff = n·Σw² / (Σw)², and the effective sample
size (Σw)² / Σw²; trimming as R's ``trimWeights``: weights outside [lower, upper] are set to the
bound and what was cut (or added) is shared equally by the weights inside; with ``strict`` the
step repeats until no weight is outside. Re-rake afterwards to restore the margins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from minsheng.core.survey.frame import Floats

MAX_ROUNDS = 100


@dataclass(frozen=True, slots=True)
class WeightSummary:
    n: int
    total: float
    minimum: float
    maximum: float
    ratio: float  # largest / smallest positive weight
    cv: float  # coefficient of variation
    kish_deff: float
    effective_n: float


def summary(weights: Floats) -> WeightSummary:
    w = np.asarray(weights, dtype=np.float64)
    w = w[w > 0]
    n = len(w)
    if n == 0:
        return WeightSummary(0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    total, squares = float(w.sum()), float((w * w).sum())
    return WeightSummary(
        n=n,
        total=total,
        minimum=float(w.min()),
        maximum=float(w.max()),
        ratio=float(w.max() / w.min()),
        cv=float(w.std(ddof=0) / w.mean()),
        kish_deff=n * squares / total**2,
        effective_n=total**2 / squares,
    )


def trim(
    weights: Floats, *, upper: float = np.inf, lower: float = -np.inf, strict: bool = False
) -> Floats:
    if lower > upper:
        raise ValueError("lower bound above upper bound")
    w = np.asarray(weights, dtype=np.float64).copy()
    for _ in range(MAX_ROUNDS):
        outside = (w < lower) | (w > upper)
        if not outside.any() or outside.all():
            return w
        clipped = np.clip(w, lower, upper)
        cut = float((w - clipped).sum())
        w = clipped
        w[~outside] += cut / int((~outside).sum())
        if not strict:
            return w
    return w
