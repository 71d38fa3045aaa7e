"""Poll results: scores from answers, rank intervals, change tests, importance–performance.
References: scipy (normal distribution, Pearson correlation), numpy (weighted averages)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from minsheng.core.index.ranking import competition_rank
from minsheng.core.polls.scales import SCALES, Scale
from minsheng.core.polls.scoring import ItemScoring, score_respondents
from minsheng.core.survey.results import (
    against_target,
    change,
    importance_performance,
    rank_change,
    rank_intervals,
    weighted_correlation,
)

SAT = SCALES[Scale.SATISFACTION]


def test_dont_know_is_missing_never_a_score() -> None:
    # 非常满意, 说不清, no answer, 不满意, a garbled code — as the vendor's codes.
    item = ItemScoring("Q1", SAT.scores, SAT.satisfied)
    answers = [{"Q1": "1"}, {"Q1": "9"}, {}, {"Q1": "4"}, {"Q1": "乱码"}]
    scores = score_respondents(answers, [item]).items["Q1"]
    assert scores[0] == 100 and scores[3] == 40
    assert np.isnan(scores[[1, 2, 4]]).all()


def test_change_matches_a_two_sample_z_test() -> None:
    c = change(78.6, 0.9, 76.09, 1.1)
    se = math.hypot(0.9, 1.1)
    assert c.se == pytest.approx(se)
    assert c.p == pytest.approx(2 * stats.norm.sf(2.51 / se))
    assert c.significant == (c.p < 0.05)
    assert not change(76.5, 1.0, 76.09, 1.2).significant


def test_weighted_correlation_with_equal_weights_is_pearson() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=200)
    y = 0.6 * x + rng.normal(size=200)
    assert weighted_correlation(x, y, np.ones(200)) == pytest.approx(stats.pearsonr(x, y)[0])
    # Integer weights equal repeating the rows.
    w = rng.integers(1, 4, 200).astype(float)
    reps = np.repeat(np.arange(200), w.astype(int))
    assert weighted_correlation(x, y, w) == pytest.approx(stats.pearsonr(x[reps], y[reps])[0])


def test_rank_intervals_and_minimum_n() -> None:
    estimates = np.array([80.0, 70.0, 75.0, 90.0])
    rng = np.random.default_rng(2)
    replicates = estimates + rng.normal(0, [0.5, 0.5, 6.0, 0.5], size=(200, 4))
    out = rank_intervals(estimates, replicates, [100, 100, 100, 5], min_n=30)
    assert [r.rank for r in out] == [1, 3, 2, None]  # the fourth has only 5 respondents
    assert out[3].ranked is False
    assert out[0].low == 1 and out[0].high <= 2  # first, unless the noisy one jumps over it
    assert out[2].low == 1 and out[2].high == 3  # noisy: could be anywhere


def test_rank_change_beyond_noise() -> None:
    rng = np.random.default_rng(3)
    before = np.array([70.0, 80.0, 75.0, 60.0, 50.0])
    now = np.array([85.0, 80.0, 75.0, 50.2, 50.0])  # the first region rose from 3rd to 1st
    noise = np.array([0.5, 0.5, 0.5, 2.0, 2.0])
    reps_before = before + rng.normal(0, noise, (200, 5))
    reps_now = now + rng.normal(0, noise, (200, 5))
    moves = rank_change(competition_rank(now), reps_now, competition_rank(before), reps_before)
    assert moves[0] is not None and moves[0].places == 2 and moves[0].beyond_noise
    # The fourth "stays 4th" while neck and neck with the fifth: no change beyond noise.
    assert moves[3] is not None and moves[3].places == 0 and not moves[3].beyond_noise


def test_importance_performance_quadrants() -> None:
    rng = np.random.default_rng(4)
    overall = rng.normal(70, 10, 500)
    items = {
        "strong_low": overall * 0.9 - 10 + rng.normal(0, 3, 500),  # important, scores low
        "strong_high": overall + 10 + rng.normal(0, 3, 500),  # important, scores high
        "weak_low": rng.normal(50, 10, 500),  # unrelated, low
        "weak_high": rng.normal(95, 3, 500),  # unrelated, high
    }
    points = {p.item: p for p in importance_performance(items, overall, np.ones(500))}
    assert points["strong_low"].quadrant == "improve"
    assert points["strong_high"].quadrant == "keep"
    assert points["weak_low"].quadrant == "low"
    assert points["weak_high"].quadrant == "overkill"


def test_no_quadrant_advice_when_importances_do_not_differ_beyond_sampling_error() -> None:
    """Every item equally tied to the overall score (true correlation 0.63 each, as seen on
    the demo): the sample correlations differ by noise only, so no item gets advice."""
    rng = np.random.default_rng(9)
    overall = rng.normal(70, 10, 800)
    items = {
        f"Q{k}": overall * 0.63 + rng.normal(0, 10 * np.sqrt(1 - 0.63**2), 800) + 5 * k
        for k in range(6)
    }
    points = importance_performance(items, overall, np.ones(800))
    importances = [p.importance for p in points]
    assert max(importances) - min(importances) < 0.08  # a spread like the demo's
    assert [p.quadrant for p in points] == [""] * 6
    assert all(p.importance_low < p.importance < p.importance_high for p in points)


def test_importances_equal_the_weighted_correlation() -> None:
    """``correlations`` (with the influence values) gives what ``weighted_correlation`` gives
    item by item, with missing answers and unequal weights (tolerance 1e-10)."""
    from minsheng.core.survey.results import correlations, weighted_correlation

    rng = np.random.default_rng(5)
    n = 3000
    overall = rng.normal(70, 10, n)
    overall[rng.random(n) < 0.02] = np.nan
    columns = [
        np.where(rng.random(n) < 0.1, np.nan, overall * a + rng.normal(0, 9, n))
        for a in (0.2, 0.6, 1.0)
    ]
    columns.append(np.full(n, 50.0))  # no spread: NaN
    weights = rng.uniform(0.2, 3.0, n)
    got, _ = correlations(columns, overall, weights)
    want = [weighted_correlation(c, overall, weights) for c in columns]
    assert np.allclose(got[:3], want[:3], rtol=0, atol=1e-10)
    assert np.isnan(got[3]) and np.isnan(want[3])


def test_a_target_is_met_only_beyond_sampling_error() -> None:
    # The seed's target: 85 % satisfied. 86 % ± 0.8 meets it; 86 % ± 1.5 cannot tell.
    assert against_target(0.852, 0.868, 0.85) == "met"
    assert against_target(0.845, 0.875, 0.85) == "undecided"
    assert against_target(0.80, 0.849, 0.85) == "missed"


def test_importance_intervals_match_a_bootstrap_of_the_respondents() -> None:
    """The linearised standard errors of each importance and of its gap to the items' mean
    importance against 2,000 bootstrap resamples of the respondents (multinomial counts on the
    weights, correlations by ``weighted_correlation``): within 10 % (a bootstrap SD of 2,000
    resamples is uncertain by 1.6 %), with unequal weights and missing answers."""
    from minsheng.core.survey.results import _with_replacement, correlations, weighted_correlation

    rng = np.random.default_rng(12)
    n = 4000
    overall = rng.choice([20.0, 40.0, 60.0, 80.0, 100.0], n, p=[0.05, 0.1, 0.25, 0.35, 0.25])
    overall[rng.random(n) < 0.03] = np.nan
    columns = [
        np.where(
            rng.random(n) < 0.08,
            np.nan,
            np.clip(np.nan_to_num(overall, nan=60.0) * a + rng.normal(0, s, n), 0, 100),
        )
        for a, s in ((0.9, 15), (0.5, 25), (0.2, 30), (0.7, 10))
    ]
    weights = rng.uniform(0.3, 3.0, n)
    _, influence = correlations(columns, overall, weights)
    gap = influence - influence.mean(axis=0)
    linear = np.sqrt(_with_replacement(np.vstack([influence, gap]).T))
    draws = np.empty((2000, 4))
    for b in range(2000):
        counts = np.bincount(rng.integers(0, n, n), minlength=n)
        draws[b] = [weighted_correlation(c, overall, weights * counts) for c in columns]
    gaps = draws - draws.mean(axis=1, keepdims=True)
    boot = np.concatenate([draws.std(axis=0, ddof=1), gaps.std(axis=0, ddof=1)])
    assert np.all(np.abs(linear / boot - 1) < 0.10), linear / boot
    points = importance_performance(dict(zip("abcd", columns, strict=True)), overall, weights)
    half = [(p.importance_high - p.importance_low) / 2 for p in points]
    assert np.allclose(half, 1.959963984540054 * linear[:4], rtol=1e-9)
