"""Hot spots: a surge is flagged only when the week is large, well above its baseline and
improbable as Poisson noise (the p-value recomputed here from the Poisson sum by hand); on
simulated weeks without any change the check flags well under its stated 0.1 % rate; clusters
gather near-identical texts from enough different callers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from minsheng.core.hotline.hotspots import ALPHA, MIN_CALLERS, clusters, surges


def _tail(k: int, lam: float) -> float:
    """P(X ≥ k) for X ~ Poisson(lam), by the finite sum."""
    return 1.0 - sum(math.exp(-lam) * lam**i / math.factorial(i) for i in range(k))


def test_a_surge_and_what_is_not_one() -> None:
    weekly = {
        ("物业管理", ""): [2, 3, 2, 1, 2, 3, 2, 1, 12],  # baseline 2, now 12
        ("噪声扰民", ""): [2, 3, 2, 1, 2, 3, 2, 1, 9],  # below the minimum count
        ("消费维权", ""): [10, 10, 9, 11, 10, 10, 10, 10, 14],  # only 1.4 times
        ("欠薪讨薪", "甲区"): [20, 22, 19, 21, 20, 18, 22, 18, 31],  # 1.55 times but p ≈ 0.02
    }
    found = surges(weekly)
    assert [(s.category, s.place) for s in found] == [("物业管理", "")]
    assert found[0].baseline == pytest.approx(2.0)
    assert found[0].p == pytest.approx(_tail(12, 2.0), rel=1e-9)
    assert found[0].strength == pytest.approx(-math.log10(_tail(12, 2.0)))
    assert _tail(31, 20.0) > ALPHA  # the last one is within noise


def test_false_alarms_on_weeks_without_change_stay_under_the_stated_rate() -> None:
    rng = np.random.default_rng(7)
    series = {}
    for k in range(5000):
        lam = float(rng.uniform(5, 60))
        series[(f"c{k}", "")] = [int(x) for x in rng.poisson(lam, size=9)]
    flagged = len(surges(series)) / len(series)
    # The baseline is itself estimated, so the rate is above ALPHA, but far from a nuisance.
    assert flagged <= 0.005


def test_clusters_need_similar_texts_and_several_callers() -> None:
    same = frozenset({"小区", "电梯", "坏", "没人", "修"})
    near = frozenset({"小区", "电梯", "坏", "没人", "修理"})
    other = frozenset({"公交", "不", "按时", "发车"})
    texts = [same, near, same, other, same, near, same]
    callers = ["a", "b", "c", "d", "e", "f", "f"]
    here = ["t1"] * 7
    found = clusters(texts, callers, here)
    assert len(found) == 1 and sorted(found[0].members) == [0, 1, 2, 4, 5, 6]
    assert len({callers[i] for i in found[0].members}) >= MIN_CALLERS
    assert clusters(texts, ["a"] * 7, here) == []  # one caller calling again is no cluster
    # The same words from all over the city is no local problem (a surge shows it instead).
    assert clusters(texts, callers, ["t1", "t2", "t3", "t4", "t5", "t6", "t7"]) == []
