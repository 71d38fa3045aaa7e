"""Aggregation, ranking, imputation and progress, hand-worked."""

from __future__ import annotations

import math

import numpy as np

from minsheng.core.index import aggregate, progress, ranking


def test_arithmetic_mean_drops_missing_and_rescales_weights() -> None:
    # present: 80 (w 1) and 50 (w 1); the missing one (w 2) is dropped: (80 + 50) / 2 = 65
    scores = np.array([[80.0, np.nan, 50.0]])
    out = aggregate.weighted_mean(scores, np.array([1.0, 2, 1]), np.ones((3, 1)), "arithmetic", 1)
    assert out[0, 0] == 65.0


def test_weighted_arithmetic_mean() -> None:
    # (3·80 + 1·40) / 4 = 70
    out = aggregate.weighted_mean(
        np.array([[80.0, 40.0]]), np.array([3.0, 1.0]), np.ones((2, 1)), "arithmetic", 1
    )
    assert out[0, 0] == 70.0


def test_geometric_mean_weighted_and_floored() -> None:
    # sqrt(81 · 9) = 27; weights 3:1 give 81^0.75 · 9^0.25 = 27 · sqrt(3)
    one = np.ones((2, 1))
    s = np.array([[81.0, 9.0]])
    assert math.isclose(aggregate.weighted_mean(s, np.ones(2), one, "geometric", 1)[0, 0], 27)
    got = aggregate.weighted_mean(s, np.array([3.0, 1.0]), one, "geometric", 1)[0, 0]
    assert math.isclose(got, 27 * math.sqrt(3))
    # a score of 0 is floored at 1: sqrt(1 · 100) = 10
    z = aggregate.weighted_mean(np.array([[0.0, 100.0]]), np.ones(2), one, "geometric", 1)
    assert math.isclose(z[0, 0], 10.0)


def test_categories_then_overall() -> None:
    # category X = mean(60, 100) = 80, category Y = 40; overall = (80 + 40) / 2 = 60
    member = aggregate.membership([0, 0, 1], 2)
    cats = aggregate.weighted_mean(
        np.array([[60.0, 100.0, 40.0]]), np.ones(3), member, "arithmetic", 1
    )
    assert list(cats[0]) == [80.0, 40.0]
    overall = aggregate.weighted_mean(cats, np.ones(2), np.ones((2, 1)), "arithmetic", 1)
    assert overall[0, 0] == 60.0


def test_a_region_with_nothing_reported_has_no_index() -> None:
    out = aggregate.weighted_mean(
        np.array([[np.nan]]), np.ones(1), np.ones((1, 1)), "arithmetic", 1
    )
    assert np.isnan(out[0, 0])


def test_imputation_by_peer_mean_and_median() -> None:
    x = np.array([[1.0], [2.0], [9.0], [np.nan]])
    filled, mask = aggregate.impute(x, "mean")
    assert filled[3, 0] == 4.0 and list(mask[:, 0]) == [False, False, False, True]
    filled, _ = aggregate.impute(x, "median")
    assert filled[3, 0] == 2.0
    filled, mask = aggregate.impute(x, "drop")
    assert np.isnan(filled[3, 0]) and not mask.any()


def test_ties_share_the_best_rank() -> None:
    ranks = ranking.competition_rank(np.array([80.0, 90.0, 80.0, 70.0, np.nan]))
    assert list(ranks[:4]) == [2, 1, 2, 4]
    assert np.isnan(ranks[4])


def test_float_noise_does_not_split_a_tie() -> None:
    ranks = ranking.competition_rank(np.array([0.1 + 0.2, 0.3]))
    assert list(ranks) == [1, 1]


def test_attainment_is_capped_and_polarity_aware() -> None:
    x = np.array([[8.0, 12.0, 5.0, 3.0]])
    target = np.array([10.0, 10.0, 4.0, 4.0])
    pol = np.array([1.0, 1.0, -1.0, -1.0])
    # 8/10, capped 12/10, 4/5, met
    np.testing.assert_allclose(progress.attainment(x, target, pol)[0], [80, 100, 80, 100])


def test_projections_linear_and_compound() -> None:
    # 1, 2, 3 at 2024.00, 2024.25, 2024.50: slope 4 a year, at 2025.75: 3 + 4 · 1.25 = 8
    times = np.array([2024.0, 2024.25, 2024.5])
    y = np.array([[[1.0, 2.0, 3.0]]])
    at = np.array([2025.75])
    assert math.isclose(progress.linear_projection(times, y, at)[0, 0], 8.0)
    # growth ×3 in half a year: 3 · 3^(1.25 / 0.5) = 3^3.5
    assert math.isclose(progress.compound_projection(times, y, at)[0, 0], 3**3.5)


def test_status_met_on_track_at_risk_off_track() -> None:
    x = np.array([[10.0, 8.0, 8.0, 8.0, 8.0]])
    target = np.array([9.0, 9.0, 9.0, 9.0, np.nan])
    pol = np.ones(5)
    linear = np.array([[11.0, 9.5, 8.7, 7.0, 9.0]])
    compound = np.array([[11.0, 9.5, 8.0, 7.0, 9.0]])
    passed = np.zeros(5, dtype=bool)
    codes = progress.status(x, target, pol, linear, compound, passed)[0]
    # 8.7 / 9 = 96.7 % ≥ 95 % → at risk; no target → unknown
    assert [progress.STATUS[c] for c in codes] == [
        "met",
        "on_track",
        "at_risk",
        "off_track",
        "unknown",
    ]
    passed[:] = True
    codes = progress.status(x, target, pol, linear, compound, passed)[0]
    assert progress.STATUS[codes[1]] == "off_track"
