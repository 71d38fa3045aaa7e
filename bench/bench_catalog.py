"""The catalog's first slice (issue 14) on its own path: `minsheng catalog import FILE.xlsx
--dry-run --region CODE` on a generated 20,000-item province catalog (BENCH_ITEMS) — reading
and checking every cell, the item checks, and the six hall metrics for the province and for
each of its cities. Prints a Markdown table (one run)."""

from __future__ import annotations

import io
import os
import random
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from minsheng.core.catalog.command import main  # noqa: E402
from minsheng.core.catalog.metrics import hall_metrics, within  # noqa: E402
from minsheng.core.catalog.sheet import HEADER_ORDER, items_from_sheet  # noqa: E402

ITEMS = int(os.environ.get("BENCH_ITEMS", "20000"))


def workbook(n: int) -> bytes:
    rng = random.Random(14)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("事项")
    sheet.append(HEADER_ORDER)
    for k in range(n):
        city = 1 + k % 16
        county = 1 + (k // 16) % 10
        legal = rng.choice([5, 10, 15, 20, 30, 60])
        promised = rng.choice([0, legal // 2, legal // 3])
        depth = rng.choice([1, 2, 3, 4])
        sheet.append(
            [
                f"{k:020d}", f"事项{k}", "行政许可", f"部门{k % 40}", "县",
                f"39{city:02d}{county:02d}000000", legal, promised,
                "即办件" if promised == 0 else "承诺件", 0 if depth == 4 else rng.choice([0, 1, 2]),
                depth, "是" if rng.random() < 0.9 else "否", "涉密" if rng.random() < 0.5 else "",
            ]
        )  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main_bench() -> None:
    data = workbook(ITEMS)
    path = Path(tempfile.mkdtemp(prefix="minsheng-bench-")) / "catalog.xlsx"
    path.write_bytes(data)
    start = time.perf_counter()
    with redirect_stdout(io.StringIO()):
        code = main(["import", str(path), "--dry-run", "--region", "390000000000"])
    command_s = time.perf_counter() - start
    assert code == 0
    items = items_from_sheet(data, filename="catalog.xlsx")
    start = time.perf_counter()
    for city in range(1, 17):
        hall_metrics(within(f"39{city:02d}00000000", items))
    cities_ms = (time.perf_counter() - start) * 1000
    print("| catalog (issue 14, first slice) | time | notes |")
    print("|---|---:|---|")
    print(
        f"| `catalog import --dry-run --region` | {command_s:.1f} s | {ITEMS:,} items, "
        f"{len(data) / 1e6:.1f} MB xlsx: read, checked, linted, province metrics |"
    )
    print(f"| hall metrics for each of 16 cities | {cities_ms:.0f} ms | over the {ITEMS:,} items |")


if __name__ == "__main__":
    main_bench()
