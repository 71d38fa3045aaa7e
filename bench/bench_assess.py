"""The assessment engine (issue 15, first slice) on its own path: ``minsheng assess compute`` over
``BENCH_UNITS`` units (default 2,844, the province's townships) × 8 components × 12 periods, with
deductions, bonuses, a few vetoes, four triggers, and rank intervals from 1,000 draws of every
component's standard error. Prints a Markdown table (one run)."""

from __future__ import annotations

import io
import json
import os
import random
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from minsheng.core.assess.command import main  # noqa: E402

UNITS = int(os.environ.get("BENCH_UNITS", "2844"))
PERIODS = 12
COMPONENTS = ["index", "poll", "ratings", "tasks", "hall", "inspection", "expert", "hotline"]
SCHEME = {
    "components": dict(zip(COMPONENTS, [25, 20, 10, 15, 10, 10, 5, 5], strict=True)),
    "bonus_cap": 5,
    "grades": [[90, "优秀"], [80, "良好"], [60, "合格"], [0, "不合格"]],
    "triggers": [
        {"name": "约谈", "when": {"rank_bottom": 3, "periods": 2}, "consequence": "约谈"},
        {"name": "书面检讨", "when": {"rank_bottom": 1, "periods": 1}, "consequence": "书面检讨"},
        {"name": "黄牌", "when": {"all": [{"total_below": 70}, {"rank_bottom": 10, "periods": 1}]},
         "consequence": "黄牌警告"},
        {"name": "通报", "when": {"any": [{"total_below": 60}, {"rank_bottom": 5, "periods": 3}]},
         "consequence": "通报批评"},
    ],
}  # fmt: skip


def data() -> str:
    rng = random.Random(15)
    lines = ["unit,period,component,value"]
    level = {u: rng.uniform(60, 95) for u in range(UNITS)}
    for p in range(PERIODS):
        period = f"2026-{p + 1:02d}"
        for u in range(UNITS):
            for c in COMPONENTS:
                value = min(100.0, max(0.0, level[u] + rng.gauss(0, 5)))
                lines.append(f"U{u:05d},{period},{c},{value:.2f}")
            if rng.random() < 0.1:
                lines.append(f"U{u:05d},{period},deduction:逾期任务,{rng.randint(1, 5)}")
            if rng.random() < 0.05:
                lines.append(f"U{u:05d},{period},bonus:创新,{rng.randint(1, 8)}")
            if p == PERIODS - 1:
                if rng.random() < 0.002:
                    lines.append(f"U{u:05d},{period},veto:安全事故,1")
                for c in ("index", "poll"):
                    lines.append(f"U{u:05d},{period},se:{c},{rng.uniform(0.5, 3):.2f}")
    return "\n".join(lines) + "\n"


def main_bench() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="minsheng-bench-"))
    (tmp / "scheme.json").write_text(json.dumps(SCHEME, ensure_ascii=False), encoding="utf-8")
    text = data()
    (tmp / "data.csv").write_text(text, encoding="utf-8")
    rows = text.count("\n") - 1
    args = ["compute", "--scheme", str(tmp / "scheme.json"), "--data", str(tmp / "data.csv")]
    table = []
    for label, extra in (("without intervals", []), ("with 1,000 draws", ["--draws", "1000"])):
        out = io.StringIO()
        start = time.perf_counter()
        with redirect_stdout(out):
            code = main([*args, *extra])
        seconds = time.perf_counter() - start
        assert code == 0, "the benchmark's own data must be valid"
        units = json.loads(out.getvalue())["units"]
        fired = sum(bool(u["triggers"]) for u in units)
        table.append((label, seconds, len(units), fired))
    size = (tmp / "data.csv").stat().st_size / 1e6
    print(f"| assess compute, {UNITS:,} units × 8 components × 12 periods "
          f"({rows:,} rows, {size:.1f} MB) | time | units | with a trigger |")  # fmt: skip
    print("|---|---:|---:|---:|")
    for label, seconds, units, fired in table:
        print(f"| {label} | {seconds:.1f} s | {units:,} | {fired:,} |")


if __name__ == "__main__":
    main_bench()
