"""Ratings in the store: the columns copied, and the tally behind every ratings statistic.

A rating never changes once stored (追评 are rows of their own), so its copy is final; what does
change — the rectification case of a bad rating — stays in the database and is counted there
(``Tally.cases``). ``tally_sql`` is the one SQL text both engines run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from minsheng.core.analytics.store import months_between

TABLE = "ratings"
# column → polars dtype name, in the order written
COLUMNS: dict[str, str] = {
    "id": "Int64",
    "month": "String",  # YYYY-MM, Asia/Shanghai (the partition)
    "day": "String",  # YYYY-MM-DD, Asia/Shanghai
    "rated_at": "Datetime",  # UTC, without zone
    "department_id": "Int64",
    "centre_id": "Int64",
    "window_id": "Int64",
    "staff_id": "Int64",
    "service_item_id": "Int64",
    "channel": "String",
    "level": "Int16",
    "source": "String",
    "is_follow_up": "Boolean",
    "reachable": "Boolean",  # the citizen left contact details
    "region_id": "Int64",  # the centre's region and its ancestors
    "province_id": "Int64",
    "city_id": "Int64",
    "county_id": "Int64",
    "township_id": "Int64",
    # what the integrity checks and 办件统计 read besides the counts
    "case_no": "String",
    "handled_at": "Datetime",  # UTC, without zone; the completion the rating carries
    "device": "String",
    "comment": "String",
}
# What a grouping reads (the scope's own regions group as 0: see reviews.selectors).
GROUP_COLUMNS = {
    "department": "department_id",
    "centre": "centre_id",
    "window": "window_id",
    "staff": "staff_id",
    "item": "service_item_id",
    "channel": "channel",
    "day": "day",
    "month": "month",
    "total": "1",
}
TALLIES = ("n_active", "n_default", "n_system", "l1", "l2", "l3", "l4", "l5")

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Slice:
    """Which ratings: rated in [begin, end) (aware datetimes), in a region's subtree (its
    ancestor column = id), narrowed by equalities on stored columns."""

    begin: dt.datetime
    end: dt.datetime
    where: Mapping[str, int | str] | None = None

    def months(self) -> list[str]:
        """The partitions the slice touches (Asia/Shanghai months), for partition pruning."""
        return months_between(self.begin, self.end)


def _literal(value: int | str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"not a column value: {value!r}")
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


def _utc(moment: dt.datetime) -> str:
    utc = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return f"TIMESTAMP '{utc.isoformat(sep=' ', timespec='microseconds')}'"


def _equalities(where: Mapping[str, int | str] | None) -> list[str]:
    conditions = []
    for column, value in (where or {}).items():
        if column not in COLUMNS:
            raise ValueError(f"not a stored column: {column}")
        conditions.append(f"{column} = {_literal(value)}")
    return conditions


def events_sql(month: str, where: Mapping[str, int | str] | None = None) -> str:
    """A month's first ratings (追评 are not) with what the integrity checks read, in no
    particular order (sorting millions of rows is the checks' business where they need it)."""
    conditions = [f"month = {_literal(month)}", "NOT is_follow_up", *_equalities(where)]
    return (
        "SELECT id, centre_id AS centre, staff_id AS staff, device, level, source, channel,\n"
        "  rated_at, handled_at, comment, case_no\n"
        f"FROM {TABLE}\n"
        f"WHERE {' AND '.join(conditions)}"
    )


def history_sql(months: Sequence[str], where: Mapping[str, int | str] | None = None) -> str:
    """The months' active first ratings per centre, device and staff member: how many, how
    many bad — a centre's history for the integrity checks, in few rows."""
    listed = ", ".join(_literal(m) for m in months)
    conditions = [
        f"month IN ({listed})",
        "NOT is_follow_up",
        "source = 'active'",
        *_equalities(where),
    ]
    return (
        "SELECT centre_id AS centre, device, staff_id AS staff, COUNT(*) AS n,\n"
        "  SUM(CASE WHEN level <= 2 THEN 1 ELSE 0 END) AS bad\n"
        f"FROM {TABLE}\n"
        f"WHERE {' AND '.join(conditions)}\n"
        "GROUP BY centre_id, device, staff_id"
    )


def rated_sql(cases: str) -> str:
    """Which of the case numbers in view ``cases`` (a column ``case_no``) an active first
    rating carries — 办件统计's "rated". ``cases`` is the caller's own view name."""
    return (
        f"SELECT DISTINCT r.case_no AS case_no FROM {TABLE} r\n"  # noqa: S608
        f"JOIN {cases} c ON r.case_no = c.case_no\n"
        "WHERE r.source = 'active' AND NOT r.is_follow_up"
    )


def months_sql(before: str, where: Mapping[str, int | str] | None = None) -> str:
    """The first and last month holding ratings, and the last one before ``before``."""
    conditions = ["1 = 1", *_equalities(where)]
    return (
        "SELECT MIN(month), MAX(month),\n"
        f"  MAX(CASE WHEN month < {_literal(before)} THEN month END)\n"
        f"FROM {TABLE}\n"
        f"WHERE {' AND '.join(conditions)}"
    )


def tally_sql(part: Slice, group: str) -> str:
    """Counts per group: active, default and system ratings (追评 not counted again) and the
    active ones by level 1–5. ``group``: a stored column or SQL over them (``1`` for all)."""
    months = ", ".join(_literal(m) for m in part.months())
    conditions = [
        f"month IN ({months})",
        f"rated_at >= {_utc(part.begin)}",
        f"rated_at < {_utc(part.end)}",
        *_equalities(part.where),
    ]
    active = "NOT is_follow_up AND source = 'active'"
    levels = ",\n  ".join(
        f"SUM(CASE WHEN {active} AND level = {k} THEN 1 ELSE 0 END) AS l{k}" for k in range(1, 6)
    )
    return (
        f"SELECT {group} AS grp,\n"
        f"  SUM(CASE WHEN {active} THEN 1 ELSE 0 END) AS n_active,\n"
        "  SUM(CASE WHEN NOT is_follow_up AND source = 'default' THEN 1 ELSE 0 END) AS n_default,\n"
        "  SUM(CASE WHEN NOT is_follow_up AND source = 'system' THEN 1 ELSE 0 END) AS n_system,\n"
        f"  {levels}\n"
        f"FROM {TABLE}\n"
        f"WHERE {' AND '.join(conditions)} AND {group} IS NOT NULL\n"
        f"GROUP BY {group}\n"
        "ORDER BY grp"
    )


@dataclass(frozen=True, slots=True)
class Tally:
    """Per group (``keys``): the counts ``core.ratings.stats`` turns into rates and ranks.
    ``cases``: untrue, rectified, rectified on time, rectified with contact, revisited — from
    the cases of the groups' bad ratings."""

    keys: list[object]
    counts: dict[str, Ints]  # TALLIES → per group
    cases: dict[str, Ints]


def tally_from_rows(rows: Sequence[tuple[object, ...]]) -> tuple[list[object], dict[str, Ints]]:
    keys = [row[0] for row in rows]
    counts = {
        name: np.array([row[k + 1] or 0 for row in rows], dtype=np.int64)
        for k, name in enumerate(TALLIES)
    }
    return keys, counts
