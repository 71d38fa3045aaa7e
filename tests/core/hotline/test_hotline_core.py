"""The hotline's core: deadline rules as data (bad ones named), the metrics of a handful of
orders counted by hand (响应率 against the 签收 deadline, working days to answer across the
National Day holiday), and the 三率 ranking with rank intervals that tie groups within noise."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from minsheng.core.columnar import read_columns
from minsheng.core.hotline.deadlines import DeadlineRules, RulesError, rules_from_json
from minsheng.core.hotline.metrics import (
    GroupMetrics,
    OrderColumns,
    due_epochs,
    group_metrics,
    ranking,
    working_days,
)
from minsheng.core.hotline.records import read_order_frame
from minsheng.core.workdays.calendar import SHANGHAI, WorkCalendar

CAL = WorkCalendar()


def _t(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).timestamp()


def test_rules_are_data_with_defaults_and_named_errors() -> None:
    rules = rules_from_json({"answer_days": {"complaint": 13}, "accept_days": 2})
    assert rules.answer_days["complaint"] == 13 and rules.answer_days["consult"] == 5
    assert rules.accept_days == 2 and rules.urgent_days == 0
    assert rules_from_json(None) == DeadlineRules()
    weighted = rules_from_json({"rank_weights": {"response": 20, "solved": 40}, "rank_min_n": 10})
    assert dict(weighted.rank_weights) == {"response": 20.0, "solved": 40.0, "satisfied": 45.0}
    assert weighted.rank_min_n == 10 and rules_from_json(weighted.as_json()) == weighted
    for bad, words in (({"rank_weights": {"speed": 1}}, "rank_weights"),
                       ({"rank_weights": {"solved": -1}}, "非负数"),
                       ({"rank_weights": {"response": 0, "solved": 0, "satisfied": 0}}, "大于 0"),
                       ({"answer_days": {"吐槽": 3}}, "未知的诉求类型"),
                       ({"answer_days": {"help": 2.5}}, "须为整数"),
                       ({"accept_days": -1}, "之间"), ({"speed": 1}, "未知的设置"),
                       ([], "JSON 对象")):  # fmt: skip
        with pytest.raises(RulesError, match=words):
            rules_from_json(bad)
    # 紧急: the same day; an extension asked on the deadline's day is too late.
    start = dt.datetime(2026, 10, 12, 9, tzinfo=SHANGHAI)
    assert rules.answer_due(CAL, "help", start, urgent=True) == dt.datetime(
        2026, 10, 12, 23, 59, 59, tzinfo=SHANGHAI
    )
    due = rules.answer_due(CAL, "help", start)
    assert due.date() == dt.date(2026, 10, 19)  # 13,14,15,16,19
    assert rules.extension_allowed(CAL, due, dt.datetime(2026, 10, 16, 9, tzinfo=SHANGHAI))
    assert not rules.extension_allowed(CAL, due, dt.datetime(2026, 10, 19, 9, tzinfo=SHANGHAI))


def test_vectorised_deadlines_and_working_days_equal_the_calendar() -> None:
    starts = np.array([_t("2026-09-30T16:00"), _t("2026-10-08T10:00"), np.nan])
    days = np.array([5, 15, 5], dtype=np.int64)
    due = due_epochs(CAL, starts, days)
    assert due[0] == CAL.due(dt.datetime(2026, 9, 30, 16, tzinfo=SHANGHAI), 5).timestamp()
    assert due[1] == dt.datetime(2026, 10, 28, 23, 59, 59, tzinfo=SHANGHAI).timestamp()
    assert np.isnan(due[2])
    spans = working_days(
        CAL, starts[:2], np.array([_t("2026-10-09T09:00"), _t("2026-10-12T09:00")])
    )
    assert list(spans) == [2.0, 3.0]  # (9-30, 10-9]: 10-8, 10-9; (10-8, 10-12]: 9, 10 (补班), 12


def test_metrics_of_a_few_orders_by_hand() -> None:
    nan = np.nan
    d1, d2 = _t("2026-10-12T09:00"), _t("2026-10-12T10:00")
    columns = OrderColumns(
        group=np.array([0, 0, 0, 1], dtype=np.int64),
        received=np.array([d1, d1, d1, d1]),
        dispatched=np.array([d2, d2, nan, d2]),
        accepted=np.array([_t("2026-10-12T12:00"), _t("2026-10-14T09:00"), nan, nan]),
        answered=np.array(
            [_t("2026-10-15T09:00"), _t("2026-10-30T09:00"), _t("2026-10-12T09:05"), nan]
        ),
        accept_due=np.array([_t("2026-10-13T23:59:59")] * 4),
        answer_due=np.array([_t("2026-10-19T23:59:59")] * 4),
        followup=np.array([1, 3, 2, 0], dtype=np.int64),
        solved=np.array([1, 0, 1, -1], dtype=np.int64),
        reopened=np.array([False, True, False, False]),
        returned=np.array([False, False, False, True]),
    )
    a, b = group_metrics(columns, ["甲", "乙"], CAL)
    assert (a.orders, a.dispatched, a.responded, a.answered, a.on_time) == (3, 2, 1, 3, 1)
    assert a.response_rate == 0.5 and a.on_time_rate == 0.5 and a.answered_rate == 1.0
    assert a.followed_up == 3 and a.satisfied_rate == pytest.approx(2 / 3)
    assert a.solved_rate == pytest.approx(2 / 3) and a.reopened_rate == pytest.approx(1 / 3)
    # Working days: 3 (13,14,15), 14 (13–16, 19–23, 26–30), 0 (the same day).
    assert a.mean_days == pytest.approx((3 + 14 + 0) / 3)
    assert b.orders == 1 and b.answered_rate == 0.0 and b.on_time_rate is None
    assert b.returned_rate == 1.0 and b.satisfied_rate is None and b.mean_days is None


def _group(name: str, n: int, good: float) -> GroupMetrics:
    k = round(n * good)
    return GroupMetrics(name, n, n, k, k / n, n, 1.0, n, 1.0, n, 1.0, k, k / n, k, k / n, 0, 0.0,
                        0, 0.0, 2.0)  # fmt: skip


def test_ranking_scores_and_ties_within_noise() -> None:
    rows = [_group("甲", 400, 0.95), _group("乙", 400, 0.94), _group("丙", 400, 0.80),
            _group("丁", 10, 0.99)]  # fmt: skip
    ranked = ranking(rows, min_n=30, draws=500)
    assert [r.metrics.group for r in ranked] == ["甲", "乙", "丙", "丁"]
    first = ranked[0]
    assert first.score == pytest.approx(95.0) and first.interval.rank == 1
    # 95 % against 94 % on 400 follow-ups each is within noise: their intervals overlap.
    assert first.interval.high is not None and first.interval.high >= 2
    assert ranked[2].interval.low == 3  # 80 % is clearly last of the three
    assert not ranked[3].interval.ranked and ranked[3].interval.rank is None  # 10 < 30


def test_records_locate_every_problem() -> None:
    data = ("工单编号,来源渠道,诉求类型,受理时间,派单时间,签收时间,办结时间,回访结果,是否重办\n"
            "A1,电话,投诉,2026-10-08 09:00,2026-10-08 10:00,,2026-10-09 10:00,满意,0\n"
            "A2,飞鸽,投诉,2026-10-08 09:00,,2026-10-08 11:00,,很好,2\n").encode()  # fmt: skip
    frame, errors = read_order_frame(read_columns(data, filename="x.csv"))
    assert frame["order_no"].to_list() == ["A1"]
    found = {(e.row, e.column) for e in errors}
    assert found == {(3, "来源渠道"), (3, "签收时间"), (3, "回访结果"), (3, "是否重办")}
