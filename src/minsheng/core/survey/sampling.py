"""Sampling plans: allocating a sample over strata and the sample size a margin of error needs.

- Proportional: n_h ∝ N_h.  Neyman: n_h ∝ N_h·S_h (S_h from the previous round), which gives the
  smallest variance of the overall mean for a fixed n.  Equal per region: every region gets the
  same n (at least ``min_n``), split over its strata proportionally, so small regions can be
  reported on too.
- No stratum gets more than its frame (N_h); the rest is re-allocated. Integers by the largest
  remainder method, so the total is exactly n.
- Sample size for a proportion (or a mean with standard deviation σ) within ±e at confidence
  1 - α: n₀ = z²·p(1-p)·deff / e² (σ² instead of p(1-p)), with the finite population correction
  n = n₀ / (1 + (n₀ - 1)/N), rounded up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


class PlanError(ValueError):
    """The plan is impossible (e.g. more interviews than numbers in the frame)."""


def _largest_remainder(shares: Mapping[str, float], total: int) -> dict[str, int]:
    floors = {k: math.floor(v) for k, v in shares.items()}
    left = total - sum(floors.values())
    order = sorted(shares, key=lambda k: (-(shares[k] - floors[k]), k))
    for k in order[:left]:
        floors[k] += 1
    return floors


def allocate(
    frame: Mapping[str, float], n: int, *, spread: Mapping[str, float] | None = None
) -> dict[str, int]:
    """Proportional (or Neyman, with ``spread`` = S_h) allocation of n over the strata of
    ``frame`` (N_h), capped at N_h."""
    if n < 0:
        raise PlanError("样本量不能为负 / n must not be negative")
    capacity = sum(math.floor(v) for v in frame.values())
    if n > capacity:
        raise PlanError(f"样本量 {n} 超过抽样框 {capacity} / n exceeds the frame")
    size = {k: (frame[k] * (spread[k] if spread is not None else 1.0)) for k in frame}
    fixed: dict[str, float] = {}
    while True:
        free = {k: v for k, v in size.items() if k not in fixed}
        left = n - sum(fixed.values())
        weight = sum(free.values())
        shares = {k: left * v / weight if weight else left / len(free) for k, v in free.items()}
        over = {k for k, s in shares.items() if s > math.floor(frame[k])}
        if not over:
            break
        for k in over:
            fixed[k] = math.floor(frame[k])
    result = _largest_remainder({**shares, **fixed}, n)
    return {k: result[k] for k in frame}


def equal_per_region(
    frame: Mapping[str, Mapping[str, float]], per_region: int, *, min_n: int = 0
) -> dict[str, dict[str, int]]:
    """The same n in every region (at least ``min_n``), split over each region's strata."""
    n = max(per_region, min_n)
    return {region: allocate(strata, n) for region, strata in frame.items()}


@dataclass(frozen=True, slots=True)
class SizeNeed:
    n: int
    n0: float  # before the finite population correction
    z: float


def sample_size(
    margin: float,
    *,
    p: float = 0.5,
    sd: float | None = None,
    deff: float = 1.0,
    population: float | None = None,
    confidence: float = 0.95,
) -> SizeNeed:
    if margin <= 0 or not 0 < confidence < 1 or deff <= 0:
        raise PlanError("误差界、置信度与设计效应须为正 / margin, confidence and deff must be > 0")
    from scipy.stats import norm  # here: scipy.stats takes half a second to import

    z = float(norm.ppf(1 - (1 - confidence) / 2))
    variance = sd * sd if sd is not None else p * (1 - p)
    n0 = z * z * variance * deff / (margin * margin)
    n = n0 if population is None else n0 / (1 + (n0 - 1) / population)
    return SizeNeed(math.ceil(n - 1e-9), n0, z)


@dataclass(frozen=True, slots=True)
class QuotaRow:
    region: str
    stratum: str
    frame: float
    quota: int


def quota_table(
    allocation: Mapping[str, Mapping[str, int]], frame: Mapping[str, Mapping[str, float]]
) -> list[QuotaRow]:
    return [
        QuotaRow(region, stratum, frame[region][stratum], quota)
        for region, strata in allocation.items()
        for stratum, quota in strata.items()
    ]


def margins_of(rows: Sequence[QuotaRow]) -> dict[str, int]:
    """Quota per region (for the vendor's summary line)."""
    out: dict[str, int] = {}
    for row in rows:
        out[row.region] = out.get(row.region, 0) + row.quota
    return out
