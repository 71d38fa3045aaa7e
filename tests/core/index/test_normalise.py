"""Normalisation, hand-worked (OECD/JRC Handbook 2008 §5; numbers worked out in the comments)."""

from __future__ import annotations

import numpy as np
import pytest

from minsheng.core.index import normalise as nm

UP = np.array([1.0])
DOWN = np.array([-1.0])


def col(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64)[:, None]


def test_minmax_higher_is_better() -> None:
    # min 2, max 10, span 8: (2-2)/8=0, (4-2)/8=.25, (6-2)/8=.5, (10-2)/8=1
    np.testing.assert_allclose(nm.minmax(col(2, 4, 6, 10), UP)[:, 0], [0, 25, 50, 100])


def test_minmax_lower_is_better() -> None:
    # (max - x)/span: 8/8, 6/8, 4/8, 0/8
    np.testing.assert_allclose(nm.minmax(col(2, 4, 6, 10), DOWN)[:, 0], [100, 75, 50, 0])


def test_minmax_all_equal_scores_100_and_missing_stays_missing() -> None:
    out = nm.minmax(col(3, 3, np.nan), UP)[:, 0]
    assert out[0] == out[1] == 100.0
    assert np.isnan(out[2])


def test_zscore_uses_sample_sd_on_a_50_plus_10z_scale() -> None:
    # mean 5, sd = sqrt((9+1+1+9)/3) = 2.5819889; z = -1.161895, -0.387298, 0.387298, 1.161895
    out = nm.zscore(col(2, 4, 6, 8), UP)[:, 0]
    np.testing.assert_allclose(out, [38.381050, 46.127017, 53.872983, 61.618950], rtol=1e-7)
    np.testing.assert_allclose(nm.zscore(col(2, 4, 6, 8), DOWN)[:, 0], out[::-1], rtol=1e-12)


def test_zscore_of_equal_values_is_the_mean_50() -> None:
    assert list(nm.zscore(col(7, 7), UP)[:, 0]) == [50.0, 50.0]


def test_distance_to_target_relative_to_the_worst_peer() -> None:
    # target 8, min 2: (x-2)/6 capped at 1 -> 0, 1/3, 2/3, 1
    out = nm.to_target(col(2, 4, 6, 10), UP, np.array([8.0]))[:, 0]
    np.testing.assert_allclose(out, [0, 100 / 3, 200 / 3, 100])
    # lower is better, target 4, max 10: (10-x)/6 -> 8/6 capped, 1, 4/6, 0
    out = nm.to_target(col(2, 4, 6, 10), DOWN, np.array([4.0]))[:, 0]
    np.testing.assert_allclose(out, [100, 100, 200 / 3, 0])


def test_distance_to_target_when_every_peer_has_reached_it() -> None:
    out = nm.to_target(col(9, 12), UP, np.array([8.0]))[:, 0]
    assert list(out) == [100.0, 100.0]


def test_goalposts_clip_to_the_fixed_bounds() -> None:
    lo, hi = np.array([0.0]), np.array([20.0])
    np.testing.assert_allclose(nm.goalposts(col(5, 25, -1), UP, lo, hi)[:, 0], [25, 100, 0])
    np.testing.assert_allclose(nm.goalposts(col(5, 25, -1), DOWN, lo, hi)[:, 0], [75, 0, 100])


def test_winsorising_clips_to_type_7_quantiles() -> None:
    # 0..10 and an outlier 100: the 10 % quantile of 12 values (0..10, 100) is 1.1 (type 7:
    # h = 0.1 * 11 = 1.1, between 1 and 2), the 90 % quantile 9.9
    x = col(*range(11), 100)
    out = nm.winsorise(x, 0.1)[:, 0]
    assert out[0] == pytest.approx(1.1)
    assert out[-1] == pytest.approx(9.9)


def test_target_method_names_every_indicator_without_a_target() -> None:
    with pytest.raises(nm.NormaliseError, match="B、C"):
        nm.normalise(
            np.ones((2, 3)),
            np.ones(3),
            "target",
            codes=("A", "B", "C"),
            target=np.array([1.0, np.nan, np.nan]),
            lower=np.full(3, np.nan),
            upper=np.full(3, np.nan),
        )
