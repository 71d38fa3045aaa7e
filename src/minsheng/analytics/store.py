"""The analytics store as the platform uses it: where it lives, which engine reads it, the tables
copied into it and ``sync`` — the one copy step (the worker every minute, a page or command
before it reads, ``minsheng analytics sync``).

A table registers a ``Source``: how to read rows above an id from the database as a polars frame
(with ``id`` and ``month``). ``sync`` copies what is above the watermark under the store's lock;
``check`` compares the database's count up to the watermark with the store's and copies a table
again when they differ (rows deleted, a database restored), so nothing is counted twice or
missed.

A table whose rows keep changing after they are written (hotline orders, applications) registers
a ``Monthly`` instead: a month of it (the month a row's ``moment`` falls in, Asia/Shanghai) is a
snapshot (``ROOT/<table>/month=2026-10/version-<v>.parquet``, the version being the moment it
was read, in microseconds since 1970 as 16 hex digits) read together with the rows changed since
— those whose ``updated_at`` is at or after that moment less ``MARGIN``, which replace their old
copies. The margin catches a write that committed after the snapshot was read with an earlier
``updated_at``, unless its transaction ran longer than the margin; for those, the worker reads
the recent months whole once an hour. If the month then holds more or fewer rows than the
database does (a row deleted, an insert racing the read), it is read again whole.
``refresh_months`` (the worker, every minute) rebuilds this and last month's snapshots when
older than ``STALE``, so a reader takes a snapshot and the few rows changed since. (Right after
a bulk load the loaded rows are all "changed" for the length of the margin.)
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from django.conf import settings
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from minsheng.analytics.frames import query_frame
from minsheng.core.analytics import engines, store
from minsheng.core.analytics.store import month_bounds
from minsheng.core.workdays.calendar import SHANGHAI

CHUNK = 200_000
MARGIN = dt.timedelta(minutes=5)
STALE = dt.timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Source:
    table: str
    max_id: Callable[[], int]  # the largest id in the database
    count_upto: Callable[[int], int]  # rows with id ≤ n in the database
    read_after: Callable[[int, int], pl.DataFrame]  # rows with id > n, at most k of them
    columns: tuple[str, ...] = ()  # what a part holds; parts written before a change are redone


@dataclass(frozen=True, slots=True)
class Monthly:
    table: str
    rows: Callable[[], QuerySet[Any]]  # every row (the model's manager's queryset)
    moment: str  # the field placing a row in its month, e.g. "received_at"
    columns: dict[str, tuple[Any, Any]]  # snapshot column → (field or expression, polars type)


SOURCES: dict[str, Source] = {}
SNAPSHOTS: set[str] = set()  # tables kept as versioned snapshots (``core.analytics.store``)
MONTHLY: dict[str, Monthly] = {}


def register(source: Source) -> None:
    SOURCES[source.table] = source


def register_snapshots(table: str) -> None:
    SNAPSHOTS.add(table)


def register_monthly(table: Monthly) -> None:
    MONTHLY[table.table] = table
    SNAPSHOTS.add(table.table)


def sources() -> dict[str, Source]:
    """Every registered table: each app's ``store`` module registers its own, imported here on
    first use (not at start-up)."""
    autodiscover_modules("store")
    return SOURCES


def snapshots() -> set[str]:
    autodiscover_modules("store")
    return SNAPSHOTS


def monthly() -> dict[str, Monthly]:
    autodiscover_modules("store")
    return MONTHLY


def root() -> Path:
    return Path(settings.MINSHENG_ANALYTICS_DIR)


def engine() -> engines.Engine:
    """The configured engine (``MINSHENG_ANALYTICS``, ``MINSHENG_SPARK_MASTER``)."""
    return engines.engine(settings.MINSHENG_ANALYTICS, root(), settings.MINSHENG_SPARK_MASTER)


_LAYOUT_CHECKED: set[str] = set()  # parts (paths) already found to hold the current columns


def _layout(source: Source, base: Path, found: list[store.Part]) -> list[store.Part]:
    """The table's parts (``found``), or none when they were written with other columns (an
    upgrade added one): the table is dropped, to be copied again whole by this sync. One
    footer read per process."""
    if not source.columns or not found or str(found[0].path) in _LAYOUT_CHECKED:
        return found
    wanted = sorted(c for c in source.columns if c != "month")
    with store.locked(base, source.table):
        found = store.parts(base, source.table)
        if found and sorted(store.part_columns(found[0])) != wanted:
            store.drop(base, source.table)
            return []
        if found:
            _LAYOUT_CHECKED.add(str(found[0].path))
    return found


def sync(table: str, progress: Callable[[int], None] | None = None) -> int:
    """Copy the rows above the watermark; returns how many. Cheap when nothing is new (one
    indexed ``MAX(id)``), so readers call it first and always see every stored row."""
    source = sources()[table]
    base = root()
    found = _layout(source, base, store.parts(base, table))
    newest = source.max_id()
    if newest <= max((p.last for p in found), default=0):  # the watermark
        return 0
    copied = 0
    with store.locked(base, table):
        mark = store.watermark(base, table)
        while mark < newest:
            frame = source.read_after(mark, CHUNK)
            if not frame.height:
                break
            copied += store.append(base, table, frame)
            mark = int(frame["id"].max())  # type: ignore[arg-type]
            if progress is not None:
                progress(copied)
    return copied


def stored_count(table: str) -> int:
    base = root()
    found = store.parts(base, table)
    if not found:
        return 0
    files = [str(p.path) for p in found]
    with duckdb.connect(":memory:") as connection:
        row = connection.execute("SELECT COUNT(*) FROM read_parquet(?)", [files]).fetchone()
    return int(row[0]) if row else 0


def check(table: str) -> dict[str, Any]:
    """Database and store agree up to the watermark, else the table is copied again."""
    base = root()
    mark = store.watermark(base, table)
    in_db, in_store = sources()[table].count_upto(mark), stored_count(table)
    rebuilt = in_db != in_store
    if rebuilt:
        with store.locked(base, table):
            store.drop(base, table)
    return {
        "table": table,
        "watermark": mark,
        "database": in_db,
        "store": in_store,
        "rebuilt": rebuilt,
    }


def status() -> list[dict[str, Any]]:
    """Per copied table its watermark, months and rows; per ``Monthly`` table the months kept,
    when each was read (Asia/Shanghai) and its rows."""
    base = root()
    out: list[dict[str, Any]] = [
        {
            "table": table,
            "watermark": store.watermark(base, table),
            "database_max_id": source.max_id(),
            "months": store.months(base, table),
            "parts": len(store.parts(base, table)),
            "rows": stored_count(table),
        }
        for table, source in sorted(sources().items())
    ]
    for name in sorted(monthly()):
        kept = []
        for key in store.snapshot_keys(base, name):
            version = store.latest_version(base, name, key)
            if version is None:
                continue
            kept.append(
                {
                    "month": key.removeprefix("month="),
                    "read_at": _moment(version).astimezone(SHANGHAI).isoformat(timespec="seconds"),
                    "rows": store.snapshot_rows(base, name, key),
                }
            )
        out.append({"table": name, "monthly": kept})
    return out


def sync_all(*, verify: bool = False) -> list[dict[str, Any]]:
    """Copy every table's new rows (``verify``: compare counts first) and refresh the recent
    months of the ``Monthly`` tables (``verify``: read them whole)."""
    out = []
    for table in sorted(sources()):
        started = time.perf_counter()
        facts: dict[str, Any] = check(table) if verify else {"table": table}
        facts["copied"] = sync(table)
        facts["seconds"] = round(time.perf_counter() - started, 3)
        out.append(facts)
    for table, rebuilt in refresh_months(whole=verify).items():
        out.append({"table": table, "months_read": rebuilt})
    return out


def clear() -> None:
    """Empty the store (the demo starts a new database)."""
    for table in (*sources(), *snapshots(), ".results"):  # and queries' leftover scratch
        store.drop(root(), table)


def _in_month(table: Monthly, month: str) -> QuerySet[Any]:
    start, end = month_bounds(month)
    return table.rows().filter(**{f"{table.moment}__gte": start, f"{table.moment}__lt": end})


def _version(moment: dt.datetime) -> str:
    return f"{round(moment.timestamp() * 1_000_000):016x}"


def _moment(version: str) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(version, 16) / 1_000_000, tz=dt.UTC)


def month_rebuild(name: str, month: str) -> pl.DataFrame:
    """Read a month of a ``Monthly`` table whole and keep it as its snapshot."""
    table = monthly()[name]
    through = timezone.now()  # before reading: a later write is read again as changed
    frame = query_frame(_in_month(table, month).order_by(), table.columns)
    store.snapshot_write(root(), name, f"month={month}", _version(through), frame)
    return frame


def month_rows(name: str, month: str) -> pl.DataFrame:
    """Every row of a ``Monthly`` table placed in the month, as the database has it now: the
    snapshot, with the rows changed since replacing their copies."""
    table = monthly()[name]
    found = store.latest_snapshot(root(), name, f"month={month}")
    if found is None or found[1].columns != list(table.columns):
        return month_rebuild(name, month)  # none yet, or kept before a column was added
    version, frame = found
    changed_rows = _in_month(table, month).filter(updated_at__gte=_moment(version) - MARGIN)
    changed = query_frame(changed_rows.order_by(), table.columns)
    if changed.height:
        frame = pl.concat([frame.join(changed.select("id"), on="id", how="anti"), changed])
    if not frame.height:
        return frame
    last = int(frame["id"].max())  # type: ignore[arg-type]
    if _in_month(table, month).filter(pk__lte=last).count() != frame.height:
        return month_rebuild(name, month)  # a row deleted, or one committed out of order
    return frame


def span_rows(name: str, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    """Every row of a ``Monthly`` table whose moment falls in [start, end), as the database has
    it now: ``month_rows`` of each month the span touches, cut to the span."""
    table = monthly()[name]
    frames = [month_rows(name, month) for month in store.months_between(start, end)]
    if not frames:
        return pl.DataFrame(schema={column: dtype for column, (_, dtype) in table.columns.items()})
    first, after = (pl.lit(m.astimezone(dt.UTC)).dt.cast_time_unit("us") for m in (start, end))
    moment = pl.col(table.moment)
    return pl.concat(frames).filter((moment >= first) & (moment < after))


def refresh_months(now: dt.datetime | None = None, *, whole: bool = False) -> dict[str, int]:
    """The worker's step: this and last month's (of ``now``) snapshots of every ``Monthly``
    table rebuilt when older than ``STALE`` (or missing while the month has rows) and something
    changed since — or, with ``whole``, in any case; returns how many were rebuilt, per table."""
    month_of = (now or timezone.now()).astimezone(SHANGHAI)
    last = month_of.replace(day=1) - dt.timedelta(days=1)
    moment = timezone.now()
    rebuilt: dict[str, int] = {}
    for name, table in sorted(monthly().items()):
        rebuilt[name] = 0
        for month in (f"{last.year}-{last.month:02d}", f"{month_of.year}-{month_of.month:02d}"):
            version = store.latest_version(root(), name, f"month={month}")
            if whole and version is not None:
                version = None  # read whole, whatever is kept
            if version is not None and moment - _moment(version) < STALE:
                continue
            newest = _in_month(table, month).aggregate(m=Max("updated_at"))["m"]
            if newest is None and version is None:
                continue  # nothing in that month
            if version is not None and newest is not None and newest < _moment(version) - MARGIN:
                continue  # nothing changed since
            month_rebuild(name, month)
            rebuilt[name] += 1
    return rebuilt
