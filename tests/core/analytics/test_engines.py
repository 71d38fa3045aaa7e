"""The store's SQL gives the same numbers on DuckDB and on Apache Spark (local mode), and both
equal a count of the same rows in numpy; parts are whole or absent."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from minsheng.core.analytics import engines, store
from minsheng.core.analytics.ratings import GROUP_COLUMNS, TABLE, Slice, tally_from_rows, tally_sql

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def ratings(n: int, seed: int = 3) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    start = dt.datetime(2026, 9, 30, 12, tzinfo=dt.UTC)
    seconds = rng.integers(0, 61 * 86400, n)
    frame = pl.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "rated_at": [start + dt.timedelta(seconds=int(s)) for s in seconds],
            "department_id": rng.integers(1, 6, n),
            "centre_id": rng.integers(1, 40, n),
            "window_id": pl.Series(rng.integers(1, 90, n)).set(
                pl.Series(rng.random(n) < 0.1), None
            ),
            "staff_id": rng.integers(1, 200, n),
            "service_item_id": rng.integers(1, 30, n),
            "channel": rng.choice(["window", "app", "web"], n),
            "level": rng.choice([1, 2, 3, 4, 5], n, p=[0.03, 0.04, 0.08, 0.3, 0.55]).astype(
                np.int16
            ),
            "source": rng.choice(["active", "default", "system"], n, p=[0.85, 0.1, 0.05]),
            "is_follow_up": rng.random(n) < 0.04,
            "reachable": rng.random(n) < 0.5,
            "region_id": rng.integers(100, 140, n),
            "province_id": np.full(n, 1),
            "city_id": rng.integers(2, 4, n),
            "county_id": rng.integers(10, 20, n),
            "township_id": pl.Series(rng.integers(20, 60, n)).set(
                pl.Series(rng.random(n) < 0.2), None
            ),
        }
    )
    local = pl.col("rated_at").dt.convert_time_zone("Asia/Shanghai")
    return frame.with_columns(
        month=local.dt.strftime("%Y-%m"),
        day=local.dt.strftime("%Y-%m-%d"),
        rated_at=pl.col("rated_at").dt.replace_time_zone(None),
    )


def by_numpy(frame: pl.DataFrame, part: Slice, column: str) -> dict[object, list[int]]:
    """The tally counted row by row in numpy: the independent reference."""
    begin = part.begin.astimezone(dt.UTC).replace(tzinfo=None)
    end = part.end.astimezone(dt.UTC).replace(tzinfo=None)
    rows = frame.filter((pl.col("rated_at") >= begin) & (pl.col("rated_at") < end))
    for key, value in (part.where or {}).items():
        rows = rows.filter(pl.col(key) == value)
    rows = rows.filter(pl.col(column).is_not_null())
    out: dict[object, list[int]] = {}
    keys = rows[column].to_list()
    follow = rows["is_follow_up"].to_numpy()
    source = rows["source"].to_numpy()
    level = rows["level"].to_numpy()
    for k, key in enumerate(keys):
        counts = out.setdefault(key, [0] * 8)
        if follow[k]:
            continue
        if source[k] == "active":
            counts[0] += 1
            counts[2 + level[k]] += 1
        elif source[k] == "default":
            counts[1] += 1
        else:
            counts[2] += 1
    return out


def as_dict(rows: list[tuple[object, ...]]) -> dict[object, list[int]]:
    keys, counts = tally_from_rows(rows)
    names = ["n_active", "n_default", "n_system", "l1", "l2", "l3", "l4", "l5"]
    return {k: [int(counts[n][i]) for n in names] for i, k in enumerate(keys)}


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pl.DataFrame]:
    root = tmp_path_factory.mktemp("store")
    frame = ratings(20_000)
    store.append(root, TABLE, frame.filter(pl.col("id") <= 12_000))
    store.append(root, TABLE, frame.filter(pl.col("id") > 12_000))  # a second copy run
    return root, frame


SLICES = [
    Slice(dt.datetime(2026, 10, 1, tzinfo=SHANGHAI), dt.datetime(2026, 11, 1, tzinfo=SHANGHAI)),
    Slice(
        dt.datetime(2026, 10, 15, 8, tzinfo=SHANGHAI),
        dt.datetime(2026, 11, 20, tzinfo=SHANGHAI),
        {"county_id": 12, "source": "active"},
    ),
]


@pytest.mark.parametrize("column", ["centre_id", "window_id", "day", "month", "township_id"])
def test_duckdb_counts_what_numpy_counts(filled: tuple[Path, pl.DataFrame], column: str) -> None:
    root, frame = filled
    duck = engines.DuckDB(root)
    for part in SLICES:
        got = as_dict(duck.rows(tally_sql(part, column), [TABLE]))
        assert got == by_numpy(frame, part, column)
        assert got  # the slice holds ratings


def test_the_watermark_is_the_last_id_copied(filled: tuple[Path, pl.DataFrame]) -> None:
    root, frame = filled
    assert store.watermark(root, TABLE) == frame.height
    assert store.months(root, TABLE) == ["2026-09", "2026-10", "2026-11"]
    assert len(store.parts(root, TABLE)) == 6  # two runs × three months


def test_an_unfinished_part_is_not_read(filled: tuple[Path, pl.DataFrame], tmp_path: Path) -> None:
    root, frame = filled
    copy = tmp_path / "store"
    shutil.copytree(root, copy)
    folder = copy / TABLE / "month=2026-10"
    (folder / ".part-000000099999-000000100000.parquet.tmp").write_bytes(b"PAR1 half")
    assert store.watermark(copy, TABLE) == frame.height
    part = SLICES[0]
    assert as_dict(engines.DuckDB(copy).rows(tally_sql(part, "1"), [TABLE])) == by_numpy(
        frame.with_columns(one=pl.lit(1)), part, "one"
    )


def test_a_value_cannot_break_out_of_the_sql() -> None:
    part = Slice(
        dt.datetime(2026, 10, 1, tzinfo=SHANGHAI),
        dt.datetime(2026, 11, 1, tzinfo=SHANGHAI),
        {"channel": "x' OR '1'='1"},
    )
    assert "channel = 'x'' OR ''1''=''1'" in tally_sql(part, "centre_id")
    with pytest.raises(ValueError, match="not a stored column"):
        tally_sql(Slice(part.begin, part.end, {"1=1 OR channel": "x"}), "centre_id")


@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")
def test_spark_gives_the_same_numbers_as_duckdb(filled: tuple[Path, pl.DataFrame]) -> None:
    pytest.importorskip("pyspark")
    root, _ = filled
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    spark = engines.engine("spark", root, "local[2]")
    duck = engines.DuckDB(root)
    for part in SLICES:
        for by in ("centre", "window", "day", "month", "total"):
            sql = tally_sql(part, GROUP_COLUMNS[by])
            assert as_dict(spark.rows(sql, [TABLE])) == as_dict(duck.rows(sql, [TABLE])), by
