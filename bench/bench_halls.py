"""Application records (issue 14) on their own paths, on a temporary SQLite database (or
DATABASE_URL):

1. ingest of ``BENCH_APPLICATIONS`` records (default 1,000,000) as a hall's system posts them to
   ``POST /api/applications``: batches of 5,000 items, each checked (``record_from_payload``) and
   stored all or nothing (``applications_store``: centres, windows and staff looked up, catalog
   promises, working-day due moments, idempotency by case number);
2. the same 100,000 records posted again (all unchanged), and again with a completion time
   each (all updated);
3. ``minsheng applications import`` of a 100,000-row CSV file;
4. the 办件统计 page's computation (``case_rows``) for the city over a month and over the year,
   by region, centre and item;
5. the catalog: ``minsheng catalog import`` of a ``BENCH_ITEMS``-item workbook (default 20,000,
   with 3 materials each) into the database, the same file again (all unchanged), and the
   事项清单 / 大厅指标 computations over it (checks, cross-level differences, metrics of the
   city and its children).

Prints a Markdown table. ``.venv/bin/python bench/bench_halls.py``
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import shutil
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
from django.db import connection  # noqa: E402

from minsheng.analytics.store import root  # noqa: E402
from minsheng.core.demo_plan import Scale  # noqa: E402
from minsheng.core.halls.applications import ApplicationRecord, record_from_payload  # noqa: E402
from minsheng.core.workdays.calendar import SHANGHAI  # noqa: E402
from minsheng.demo.services import demo_build  # noqa: E402
from minsheng.halls.models import Application  # noqa: E402
from minsheng.halls.selectors import case_rows  # noqa: E402
from minsheng.halls.services import applications_store  # noqa: E402
from minsheng.halls.store import TABLE  # noqa: E402
from minsheng.orgs.models import Organisation, OrgKind, Region, Staff, Window  # noqa: E402

TOTAL = int(os.environ.get("BENCH_APPLICATIONS", "1000000"))
ITEMS = int(os.environ.get("BENCH_ITEMS", "20000"))
BATCH = 5000
AGAIN = 100_000
FILE_ROWS = 100_000
STORE_READS = tuple((by, "from the store") for by in ("region", "centre", "item"))


def payloads(n: int, prefix: str, centres: list[tuple[str, list[int], list[str]]]) -> list[dict]:
    rng = random.Random(prefix)
    start = dt.datetime(2025, 12, 1, 9, tzinfo=SHANGHAI)
    out = []
    for k in range(n):
        key, windows, staff = centres[k % len(centres)]
        received = start + dt.timedelta(minutes=k * 525_600 // max(n, 1))
        done = received + dt.timedelta(days=rng.choice([0, 0, 1, 2, 5, 9]), hours=2)
        out.append(
            {
                "case_no": f"{prefix}{k:09d}",
                "item_code": f"D{rng.randint(1, 300):04d}",
                "centre": key,
                "window": windows[k % len(windows)] if windows else None,
                "staff": staff[k % len(staff)] if staff else None,
                "received_at": received.isoformat(),
                "notice": rng.random() < 0.93,
                "promised_days": rng.choice([0, 3, 5, 10]),
                "completed_at": done.isoformat() if rng.random() < 0.97 else None,
                "visits": rng.choice([0, 1, 1, 2]),
            }
        )
    return out


def post(items: list[dict], region: Region) -> tuple[float, tuple[int, int, int]]:
    began = time.perf_counter()
    counts = [0, 0, 0]
    for start in range(0, len(items), BATCH):
        records = [record_from_payload(i, p) for i, p in enumerate(items[start : start + BATCH])]
        good = [r for r in records if isinstance(r, ApplicationRecord)]
        assert len(good) == len(records), "generated records must be valid"
        stored = applications_store(good, region=region, actor=None)
        counts[0] += stored.created
        counts[1] += stored.updated
        counts[2] += stored.unchanged
    return time.perf_counter() - began, (counts[0], counts[1], counts[2])


def main() -> None:
    call_command("migrate", verbosity=0)
    ctx = demo_build(scale=Scale.TEST, seed=7, password="bench-pass-123")
    Application.objects.all().delete()
    city: Region = ctx.users["quality"].organisation.region
    centres = []
    for centre in Organisation.objects.filter(kind=OrgKind.SERVICE_CENTRE).order_by("pk"):
        windows = list(Window.objects.filter(centre=centre).values_list("number", flat=True))
        staff = list(Staff.objects.filter(centre=centre).values_list("staff_no", flat=True))
        centres.append((centre.key, windows, [str(s) for s in staff]))
    rows: list[tuple[str, str, str]] = []

    items = payloads(TOTAL, "B", centres)
    seconds, counts = post(items, city)
    rows.append(
        (
            f"ingest {TOTAL:,} records in batches of {BATCH:,} (check + store)",
            f"{seconds:.1f} s",
            f"{TOTAL / seconds:,.0f} records/s; created {counts[0]:,}",
        )
    )
    seconds, counts = post(items[:AGAIN], city)
    rows.append(
        (f"the same {AGAIN:,} posted again", f"{seconds:.1f} s", f"unchanged {counts[2]:,}")
    )
    later = [dict(p, visits=3) for p in items[:AGAIN]]
    seconds, counts = post(later, city)
    rows.append((f"{AGAIN:,} posted with a change", f"{seconds:.1f} s", f"updated {counts[1]:,}"))

    file_items = payloads(FILE_ROWS, "F", centres)
    header = (
        "办件编号,事项编码,服务中心,受理窗口,首问负责人,受理时间,一次性告知,承诺时限,办结时间,"
        "到现场次数"
    )
    lines = [header] + [
        ",".join(
            str(v if v is not None else "")
            for v in (
                p["case_no"], p["item_code"], p["centre"], p["window"], p["staff"],
                p["received_at"], "是" if p["notice"] else "否", p["promised_days"],
                p["completed_at"], p["visits"],
            )
        )
        for p in file_items
    ]  # fmt: skip
    path = tmp / "applications.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    began = time.perf_counter()
    out = io.StringIO()
    call_command("applications", "import", str(path), "--region", city.code, stdout=out)
    seconds = time.perf_counter() - began
    size = path.stat().st_size / 1e6
    rows.append(
        (
            f"`minsheng applications import` {FILE_ROWS:,}-row CSV ({size:.0f} MB)",
            f"{seconds:.1f} s",
            out.getvalue().strip(),
        )
    )

    spans = (
        ("a month", dt.date(2026, 6, 1), dt.date(2026, 6, 30)),
        ("the year", dt.date(2025, 12, 1), dt.date(2026, 11, 30)),
    )
    # As if posted over the year, each record last changed when its case was completed: the
    # store's reads then see what a running platform has changed lately, not a bulk load.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE halls_application SET updated_at = COALESCE(completed_at, received_at)"
        )
    for label, first, last in spans:
        shutil.rmtree(root() / TABLE, ignore_errors=True)  # nothing kept: months read whole
        for by, kept in (("region", "first, the months read and kept"), *STORE_READS):
            began = time.perf_counter()
            total, groups = case_rows(city, first, last, by)
            seconds = time.perf_counter() - began
            rows.append(
                (
                    f"办件统计 of the city over {label}, by {by} ({kept})",
                    f"{seconds:.2f} s",
                    f"{total.cases:,} cases, {len(groups)} groups",
                )
            )

    rows += catalog_rows(city)
    print(f"| halls ({Application.objects.count():,} records) | time | result |")
    print("|---|---|---|")
    for row in rows:
        print(f"| {' | '.join(row)} |")


def catalog_rows(city: Region) -> list[tuple[str, str, str]]:
    from minsheng.catalog.models import CatalogItem
    from minsheng.catalog.selectors import items_at, metrics_tree
    from minsheng.core.catalog.items import Item, Material, inconsistencies, lint
    from minsheng.core.catalog.sheet import catalog_sheets
    from minsheng.core.xlsx import write_workbook

    CatalogItem.objects.all().delete()
    rng = random.Random(20)
    places = [
        (r.code, Organisation.objects.get(key=f"gov-{r.code}").name)
        for r in Region.objects.filter(**city.subtree_filter(), level__in=(3, 4)).order_by("code")
        if Organisation.objects.filter(key=f"gov-{r.code}").exists()
    ]
    items = []
    for k in range(ITEMS):
        region, organisation = places[k % len(places)]
        legal = rng.choice([5, 10, 20, 30])
        promised = rng.choice([0, legal // 2, legal])
        items.append(
            Item(
                code=f"X{k:06d}", basic_code=f"B{k % 397:04d}", name=f"事项{k}", kind="行政许可",
                organisation=organisation, level="县" if region.endswith("000000") else "乡",
                region=region, legal_days=legal, promised_days=promised, instant=promised == 0,
                visits=rng.choice([0, 1]), depth=rng.choice([2, 3, 4]), entered=True,
                visit_reason="核验", materials=tuple(Material(f"材料{j}") for j in range(3)),
                consult_phone="0391-1", complaint_phone="12345",
            )
        )  # fmt: skip
    path = tmp / "catalog.xlsx"
    with path.open("wb") as out:
        write_workbook(out, catalog_sheets(items))
    size = path.stat().st_size / 1e6
    out_rows = []
    for label in ("into an empty catalog", "again (all unchanged)"):
        began = time.perf_counter()
        out = io.StringIO()
        call_command("catalog", "import", str(path), "--region", city.code, stdout=out)
        out_rows.append(
            (
                f"`minsheng catalog import` {ITEMS:,} items ({size:.1f} MB) {label}",
                f"{time.perf_counter() - began:.1f} s",
                out.getvalue().strip(),
            )
        )
    began = time.perf_counter()
    current = items_at(city)
    problems = sum(1 for i in current if lint(i))
    differences = inconsistencies(current)
    out_rows.append(
        (
            "事项清单 computations (items in force, checks, cross-level differences)",
            f"{time.perf_counter() - began:.2f} s",
            f"{len(current):,} items, {problems:,} flagged, {len(differences):,} differences",
        )
    )
    began = time.perf_counter()
    own, children = metrics_tree(city)
    out_rows.append(
        (
            "大厅指标 of the city and its children (`metrics_tree`)",
            f"{time.perf_counter() - began:.2f} s",
            f"{own.items:,} items, {len(children)} children",
        )
    )
    return out_rows


if __name__ == "__main__":
    main()
