"""Monte Carlo rank intervals and first-order sensitivity indices against cases whose answer is
known by hand, so that a wrong quantile, a silent widening or a wrong variance split fails.

References: the first-order index of an additive model Y = Σ cₖXₖ with independent Xₖ is
Sₖ = cₖ² Var(Xₖ) / Σ cⱼ² Var(Xⱼ) (Saltelli et al., *Global Sensitivity Analysis: The Primer*,
2008, §1.2.5); rank quantiles are read off the draws directly."""

from __future__ import annotations

import numpy as np
import pytest

from minsheng.core.index import uncertainty
from minsheng.core.index.model import Aggregate

NOMINAL = np.array([1.0, 2.0])


def _spread(index_fn, nominal=NOMINAL, runs=400):  # type: ignore[no-untyped-def]
    scores = {"minmax": np.zeros((2, 1))}
    mc = uncertainty.MonteCarlo(
        runs=runs,
        seed=3,
        noise=0.0,
        normalisations=("minmax",),
        aggregations=("arithmetic", "geometric"),
    )
    return uncertainty.rank_spread(scores, np.ones(1), index_fn, nominal, mc)


def test_a_lead_no_assumption_can_overturn_gives_a_point_interval() -> None:
    spread = _spread(lambda s, w, a: np.array([0.9, 0.1]))
    assert spread.p05.tolist() == [1.0, 2.0] and spread.p95.tolist() == [1.0, 2.0]
    assert not spread.nominal_outside.any()
    # Nothing moves: no assumption explains anything.
    assert spread.sensitivity == {"weights": 0.0, "normalisation": 0.0, "aggregation": 0.0}


def test_an_order_the_aggregation_flips_half_the_time_spans_both_ranks() -> None:
    def index(s: np.ndarray, w: np.ndarray, a: Aggregate) -> np.ndarray:
        return np.array([0.9, 0.1]) if a == "arithmetic" else np.array([0.1, 0.9])

    spread = _spread(index)
    assert spread.p05.tolist() == [1.0, 1.0] and spread.p95.tolist() == [2.0, 2.0]
    assert set(spread.median.tolist()) <= {1.0, 2.0}  # a rank that occurred
    assert not spread.nominal_outside.any()
    # The aggregation decides every shift: its first-order index is 1.
    assert spread.sensitivity["aggregation"] == pytest.approx(1.0, abs=0.02)
    assert spread.sensitivity["weights"] == pytest.approx(0.0, abs=0.02)


def test_a_nominal_rank_no_draw_produces_is_flagged_and_the_interval_widened() -> None:
    spread = _spread(lambda s, w, a: np.array([0.1, 0.9]))  # every draw: region 0 second
    assert spread.nominal_outside.tolist() == [True, True]
    assert spread.p05.tolist() == [1.0, 1.0] and spread.p95.tolist() == [2.0, 2.0]


def test_quantiles_are_ranks_that_occurred_at_the_five_percent_points() -> None:
    """Region 0 is third in 10 % of 1,000 draws and first otherwise: P05 = 1, P95 = 3."""
    draws = iter(range(10_000))

    def index(s: np.ndarray, w: np.ndarray, a: Aggregate) -> np.ndarray:
        k = next(draws)
        return np.array([0.1, 0.5, 0.6]) if k % 10 == 0 else np.array([0.9, 0.5, 0.6])

    scores = {"minmax": np.zeros((3, 1))}
    mc = uncertainty.MonteCarlo(runs=1000, seed=1, normalisations=("minmax",))
    spread = uncertainty.rank_spread(scores, np.ones(1), index, np.array([1.0, 3.0, 2.0]), mc)
    assert (spread.p05[0], spread.median[0], spread.p95[0]) == (1.0, 1.0, 3.0)


@pytest.mark.parametrize(("c1", "c2"), [(1.0, 1.0), (2.0, 1.0), (1.0, 3.0)])
def test_first_order_indices_of_an_additive_model(c1: float, c2: float) -> None:
    rng = np.random.default_rng(7)
    x1 = rng.integers(0, 2, 200_000)  # Bernoulli(½): variance ¼
    x2 = rng.integers(0, 2, 200_000)
    y = c1 * x1 + c2 * x2
    total = c1**2 + c2**2
    assert uncertainty.first_order(y, x1) == pytest.approx(c1**2 / total, abs=0.01)
    assert uncertainty.first_order(y, x2) == pytest.approx(c2**2 / total, abs=0.01)
