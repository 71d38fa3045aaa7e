"""Scoring respondents, worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from minsheng.core.polls.scales import SCALES, Scale
from minsheng.core.polls.scoring import (
    ItemScoring,
    group_scores,
    score_respondents,
    spread_by_group,
)

SAT = SCALES[Scale.SATISFACTION]


def _item(code: str, weight: float = 1.0, *, overall: bool = False) -> ItemScoring:
    return ItemScoring(code, SAT.scores, SAT.satisfied, weight, overall)


def test_weighted_overall_missing_and_satisfaction_share() -> None:
    items = [_item("A", 2.0), _item("B"), _item("Q0", overall=True)]
    out = score_respondents(
        [
            {"A": "1", "B": "4", "Q0": "5"},  # (2·100 + 40) / 3 = 80; satisfied 1 of 2
            {"A": "9", "B": "3", "Q0": "1"},  # A 说不清: B alone, 60; satisfied 1 of 1
            {"A": "9", "Q0": "2"},  # nothing scored
        ],
        items,
    )
    assert out.overall[0] == pytest.approx(80.0)
    assert out.overall[1] == pytest.approx(60.0)
    assert math.isnan(out.overall[2])
    assert out.satisfied[0] == 0.5 and out.satisfied[1] == 1.0 and math.isnan(out.satisfied[2])
    assert out.items["Q0"].tolist() == [20.0, 100.0, 80.0]  # scored, but not in the overall
    assert math.isnan(out.items["A"][1]) and math.isnan(out.items["B"][2])


def test_an_overall_item_alone_is_scored_and_nobody_is_fine() -> None:
    alone = score_respondents([{"Q0": "2"}], [_item("Q0", overall=True)])
    assert alone.overall.tolist() == [80.0]
    empty = score_respondents([], [_item("A")])
    assert len(empty.overall) == 0 and len(empty.items["A"]) == 0


def test_group_scores_are_weighted_means_of_answered_items() -> None:
    nan = float("nan")
    items = {"A": np.array([100.0, nan, nan]), "B": np.array([40.0, 60.0, nan])}
    out = group_scores(items, {"教育": [("A", 3.0), ("B", 1.0)], "就业": [("B", 1.0)]})
    assert out["教育"][0] == pytest.approx((300 + 40) / 4)
    assert out["教育"][1] == 60.0 and math.isnan(out["教育"][2])
    assert out["就业"].tolist()[:2] == [40.0, 60.0]


def test_spread_by_group_is_the_weighted_standard_deviation() -> None:
    values = np.array([100.0, 60.0, float("nan"), 80.0, 40.0, 70.0])
    weights = np.array([1.0, 3.0, 5.0, 1.0, 1.0, 1.0])
    out = spread_by_group(values, weights, ["A", "A", "A", "B", "B", "C"])
    # A: mean (100 + 180) / 4 = 70, variance (900 + 3·100) / 4 = 300. B: plain SD 20. C: one value.
    assert out["A"] == pytest.approx(math.sqrt(300))
    assert out["B"] == pytest.approx(20.0)
    assert "C" not in out


def test_groups_scored_with_the_items_equal_group_scores() -> None:
    """``score_columns(..., groups)`` (one polars query) against ``group_scores`` (numpy) on
    random answers with don't-knows and gaps: equal to 1e-12."""
    import polars as pl

    from minsheng.core.polls.scoring import score_columns

    rng = np.random.default_rng(3)
    codes = ["1", "2", "3", "4", "5", "9", None]
    answers = pl.DataFrame(
        {c: rng.choice(np.array(codes, dtype=object), 500).tolist() for c in ("A", "B", "C")},
        schema=dict.fromkeys("ABC", pl.String),
    )
    groups = {"教育": [("A", 2.0), ("B", 1.0)], "就业": [("C", 1.0)], "空": [("Z", 1.0)]}
    scored = score_columns(answers, [_item("A"), _item("B"), _item("C")], groups)
    want = group_scores(scored.items, {k: v for k, v in groups.items() if k != "空"})
    for name, values in want.items():
        np.testing.assert_allclose(scored.groups[name], values, rtol=0, atol=1e-12)
    assert np.isnan(scored.groups["空"]).all()  # no answered item: missing


