"""The site stays up (SQLite, the demo's database, where one writer at a time holds the lock):

1. ``minsheng serve`` (gunicorn + the background worker, as users run it) answers while
   ``minsheng reviews import`` stores a 250,000-row ratings file (``BENCH_ROWS``). Probes run
   twice a second throughout: ``GET /healthz`` (a query), ``GET /accounts/login/`` (a page) and
   a single ``POST /api/ratings`` (a write that must wait for the import's batch to commit).
2. The worker is killed (SIGKILL): the site keeps answering and ``serve`` starts a new worker.

Prints a Markdown table: probes per kind, failures, p50 / p99 / max latency, the import's time,
and how long the worker took to come back. Bounded: probes stop when the import ends.
``.venv/bin/python bench/bench_availability.py``
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

from bench_reviews import payload, setup, tmp  # sets up Django on a temporary SQLite database

PORT = 8766
ROWS = int(os.environ.get("BENCH_ROWS", "250000"))


def ratings_file(rows: int) -> Path:
    path = tmp / "ratings.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("case_no,department,centre,window,channel,level,rated_at\n")
        for k in range(rows):
            out.write(
                f"I{k:09d},市公安局,市政务服务中心,{1 + k % 20},window_tablet,{3 + k % 3},"
                f"2026-10-{1 + k % 28:02d}T10:00:00+08:00\n"
            )
    return path


def _request(method: str, path: str, body: str = "", headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    start = time.perf_counter()
    try:
        conn.request(method, path, body or None, headers or {})
        status = conn.getresponse().status
    except OSError:
        status = 0
    finally:
        conn.close()
    return status, (time.perf_counter() - start) * 1000


def probe(
    stop: threading.Event, kind: str, token: str, out: dict[str, list[tuple[int, float]]]
) -> None:
    """One kind of request twice a second until ``stop`` (each kind in its own thread)."""
    rng = random.Random(3)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    k = 0
    while not stop.is_set():
        if kind == "POST /api/ratings":
            body = json.dumps(payload(3 * 10**7 + k, rng))
            out[kind].append(_request("POST", "/api/ratings", body, headers))
        else:
            method, path = kind.split()
            out[kind].append(_request(method, path))
        k += 1
        stop.wait(0.5)


KINDS = ("GET /healthz", "GET /accounts/login/", "POST /api/ratings")


def workers() -> list[int]:
    """Pids of ``minsheng worker`` processes."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"minsheng.cli" in cmd and b"worker" in cmd:
                found.append(int(proc.name))
    return found


def summary(name: str, results: list[tuple[int, float]], ok: set[int]) -> tuple[str, ...]:
    failed = sum(1 for status, _ in results if status not in ok)
    ms = sorted(t for _, t in results)
    p99 = ms[int(0.99 * (len(ms) - 1))] if ms else float("nan")
    median = statistics.median(ms) if ms else float("nan")
    top = ms[-1] if ms else float("nan")
    return (name, f"{len(results)}", f"{failed}", f"{median:.0f}", f"{p99:.0f}", f"{top:.0f}")


def main() -> None:
    _, token = setup()
    path = ratings_file(ROWS)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    serve = subprocess.Popen(
        [sys.executable, "-m", "minsheng.cli", "serve", "--port", str(PORT)],
        env=env,
        stdout=(tmp / "serve.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    rows: list[tuple[str, ...]] = []
    try:
        for _ in range(200):
            if _request("GET", "/healthz")[0] == 200:
                break
            time.sleep(0.1)
        during: dict[str, list[tuple[int, float]]] = defaultdict(list)
        stop = threading.Event()
        probers = [
            threading.Thread(target=probe, args=(stop, kind, token, during)) for kind in KINDS
        ]
        for prober in probers:
            prober.start()
        start = time.perf_counter()
        imported = subprocess.run(
            [sys.executable, "-m", "minsheng.cli", "reviews", "import", str(path)],
            env=env,
            capture_output=True,
            text=True,
        )
        took = time.perf_counter() - start
        stop.set()
        for prober in probers:
            prober.join()
        last = imported.stdout.strip().splitlines()[-1:] or [imported.stderr[-300:]]
        for name, results in during.items():
            ok = {201} if name.startswith("POST") else {200}
            rows.append(summary(f"during the import: {name}", results, ok))

        # Kill the worker: the site answers, and serve starts a new one.
        before = workers()
        for pid in before:
            os.kill(pid, signal.SIGKILL)
        killed_at = time.perf_counter()
        after: dict[str, list[tuple[int, float]]] = defaultdict(list)
        back = float("nan")
        while time.perf_counter() - killed_at < 15:
            after["GET /healthz"].append(_request("GET", "/healthz"))
            after["GET /accounts/login/"].append(_request("GET", "/accounts/login/"))
            if back != back and [p for p in workers() if p not in before]:
                back = time.perf_counter() - killed_at
            time.sleep(0.25)
        for name, results in after.items():
            rows.append(summary(f"after the worker was killed: {name}", results, {200}))
    finally:
        serve.send_signal(signal.SIGINT)
        serve.wait(30)
    print(f"`minsheng reviews import` of {ROWS:,} rows: {took:.1f} s — {last[0]}")
    print(f"worker killed (pids {before}); a new worker was running after {back:.1f} s")
    print()
    print("| probe | requests | failed | p50 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
