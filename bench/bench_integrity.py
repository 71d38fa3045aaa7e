"""The integrity checks: recall of each planted gaming pattern and the false-alarm rate on clean
data (simulation, ``core.integrity.simulate*``), and the time of the checks on the product's
path — ``minsheng reviews integrity --month``, ``minsheng polls integrity --poll`` and
``minsheng indicators integrity --period`` against the database in DATABASE_URL when it holds
the demo city (``minsheng demo``), and the ratings checks on simulated months of 0.5 and 2
million ratings. Prints Markdown tables.

    BENCH_SEEDS=10 DATABASE_URL=sqlite:////tmp/d2/db.sqlite3 MINSHENG_VAR_DIR=/tmp/d2 \\
        .venv/bin/python bench/bench_integrity.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402

from minsheng.core.integrity import simulate, simulate_indicators, simulate_polls  # noqa: E402
from minsheng.core.integrity.findings import STATED_RATES  # noqa: E402
from minsheng.core.integrity.ratings import find  # noqa: E402

MINSHENG = str(Path(sys.executable).with_name("minsheng"))
SEEDS = int(os.environ.get("BENCH_SEEDS", "10"))


def _row(domain: str, kind: str, found: int, planted: int, flagged: int, units: int) -> str:
    return (
        f"| {domain} | {kind} | {found}/{planted} = {found / planted:.0%} | "
        f"{flagged}/{units} = {flagged / units:.2%} | {STATED_RATES[kind]:.1%} |"
    )


def quality() -> None:
    print("| data | check | recall (planted units found) | false alarms (clean units) | stated |")
    print("|---|---|---|---|---|")
    started = time.perf_counter()
    rows, units, flagged_any = simulate.measure(range(1, SEEDS + 1), centres=200, planted=5)
    for r in rows:
        print(_row("ratings", r.kind, r.found, r.planted, r.clean_flagged, r.clean_units))
    print(f"| ratings | any check | | {flagged_any}/{units} = {flagged_any / units:.2%} | 5% |")
    weak, _units, _any = simulate.measure(
        range(1, SEEDS + 1), centres=200, planted=5, strengths=simulate.WEAK
    )
    for r in weak:
        what = ", ".join(f"{k} {v:g}" for k, v in simulate.WEAK[r.kind].items())
        print(
            f"| ratings, weaker ({what}) | {r.kind} | {r.found}/{r.planted} = {r.recall:.0%} | | |"
        )
    for p in simulate_polls.measure_polls(range(1, 2 * SEEDS + 1)):
        print(_row("polls", p.kind, p.found, p.planted, p.clean_flagged, p.clean_units))
    for q in simulate_indicators.measure_indicators(range(1, SEEDS + 1)):
        print(_row("indicators", q.kind, q.found, q.planted, q.clean_flagged, q.clean_units))
    print(f"\n(simulation: {time.perf_counter() - started:.0f} s)\n")


def ratings_speed() -> None:
    print("| ratings checks on a simulated month | ratings | seconds |")
    print("|---|---|---|")
    for centres in (200, 800):
        month = simulate.clean_month(np.random.default_rng(1), centres)
        started = time.perf_counter()
        find(month.events, month.history, month.context)
        print(
            f"| {centres} centres | {len(month.events):,} | {time.perf_counter() - started:.2f} |"
        )


def commands() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        print("\n(DATABASE_URL not set: the commands are not timed)")
        return
    print("\n| command (demo city) | seconds | findings |")
    print("|---|---|---|")
    for args in (
        ["reviews", "integrity", "--month", "2026-10"],
        ["polls", "integrity", "--poll", os.environ.get("BENCH_POLL", "4")],
        ["polls", "integrity", "--poll", os.environ.get("BENCH_POLL", "4"), "--level", "township"],
        ["indicators", "integrity", "--period", "2026Q3"],
    ):
        started = time.perf_counter()
        out = subprocess.run([MINSHENG, *args], capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr[-200:]
        print(f"| `minsheng {' '.join(args)}` | {seconds:.2f} | {last} |")


if __name__ == "__main__":
    quality()
    ratings_speed()
    commands()
