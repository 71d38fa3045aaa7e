"""Rating statistics: rates over active ratings only, shrinkage ranking with a minimum n, and
the Wilson bound against R."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from minsheng.core.columnar import read_columns
from minsheng.core.ratings.records import read_frame
from minsheng.core.ratings.stats import (
    CASE_NONE,
    CASE_OPEN,
    CASE_RECTIFIED,
    CASE_UNTRUE,
    RatingColumns,
    group_stats,
    wilson_lower,
)

# R 4.2.2: prop.test(x, n, correct = FALSE)$conf.int[1] — the Wilson score interval.
R_WILSON = [
    (9, 10, 0.595849973204762),
    (95, 100, 0.888249530768081),
    (3, 3, 0.438502968244955),
    (970, 1000, 0.957496585852413),
]


@pytest.mark.parametrize(("x", "n", "expected"), R_WILSON)
def test_wilson_lower_bound_matches_r(x: int, n: int, expected: float) -> None:
    assert wilson_lower(x, n) == pytest.approx(expected, rel=1e-9)


def test_wilson_edges() -> None:
    assert wilson_lower(0, 10) == pytest.approx(0.0, abs=1e-12)
    assert wilson_lower(0, 0) is None


def columns(rows: list[tuple[int, int, str, int, bool]]) -> RatingColumns:
    return RatingColumns(
        group=np.array([r[0] for r in rows], dtype=np.int64),
        level=np.array([r[1] for r in rows], dtype=np.int64),
        source=np.array([r[2] for r in rows], dtype=np.str_),
        case_state=np.array([r[3] for r in rows], dtype=np.int64),
        on_time=np.array([r[4] for r in rows], dtype=bool),
        follow_up=np.zeros(len(rows), dtype=bool),
    )


def test_rates_count_active_ratings_only() -> None:
    rows = [
        (0, 5, "active", CASE_NONE, False),
        (0, 4, "active", CASE_NONE, False),
        (0, 2, "active", CASE_RECTIFIED, True),
        (0, 1, "active", CASE_RECTIFIED, False),
        (0, 1, "active", CASE_UNTRUE, False),
        (0, 2, "active", CASE_OPEN, False),
        (0, 5, "default", CASE_NONE, False),
        (0, 5, "system", CASE_NONE, False),
    ]
    (s,) = group_stats(columns(rows), ["窗口"], min_n=1)
    assert (s.n_active, s.n_default, s.n_system, s.bad_n) == (6, 1, 1, 4)
    assert s.good_rate == pytest.approx(2 / 6)
    assert s.bad_rate == pytest.approx(4 / 6)
    assert s.score == pytest.approx((100 + 80 + 40 + 20 + 20 + 40) / 6)
    # Untrue cases leave the denominator: 2 rectified of 3, 1 of them on time.
    assert s.rectified_rate == pytest.approx(2 / 3)
    assert s.on_time_rate == pytest.approx(1 / 3)


def test_small_groups_never_top_the_ranking() -> None:
    rows = [(0, 5, "active", CASE_NONE, False)] * 3  # three perfect ratings
    rows += [(1, 5 if k % 10 else 3, "active", CASE_NONE, False) for k in range(100)]
    rows += [(2, 4 if k % 2 else 5, "active", CASE_NONE, False) for k in range(100)]
    stats = {s.group: s for s in group_stats(columns(rows), ["A", "B", "C"], min_n=30)}
    assert stats["A"].score == 100.0
    assert (stats["A"].rank, stats["A"].ranked) == (None, False)
    assert stats["B"].rank == 1 and stats["C"].rank == 2
    # Bayesian average: (C·m + Σ scores) / (C + n), m over every active rating.
    m = (300 + 90 * 100 + 10 * 60 + 50 * 100 + 50 * 80) / 203
    assert stats["B"].shrunk_score == pytest.approx((30 * m + 9600) / 130)
    # Ranked with a small minimum, the three perfect ratings are pulled towards the mean by
    # the prior weight: below B with C = 30, above it with C = 3.
    strong = group_stats(columns(rows), ["A", "B", "C"], min_n=3, prior_weight=30)
    assert {s.group: s.rank for s in strong} == {"A": 2, "B": 1, "C": 3}
    weak = group_stats(columns(rows), ["A", "B", "C"], min_n=3, prior_weight=3)
    assert {s.group: s.rank for s in weak} == {"A": 1, "B": 2, "C": 3}


def test_tied_groups_share_the_best_rank() -> None:
    rows = [
        (g, 5 if g != 1 else 4, "active", CASE_NONE, False) for g in (0, 1, 2) for _ in range(40)
    ]
    ranks = {s.group: s.rank for s in group_stats(columns(rows), ["A", "B", "C"], min_n=30)}
    assert ranks == {"A": 1, "B": 3, "C": 1}


def test_records_locate_every_problem() -> None:
    data = (
        "办件编号,办理部门,服务中心,渠道,评价等级,来源,评价时间\n"
        "X1,教育局,中心,扫码,非常满意,,2026-10-01 10:00\n"
        "X2,教育局,中心,fax,7,maybe,yesterday\n"
    ).encode("gbk")
    frame, errors = read_frame(read_columns(data, filename="r.csv"))
    (record,) = frame.rows(named=True)
    assert record["case_no"] == "X1" and record["row"] == 2
    assert record["level"] == 5 and record["channel"] == "qr_code"
    assert record["source"] == "active"  # blank is the citizen's own rating
    # A time without an offset is Shanghai's: 10:00 there is 02:00 UTC.
    assert record["rated_at"] == dt.datetime(2026, 10, 1, 2, tzinfo=dt.UTC)
    assert {(e.row, e.column) for e in errors} == {
        (3, "渠道"),
        (3, "评价等级"),
        (3, "来源"),
        (3, "评价时间"),
    }


def test_revisit_rate_counts_rectified_bad_ratings_with_contact() -> None:
    base = columns(
        [
            (0, 1, "active", CASE_RECTIFIED, True),  # contact, revisited
            (0, 2, "active", CASE_RECTIFIED, True),  # contact, not revisited
            (0, 2, "active", CASE_RECTIFIED, True),  # no contact: cannot be revisited
            (0, 1, "active", CASE_OPEN, False),  # not rectified yet
        ]
    )
    cols = RatingColumns(
        base.group,
        base.level,
        base.source,
        base.case_state,
        base.on_time,
        base.follow_up,
        reachable=np.array([True, True, False, True]),
        revisited=np.array([True, False, False, False]),
    )
    (s,) = group_stats(cols, ["g"], min_n=1)
    assert s.revisit_rate == pytest.approx(1 / 2)
