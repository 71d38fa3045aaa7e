"""Design weights, weight diagnostics and trimming.

Design weights from a stratified plan: a stratum h with N_h numbers in the frame of which m_h
were issued (drawn and contacted; the quota when the vendor does not report it) has selection
probability m_h / N_h, so base weight N_h / m_h. Of those, r_h answered; the nonresponse
adjustment within the stratum is m_h / r_h (the respondents stand for the stratum's
nonrespondents), so the final weight is N_h / r_h — R's ``svydesign(strata=, fpc=)`` weight when
m_h = r_h. A stratum without respondents cannot be adjusted and is reported, not guessed.

Kish's design effect from unequal weights, deff = n·Σw² / (Σw)², and the effective sample
size (Σw)² / Σw²; trimming as R's ``trimWeights``: weights outside [lower, upper] are set to the
bound and what was cut (or added) is shared equally by the weights inside; with ``strict`` the
step repeats until no weight is outside. Re-rake afterwards to restore the margins.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from minsheng.core.survey.frame import Floats

MAX_ROUNDS = 100
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class StratumWeight:
    frame: float  # N_h
    issued: float  # m_h
    responded: int  # r_h
    base: float  # N_h / m_h
    adjustment: float | None  # m_h / r_h; None without respondents
    weight: float | None  # N_h / r_h

    @property
    def response_rate(self) -> float:
        return self.responded / self.issued if self.issued else 0.0


def design_weights(
    frame: Mapping[K, float], issued: Mapping[K, float], responded: Mapping[K, int]
) -> dict[K, StratumWeight]:
    """Per stratum of ``frame``: base weight, nonresponse adjustment and final weight.
    Raises ``ValueError`` for a stratum issued nothing, or issued more than its frame."""
    out: dict[K, StratumWeight] = {}
    for key, n_frame in frame.items():
        m = float(issued.get(key, 0.0))
        r = int(responded.get(key, 0))
        if m <= 0 and r > 0:
            raise ValueError(f"{key}: {r} respondents but nothing issued")
        if m > n_frame:
            raise ValueError(f"{key}: issued {m:g} exceeds the frame {n_frame:g}")
        base = n_frame / m if m > 0 else 0.0
        out[key] = StratumWeight(
            frame=float(n_frame),
            issued=m,
            responded=r,
            base=base,
            adjustment=m / r if r else None,
            weight=n_frame / r if r else None,
        )
    return out


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
