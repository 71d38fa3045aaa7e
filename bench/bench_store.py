"""The analytics store at province scale: ``minsheng reviews stats --by centre`` for one month
with 10,000,000 ratings in the store (goal ≤ 2 s as a whole command), the same on Apache Spark in
local mode (numbers equal), and the store's write rate.

The ratings are written straight into the store with its own ``append`` (the layout the worker
writes: Parquet by month, one part per copy run); the database holds the regions, centres and
cases the command reads beside them (none here: the case counts come from an empty table, which a
real month would add a few hundred milliseconds to). Prints a Markdown table.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import measure  # noqa: E402
from minsheng.core.analytics import store  # noqa: E402
from minsheng.core.analytics.ratings import TABLE  # noqa: E402

N = int(os.environ.get("BENCH_RATINGS", "10000000"))
CENTRES = 2000
CHUNK = 1_000_000


def chunk(first: int, n: int, rng: np.random.Generator) -> pl.DataFrame:
    """Ratings ``first … first + n − 1`` of October and November 2026 (Shanghai)."""
    start = np.datetime64("2026-09-30T16:00:00", "us")  # 1 October, 00:00 in Shanghai
    at = start + rng.integers(0, 61 * 86400, n).astype("timedelta64[s]")
    centre = rng.integers(1, CENTRES + 1, n)
    frame = pl.DataFrame(
        {
            "id": np.arange(first, first + n, dtype=np.int64),
            "rated_at": at,
            "department_id": rng.integers(1, 40, n),
            "centre_id": centre,
            "window_id": rng.integers(1, 20_000, n),
            "staff_id": centre * 20 + rng.integers(0, 20, n),  # a centre's own 20 people
            "service_item_id": rng.integers(1, 3_000, n),
            "channel": rng.choice(["window", "app", "web", "sms"], n),
            "level": rng.choice([1, 2, 3, 4, 5], n, p=[0.02, 0.03, 0.1, 0.3, 0.55]).astype(
                np.int16
            ),
            "source": rng.choice(["active", "default", "system"], n, p=[0.9, 0.07, 0.03]),
            "is_follow_up": rng.random(n) < 0.03,
            "reachable": rng.random(n) < 0.5,
            "region_id": rng.integers(1, 16_000, n),
            "province_id": np.ones(n, dtype=np.int64),
            "city_id": rng.integers(2, 15, n),
            "county_id": rng.integers(15, 130, n),
            "township_id": rng.integers(130, 2_000, n),
        }
    )
    done = at - rng.integers(0, 6 * 3600, n).astype("timedelta64[s]")
    comments = np.array(["", "", "", "", "满意", "办事效率很高，工作人员热情周到"])
    local = pl.col("rated_at").dt.replace_time_zone("UTC").dt.convert_time_zone("Asia/Shanghai")
    return frame.with_columns(
        month=local.dt.strftime("%Y-%m"),
        day=local.dt.strftime("%Y-%m-%d"),
        case_no=pl.lit("B") + pl.col("id").cast(pl.String),
        handled_at=pl.Series(done).set(pl.Series(rng.random(n) < 0.2), None),
        device=pl.when(pl.Series(rng.random(n) < 0.6))  # a centre's own 5 tablets, or none
        .then(pl.format("pad-{}-{}", "centre_id", pl.Series(rng.integers(0, 5, n))))
        .otherwise(pl.lit("")),
        comment=pl.Series(comments[rng.integers(0, len(comments), n)]),
    ).sort("id")


CENTRES_SQL = """
import django
django.setup()
from minsheng.orgs.models import Organisation, OrgKind, Region, RegionLevel
province = Region.objects.create(code="390000000000", name="测试省", level=RegionLevel.PROVINCE)
Organisation.objects.bulk_create(
    Organisation(
        name=f"服务中心{k}", key=f"centre-{k}", kind=OrgKind.SERVICE_CENTRE, region=province,
        centre_level=3,
    )
    for k in range(1, %d + 1)
)
"""


def command(argv: list[str], env: dict[str, str], repeat: int) -> tuple[float, float, str]:
    return measure.median_run(argv, repeat, env)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="minsheng-store-"))
    env = {
        **os.environ,
        "MINSHENG_VAR_DIR": str(tmp),
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "MINSHENG_SECRET_KEY": "bench-secret-key-0123456789-abcdefghijkl",
    }
    minsheng = str(ROOT / ".venv/bin/minsheng")
    subprocess.run([minsheng, "migrate", "--verbosity", "0"], env=env, check=True)
    # the centres the ratings name (ids 1 … CENTRES), for the integrity findings to refer to
    script = CENTRES_SQL % CENTRES
    setup_env = {**env, "DJANGO_SETTINGS_MODULE": "minsheng.site.settings"}
    subprocess.run([sys.executable, "-c", script], env=setup_env, check=True)
    root = tmp / "analytics"
    rng = np.random.default_rng(2026)
    written, seconds = 0, 0.0
    while written < N:
        n = min(CHUNK, N - written)
        frame = chunk(written + 1, n, rng)
        started = time.perf_counter()
        store.append(root, TABLE, frame)
        seconds += time.perf_counter() - started
        written += n
    size = sum(p.path.stat().st_size for p in store.parts(root, TABLE)) / 1e6
    rows = [
        (f"write {N:,} ratings to the store (Parquet by month)", f"{seconds:.1f} s",
         f"{N / seconds:,.0f} rows/s; {size:,.0f} MB on disk"),
    ]  # fmt: skip
    argv = [minsheng, "reviews", "stats", "--by", "centre", "--month", "2026-10"]
    t_duck, peak, duck_out = command(argv, env, 3)
    groups = json.loads(duck_out)
    active = sum(g["n_active"] for g in groups)
    rows.append(
        (
            f"**`minsheng reviews stats --by centre`, one month, {N:,} in the store (DuckDB)**",
            f"**{t_duck:.2f} s**",
            f"{len(groups):,} centres, {active:,} active ratings in October; peak {peak:.2f} GiB;"
            " goal ≤ 2 s",
        )
    )
    t_start, _, _ = command([minsheng, "reviews", "stats", "--help"], env, 3)
    rows.append(
        (
            "of which start-up: Django and the command's imports (`reviews stats --help`)",
            f"{t_start:.2f} s",
            "",
        )
    )
    t_check, peak_check, _ = command(
        [minsheng, "reviews", "integrity", "--month", "2026-10"], env, 1
    )
    rows.append(
        (
            "`minsheng reviews integrity --month 2026-10` (the checks over the month's ratings"
            " in the store)",
            f"{t_check:.1f} s",
            f"peak {peak_check:.2f} GiB",
        )
    )
    spark_env = {**env, "MINSHENG_ANALYTICS": "spark", "MINSHENG_SPARK_MASTER": "local[2]"}
    t_spark, peak_spark, spark_out = command(argv, spark_env, 1)
    spark_peak = f"; peak {peak_spark:.2f} GiB on the Python side (the JVM not counted)"
    equal = json.loads(spark_out) == groups
    rows.append(
        (
            "same command on Apache Spark, local[2] (session start included)",
            f"{t_spark:.1f} s",
            f"numbers equal to DuckDB's: {'yes' if equal else 'NO'}{spark_peak}",
        )
    )
    print("## Analytics store (`bench/bench_store.py`)\n")
    print("| path | figure | note |\n|---|---:|---|")
    for name, figure, note in rows:
        print(f"| {name} | {figure} | {note} |")
    if not equal:
        raise SystemExit("Spark and DuckDB disagree")


if __name__ == "__main__":
    main()
