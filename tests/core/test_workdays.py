"""Working days and deadlines, against the State Council's published schedules
(国办发明电〔2024〕12号 for 2025, 国办发明电〔2025〕7号 for 2026)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from minsheng.core.workdays.calendar import SHANGHAI, WorkCalendar

D = dt.date
CAL = WorkCalendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 10, 1), False),  # National Day
        (D(2026, 10, 7), False),
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),  # Saturday, make-up working day
        (D(2026, 9, 20), True),  # Sunday, make-up working day
        (D(2026, 2, 16), False),  # Spring Festival
        (D(2026, 2, 14), True),  # Saturday worked
        (D(2026, 2, 28), True),
        (D(2026, 11, 21), False),  # an ordinary Saturday
        (D(2026, 11, 23), True),
        (D(2025, 10, 8), False),  # 2025: 1–8 October off
        (D(2025, 9, 28), True),  # Sunday worked
        (D(2025, 10, 11), True),  # Saturday worked
    ],
)
def test_published_schedule(day: dt.date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_issue_example() -> None:
    due = CAL.due(dt.datetime.fromisoformat("2026-09-30T16:00"), 15)
    assert due.isoformat() == "2026-10-27T23:59:59+08:00"


def test_the_day_itself_never_counts_and_utc_is_converted() -> None:
    friday_night_utc = dt.datetime(2026, 11, 20, 17, 0, tzinfo=dt.UTC)  # Sat 01:00 in Shanghai
    assert CAL.due(friday_night_utc, 1) == dt.datetime(2026, 11, 23, 23, 59, 59, tzinfo=SHANGHAI)
    friday_noon = dt.datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)
    assert CAL.due(friday_noon, 1).date() == dt.date(2026, 11, 23)
    assert CAL.due(friday_noon, 0).date() == dt.date(2026, 11, 20)


def test_overrides_win() -> None:
    local = WorkCalendar({D(2026, 11, 23): False, D(2026, 11, 21): True})
    assert local.add_working_days(D(2026, 11, 20), 1) == D(2026, 11, 21)
    assert local.add_working_days(D(2026, 11, 20), 2) == D(2026, 11, 24)
    assert local.working_days_between(D(2026, 11, 20), D(2026, 11, 24)) == 2


def test_command_prints_iso_with_offset_without_django() -> None:
    code = (
        "import sys; from minsheng.cli import main; rc = main(sys.argv[1:]); "
        "assert 'django' not in sys.modules; sys.exit(rc)"
    )
    args = ["calendar", "due", "--start", "2026-09-30T16:00", "--working-days", "15"]
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2026-10-27T23:59:59+08:00"
    bad = subprocess.run(
        [sys.executable, "-c", code, "calendar", "due", "--start", "soon", "--working-days", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "ISO 8601" in bad.stderr


def test_a_deadline_into_an_unpublished_year_warns() -> None:
    calendar = WorkCalendar()
    assert calendar.schedule_published(2026) and not calendar.schedule_published(2027)
    assert calendar.unpublished_years(D(2026, 12, 20), D(2027, 1, 12)) == [2027]
    assert calendar.unpublished_years(D(2026, 9, 30), D(2026, 10, 27)) == []
    entered = WorkCalendar({D(2027, 2, 20): True})  # the administrator typed 2027 in
    assert entered.unpublished_years(D(2026, 12, 20), D(2027, 1, 12)) == []
    code = "import sys; from minsheng.cli import main; sys.exit(main(sys.argv[1:]))"
    args = ["calendar", "due", "--start", "2026-12-20T10:00", "--working-days", "15"]
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stdout.startswith("2027-01-")
    assert "2027 年的节假日安排尚未公布" in result.stderr
    quiet = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "calendar",
            "due",
            "--start",
            "2026-09-30T16:00",
            "--working-days",
            "15",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert quiet.stderr == ""
