"""The store's layout on disk, shared by both engines (Hive partitioning, as Spark writes it):

    ROOT/<table>/month=2026-11/part-000000000001-000000120000.parquet

A part holds the rows with ids ``first … last`` of one month; ids only grow, so the **watermark**
— the largest ``last`` of any part — says what has been copied: a copy run takes the rows above
it, writes each month's part under a temporary name and renames it into place (a rename is
atomic), so a killed run leaves either a whole part or none, and the watermark read from the file
names can never run ahead of the data. Runs take a lock, so two never copy the same rows.

A table whose rows change in place (a poll's respondents get new weights) is kept as
**snapshots** instead — one file per key, named by the version of the data it holds:

    ROOT/<table>/poll=12/version-3f2a9c0d1e4b5a69.parquet

A reader asks for the version the database is at now; a snapshot of an older version is never
read, and writing a new one removes the old. Or, for rows that keep changing (hotline orders),
the version is the moment the snapshot was read and a reader takes the latest one with the rows
changed since (``latest_snapshot``; see ``hotline.store``).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl

SHANGHAI = dt.timezone(dt.timedelta(hours=8))  # months are Asia/Shanghai months (no DST)
PART = re.compile(r"part-(\d{12})-(\d{12})\.parquet")
SNAPSHOT = re.compile(r"version-([0-9a-f]{16})\.parquet")
MONTH = re.compile(r"month=(\d{4}-\d{2})")


@dataclass(frozen=True, slots=True)
class Part:
    month: str
    first: int
    last: int
    path: Path


def parts(root: Path, table: str) -> list[Part]:
    """Every finished part of ``table``, oldest ids first."""
    found: list[Part] = []
    base = root / table
    if not base.is_dir():
        return found
    for folder in base.iterdir():
        month = MONTH.fullmatch(folder.name)
        if month is None or not folder.is_dir():
            continue
        for path in folder.iterdir():
            if m := PART.fullmatch(path.name):
                found.append(Part(month[1], int(m[1]), int(m[2]), path))
    return sorted(found, key=lambda p: (p.first, p.month))


def part_columns(part: Part) -> list[str]:
    """The columns a part holds (from its footer; the month is the folder's)."""
    return list(pl.read_parquet_schema(part.path))


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """[first moment, first moment of the next month) in Asia/Shanghai for "2026-10"."""
    year, number = (int(x) for x in month.split("-"))
    start = dt.datetime(year, number, 1, tzinfo=SHANGHAI)
    end = dt.datetime(year + number // 12, number % 12 + 1, 1, tzinfo=SHANGHAI)
    return start, end


def months_between(begin: dt.datetime, end: dt.datetime) -> list[str]:
    """The months (Asia/Shanghai, "2026-10") that [begin, end) touches: the partitions to read."""
    first = begin.astimezone(SHANGHAI)
    last = (end - dt.timedelta(microseconds=1)).astimezone(SHANGHAI)
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return out


def watermark(root: Path, table: str) -> int:
    """The largest id copied (0 when nothing is)."""
    return max((p.last for p in parts(root, table)), default=0)


def months(root: Path, table: str) -> list[str]:
    return sorted({p.month for p in parts(root, table)})


def glob(root: Path, table: str) -> str:
    return str(root / table / "month=*" / "*.parquet")


def append(root: Path, table: str, frame: pl.DataFrame) -> int:
    """Write ``frame`` (with ``id`` and ``month`` columns, ids above the watermark) as one part
    per month; returns the rows written."""
    if not frame.height:
        return 0
    for (month,), chunk in frame.sort("id").group_by("month", maintain_order=True):
        folder = root / table / f"month={month}"
        folder.mkdir(parents=True, exist_ok=True)
        ids = chunk["id"].to_numpy()
        name = f"part-{int(ids.min()):012d}-{int(ids.max()):012d}.parquet"
        temporary = folder / f".{name}.tmp"
        chunk.drop("month").write_parquet(temporary, compression="zstd", statistics=True)
        temporary.rename(folder / name)
    return frame.height


def drop(root: Path, table: str, month: str | None = None) -> None:
    """Remove a table (or one month of it), to be copied again."""
    target = root / table if month is None else root / table / f"month={month}"
    shutil.rmtree(target, ignore_errors=True)


@contextmanager
def locked(root: Path, table: str) -> Iterator[None]:
    """One copy run of a table at a time, across processes (the worker, a page, a command)."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / f".{table}.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def snapshot_path(root: Path, table: str, key: str, version: str) -> Path:
    """Where the snapshot of ``key`` at ``version`` (16 hex digits) is (or would be)."""
    return root / table / key / f"version-{version}.parquet"


def snapshot(root: Path, table: str, key: str, version: str) -> pl.DataFrame | None:
    """The snapshot of ``key`` at ``version``, or None if there is none."""
    try:
        return pl.read_parquet(snapshot_path(root, table, key, version))
    except FileNotFoundError:
        return None


def snapshot_keys(root: Path, table: str) -> list[str]:
    """The keys (``month=2026-10``, ``poll=12``) that have a snapshot of ``table``."""
    base = root / table
    if not base.is_dir():
        return []
    return sorted(
        f.name for f in base.iterdir() if f.is_dir() and latest_version(root, table, f.name)
    )


def snapshot_rows(root: Path, table: str, key: str) -> int:
    """Rows in ``key``'s snapshot (from the file's metadata; 0 if there is none)."""
    version = latest_version(root, table, key)
    if version is None:
        return 0
    try:
        path = snapshot_path(root, table, key, version)
        return int(pl.scan_parquet(path).select(pl.len()).collect().item())
    except FileNotFoundError:
        return snapshot_rows(root, table, key)


def latest_version(root: Path, table: str, key: str) -> str | None:
    """The version of ``key``'s snapshot, whichever it is (None if there is none)."""
    folder = root / table / key
    if not folder.is_dir():
        return None
    found = [m[1] for path in folder.iterdir() if (m := SNAPSHOT.fullmatch(path.name))]
    return max(found, default=None)


def latest_snapshot(root: Path, table: str, key: str) -> tuple[str, pl.DataFrame] | None:
    """The version and data of ``key``'s snapshot, whichever version it is (None if none) —
    for a table read as a snapshot and the rows changed since (see ``hotline.store``)."""
    version = latest_version(root, table, key)
    if version is None:
        return None
    frame = snapshot(root, table, key, version)
    return (version, frame) if frame is not None else latest_snapshot(root, table, key)


def snapshot_write(root: Path, table: str, key: str, version: str, frame: pl.DataFrame) -> None:
    """Keep ``frame`` as the snapshot of ``key`` at ``version``; older versions are removed."""
    with snapshot_file(root, table, key, version) as temporary:
        frame.write_parquet(temporary, compression="zstd", statistics=False)


@contextmanager
def snapshot_file(root: Path, table: str, key: str, version: str) -> Iterator[Path]:
    """A temporary path to write the snapshot of ``key`` at ``version`` to (by any writer,
    e.g. DuckDB's ``COPY … TO``); when the block ends it is renamed into place and older
    versions are removed. A failed write leaves nothing behind."""
    if not SNAPSHOT.fullmatch(f"version-{version}.parquet"):
        raise ValueError(f"a version is 16 hex digits, not {version!r}")
    folder = root / table / key
    folder.mkdir(parents=True, exist_ok=True)
    name = f"version-{version}.parquet"
    temporary = folder / f".{name}.{os.getpid()}.tmp"
    try:
        yield temporary
        temporary.rename(folder / name)
    finally:
        temporary.unlink(missing_ok=True)
    for path in folder.iterdir():
        if path.name != name and SNAPSHOT.fullmatch(path.name):
            path.unlink(missing_ok=True)
