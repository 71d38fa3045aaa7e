"""The hotline's monthly figures in SQL (``core.analytics.hotline``): DuckDB and Apache Spark
(local mode) count what ``core.hotline.metrics.group_metrics`` counts in numpy — every rate and
the mean working days, across a National Day holiday with its make-up working Saturday — on
orders with missing steps, late and early answers, follow-ups of every kind and no unit."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from minsheng.core.analytics import engines
from minsheng.core.analytics.hotline import CALENDAR, calendar_frame, counts_from_rows, metrics_sql
from minsheng.core.hotline.metrics import group_metrics, metrics_from_counts, order_columns
from minsheng.core.workdays.calendar import WorkCalendar

UTC = pl.Datetime("us", "UTC")
TABLE = "orders"


def orders(n: int = 2000, seed: int = 4) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    start = dt.datetime(2026, 9, 20, tzinfo=dt.UTC)
    received = [start + dt.timedelta(minutes=int(m)) for m in rng.integers(0, 30 * 1440, n)]

    def after(base: list[dt.datetime], hours: tuple[int, int], missing: float) -> list[object]:
        return [
            None if b is None or rng.random() < missing
            else b + dt.timedelta(hours=int(rng.integers(*hours)))
            for b in base
        ]  # fmt: skip

    dispatched = after(received, (0, 30), 0.1)
    accepted = after(dispatched, (0, 40), 0.1)
    answered = after([d or r for d, r in zip(dispatched, received, strict=True)], (1, 400), 0.2)
    return pl.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "unit_id": pl.Series(rng.integers(1, 6, n)).set(pl.Series(rng.random(n) < 0.1), None),
            "received_at": pl.Series(received, dtype=UTC),
            "dispatched_at": pl.Series(dispatched, dtype=UTC),
            "accepted_at": pl.Series(accepted, dtype=UTC),
            "answered_at": pl.Series(answered, dtype=UTC),
            "accept_due": pl.Series(after(dispatched, (20, 21), 0.0), dtype=UTC),
            "answer_due": pl.Series(after(dispatched, (100, 101), 0.0), dtype=UTC),
            "followup": rng.choice(["", "satisfied", "mostly", "unsatisfied"], n),
            "solved": pl.Series(rng.choice([True, False], n)).set(
                pl.Series(rng.random(n) < 0.3), None
            ),
            "reopened": rng.choice([0, 0, 0, 1], n),
            "returned": rng.choice([0, 0, 0, 0, 2], n),
        }
    )


def by_numpy(frame: pl.DataFrame, keys: list[object], calendar: WorkCalendar) -> list[object]:
    columns = order_columns(frame, keys, key="unit_id")
    return group_metrics(columns, [str(k) for k in keys], calendar)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, pl.DataFrame]:
    folder = tmp_path_factory.mktemp("hotline")
    frame = orders()
    frame.write_parquet(folder / "orders.parquet")
    days = calendar_frame(WorkCalendar(), dt.date(2026, 9, 1), dt.date(2027, 1, 31))
    days.write_parquet(folder / "workdays.parquet")
    return folder / "orders.parquet", folder / "workdays.parquet", frame


def by_engine(reader: engines.Engine, paths: tuple[Path, Path], keys: list[object]) -> list[object]:
    rows = reader.rows(metrics_sql(TABLE, "unit_id"), [], {TABLE: paths[0], CALENDAR: paths[1]})
    counts, day_sum = counts_from_rows(rows, keys)
    return metrics_from_counts([str(k) for k in keys], counts, day_sum)


def test_duckdb_counts_what_numpy_counts(
    files: tuple[Path, Path, pl.DataFrame], tmp_path: Path
) -> None:
    orders_path, days_path, frame = files
    keys = sorted(set(frame["unit_id"].to_list()), key=lambda k: (k is None, k or 0))
    want = by_numpy(frame, keys, WorkCalendar())
    got = by_engine(engines.DuckDB(tmp_path), (orders_path, days_path), keys)
    assert got == want
    assert all(m.mean_days is not None and m.on_time < m.answered for m in want)


@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")
def test_spark_counts_what_duckdb_counts(files: tuple[Path, Path, pl.DataFrame]) -> None:
    pytest.importorskip("pyspark")
    orders_path, days_path, frame = files
    keys = sorted(set(frame["unit_id"].to_list()), key=lambda k: (k is None, k or 0))
    spark = engines.engine("spark", orders_path.parent, "local[2]")
    assert by_engine(spark, (orders_path, days_path), keys) == by_numpy(frame, keys, WorkCalendar())
