"""``minsheng calendar due --start 2026-09-30T16:00 --working-days 15``: the deadline as an ISO
8601 timestamp with offset (+08:00), on ``core`` alone (Django is never imported).

``--start`` without an offset is Asia/Shanghai time. ``--overrides FILE.csv`` (columns
``date,working`` with working 1/0) applies the administrator's changes to the published
schedule. ``minsheng calendar days --year 2026`` lists the days off and make-up working days.

Exit codes: 0 done, 2 bad input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from minsheng.core.tabular import TableError, cell_text, read_table
from minsheng.core.workdays.calendar import MAX_WORKING_DAYS, WorkCalendar

EXIT_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="minsheng calendar", description="工作日 / working days")
    sub = parser.add_subparsers(dest="action", required=True)
    due = sub.add_parser("due", help="deadline N working days after a moment")
    due.add_argument("--start", required=True, help="ISO 8601, e.g. 2026-09-30T16:00")
    due.add_argument("--working-days", required=True, type=int)
    due.add_argument("--overrides", type=Path, default=None, help="CSV: date,working")
    days = sub.add_parser("days", help="days off and make-up working days of a year")
    days.add_argument("--year", required=True, type=int)
    days.add_argument("--overrides", type=Path, default=None)
    return parser


def _fail(message: str) -> int:
    print(f"minsheng calendar: {message}", file=sys.stderr)
    return EXIT_INPUT


def read_overrides(path: Path) -> dict[dt.date, bool]:
    table = read_table(path.read_bytes(), filename=path.name)
    out: dict[dt.date, bool] = {}
    errors = []
    for row in table.rows:
        raw_date, raw_flag = row.values.get("date"), cell_text(row.values.get("working"))
        try:
            day = (
                raw_date
                if isinstance(raw_date, dt.date)
                else dt.date.fromisoformat(cell_text(raw_date))
            )
        except ValueError:
            errors.append(table.error(row.number, "date", f"不是日期：{raw_date}"))
            continue
        if raw_flag not in {"1", "0", "true", "false", "是", "否"}:
            errors.append(table.error(row.number, "working", f"须为 1 或 0：{raw_flag}"))
            continue
        out[day.date() if isinstance(day, dt.datetime) else day] = raw_flag in {"1", "true", "是"}
    if errors:
        raise TableError(errors)
    return out


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))
    overrides: dict[dt.date, bool] = {}
    if args.overrides is not None:
        try:
            overrides = read_overrides(args.overrides)
        except OSError as exc:
            return _fail(f"无法读取 {args.overrides}：{exc.strerror}")
        except TableError as exc:
            return _fail("; ".join(str(e) for e in exc.errors))
    calendar = WorkCalendar(overrides)
    if args.action == "days":
        for day, working in calendar.year(args.year):
            weekend = day.weekday() >= 5
            if working == weekend:
                kind = "上班" if working else "休息"
                print(f"{day.isoformat()}\t{kind}\t{calendar.reason(day)}")
        return 0
    try:
        start = dt.datetime.fromisoformat(args.start)
    except ValueError:
        return _fail(f"--start 不是 ISO 8601 时间：{args.start} / not an ISO 8601 time")
    if not 0 <= args.working_days <= MAX_WORKING_DAYS:
        return _fail(f"--working-days 须在 0 到 {MAX_WORKING_DAYS} 之间 / out of range")
    due = calendar.due(start, args.working_days)
    print(due.isoformat())
    for year in calendar.unpublished_years(start.date(), due.date()):
        print(
            f"注意：{year} 年的节假日安排尚未公布，截止时间只按法定节假日推算，公布后可能变化"
            f"（可用 --overrides 补录）/ warning: the {year} holiday schedule is not published "
            "yet; the deadline may move when it is",
            file=sys.stderr,
        )
    return 0
