"""The two engines that read the store, behind one call: ``engine.rows(sql, tables)``.

The SQL is written once, in the part of SQL both dialects share (``SELECT … WHERE … GROUP BY``,
``CASE WHEN``, ``SUM``, ``COALESCE``, ``IN``, ``TIMESTAMP '…'`` literals in UTC), and each table of
the store is a view of the same name over its Parquet parts:

- **DuckDB** (the default): in-process, reads the parts where they lie; one connection per
  process, views refreshed when a part is added.
- **Apache Spark** (``MINSHENG_ANALYTICS=spark``, ``MINSHENG_SPARK_MASTER=spark://host:7077``
  or ``local[*]``): the same SQL through ``spark.sql`` over ``spark.read.parquet`` of the same
  folders, for a province whose store outgrows one machine (the folder must then be shared
  storage all executors read, e.g. HDFS or an NFS mount, set by ``MINSHENG_ANALYTICS_DIR``).
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from minsheng.core.analytics import store

ENGINES = ("duckdb", "spark")


class EngineError(Exception):
    """The configured engine cannot run (not installed, cannot start)."""


class Engine(Protocol):
    name: str

    def rows(
        self, sql: str, tables: Sequence[str], files: Mapping[str, Path] | None = None
    ) -> list[tuple[Any, ...]]: ...

    def frame(
        self, sql: str, tables: Sequence[str], files: Mapping[str, Path] | None = None
    ) -> pl.DataFrame | None:
        """The rows as columns (for many rows: no Python tuple per row): the engine writes them
        as Parquet under the store's folder and polars reads them back. None when a table has
        nothing copied yet (the caller knows the columns it asked for)."""
        ...

    def quote(self, name: str) -> str: ...


@contextmanager
def scratch_folder(root: Path) -> Iterator[Path]:
    """A fresh folder's path under the store (shared storage, so a cluster's executors can
    read and write there too) for one query's input or result, removed afterwards."""
    folder = root / ".results" / uuid.uuid4().hex
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class DuckDB:
    name = "duckdb"

    def __init__(self, root: Path) -> None:
        import duckdb

        self.root = root
        self._lock = threading.Lock()
        self._connection = duckdb.connect(":memory:")
        self._connection.execute("SET TimeZone = 'UTC'")
        self._connection.execute("SET enable_progress_bar = false")  # no bars on a command's
        # output; and results need not keep the files' row order (less memory for millions)
        self._connection.execute("SET preserve_insertion_order = false")
        self._seen: dict[str, tuple[int, int]] = {}

    def _view(self, table: str) -> None:
        found = store.parts(self.root, table)
        key = (len(found), max((p.last for p in found), default=0))
        if self._seen.get(table) == key:
            return
        files = ", ".join(f"'{p.path}'" for p in found)
        source = (
            f"read_parquet([{files}], hive_partitioning = true, "
            "hive_types = {'month': VARCHAR}, union_by_name = true)"
        )
        # The table names are the store's own and the paths its own files.
        self._connection.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM {source}")  # noqa: S608
        self._seen[table] = key

    def _views(self, tables: Sequence[str], files: Mapping[str, Path] | None) -> None:
        for table in tables:
            self._view(table)
        for name, path in (files or {}).items():
            self._seen.pop(name, None)
            source = str(path).replace("'", "''")
            # The view names and paths are the store's own.
            self._connection.execute(
                f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{source}')"  # noqa: S608
            )

    def rows(
        self, sql: str, tables: Sequence[str], files: Mapping[str, Path] | None = None
    ) -> list[tuple[Any, ...]]:
        """``tables``: the store's tables by month; ``files``: a view name → one Parquet file
        (a snapshot)."""
        if not all(store.parts(self.root, t) for t in tables):
            return []  # a table with nothing copied yet has no rows to group
        with self._lock:
            self._views(tables, files)
            return self._connection.execute(sql).fetchall()

    def frame(
        self, sql: str, tables: Sequence[str], files: Mapping[str, Path] | None = None
    ) -> pl.DataFrame | None:
        if not all(store.parts(self.root, t) for t in tables):
            return None
        with self._lock, scratch_folder(self.root) as folder:
            self._views(tables, files)
            folder.mkdir()
            target = folder / "result.parquet"
            path = str(target).replace("'", "''")
            self._connection.execute(f"COPY ({sql}) TO '{path}' (FORMAT parquet)")
            return pl.read_parquet(target)

    def quote(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'


class Spark:
    name = "spark"

    def __init__(self, root: Path, master: str) -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise EngineError(
                "MINSHENG_ANALYTICS=spark 需要安装 pyspark（pip install pyspark）"
            ) from None
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        logging.getLogger("py4j").setLevel(logging.WARNING)  # its chatter at exit
        self.root = root
        self.session = (
            SparkSession.builder.master(master)
            .appName("minsheng")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")  # no progress bars on stderr
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
            .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="minsheng-spark-"))
            .getOrCreate()
        )
        atexit.register(self.session.stop)  # before py4j's own clean-up at exit

    def rows(
        self, sql: str, tables: Sequence[str], files: Mapping[str, Path] | None = None
    ) -> list[tuple[Any, ...]]:
        if not all(store.parts(self.root, t) for t in tables):
            return []
        for table in tables:
            frame = self.session.read.parquet(str(self.root / table))
            frame.createOrReplaceTempView(table)
        for name, path in (files or {}).items():
            self.session.read.parquet(str(path)).createOrReplaceTempView(name)
        return [tuple(row) for row in self.session.sql(sql).collect()]

    def frame(
        self, sql: str, tables: Sequence[str], files: Mapping[str, Path] | None = None
    ) -> pl.DataFrame | None:
        if not all(store.parts(self.root, t) for t in tables):
            return None
        for table in tables:
            self.session.read.parquet(str(self.root / table)).createOrReplaceTempView(table)
        for name, path in (files or {}).items():
            self.session.read.parquet(str(path)).createOrReplaceTempView(name)
        with scratch_folder(self.root) as folder:
            self.session.sql(sql).write.parquet(str(folder))
            return pl.read_parquet(folder / "*.parquet")

    def quote(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"


_ENGINES: dict[str, tuple[tuple[str, str], Engine]] = {}
_GUARD = threading.Lock()


def engine(name: str, root: Path, master: str = "local[2]") -> Engine:
    """The process's engine for ``root`` (started once: Spark takes seconds to start; a Spark
    session is kept for the process even when the folder changes)."""
    if name not in ENGINES:
        raise EngineError(f"MINSHENG_ANALYTICS 应为 {' 或 '.join(ENGINES)}，而不是“{name}”")
    key = (str(root), master)
    with _GUARD:
        known = _ENGINES.get(name)
        if known is None or known[0] != key:
            if known is not None and isinstance(known[1], Spark):
                known[1].root = root
                _ENGINES[name] = (key, known[1])
            else:
                _ENGINES[name] = (key, DuckDB(root) if name == "duckdb" else Spark(root, master))
        return _ENGINES[name][1]
