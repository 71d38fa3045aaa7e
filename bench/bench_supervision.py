"""Supervision on its own paths (issue 13), on a temporary SQLite database (or DATABASE_URL):

1. storing seed 004 as the office confirms it on the import page (preview + store: units
   matched, "各县(市、区)人民政府" fanned out, history, audit, messages to every unit);
2. the nightly sweep (``minsheng supervision sweep``) over ``BENCH_TASKS`` open tasks (default
   100,000) due from 40 days ago to 40 days ahead — the first run, which reminds, urges and
   escalates, and the second, which finds nothing new;
3. 我的待办 of a city department with 2,000 open tasks: the navigation count (every page) and
   the /todo/ page.

Prints a Markdown table. ``.venv/bin/python bench/bench_supervision.py``
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
tmp = Path(tempfile.mkdtemp(prefix="minsheng-bench-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
os.environ["MINSHENG_VAR_DIR"] = str(tmp)
os.environ["DJANGO_SETTINGS_MODULE"] = "minsheng.site.settings"
os.environ.setdefault("MINSHENG_SECRET_KEY", "bench-secret-key-0123456789-abcdefghijkl")
os.environ.setdefault("MINSHENG_STATIC_MANIFEST", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from minsheng.core.demo_plan import Scale  # noqa: E402
from minsheng.core.plans.document import paragraphs  # noqa: E402
from minsheng.core.plans.parse import parse_plan  # noqa: E402
from minsheng.core.workdays.calendar import SHANGHAI  # noqa: E402
from minsheng.demo.services import demo_build  # noqa: E402
from minsheng.orgs.models import Organisation, OrgKind  # noqa: E402
from minsheng.supervision.models import Task, TaskState  # noqa: E402
from minsheng.supervision.services import plan_preview, plan_store  # noqa: E402
from minsheng.supervision.sweep import sweep  # noqa: E402
from minsheng.web.todo import todo_count  # noqa: E402

TASKS = int(os.environ.get("BENCH_TASKS", "100000"))
TODO = 2000
SEED = ROOT / "src" / "minsheng" / "supervision" / "data" / "seed_004_plan.txt"


def docx(lines: list[str]) -> bytes:
    from bench_plans import docx as make

    return make(lines)


def main() -> None:
    call_command("migrate", verbosity=0)
    ctx = demo_build(scale=Scale.TEST, seed=7, password="bench-pass-123")
    rows: list[tuple[str, str, str]] = []

    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    office_user = ctx.users["quality"]
    office, region = office_user.organisation, office_user.organisation.region
    parsed = parse_plan(paragraphs(docx(lines), filename="plan.docx"))
    times = []
    for _ in range(5):
        start = time.perf_counter()
        plan = plan_store(
            plan_preview(parsed, region), office=office, region=region, actor=office_user
        )
        times.append(time.perf_counter() - start)
    made = plan.tasks.count()
    rows.append(
        (
            "storing seed 004 (preview + store)",
            f"{statistics.median(times) * 1000:.0f} ms",
            f"{made} tasks, median of 5",
        )
    )

    Task.objects.update(state=TaskState.ACCEPTED)
    units = list(
        Organisation.objects.filter(
            kind__in=[OrgKind.DEPARTMENT, OrgKind.GOVERNMENT], is_active=True
        ).select_related("region")
    )
    today = timezone.now().astimezone(SHANGHAI).date()
    batch = []
    for k in range(TASKS):
        unit = units[k % len(units)]
        batch.append(
            Task(
                title=f"任务 {k}",
                unit=unit,
                region=unit.region,
                due=today + dt.timedelta(days=k % 81 - 40),
            )
        )
        if len(batch) == 10000:
            Task.objects.bulk_create(batch)
            batch = []
    Task.objects.bulk_create(batch)
    start = time.perf_counter()
    first = sweep(today)
    first_s = time.perf_counter() - start
    start = time.perf_counter()
    second = sweep(today)
    second_ms = (time.perf_counter() - start) * 1000
    rows.append(
        (
            f"sweep over {TASKS:,} open tasks, first run",
            f"{first_s:.1f} s",
            f"{first['reminded']:,} reminded, {first['urged']:,} urged, "
            f"{first['escalated']:,} escalated, {first['messages']} messages",
        )
    )
    rows.append(
        (
            "the same sweep again (nothing new)",
            f"{second_ms:.0f} ms",
            f"{sum(second.values())} changes",
        )
    )

    Task.objects.update(state=TaskState.ACCEPTED)
    reporter = ctx.users["reporter"]
    dept = reporter.organisation
    Task.objects.bulk_create(
        Task(
            title=f"部门任务 {k}",
            unit=dept,
            region=dept.region,
            due=today + dt.timedelta(days=k % 60 - 20),
        )
        for k in range(TODO)
    )
    counts = []
    for _ in range(20):
        start = time.perf_counter()
        total = todo_count(reporter)
        counts.append(time.perf_counter() - start)
    client = Client()
    client.force_login(reporter)
    client.get("/todo/")
    pages = []
    for _ in range(10):
        start = time.perf_counter()
        response = client.get("/todo/")
        pages.append(time.perf_counter() - start)
    assert response.status_code == 200
    rows.append(
        (
            "我的待办 count in the navigation (department)",
            f"{statistics.median(counts) * 1000:.1f} ms",
            f"{total:,} items, median of 20",
        )
    )
    rows.append(
        (
            "/todo/ page (department)",
            f"{statistics.median(pages) * 1000:.0f} ms",
            f"{total:,} items (300 listed per kind), median of 10",
        )
    )
    print("| supervision | time | notes |")
    print("|---|---:|---|")
    for row in rows:
        print(f"| {row[0]} | {row[1]} | {row[2]} |")


if __name__ == "__main__":
    main()
