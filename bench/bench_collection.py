"""Importing a 10,000-row collection template: 1,250 regions (50 counties × 24 townships plus the
counties) × 8 indicators, filled in Excel and uploaded. Target: validated and imported < 10 s.

Times each step of what the upload view does: read the workbook (calamine), read the template
rows, check every cell (range, jump against the previous period, leave-one-out z-scores) and
write the submission with its audit row in one transaction. SQLite in a temporary folder, or the
PostgreSQL of $DATABASE_URL (`scripts/with-postgres.sh .venv/bin/python bench/bench_collection.py`).
"""

from __future__ import annotations

import io
import os
import random
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

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from minsheng.core.index.collection import read_template  # noqa: E402
from minsheng.core.index.form_book import TemplateRow, write_form_template  # noqa: E402
from minsheng.core.index.periods import Period  # noqa: E402
from minsheng.core.tabular import read_table  # noqa: E402
from minsheng.indicators.models import Category, Indicator  # noqa: E402
from minsheng.indicators.selectors import form_spec  # noqa: E402
from minsheng.indicators.services import submission_save  # noqa: E402
from minsheng.orgs.models import Organisation  # noqa: E402
from minsheng.orgs.services import regions_upsert  # noqa: E402


def main() -> None:
    call_command("migrate", verbosity=0)
    codes = [("390000000000", "省"), ("390100000000", "市")]
    for c in range(1, 51):
        codes.append((f"3901{c:02d}000000", f"区{c}"))
        codes += [(f"3901{c:02d}{t:03d}000", f"镇{c}-{t}") for t in range(1, 25)]
    regions = regions_upsert(actor=None, regions=codes, note="bench", audit_each=False).by_code
    dept = Organisation.objects.create(
        key="dept", name="市教育体育局", kind="department", region=regions["390100000000"]
    )
    cat = Category.objects.create(code="EDU", name="公共教育")
    for k in range(8):
        Indicator.objects.create(
            code=f"I{k}",
            name=f"指标{k}",
            category=cat,
            lead_department=dept,
            valid_min=0,
            valid_max=1000,
        )
    spec = form_spec(dept, Period(2026, 3))
    rng = random.Random(1)
    rows = [
        TemplateRow(
            r.code, r.name, i.code, i.name, "", None, round(rng.gauss(100, 10), 2), "按年报口径"
        )
        for i in spec.indicators
        for r in spec.regions
    ]
    timings: list[tuple[str, float]] = []
    start = time.perf_counter()
    buffer = io.BytesIO()
    write_form_template(buffer, rows, spec.rules, title="bench")
    timings.append(("write the template (protected, validated)", time.perf_counter() - start))
    data = buffer.getvalue()

    total = time.perf_counter()
    start = time.perf_counter()
    table = read_table(data, filename="form.xlsx")
    timings.append(("read the workbook", time.perf_counter() - start))
    start = time.perf_counter()
    entries, errors = read_template(table, spec.cells)
    timings.append(("read template rows", time.perf_counter() - start))
    assert not errors
    start = time.perf_counter()
    submission_save(user=None, organisation=dept, spec=spec, entries=entries, submit=True)
    timings.append(("check every cell and write (one transaction)", time.perf_counter() - start))
    timings.append(
        (f"**upload total, {len(entries):,} rows** (target < 10 s)", time.perf_counter() - total)
    )

    engine = os.environ["DATABASE_URL"].split(":", 1)[0]
    print(f"## Collection template import (`bench/bench_collection.py`, {engine})\n")
    print(
        f"{len(spec.regions):,} regions × {len(spec.indicators)} indicators = "
        f"{len(entries):,} rows, {len(data) / 1e6:.1f} MB xlsx.\n"
    )
    print("| step | seconds |\n|---|---:|")
    for name, secs in timings:
        print(f"| {name} | {secs:.2f} |")


if __name__ == "__main__":
    main()
