"""The tails the integrity checks are judged by, against independent references: a direct
simulation of the Poisson stream for the scan statistic; draws from a known beta for the peers'
fit; scipy's binomial for the tails."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from minsheng.core.integrity.stats import (
    binom_sf,
    concentrated,
    peer_beta,
    scan_tail,
    spikes,
    strength,
)


def _simulated_scan(rate: float, window: float, span: float, k: int, runs: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(runs):
        n = rng.poisson(rate * span)
        if n < k:
            continue
        t = np.sort(rng.uniform(0, span, n))
        hits += bool(np.min(t[k - 1 :] - t[: n - k + 1]) <= window)
    return hits / runs


@pytest.mark.parametrize(
    ("rate", "window", "span", "k"),
    [(0.05, 10, 10_000, 6), (0.01, 10, 20_000, 4), (0.1, 10, 5_000, 8)],
)
def test_scan_tail_matches_a_simulation_of_the_stream(
    rate: float, window: float, span: float, k: int
) -> None:
    # Reference: 4,000 simulated streams; Alm's approximation is within 25 % of the frequency
    # (Glaz, Naus & Wallenstein report errors of this order for these ψ), and never far below.
    simulated = _simulated_scan(rate, window, span, k, 4000, seed=k)
    approx = scan_tail(k, rate, window, span)
    assert approx == pytest.approx(simulated, rel=0.25)


def test_scan_tail_keeps_tiny_tails_apart() -> None:
    # Twelve ratings in ten minutes from a tablet that rates twice an hour: far beyond 1e-12,
    # and more in the window is always less likely.
    tails = [scan_tail(k, 2 / 3600, 600, 20 * 8 * 3600) for k in (8, 10, 12)]
    assert 0 < tails[2] < tails[1] < 1e-6 < tails[0] < 1e-3


def test_peer_beta_recovers_known_parameters() -> None:
    rng = np.random.default_rng(3)
    a, b = 3.0, 97.0
    n = rng.integers(300, 3000, 400)
    x = rng.binomial(n, rng.beta(a, b, 400))
    fit = peer_beta(x, n)
    assert fit is not None
    assert fit.mean == pytest.approx(a / (a + b), rel=0.05)
    assert fit.a + fit.b == pytest.approx(a + b, rel=0.35)


def test_peer_beta_needs_five_peers_of_thirty() -> None:
    assert peer_beta([1, 2, 3, 4], [100, 100, 100, 100]) is None
    assert peer_beta([1, 2, 3, 4, 5], [100, 100, 100, 100, 10]) is None


def test_identical_peers_are_one_binomial() -> None:
    fit = peer_beta([30] * 10, [1000] * 10)
    assert fit is not None and fit.a + fit.b > 1e4
    assert fit.mean == pytest.approx(0.03, rel=1e-3)


def test_spikes_find_a_minute_and_leave_the_edge_of_a_busy_period() -> None:
    counts = np.zeros(1440, dtype=np.int64)
    counts[540:720] = 20  # 9:00–12:00, sharp edges
    counts[1430] = 140  # 23:50, a nightly job
    found = spikes(counts, span=30, circular=True, alpha=1e-3)
    assert [s.bin for s in found] == [1430]
    assert found[0].expected == pytest.approx(0.5)  # the floor: nothing near it


def test_strength_and_binomial_tails() -> None:
    assert strength(1e-6) == pytest.approx(6)
    assert strength(0.0) == 30 and strength(1.0) == 0
    assert binom_sf(3, 10, 0.1) == pytest.approx(1 - stats.binom.cdf(2, 10, 0.1))
    # all ten copies of a text at a centre holding 1 % of the city's comments
    assert concentrated(10, 10, 0.01) == pytest.approx(1e-20)
    assert math.isclose(concentrated(0, 5, 0.5), 1.0)
