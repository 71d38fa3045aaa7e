"""The demo generator at each scale, and the pages every user opens first, at province scale.

Builds the city and the province demos in fresh SQLite databases (or, with $DATABASE_URL, in
that PostgreSQL database, emptied first), then times with Django's test client, median of 30:
the home page (scope summary, region tree, chart) for the province admin, a city quality office
and a county officer; a region page; the API's organisation list. Prints Markdown tables.
"""

from __future__ import annotations

import io
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
os.environ["MINSHENG_STATIC_MANIFEST"] = "0"
(tmp / "static").mkdir()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from minsheng.accounts.models import User  # noqa: E402
from minsheng.core.demo_plan import Scale  # noqa: E402
from minsheng.core.register import parse_register  # noqa: E402
from minsheng.core.tabular import read_workbook  # noqa: E402
from minsheng.core.xlsx import write_workbook  # noqa: E402
from minsheng.demo.services import demo_build  # noqa: E402
from minsheng.orgs.models import Region  # noqa: E402
from minsheng.orgs.register_services import register_import  # noqa: E402
from minsheng.orgs.selectors import region_register_sheets, register_known  # noqa: E402

REPEAT = 30


def median_ms(client: Client, url: str) -> float:
    assert client.get(url).status_code == 200, url
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}\n")
    print("| scale | regions | organisations | windows | staff | build s |")
    print("|---|---:|---:|---:|---:|---:|")
    for scale in (Scale.CITY, Scale.PROVINCE):
        started = time.perf_counter()
        ctx = demo_build(scale=scale, seed=2025, password="bench-pw-1", reset=True)
        seconds = time.perf_counter() - started
        s = ctx.summary
        print(
            f"| {scale.value} | {s['regions']:,} | {s['organisations']:,} | {s['windows']:,} "
            f"| {s['staff']:,} | {seconds:.1f} |"
        )
    # The register of the whole province: export, read back, validate, import (nothing changes).
    province = Region.objects.get(parent=None)
    steps: list[tuple[str, float]] = []
    started = time.perf_counter()
    buffer = io.BytesIO()
    rows = write_workbook(buffer, region_register_sheets(province))
    steps.append(
        (f"export ({rows:,} rows, {buffer.tell() / 1e6:.1f} MB)", time.perf_counter() - started)
    )
    started = time.perf_counter()
    tables = read_workbook(buffer.getvalue(), filename="register.xlsx")
    steps.append(("read the workbook", time.perf_counter() - started))
    started = time.perf_counter()
    register = parse_register(tables, known=register_known(), region_allowed=lambda _c: True)
    steps.append(("validate (core.register)", time.perf_counter() - started))
    started = time.perf_counter()
    summary = register_import(actor="bench", register=register, note="bench")
    steps.append(("import, nothing changed", time.perf_counter() - started))
    assert summary.staff.updated == 0 and summary.staff.created == 0
    print("\n| register of the province | seconds | rows/s |")
    print("|---|---:|---:|")
    for name, seconds in steps:
        print(f"| {name} | {seconds:.2f} | {rows / seconds:,.0f} |")

    county = Region.objects.filter(level=3).order_by("code").first()
    assert county is not None
    pages = [
        ("admin", "/", "home, province admin (13 cities)"),
        ("quality", "/", "home, city quality office"),
        ("county", "/", "home, county officer"),
        ("quality", f"/regions/{county.code}/", "region page, a county"),
        ("quality", "/api/organisations?limit=100", "API organisations, 100 of a city"),
        ("quality", f"/regions/{county.code}/export.xlsx", "Excel register of a county"),
    ]
    print("\n| page (province database) | median ms |")
    print("|---|---:|")
    for username, url, label in pages:
        client = Client()
        client.force_login(User.objects.get(username=username))
        print(f"| {label} | {median_ms(client, url):.1f} |")


if __name__ == "__main__":
    main()
