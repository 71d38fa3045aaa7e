"""The hotline (issue 17) on its own paths, on a temporary SQLite database (or DATABASE_URL;
``MINSHENG_PGPORT=54330 scripts/with-postgres.sh .venv/bin/python bench/bench_hotline.py``):

1. ``minsheng hotline import FILE`` as a whole command on ``BENCH_ORDERS`` orders (default
   1,000,000) of a platform export, and the same file again (every order updated);
2. ``minsheng hotline stats --month --by department`` as a whole command over one month of a
   megacity (``BENCH_MONTH`` orders, default 920,000 — Beijing's 11 million a year ÷ 12), and
   ``minsheng hotline hotspots`` over the same orders;
3. routing suggestions: the model trained on 20,000 answered orders, then suggestions for
   single orders (the order page's path) and in batches, per second.

Peak memory (max RSS) of each command is printed beside its time. Prints a Markdown table.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import subprocess
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
from django.utils import timezone  # noqa: E402

from minsheng.core.demo_plan import Scale  # noqa: E402
from minsheng.core.hotline.routing import Router, document  # noqa: E402
from minsheng.core.workdays.calendar import SHANGHAI  # noqa: E402
from minsheng.demo.services import demo_build  # noqa: E402
from minsheng.hotline.demo_steps import TREE  # noqa: E402
from minsheng.hotline.models import WorkOrder  # noqa: E402
from minsheng.hotline.services.imports import blank_order, insert_orders  # noqa: E402
from minsheng.orgs.models import Organisation, Region, RegionLevel  # noqa: E402

ORDERS = int(os.environ.get("BENCH_ORDERS", "1000000"))
MONTH = int(os.environ.get("BENCH_MONTH", "920000"))
TYPES = ("咨询", "求助", "投诉", "举报", "意见建议")
LEAVES = [(f"{top}/{name}", texts) for _c, top, kids in TREE for _k, name, _u, texts in kids]


def command(*args: str) -> tuple[float, float, str]:
    """Seconds and peak memory (MiB) of ``minsheng …`` run as its own process."""
    began = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", str(ROOT / ".venv/bin/minsheng"), *args],
        env={**os.environ}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - began
    if done.returncode:
        raise SystemExit(f"minsheng {' '.join(args)} failed: {done.stderr[-2000:]}")
    peak = int(done.stderr.strip().splitlines()[-1]) / 1024  # KiB → MiB
    return seconds, peak, done.stdout


def export_file(city: Region, n: int) -> Path:
    rng = random.Random(17)
    units = [o.name for o in Organisation.objects.filter(region=city, kind="department")]
    places = list(
        Region.objects.filter(city=city, level=RegionLevel.TOWNSHIP).values_list("code", flat=True)
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["order_no", "channel", "type", "category", "region", "department", "text",
                     "received_at", "dispatched_at", "accepted_at", "answered_at", "followup",
                     "reopened"])  # fmt: skip
    start = dt.datetime(2026, 1, 1, 8, tzinfo=SHANGHAI)
    for k in range(n):
        category, texts = rng.choice(LEAVES)
        received = start + dt.timedelta(minutes=k * 525_600 // n)
        dispatched = received + dt.timedelta(hours=1)
        answered = dispatched + dt.timedelta(hours=rng.randint(2, 400))
        times = [t.isoformat(timespec="minutes") for t in
                 (received, dispatched, dispatched + dt.timedelta(hours=2), answered)]  # fmt: skip
        writer.writerow([
            f"B{k:08d}", "电话", rng.choice(TYPES), category, rng.choice(places),
            rng.choice(units), rng.choice(texts), *times,
            rng.choice(("满意", "基本满意", "不满意", "")), int(rng.random() < 0.03),
        ])  # fmt: skip
    path = tmp / "orders.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def month_of_orders(city: Region, n: int) -> None:
    rng = random.Random(23)
    units = list(
        Organisation.objects.filter(region=city, kind="department").values_list("pk", flat=True)
    )
    start = dt.datetime(2026, 3, 1, tzinfo=SHANGHAI)
    rows = []
    for k in range(n):
        received = start + dt.timedelta(seconds=k * 2_678_400 // n)
        dispatched = received + dt.timedelta(hours=1)
        row = blank_order(city, f"M{k:08d}")
        row.update(
            channel="phone", type=rng.choice(("consult", "help", "complaint")), text="诉求",
            category_text=rng.choice(LEAVES)[0], unit_id=rng.choice(units), received_at=received,
            dispatched_at=dispatched, accepted_at=dispatched + dt.timedelta(hours=3),
            accept_due=dispatched + dt.timedelta(days=1),
            answer_due=dispatched + dt.timedelta(days=7),
            answered_at=dispatched + dt.timedelta(hours=rng.randint(2, 300)),
            followup=rng.choice(("satisfied", "mostly", "unsatisfied", "")), state="closed",
        )  # fmt: skip
        row["updated_at"] = row["answered_at"] + dt.timedelta(days=1)  # its last step: followed up
        rows.append(row)
        if len(rows) == 50_000:
            insert_orders(rows)
            rows = []
    insert_orders(rows)


def routing() -> tuple[float, float, float]:
    rng = random.Random(5)
    texts, units, cats = [], [], []
    for _ in range(20_000):
        k = rng.randrange(len(LEAVES))
        text = rng.choice(LEAVES[k][1]) + rng.choice(("", "，请尽快处理", "，多次反映"))
        texts.append(document(text, f"{rng.randrange(40):03d}"))
        units.append(f"u{k % 15}")
        cats.append(LEAVES[k][0])
    began = time.perf_counter()
    router = Router.train(texts, units, cats)
    trained = time.perf_counter() - began
    assert router is not None
    began = time.perf_counter()
    for text in texts[:500]:
        router.suggest(text)
    single = 500 / (time.perf_counter() - began)
    began = time.perf_counter()
    router.suggest_many(texts[:10_000])
    batch = 10_000 / (time.perf_counter() - began)
    return trained, single, batch


def _clear() -> None:
    """Every order gone at once (the ORM's delete asks one SQL variable per order)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {WorkOrder._meta.db_table}")


def main() -> None:
    call_command("migrate", verbosity=0)
    demo_build(scale=Scale.TEST, seed=7, password="bench-pass-123")
    _clear()
    city = Region.objects.get(code=Organisation.objects.get(kind="hotline").region.code)
    db = os.environ["DATABASE_URL"].split(":", 1)[0]
    print(f"| path ({db}) | figure | peak memory |", flush=True)
    print("|---|---:|---:|", flush=True)
    path = export_file(city, ORDERS)
    size = path.stat().st_size >> 20
    for label in ("new", "the same file again (all updated)") if ORDERS else ():  # 0: stats only
        seconds, peak, _out = command("hotline", "import", str(path), "--city", city.code)
        print(f"| `hotline import`, {ORDERS:,} orders ({size} MB CSV), {label} | {seconds:.1f} s "
              f"({ORDERS / seconds:,.0f} orders/s) | {peak:,.0f} MiB |", flush=True)  # fmt: skip
    _clear()
    month_of_orders(city, MONTH)
    stats = ("hotline", "stats", "--month", "2026-03", "--by", "department", "--city", city.code)
    for label in (
        "first, the month read whole and kept in the analytics store",
        "again (the snapshot and the orders changed since)",
        "after 1,000 of the month's orders were answered again",
    ):
        if label.startswith("after"):
            changed = list(WorkOrder.objects.order_by("pk").values_list("pk", flat=True)[:1000])
            WorkOrder.objects.filter(pk__in=changed).update(
                answered_at=dt.datetime(2026, 3, 20, tzinfo=SHANGHAI), updated_at=timezone.now()
            )
        seconds, peak, _out = command(*stats)
        print(f"| `hotline stats --by department`, one month of {MONTH:,} orders, {label} | "
              f"{seconds:.1f} s | {peak:,.0f} MiB |", flush=True)  # fmt: skip
    spots = ("hotline", "hotspots", "--week", "2026-03-23", "--city", city.code)
    for label in ("first", "again"):
        seconds, peak, _out = command(*spots)
        print(f"| `hotline hotspots`, the week of 23 March against the eight before, "
              f"{MONTH:,} orders in March, {label} | {seconds:.1f} s | {peak:,.0f} MiB |",
              flush=True)  # fmt: skip
    trained, single, batch = routing()
    print(f"| routing model trained on 20,000 orders | {trained:.1f} s | |")
    print(f"| routing suggestions, one order at a time | {single:,.0f} /s | |")
    print(f"| routing suggestions, 10,000 in one batch | {batch:,.0f} /s | |")


if __name__ == "__main__":
    main()
