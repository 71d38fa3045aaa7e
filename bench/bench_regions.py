"""Subtree queries at province scale (about 100,000 regions).

Builds a province of ~100k regions in a fresh database (SQLite under a temporary folder, or the
PostgreSQL of $DATABASE_URL when run as `scripts/with-postgres.sh .venv/bin/python
bench/bench_regions.py`), then times, median of repeated runs:

- the subtree of one county through the ancestor column (what Minsheng does),
- the same subtree by code prefix (`LIKE '321102%'`) and by a recursive CTE (the alternatives),
- the scope gate `access_region` and `regions_visible(...).count()` for a city quality office.

Prints a Markdown table; ratios within one run are what to compare (the machine is shared).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
tmp = Path(tempfile.mkdtemp(prefix="minsheng-bench-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
os.environ["MINSHENG_VAR_DIR"] = str(tmp)
os.environ["DJANGO_SETTINGS_MODULE"] = "minsheng.site.settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from minsheng.accounts.access import access_region, regions_visible  # noqa: E402
from minsheng.accounts.models import Role, User  # noqa: E402
from minsheng.core.demo_plan import Scale, ScaleSpec, build_plan  # noqa: E402
from minsheng.core.region_rows import parse_region_table  # noqa: E402
from minsheng.core.regions import Level  # noqa: E402
from minsheng.core.tabular import read_table  # noqa: E402
from minsheng.demo.registry import DemoContext  # noqa: E402
from minsheng.demo.steps import build_regions  # noqa: E402
from minsheng.orgs.models import Organisation, OrgKind, Region  # noqa: E402
from minsheng.orgs.services import regions_upsert  # noqa: E402

SPEC = ScaleSpec(cities=13, counties=(8, 10), townships=(18, 22), villages=(38, 46))
REPEAT = 200


def median_ms(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    fn()  # warm the caches once
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    call_command(
        "flush", interactive=False, verbosity=0
    ) if "postgres" in connection.vendor else None
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    ctx = DemoContext(plan=build_plan(Scale.PROVINCE, 1, spec=SPEC), password="x")
    build_regions(ctx)
    build_s = time.perf_counter() - started
    total = Region.objects.count()
    county = Region.objects.filter(level=Level.COUNTY).order_by("code")[40]
    city = county.parent
    assert city is not None
    prefix = county.code[:6]
    org = Organisation.objects.create(
        key="q", name="质量办", kind=OrgKind.QUALITY_OFFICE, region=city
    )
    officer = User.objects.create(username="q", role=Role.QUALITY_OFFICE, organisation=org)
    township = Region.objects.filter(county=county, level=Level.TOWNSHIP).first()
    assert township is not None
    table = "orgs_region"
    cte = (
        f"WITH RECURSIVE sub(id) AS (SELECT id FROM {table} WHERE id = %s "
        f"UNION ALL SELECT r.id FROM {table} r JOIN sub ON r.parent_id = sub.id) "
        "SELECT count(*) FROM sub"
    )

    def by_cte() -> int:
        with connection.cursor() as cur:
            cur.execute(cte, [county.pk])
            return int(cur.fetchone()[0])

    n_column = Region.objects.filter(**county.subtree_filter()).count()
    n_prefix = Region.objects.filter(code__startswith=prefix).count()
    assert n_column == n_prefix == by_cte(), (n_column, n_prefix, by_cte())
    rows = [
        (
            "county subtree count, ancestor column",
            lambda: Region.objects.filter(**county.subtree_filter()).count(),
        ),
        (
            "county subtree count, code prefix LIKE",
            lambda: Region.objects.filter(code__startswith=prefix).count(),
        ),
        ("county subtree count, recursive CTE", by_cte),
        (
            "county subtree, fetch all rows (column)",
            lambda: list(
                Region.objects.filter(**county.subtree_filter()).values_list("code", "name")
            ),
        ),
        ("access_region (city office → township)", lambda: access_region(officer, township.code)),
        ("regions_visible(city office).count()", lambda: regions_visible(officer).count()),
    ]
    # The import path on the same tree: read a CSV of every region, validate, re-import (no change).
    lines = "".join(f"{c},{n}\n" for c, n in Region.objects.values_list("code", "name"))
    csv_bytes = ("code,name\n" + lines).encode("gbk")
    started = time.perf_counter()
    table = read_table(csv_bytes, filename="regions.csv")
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    known = set(Region.objects.values_list("code", flat=True))
    parsed = parse_region_table(table, existing_codes=known)
    parse_s = time.perf_counter() - started
    started = time.perf_counter()
    summary = regions_upsert(actor="bench", regions=[(r.code, r.name) for r in parsed], note="b")
    upsert_s = time.perf_counter() - started
    assert summary.unchanged == total

    print(
        f"database: {connection.vendor}; regions: {total:,}; county subtree: {n_column:,} regions; "
        f"build: {build_s:.1f} s ({total / build_s:,.0f} regions/s)\n"
    )
    print("| query | median ms | × column |")
    print("|---|---:|---:|")
    base = None
    for name, fn in rows:
        ms = median_ms(fn)
        base = base or ms
        print(f"| {name} | {ms:.3f} | {ms / base:.1f} |")
    print()
    print("| import step, all regions | seconds | rows/s |")
    print("|---|---:|---:|")
    for name, seconds in [
        (f"read GBK CSV ({len(csv_bytes) / 1e6:.1f} MB)", read_s),
        ("validate (core.region_rows)", parse_s),
        ("upsert, nothing changed", upsert_s),
    ]:
        print(f"| {name} | {seconds:.2f} | {total / seconds:,.0f} |")


if __name__ == "__main__":
    main()
