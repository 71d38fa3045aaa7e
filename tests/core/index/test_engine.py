"""The whole computation of one period, hand-worked on three regions and three indicators."""

from __future__ import annotations

import numpy as np
import pytest

from minsheng.core.index import alerts, engine, report, uncertainty
from minsheng.core.index.model import Policy
from minsheng.core.index.periods import Period

from .helpers import panel

Q4 = Period(2025, 4)

# Three regions, indicators A (higher better, w 1), B (higher better, w 2), C (lower better, w 1):
X = np.array(
    [
        [8.0, 4.0, 5.0],
        [10.0, 6.0, 3.0],
        [12.0, np.nan, 4.0],
    ]
)


def test_scores_indices_and_ranks_by_hand() -> None:
    result = engine.compute(panel(X), Q4)
    # min-max: A 0/50/100, B 0/100/–, C (5-x)/2: 0/100/50
    np.testing.assert_allclose(result.scores[0], [0, 0, 0])
    np.testing.assert_allclose(result.scores[1], [50, 100, 100])
    np.testing.assert_allclose(result.scores[2, [0, 2]], [100, 50])
    # one indicator per category, so category = score; overall = mean of present categories
    np.testing.assert_allclose(result.index, [0, 250 / 3, 75])
    assert list(result.rank) == [3, 1, 2]


def test_missing_policy_mean_imputes_the_peer_mean_and_says_so() -> None:
    result = engine.compute(panel(X), Q4, Policy(missing="mean"))
    # B for region 3 imputed as (4 + 6) / 2 = 5 → min-max score 50
    assert result.imputed[2, 1]
    assert result.scores[2, 1] == 50.0
    np.testing.assert_allclose(result.index[2], (100 + 50 + 50) / 3)
    assert report.to_json(result)["policy"]["missing"] == "mean"


def test_movement_against_the_previous_period() -> None:
    two = np.stack([X[[1, 0, 2]], X], axis=2)  # in Q3 region 0 had region 1's values
    result = engine.compute(panel(two, ["2025Q3", "2025Q4"]), Q4)
    assert list(result.previous_rank) == [1, 3, 2]
    assert list(result.movement) == [-2, 2, 0]


def test_seed_sentences_counted_per_region() -> None:
    result = engine.compute(panel(X), Q4)
    rows = report.summary(result)
    # region 1: A 10 meets 10, B 6 meets 6, C 3 meets 3 (lower better); all first or tied first?
    assert rows[1]["met_target"] == 3
    # averages A 10, B 5, C 4: region 0 is below on A, B and worse (higher) on C
    assert rows[0]["below_average"] == 3
    # region 1 is best on B and C; region 2 best on A
    assert rows[1]["rank_first"] == 2 and rows[2]["rank_first"] == 1


def test_warnings_below_average_bottom_and_running() -> None:
    three = np.stack([X + 1, X + 0.5, X], axis=2)  # every value falls each quarter
    three[:, 2, :] = np.stack([X[:, 2] - 1, X[:, 2] - 0.5, X[:, 2]], axis=1)  # C rises = worse
    result = engine.compute(
        panel(three, ["2025Q2", "2025Q3", "2025Q4"]), Q4, rules=alerts.Rules(bottom_n=1)
    )
    found = {(w.region, w.code, w.rule) for w in result.warnings}
    assert ("R00", "A", "below_average") in found
    assert ("R00", "A", "worse_running") in found
    assert ("R00", None, "bottom_n") in found
    assert ("R01", None, "bottom_n") not in found
    first = result.warnings[0]
    assert first.severity == "high"
    assert all(w.message for w in result.warnings)


def test_warning_columns_say_what_each_warning_says_in_order() -> None:
    """The columns a national run writes (worded a rule at a time) equal the warnings read one
    by one, sorted by severity, region and indicator; a series keeps only its own numbers."""
    rng = np.random.default_rng(5)
    x = rng.normal(10, 2, (12, 3, 4))
    x[3, 1, :] = [14, 13, 12, 11]  # B falls three quarters running
    result = engine.compute(
        panel(x, ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]),
        Q4,
        rules=alerts.Rules(worse_periods=3, bottom_n=2),
    )
    warnings = list(result.warnings)
    assert {w.rule for w in warnings} >= {"below_average", "worse_running", "bottom_n"}
    columns = result.warnings.columns()
    assert columns["message"] == [w.message for w in warnings]
    assert columns["region"] == [w.region for w in warnings]
    assert columns["indicator"] == [w.code for w in warnings]
    assert columns["severity"] == [w.severity for w in warnings]
    keys = [(alerts.SEVERITY_ORDER[w.severity], w.region, w.code or "") for w in warnings]
    assert keys == sorted(keys)
    running = next(w for w in warnings if w.region == "R03" and w.rule == "worse_running")
    assert running.numbers == (14.0, 13.0, 12.0, 11.0)
    assert running.message == (
        "每千人口床位 连续 3 期变差：14.00 张 → 13.00 张 → 12.00 张 → 11.00 张"
    )
    assert result.warnings[-2:] == warnings[-2:]


def test_uncertainty_interval_contains_the_nominal_rank() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(10, 2, (30, 3))
    result = engine.compute(panel(x), Q4, mc=uncertainty.MonteCarlo(runs=300, seed=1))
    spread = result.spread
    assert spread is not None
    assert np.all(spread.p05 <= result.rank) and np.all(result.rank <= spread.p95)
    assert np.all(spread.p05 <= spread.median) and np.all(spread.median <= spread.p95)
    assert set(spread.sensitivity) == {"weights", "normalisation", "aggregation"}
    assert all(0.0 <= v <= 1.0 for v in spread.sensitivity.values())


def test_uncertainty_is_reproducible_from_the_seed() -> None:
    x = np.random.default_rng(4).normal(10, 2, (20, 3))
    a = engine.compute(panel(x), Q4, mc=uncertainty.MonteCarlo(runs=100, seed=7)).spread
    b = engine.compute(panel(x), Q4, mc=uncertainty.MonteCarlo(runs=100, seed=7)).spread
    assert a is not None and b is not None
    assert np.array_equal(a.p05, b.p05) and a.sensitivity == b.sensitivity


def test_first_order_index_of_a_factor_that_decides_everything_is_near_one() -> None:
    rng = np.random.default_rng(0)
    level = rng.integers(0, 2, 4000)
    noise = rng.integers(0, 5, 4000)
    y = level * 10.0 + rng.normal(0, 0.01, 4000)
    assert uncertainty.first_order(y, level) == pytest.approx(1.0, abs=0.01)
    assert uncertainty.first_order(y, noise) == pytest.approx(0.0, abs=0.01)


def test_unknown_period_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="2027Q4"):
        engine.compute(panel(X), Period(2027, 4))


def test_warning_sentences_carry_the_numbers_and_units() -> None:
    result = engine.compute(panel(X), Q4)
    messages = {(w.region, w.code, w.rule): w.message for w in result.warnings}
    # averages: A (8 + 10 + 12) / 3 = 10; C (5 + 3 + 4) / 3 = 4, lower is better
    assert messages["R00", "A", "below_average"] == (
        "生均校舍面积 8.00 平方米，低于平均水平 10.00 平方米（差 2.00 平方米）"
    )
    assert messages["R00", "C", "below_average"] == "失业率 5.00%，高于平均水平 4.00%（差 1.00%）"
