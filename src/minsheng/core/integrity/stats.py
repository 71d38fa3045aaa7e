"""The tail probabilities the integrity checks are judged by.

Every check asks the same question: how likely is what we see if nobody gamed anything? The
answer is a p-value under a stated clean model; a finding needs p below the check's level, and
its *strength* is −log₁₀ p, so the office can sort by how sure the platform is.

- ``scan_tail``: the chance that a Poisson stream of rate λ over a span T puts at least k events
  into some window of length w (Alm's approximation, Glaz, Naus & Wallenstein, *Scan
  Statistics*, 2001, §2.4); checked against a simulation of the stream in the tests.
- ``peer_beta``: a beta distribution for the peers' rates (beta-binomial maximum likelihood),
  so a centre is judged against its peers' real spread, not a fixed bar.
- ``spikes``: bins of a histogram that stand far above both of their neighbourhoods.
- ``concentrated``: a count at one unit far above its share of the whole.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize, stats

STRENGTH_CAP = 30.0


def strength(p: float) -> float:
    """−log₁₀ p, capped at 30 (a p below 10⁻³⁰ is not more certain for the reader)."""
    if p <= 0 or not math.isfinite(p):
        return STRENGTH_CAP
    return float(min(STRENGTH_CAP, max(0.0, -math.log10(p))))


def binom_sf(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p)."""
    if k <= 0:
        return 1.0
    return float(stats.binom.sf(k - 1, n, p))


def binom_cdf(k: int, n: int, p: float) -> float:
    """P(X ≤ k) for X ~ Binomial(n, p)."""
    return float(stats.binom.cdf(k, n, p))


def poisson_sf(k: int, mu: float) -> float:
    """P(X ≥ k) for X ~ Poisson(mu)."""
    if k <= 0:
        return 1.0
    return float(stats.poisson.sf(k - 1, mu))


def poisson_binomial_sf(k: int, probs: npt.ArrayLike) -> float:
    """P(at least ``k`` successes) among independent trials of the given chances (exact, by
    convolving the trials one by one)."""
    if k <= 0:
        return 1.0
    pmf = np.array([1.0])
    for q in np.asarray(probs, dtype=np.float64):
        pmf = np.concatenate([pmf * (1 - q), [0.0]]) + np.concatenate([[0.0], pmf * q])
    return float(min(1.0, pmf[k:].sum()))


def scan_tail(k: int, rate: float, window: float, span: float) -> float:
    """P(some window of length ``window`` within ``span`` holds ≥ k events) for a Poisson
    stream of ``rate`` events per unit time (Alm 1983, as given by Glaz, Naus & Wallenstein):
    1 − F(k−1; ψ) · exp(−((k − ψ)/k) · λ(T − w) · f(k−1; ψ)), ψ = λw."""
    return float(scan_tails(np.array([k]), np.array([rate]), window, np.array([span]))[0])


