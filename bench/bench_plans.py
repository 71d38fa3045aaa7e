"""Reading an action plan (issue 13's first slice): `minsheng plans import PLAN.docx --dry-run`
on seed 004 as a Word document — the paragraphs out of the .docx and the tasks, units,
deadlines, targets and report rules out of the paragraphs. Prints a Markdown table (median of
50 runs, and a plan 20 times as long)."""

from __future__ import annotations

import io
import statistics
import sys
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from minsheng.core.plans.document import paragraphs  # noqa: E402
from minsheng.core.plans.parse import parse_plan  # noqa: E402

SEED = ROOT / "src" / "minsheng" / "supervision" / "data" / "seed_004_plan.txt"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(lines: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{escape(line)}</w:t></w:r></w:p>" for line in lines)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "word/document.xml",
            f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>',
        )
    return out.getvalue()


def timed(data: bytes, runs: int) -> tuple[float, int]:
    times, tasks = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        tasks = len(parse_plan(paragraphs(data, filename="plan.docx")).tasks)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, tasks


def main() -> None:
    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    seed_ms, seed_tasks = timed(docx(lines), 50)
    long_ms, long_tasks = timed(docx(lines * 20), 10)
    print("| reading a plan (.docx → tasks) | median | tasks |")
    print("|---|---:|---:|")
    print(f"| seed 004 ({len(lines)} paragraphs) | {seed_ms:.1f} ms | {seed_tasks} |")
    print(f"| seed 004 × 20 ({len(lines) * 20} paragraphs) | {long_ms:.1f} ms | {long_tasks} |")


if __name__ == "__main__":
    main()
