"""The analytics store as the platform uses it: where it lives, which engine reads it, the tables
copied into it and ``sync`` — the one copy step (the worker every minute, a page or command
before it reads, ``minsheng analytics sync``).

A table registers a ``Source``: how to read rows above an id from the database as a polars frame
(with ``id`` and ``month``). ``sync`` copies what is above the watermark under the store's lock;
``check`` compares the database's count up to the watermark with the store's and copies a table
again when they differ (rows deleted, a database restored), so nothing is counted twice or
missed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from django.conf import settings
from django.utils.module_loading import autodiscover_modules

from minsheng.core.analytics import engines, store

CHUNK = 200_000


@dataclass(frozen=True, slots=True)
class Source:
    table: str
    max_id: Callable[[], int]  # the largest id in the database
    count_upto: Callable[[int], int]  # rows with id ≤ n in the database
    read_after: Callable[[int, int], pl.DataFrame]  # rows with id > n, at most k of them


SOURCES: dict[str, Source] = {}
SNAPSHOTS: set[str] = set()  # tables kept as versioned snapshots (``core.analytics.store``)


def register(source: Source) -> None:
    SOURCES[source.table] = source


def register_snapshots(table: str) -> None:
    SNAPSHOTS.add(table)


def sources() -> dict[str, Source]:
    """Every registered table: each app's ``store`` module registers its own, imported here on
    first use (not at start-up)."""
    autodiscover_modules("store")
    return SOURCES


def snapshots() -> set[str]:
    autodiscover_modules("store")
    return SNAPSHOTS


def root() -> Path:
    return Path(settings.MINSHENG_ANALYTICS_DIR)


def engine() -> engines.Engine:
    """The configured engine (``MINSHENG_ANALYTICS``, ``MINSHENG_SPARK_MASTER``)."""
    return engines.engine(settings.MINSHENG_ANALYTICS, root(), settings.MINSHENG_SPARK_MASTER)


def sync(table: str, progress: Callable[[int], None] | None = None) -> int:
    """Copy the rows above the watermark; returns how many. Cheap when nothing is new (one
    indexed ``MAX(id)``), so readers call it first and always see every stored row."""
    source = sources()[table]
    base = root()
    newest = source.max_id()
    if newest <= store.watermark(base, table):
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
    base = root()
    return [
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


def sync_all(*, verify: bool = False) -> list[dict[str, Any]]:
    out = []
    for table in sorted(sources()):
        started = time.perf_counter()
        facts: dict[str, Any] = check(table) if verify else {"table": table}
        facts["copied"] = sync(table)
        facts["seconds"] = round(time.perf_counter() - started, 3)
        out.append(facts)
    return out


def clear() -> None:
    """Empty the store (the demo starts a new database)."""
    for table in (*sources(), *snapshots()):
        store.drop(root(), table)