def test_columns_score_as_the_rules_say_respondent_by_respondent() -> None:
    """``score_columns`` (codes turned into table look-ups) against the rules applied to each
    respondent in plain Python, on random answers with don't-knows, blanks, gaps, codes no
    scale knows, and a zero–ten item, whose "9" is nine points (satisfied), not 说不清."""
    import polars as pl

    from minsheng.core.polls.scoring import score_columns

    rng = np.random.default_rng(11)
    ten = SCALES[Scale.ZERO_TEN]
    items = [
        _item("A", 2.0),
        _item("B"),
        ItemScoring("T", ten.scores, ten.satisfied, 1.5),
        _item("Q0", overall=True),
    ]
    pools = {
        "A": ["1", "2", "3", "4", "5", "9", "", None, "7", "05"],
        "B": ["1", "3", "5", "9", None],
        "T": [*(str(k) for k in range(11)), "99", None],
        "Q0": ["1", "2", "5", "9", None],
    }
    n = 400
    answers = [{c: pool[rng.integers(len(pool))] for c, pool in pools.items()} for _ in range(n)]
    frame = pl.DataFrame(
        {c: [a[c] for a in answers] for c in pools}, schema=dict.fromkeys(pools, pl.String)
    )
    out = score_columns(frame, items, {"g": [("A", 1.0), ("T", 3.0)]})
    for k, answer in enumerate(answers):
        total = weight = hits = counted = 0.0
        for item in items:
            code = answer[item.code]
            score = item.scores.get(code) if code else None
            got = out.items[item.code][k]
            assert math.isnan(got) if score is None else got == score, (item.code, code)
            if item.is_overall:
                continue
            if score is not None:
                total, weight = total + score * item.weight, weight + item.weight
                counted += 1
                hits += code in item.satisfied
        expected = total / weight if weight else float("nan")
        share = hits / counted if counted else float("nan")
        assert out.overall[k] == pytest.approx(expected, nan_ok=True)
        assert out.satisfied[k] == pytest.approx(share, nan_ok=True)
    want = group_scores(out.items, {"g": [("A", 1.0), ("T", 3.0)]})["g"]
    np.testing.assert_allclose(out.groups["g"], want, rtol=0, atol=1e-12)


def test_codes_as_whole_numbers_score_as_their_text() -> None:
    """The snapshot keeps answer codes as small integers (null = no answer): scored exactly as
    the same codes given as text, a zero-to-ten item and an unlisted code among them."""
    import polars as pl

    from minsheng.core.polls.scoring import score_columns

    rng = np.random.default_rng(4)
    ten = SCALES[Scale.ZERO_TEN]
    items = [
        _item("A", 2.0),
        ItemScoring("T", ten.scores, ten.satisfied),
        _item("Q0", overall=True),
    ]
    pools = {
        "A": ["1", "2", "3", "4", "5", "9", "7", None],
        "T": [*(str(k) for k in range(11)), "99", None],
        "Q0": ["1", "3", "9", None],
    }
    text = pl.DataFrame(
        {c: [pool[rng.integers(len(pool))] for _ in range(300)] for c, pool in pools.items()},
        schema=dict.fromkeys(pools, pl.String),
    )
    whole = text.select(pl.all().cast(pl.Int16))
    groups = {"g": [("A", 1.0), ("T", 2.0)]}
    a, b = score_columns(text, items, groups), score_columns(whole, items, groups)
    for name in ("overall", "satisfied"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    for code in ("A", "T", "Q0"):
        np.testing.assert_array_equal(a.items[code], b.items[code])
    np.testing.assert_array_equal(a.groups["g"], b.groups["g"])
