"""``minsheng reviews import`` at province scale: a ratings CSV of 1,000,000 rows (goal ≥ 50,000
rows/s on PostgreSQL), timed as the whole command, with its peak memory.

Runs against the database in DATABASE_URL (SQLite by default under a temporary directory); an
empty database gets the demo city first (``minsheng demo --scale test``). The file names the
demo's own departments, centres, windows, staff and service items, the way a provincial system's
export does, with about 3 % bad ratings (which open their rectification cases) and a few hundred
rows with mistakes (reported, skipped). Prints a Markdown table.

    BENCH_ROWS=1000000 DATABASE_URL=postgresql://… .venv/bin/python bench/bench_import.py
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from minsheng.core.workdays.calendar import SHANGHAI  # noqa: E402

MINSHENG = str(Path(sys.executable).with_name("minsheng"))
N = int(os.environ.get("BENCH_ROWS", "1000000"))
HEADERS = [
    "办件编号",
    "事项",
    "办理部门",
    "服务中心",
    "窗口",
    "工作人员",
    "渠道",
    "评价等级",
    "评价原因",
    "评价内容",
    "来源",
    "评价时间",
]


def _environment(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{work / 'db.sqlite3'}")
    env.setdefault("MINSHENG_VAR_DIR", str(work / "var"))
    env["DJANGO_SETTINGS_MODULE"] = "minsheng.site.settings"
    return env


Centre = tuple[str, str, list[str], list[str], list[str]]  # name, department, windows, staff, items


def _directory(env: dict[str, str]) -> tuple[str, list[Centre]]:
    """The city's code and, per centre: name, a department, window numbers, staff numbers and
    service item codes, read from the database (the demo city when it is empty)."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    from minsheng.orgs.models import Organisation, OrgKind, Region, RegionLevel, Staff, Window
    from minsheng.reviews.models import ServiceItem

    fresh = "orgs_organisation" not in connection.introspection.table_names()
    if fresh or not Organisation.objects.filter(kind=OrgKind.SERVICE_CENTRE).exists():
        subprocess.run(
            [MINSHENG, "demo", "--scale", "test", "--no-serve"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    city = Region.objects.filter(level=RegionLevel.CITY).order_by("pk").first()
    assert city is not None
    items = list(ServiceItem.objects.exclude(code="").values_list("code", flat=True)[:300])
    departments = list(
        Organisation.objects.filter(
            kind=OrgKind.DEPARTMENT, **city.subtree_filter("region__")
        ).values_list("name", flat=True)[:50]
    )
    centres = []
    for centre in Organisation.objects.filter(
        kind=OrgKind.SERVICE_CENTRE, is_active=True, **city.subtree_filter("region__")
    ):
        numbers = Window.objects.filter(centre=centre).values_list("number", flat=True)
        windows = [str(n) for n in numbers]
        staff = list(Staff.objects.filter(centre=centre).values_list("staff_no", flat=True))
        centres.append((centre.name, random.choice(departments), windows, staff, items))
    return city.code, centres


def write_file(path: Path, centres: list[Centre], n: int) -> None:
    rng = random.Random(18)
    run = f"{int(time.time()) % 100000:05d}"  # case numbers new to the database at every run
    start = dt.datetime(2025, 1, 1, 8, 0, tzinfo=SHANGHAI)
    span = int((dt.datetime(2026, 11, 1, tzinfo=SHANGHAI) - start).total_seconds())
    channels = ["窗口", "网厅", "APP", "短信", "二维码"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADERS)
        for k in range(n):
            centre, department, windows, staff, items = centres[k % len(centres)]
            level = rng.choices((1, 2, 3, 4, 5), (1, 2, 7, 30, 60))[0]
            moment = start + dt.timedelta(seconds=rng.randrange(span))
            row = [
                f"BX{run}-{k:07d}",
                rng.choice(items) if items and rng.random() < 0.8 else "",
                department,
                centre,
                rng.choice(windows) if windows else "",
                rng.choice(staff) if staff and rng.random() < 0.7 else "",
                rng.choice(channels),
                str(level),
                "等待时间长" if level <= 2 else "",
                "办事效率有待提高" if level <= 2 else "",
                "主动评价" if rng.random() < 0.9 else "默认评价",
                moment.strftime("%Y-%m-%d %H:%M:%S"),  # no offset: Shanghai time, as exported
            ]
            if k % 5000 == 17:  # a mistake now and then: reported with its row, skipped
                row[7] = "很好"
            out.writerow(row)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = _environment(work)
        code, centres = _directory(env)
        path = work / "ratings.csv"
        began = time.perf_counter()
        write_file(path, centres, N)
        size = path.stat().st_size / 1e6
        print(
            f"file: {N:,} rows, {size:,.0f} MB, written in {time.perf_counter() - began:.1f} s",
            file=sys.stderr,
        )
        began = time.perf_counter()
        done = subprocess.run(
            [
                "/usr/bin/time",
                "-f",
                "peak-kb %M",
                MINSHENG,
                "reviews",
                "import",
                str(path),
                "--city",
                code,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - began
        peak = int(done.stderr.rsplit("peak-kb ", 1)[-1].split()[0]) / 1024 / 1024
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            raise SystemExit(done.returncode)
        vendor = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
        print("| path | rows | database | s | rows/s | peak GiB |")
        print("|---|---:|---|---:|---:|---:|")
        print(
            f"| `minsheng reviews import`, whole command | {N:,} | {vendor} | {seconds:.1f} "
            f"| {N / seconds:,.0f} | {peak:.2f} |"
        )
        print(done.stdout.strip().splitlines()[-1], file=sys.stderr)


if __name__ == "__main__":
    main()
