"""Properties of the index that must hold for any data (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from minsheng.core.index import engine, normalise, uncertainty
from minsheng.core.index.model import Policy
from minsheng.core.index.periods import Period

from .helpers import CATALOG, panel

Q4 = Period(2025, 4)
values = st.floats(min_value=0.5, max_value=1000, allow_nan=False, allow_infinity=False)
matrices = st.integers(3, 12).flatmap(lambda n: arrays(np.float64, (n, 3), elements=values))
policies = st.builds(
    Policy,
    normalise=st.sampled_from(["minmax", "zscore", "target", "goalposts"]),
    aggregate=st.sampled_from(["arithmetic", "geometric"]),
)


@settings(max_examples=150, deadline=None)
@given(
    x=matrices,
    policy=policies,
    region=st.integers(0, 11),
    ind=st.integers(0, 2),
    step=st.floats(0.01, 100),
)
def test_improving_an_indicator_never_lowers_the_score_or_index(
    x: np.ndarray, policy: Policy, region: int, ind: int, step: float
) -> None:
    region %= x.shape[0]
    before = engine.period_index(panel(x), Q4, policy)
    better = x.copy()
    better[region, ind] += step * CATALOG[ind].polarity  # in its good direction
    after = engine.period_index(panel(better), Q4, policy)
    tol = 1e-9
    assert after[0][region, ind] >= before[0][region, ind] - tol
    assert after[2][region] >= before[2][region] - tol


@settings(max_examples=100, deadline=None)
@given(x=matrices, scale=st.floats(0.01, 1000), shift=st.floats(-100, 100))
def test_minmax_and_zscore_do_not_depend_on_the_unit(
    x: np.ndarray, scale: float, shift: float
) -> None:
    pol = np.array([i.polarity for i in CATALOG], dtype=np.float64)
    for method in (normalise.minmax, normalise.zscore):
        np.testing.assert_allclose(method(x * scale + shift, pol), method(x, pol), atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(x=matrices, seed=st.integers(0, 1000))
def test_rank_interval_contains_the_nominal_rank(x: np.ndarray, seed: int) -> None:
    result = engine.compute(panel(x), Q4, mc=uncertainty.MonteCarlo(runs=50, seed=seed))
    assert result.spread is not None
    assert np.all(result.spread.p05 <= result.rank)
    assert np.all(result.rank <= result.spread.p95)


@settings(max_examples=60, deadline=None)
@given(x=matrices, policy=policies, data=st.data())
def test_row_order_never_changes_a_result(
    x: np.ndarray, policy: Policy, data: st.DataObject
) -> None:
    order = data.draw(st.permutations(range(x.shape[0])))
    a = engine.compute(panel(x), Q4, policy)
    b = engine.compute(panel(x[list(order)]), Q4, policy)
    for field in ("scores", "attainment", "status"):
        np.testing.assert_allclose(getattr(b, field), getattr(a, field)[list(order)])
    np.testing.assert_allclose(b.index, a.index[list(order)], rtol=1e-12)
    np.testing.assert_array_equal(b.rank, a.rank[list(order)])
