"""Service ratings at scale. Prints Markdown tables; compare ratios within one run.

1. Batch ingest: 20 batches of 1,000 ratings through the ingest service and through
   ``POST /api/ratings/batch`` (JSON parsing, client scope, idempotency, cases for bad ones).
   Targets: ≥ 5,000 ratings/s on PostgreSQL, ≥ 1,000/s on SQLite.
2. Single ``POST /api/ratings`` at 100 requests/s for 10 s (``BENCH_LOAD_SECONDS``; the
   closing figure of the hardening issue is 600 s on PostgreSQL) against gunicorn on loopback
   (bounded: 100 requests a second, the run's length + 20 s at most): p50/p99 latency, and
   every accepted rating stored exactly once. Target p99 < 50 ms.
3. Monthly statistics over 10,000,000 ratings (DuckDB over Parquet, and numpy): target < 5 s.
4. A single ``POST /api/ratings`` with an idempotency key after the client has 270,000 earlier
   ratings (the duplicate lookup must use the partial unique index, not the client's history):
   median in-process time against the same with a short history.

SQLite in a temporary folder, or PostgreSQL with
``MINSHENG_PGPORT=54330 scripts/with-postgres.sh .venv/bin/python bench/bench_reviews.py``.
``BENCH_ONLY=load`` runs the second part alone.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
tmp = Path(tempfile.mkdtemp(prefix="minsheng-bench-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
os.environ["MINSHENG_VAR_DIR"] = str(tmp)
os.environ["DJANGO_SETTINGS_MODULE"] = "minsheng.site.settings"
os.environ.setdefault("MINSHENG_SECRET_KEY", "bench-secret-key-0123456789-abcdefghijkl")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from minsheng.accounts.models import ApiScope  # noqa: E402
from minsheng.accounts.services import api_client_issue  # noqa: E402
from minsheng.core.ratings.records import record_from_payload  # noqa: E402
from minsheng.core.ratings.stats import RatingColumns, group_stats  # noqa: E402
from minsheng.orgs.models import Organisation, Window  # noqa: E402
from minsheng.orgs.services import regions_upsert  # noqa: E402
from minsheng.reviews.models import Rating  # noqa: E402
from minsheng.reviews.services.directory import Directory  # noqa: E402
from minsheng.reviews.services.ingest import ingest  # noqa: E402
from minsheng.site.server import GUNICORN_THREADS, default_workers  # noqa: E402

BATCHES, BATCH = 20, 1000


def setup() -> tuple[Organisation, str]:
    call_command("migrate", verbosity=0)
    regions = regions_upsert(
        actor=None,
        regions=[("390000000000", "省"), ("390100000000", "市"), ("390101000000", "区")],
        note="bench",
        audit_each=False,
    ).by_code
    city = regions["390100000000"]
    Organisation.objects.create(key="dept", name="市公安局", kind="department", region=city)
    centre = Organisation.objects.create(
        key="centre", name="市政务服务中心", kind="service_centre", region=city, centre_level=2
    )
    Window.objects.bulk_create(Window(centre=centre, number=n, name=f"{n}号") for n in range(1, 21))
    _, token = api_client_issue(
        actor=None,
        name="tablet",
        organisation=centre,
        scopes=[ApiScope.WRITE_RATINGS],
        channel="window_tablet",
    )
    return centre, token


def payload(k: int, rng: random.Random) -> dict[str, object]:
    level = 1 if rng.random() < 0.01 else 2 if rng.random() < 0.01 else rng.choice([3, 4, 5, 5, 5])
    return {
        "case_no": f"B{k:09d}",
        "department": "dept",
        "window": str(rng.randint(1, 20)),
        "level": level,
        "rated_at": "2026-10-09T10:00:00+08:00",
        "idempotency_key": f"k{k}",
        "device": f"tab-{k % 20}",
    }


def ingest_rates(centre: Organisation, token: str) -> list[tuple[str, str, str]]:
    rng = random.Random(1)
    directory = Directory(centre.region)
    start = time.perf_counter()
    for b in range(BATCHES):
        records = [
            record_from_payload(
                i, payload(b * BATCH + i, rng), centre="centre", channel="window_tablet"
            )
            for i in range(BATCH)
        ]
        ingest([r for r in records if not isinstance(r, list)], directory=directory)
    service = BATCHES * BATCH / (time.perf_counter() - start)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    start = time.perf_counter()
    for b in range(BATCHES):
        items = [payload(10**7 + b * BATCH + i, rng) for i in range(BATCH)]
        response = client.post(
            "/api/ratings/batch", json.dumps({"items": items}), content_type="application/json"
        )
        assert response.status_code == 200 and response.json()["accepted"] == BATCH
    api = BATCHES * BATCH / (time.perf_counter() - start)
    target = "≥ 5,000/s" if connection.vendor == "postgresql" else "≥ 1,000/s"
    return [
        ("ingest service, batches of 1,000", f"{service:,.0f} ratings/s", target),
        ("POST /api/ratings/batch, batches of 1,000", f"{api:,.0f} ratings/s", target),
    ]


def single_post_latency(token: str) -> list[tuple[str, str, str]]:
    port = 8765
    # As `minsheng serve` runs it (cores + 1 processes, one thread each) unless
    # BENCH_WORKERS / BENCH_THREADS say otherwise.
    workers = os.environ.get("BENCH_WORKERS", str(default_workers()))
    threads = os.environ.get("BENCH_THREADS", str(GUNICORN_THREADS))
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "minsheng.site.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            workers,
            "--threads",
            threads,
            "--log-level",
            "warning",
            "--access-logfile",
            str(tmp / "access.log"),
            "--access-logformat",
            "%(U)s %(s)s %(D)s",
        ],
        env=os.environ.copy(),
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        latencies: list[float] = []
        lock = threading.Lock()
        rng = random.Random(2)
        seconds = int(os.environ.get("BENCH_LOAD_SECONDS", "10"))
        total = 100 * seconds
        bodies = [json.dumps(payload(2 * 10**7 + k, rng)) for k in range(total + 20)]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        for body in bodies[total:]:  # warm up both workers (imports, first queries)
            warm.request("POST", "/api/ratings", body, headers)
            warm.getresponse().read()
        schedule = iter(range(total))
        begin = time.perf_counter() + 0.2

        def client() -> None:
            # Open-loop load: request k is sent at begin + k/100 s whatever the others do.
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            while True:
                with lock:
                    k = next(schedule, None)
                if k is None or time.perf_counter() - begin > seconds + 20:
                    return
                time.sleep(max(0.0, begin + k / 100 - time.perf_counter()))
                start = time.perf_counter()
                conn.request("POST", "/api/ratings", bodies[k], headers)
                response = conn.getresponse()
                response.read()
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed if response.status == 201 else float("inf"))

        threads = [threading.Thread(target=client) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(seconds + 30)
    finally:
        server.terminate()
        server.wait(10)
    ms = sorted(x * 1000 for x in latencies)
    failed = sum(1 for x in ms if x == float("inf"))
    p99 = ms[int(0.99 * (len(ms) - 1))]
    # Every accepted rating stored once: one row per accepted case, none twice.
    sent = Rating.objects.filter(
        case_no__gte=f"B{2 * 10**7:09d}", case_no__lt=f"B{2 * 10**7 + total:09d}"
    )
    stored, distinct = sent.count(), sent.values("case_no").distinct().count()
    # The server's own time per request (gunicorn's %(D)s, microseconds), without the client.
    served = sorted(
        int(line.split()[2]) / 1000
        for line in [
            line
            for line in (tmp / "access.log").read_text().splitlines()
            if line.startswith("/api/ratings ") and line.split()[1] == "201"
        ][20:]  # after the 20 warm-up requests
    )
    served_p99 = served[int(0.99 * (len(served) - 1))] if served else float("nan")
    return [
        (
            f"single POST at 100/s for {seconds} s, {len(ms):,} requests, {failed} failed: p50",
            f"{statistics.median(ms):.1f} ms",
            "",
        ),
        ("single POST at 100/s: p99", f"{p99:.1f} ms", "< 50 ms"),
        (
            "single POST at 100/s: ratings stored (distinct cases) for the accepted answers",
            f"{stored:,} ({distinct:,}) for {len(ms) - failed:,}",
            "equal",
        ),
        (
            "single POST at 100/s: p99 inside the server (gunicorn's request time)",
            f"{served_p99:.1f} ms",
            "",
        ),
    ]


def _median_post_ms(token: str, start: int, n: int = 200) -> float:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    rng = random.Random(start)
    times = []
    for k in range(n):
        body = json.dumps(payload(start + k, rng))
        begin = time.perf_counter()
        response = client.post("/api/ratings", body, content_type="application/json")
        times.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 201, response.content
    return statistics.median(times)


def long_history_post(centre: Organisation, token: str) -> list[tuple[str, str, str]]:
    from minsheng.accounts.models import ApiClient
    from minsheng.reviews.services.bulk import insert_ratings

    client = ApiClient.objects.get(organisation=centre)
    short = _median_post_ms(token, 5 * 10**7)
    dept = Organisation.objects.get(key="dept")
    moment = dt.datetime(2026, 10, 9, 2, tzinfo=dt.UTC)
    insert_ratings(
        (
            f"H{k:09d}",
            None,
            dept.pk,
            centre.pk,
            None,
            None,
            "window_tablet",
            5,
            [],
            "",
            "",
            "",
            "active",
            False,
            moment,
            moment,
            None,
            client.pk,
            f"h{k}",
            "",
            "",
        )
        for k in range(270_000)
    )
    long = _median_post_ms(token, 6 * 10**7)
    return [
        (
            "single POST with a key, client with ~22,000 earlier ratings: median",
            f"{short:.1f} ms",
            "",
        ),
        ("same after 270,000 more ratings of that client: median", f"{long:.1f} ms", "≈ the above"),
    ]


def monthly_stats_10m() -> list[tuple[str, str, str]]:
    import duckdb
    import polars as pl

    n, groups = 10_000_000, 2_000
    rng = np.random.default_rng(3)
    level = rng.choice([1, 2, 3, 4, 5], n, p=[0.005, 0.01, 0.04, 0.13, 0.815]).astype(np.int64)
    source = rng.choice(np.array(["active", "default", "system"]), n, p=[0.9, 0.09, 0.01])
    frame = pl.DataFrame(
        {
            "grp": rng.integers(0, groups, n, dtype=np.int64),
            "level": level,
            "source": source,
            "case_state": np.where(level <= 2, rng.integers(1, 4, n), 0).astype(np.int64),
            "on_time": rng.random(n) < 0.9,
        }
    )
    parquet = tmp / "ratings.parquet"
    frame.write_parquet(parquet)
    sql = f"""
        SELECT grp,
               count(*) FILTER (WHERE source = 'active') AS n_active,
               count(*) FILTER (WHERE source = 'default') AS n_default,
               count(*) FILTER (WHERE source = 'system') AS n_system,
               avg((level >= 3)::INT) FILTER (WHERE source = 'active') AS good_rate,
               avg((level <= 2)::INT) FILTER (WHERE source = 'active') AS bad_rate,
               avg(level * 20.0) FILTER (WHERE source = 'active') AS score,
               count(*) FILTER (WHERE source = 'active' AND level <= 2) AS bad_n,
               count(*) FILTER (WHERE source = 'active' AND level <= 2 AND case_state = 2)
                 / nullif(count(*) FILTER (WHERE source = 'active' AND level <= 2
                                           AND case_state <> 3), 0) AS rectified_rate
        FROM read_parquet('{parquet}') GROUP BY grp
    """
    start = time.perf_counter()
    rows = duckdb.connect().sql(sql).fetchall()
    t_duck = time.perf_counter() - start
    assert len(rows) == groups
    columns = RatingColumns(
        group=frame["grp"].to_numpy(),
        level=level,
        source=source,
        case_state=frame["case_state"].to_numpy(),
        on_time=frame["on_time"].to_numpy(),
        follow_up=np.zeros(n, dtype=bool),
    )
    start = time.perf_counter()
    stats = group_stats(columns, [f"g{k}" for k in range(groups)])
    t_numpy = time.perf_counter() - start
    assert len(stats) == groups
    return [
        ("10,000,000 ratings × 2,000 groups: DuckDB over Parquet", f"{t_duck:.2f} s", "< 5 s"),
        ("same with ranks and shrinkage (core.ratings.stats, numpy)", f"{t_numpy:.2f} s", "< 5 s"),
    ]


def main() -> None:
    centre, token = setup()
    if os.environ.get("BENCH_ONLY") == "load":
        rows = single_post_latency(token)
        print(f"| ratings ({connection.vendor}) | figure | target |")
        print("|---|---:|---|")
        for name, value, target in rows:
            print(f"| {name} | {value} | {target} |")
        return
    rows = ingest_rates(centre, token)
    rows += single_post_latency(token)
    rows += long_history_post(centre, token)
    rows += monthly_stats_10m()
    print(f"| ratings ({connection.vendor}) | figure | target |")
    print("|---|---:|---|")
    for name, value, target in rows:
        print(f"| {name} | {value} | {target} |")


if __name__ == "__main__":
    main()