def scan_tails(
    k: npt.NDArray[np.int64],
    rate: npt.NDArray[np.float64],
    window: float,
    span: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """``scan_tail`` of many streams at once (each k, rate and span its own)."""
    k = np.asarray(k, dtype=np.float64)
    rate = np.asarray(rate, dtype=np.float64)
    psi = rate * window
    sf = stats.poisson.sf(k - 1, psi)  # 1 − F(k−1; ψ), kept in logs: tails are tiny
    pmf = stats.poisson.pmf(k - 1, psi)
    with np.errstate(divide="ignore", invalid="ignore"):
        exponent = ((k - psi) / k) * rate * np.maximum(span - window, 0.0) * pmf
        tail = np.where(sf < 1, -np.expm1(np.log1p(-np.minimum(sf, 1.0)) - exponent), 1.0)
    tail = np.clip(np.nan_to_num(tail, nan=1.0), 0.0, 1.0)
    tail = np.where(k <= psi, 1.0, tail)
    tail = np.where(psi <= 0, 0.0, tail)
    return np.where(k <= 1, 1.0, tail).astype(np.float64)


@dataclass(frozen=True, slots=True)
class Beta:
    a: float
    b: float

    @property
    def mean(self) -> float:
        return self.a / (self.a + self.b)


MAX_CONCENTRATION = 1e5  # peers that agree to this degree are treated as one binomial rate


def peer_beta(successes: npt.ArrayLike, trials: npt.ArrayLike) -> Beta | None:
    """The beta distribution of the peers' true rates, fitted by maximum likelihood to their
    counts (beta-binomial), started from the method of moments. None without five peers of at
    least 30 trials."""
    x = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    keep = n >= 30
    x, n = x[keep], n[keep]
    if len(n) < 5:
        return None
    mean = x.sum() / n.sum()
    mean = min(max(mean, 0.5 / n.sum()), 1 - 0.5 / n.sum())
    observed = float(np.average((x / n - mean) ** 2, weights=n) * len(n) / (len(n) - 1))
    spread = observed - mean * (1 - mean) * float(np.mean(1 / n))
    if spread <= mean * (1 - mean) / (MAX_CONCENTRATION + 1):
        start = MAX_CONCENTRATION
    else:
        start = min(max(mean * (1 - mean) / spread - 1, 0.5), MAX_CONCENTRATION)

    def cost(theta: npt.NDArray[np.float64]) -> float:
        m, c = 1 / (1 + math.exp(-theta[0])), math.exp(min(theta[1], math.log(MAX_CONCENTRATION)))
        return -float(np.sum(stats.betabinom.logpmf(x, n, m * c, (1 - m) * c)))

    fit = optimize.minimize(
        cost,
        [math.log(mean / (1 - mean)), math.log(start)],
        method="Nelder-Mead",
        options={"xatol": 1e-4, "fatol": 1e-6},
    )
    m = 1 / (1 + math.exp(-fit.x[0]))
    c = math.exp(min(fit.x[1], math.log(MAX_CONCENTRATION)))
    return Beta(m * c, (1 - m) * c)


def betabinom_tail(
    k: npt.ArrayLike, n: npt.ArrayLike, prior: Beta, *, lower: bool
) -> npt.NDArray[np.float64]:
    """Per unit, P(X ≤ k) (``lower``) or P(X ≥ k) for X ~ BetaBinomial(n, a, b)."""
    k_, n_ = np.asarray(k), np.asarray(n)
    if lower:
        return np.asarray(stats.betabinom.cdf(k_, n_, prior.a, prior.b), dtype=np.float64)
    tail = stats.betabinom.sf(k_ - 1, n_, prior.a, prior.b)
    return np.asarray(np.where(k_ <= 0, 1.0, tail), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Spike:
    bin: int
    count: int
    expected: float
    p: float  # Bonferroni-corrected over the bins looked at


def spikes(
    counts: npt.NDArray[np.int64],
    *,
    span: int,
    circular: bool,
    alpha: float,
    min_count: int = 10,
    floor: float = 0.5,
) -> list[Spike]:
    """Bins whose count is far above what *both* of their neighbourhoods (``span`` bins on each
    side, the bin itself left out) lead one to expect: the higher side's mean is the
    expectation, so the edge of a busy period is not mistaken for a spike. Poisson tail,
    Bonferroni-corrected by the number of bins; ``floor`` keeps empty neighbourhoods from
    making any count look impossible."""
    c = np.asarray(counts, dtype=np.float64)
    m = len(c)
    if m == 0:
        return []
    padded = (
        np.concatenate([c, c, c]) if circular else np.concatenate([np.zeros(m), c, np.zeros(m)])
    )
    cum = np.concatenate([[0.0], np.cumsum(padded)])
    idx = np.arange(m) + m
    left = (cum[idx] - cum[idx - span]) / span
    right = (cum[idx + 1 + span] - cum[idx + 1]) / span
    expected = np.maximum(np.maximum(left, right), floor)
    found = []
    for b in np.flatnonzero((c >= min_count) & (c > 3 * expected)):
        p = min(1.0, poisson_sf(int(c[b]), float(expected[b])) * m)
        if p < alpha:
            found.append(Spike(int(b), int(c[b]), float(expected[b]), p))
    return found


def concentrated(count: int, total: int, share: float) -> float:
    """P(at least ``count`` of ``total`` land at a unit that holds ``share`` of the whole)."""
    return binom_sf(count, total, min(max(share, 0.0), 1.0))
