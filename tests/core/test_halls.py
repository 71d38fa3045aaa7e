"""Application records read and measured without Django. The working days are hand-counted
from the State Council's 2026 holiday notice (国办发明电〔2025〕7号: 国庆节、中秋节 10月1日至
7日放假调休, 10月10日（周六）上班), not from the calendar code under test."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from minsheng.core.halls.applications import record_from_payload, records_from_table
from minsheng.core.halls.metrics import Cases, case_metrics
from minsheng.core.tabular import TableError, read_table
from minsheng.core.workdays.calendar import SHANGHAI, WorkCalendar

HEADER = (
    "办件编号,事项编码,服务中心,受理窗口,首问负责人,受理时间,一次性告知,代办上门,承诺时限,"
    "办结时间,到现场次数\n"
)


def _csv(*lines: str, encoding: str = "utf-8") -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode(encoding)


def test_rows_are_read_from_a_gbk_csv() -> None:
    data = _csv(
        "C1,A1,市民中心,3,张三,2026-09-29 10:00,是,代办,3,2026-10-10 09:00,1",
        "C2,A1,市民中心,,,2026-09-30T09:00:00+08:00,否,,,,",
        encoding="gbk",
    )
    first, second = records_from_table(read_table(data, filename="a.csv"))
    assert (first.case_no, first.window, first.staff, first.assisted) == (
        "C1",
        "3",
        "张三",
        "proxy",
    )
    assert first.received_at == dt.datetime(2026, 9, 29, 10, tzinfo=SHANGHAI)
    assert first.promised_days == 3 and first.visits == 1 and first.notice
    assert second.completed_at is None and second.promised_days is None and not second.notice


def test_every_problem_is_located() -> None:
    data = _csv(
        "C1,A1,市民中心,3,张三,昨天,是,,3,,1",
        "C2,,市民中心,3,张三,2026-09-29 10:00,也许,跑腿,三天,2026-09-28 10:00,-1",
        "C1,A1,市民中心,3,张三,2026-09-29 10:00,是,,3,,1",
    )
    with pytest.raises(TableError) as caught:
        records_from_table(read_table(data, filename="a.csv"))
    found = {(e.row, e.column) for e in caught.value.errors}
    assert found == {
        (2, "受理时间"),
        (3, "事项编码"),
        (3, "一次性告知"),
        (3, "代办上门"),
        (3, "承诺时限"),
        (3, "办结时间"),  # earlier than received
        (3, "到现场次数"),
        (4, "办件编号"),  # C1 twice
    }


def test_payloads_name_the_field() -> None:
    good = record_from_payload(
        0, {"case_no": "X", "item_code": "A", "centre": "c", "received_at": "2026-10-08T09:00"}
    )
    assert not isinstance(good, list) and good.received_at.tzinfo is SHANGHAI
    bad = record_from_payload(1, {"case_no": "X", "colour": "red", "visits": [1]})
    assert isinstance(bad, list)
    assert "colour: 未知字段 / unknown field" in bad and any(m.startswith("visits") for m in bad)


def _at(day: int, month: int, hour: int) -> float:
    return dt.datetime(2026, month, day, hour, tzinfo=SHANGHAI).timestamp()


def test_metrics_against_hand_counted_working_days() -> None:
    """Four cases of one centre (group 0) and one of another (group 1):

    - A received Tue 29 Sep, promise 3: due end of Fri 9 Oct (30 Sep, 8 Oct, 9 Oct); completed
      Sat 10 Oct (a make-up working day) — late; took 4 working days (30 Sep, 8, 9, 10 Oct).
    - B received Wed 30 Sep, promise 3 (due Sat 10 Oct); completed Thu 8 Oct — 1 working day.
    - C received Thu 8 Oct, promise 0 (即办, due end of 8 Oct); completed the same day: 0 days.
    - D received Fri 9 Oct, promise 2 (due Mon 12 Oct: 10, 12 Oct), still open on 13 Oct: overdue.
    - E (group 1) received 12 Oct, no promise, completed 14 Oct: 2 days; no due, no on-time rate.
    """
    day = lambda d, m: dt.date(2026, m, d).toordinal()  # noqa: E731
    due = {"A": _at(9, 10, 0), "B": _at(10, 10, 0), "C": _at(8, 10, 0), "D": _at(12, 10, 0)}
    end = 24 * 3600 - 1  # 23:59:59
    cases = Cases(
        group=np.array([0, 0, 0, 0, 1]),
        received_day=np.array([day(29, 9), day(30, 9), day(8, 10), day(9, 10), day(12, 10)]),
        completed_day=np.array([day(10, 10), day(8, 10), day(8, 10), -1, day(14, 10)]),
        completed_at=np.array(
            [_at(10, 10, 9), _at(8, 10, 15), _at(8, 10, 11), np.nan, _at(14, 10, 9)]
        ),
        due_at=np.array([due["A"] + end, due["B"] + end, due["C"] + end, due["D"] + end, np.nan]),
        promised=np.array([3, 3, 0, 2, np.nan]),
        visits=np.array([2, 1, 1, np.nan, 0]),
        notice=np.array([True, True, False, True, True]),
        assisted=np.array([False, True, False, False, False]),
        rated=np.array([True, False, True, False, True]),
    )
    as_of = dt.datetime(2026, 10, 13, 9, tzinfo=SHANGHAI)
    one, two = case_metrics(cases, 2, as_of=as_of, calendar=WorkCalendar())
    assert (one.cases, one.completed, one.overdue_open, one.assisted) == (4, 3, 1, 1)
    assert one.on_time_rate == pytest.approx(2 / 3)  # B and C on time, A late
    assert one.mean_days == pytest.approx((4 + 1 + 0) / 3)
    assert one.mean_promised == pytest.approx((3 + 3 + 0) / 3)
    assert one.visits_per_case == pytest.approx((2 + 1 + 1) / 3)
    assert one.notice_rate == pytest.approx(3 / 4)
    assert one.active_rate == pytest.approx(2 / 3)  # A and C rated, D open does not count
    assert two.on_time_rate is None and two.mean_days == pytest.approx(2.0)
    assert two.mean_promised is None and two.active_rate == 1.0
