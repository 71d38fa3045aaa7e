"""``minsheng plans import PLAN.docx|PLAN.xlsx --dry-run [--format json]``: what the plan says
— tasks with their units, deadlines and targets, and the report-by rules — as JSON, without
Django and without storing anything. Bad input exits 2 with one line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from minsheng.core.plans.document import DocumentError, read_plan

EXIT_BAD_INPUT = 2


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="minsheng plans")
    sub = parser.add_subparsers(dest="action", required=True)
    imp = sub.add_parser("import", help="read an action plan (.docx, .xlsx or .txt)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="print what was read; store nothing")
    imp.add_argument("--format", choices=("json",), default="json")
    args = parser.parse_args(list(argv))
    if not args.dry_run:  # storing needs the database: `minsheng plans import … --region CODE`
        print(
            "minsheng plans: 保存方案请用 minsheng plans import 文件 --region 地区代码",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    path: Path = args.file
    if not path.is_file():
        print(f"minsheng plans: 文件不存在：{path}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        plan = read_plan(path.read_bytes(), filename=path.name)
    except DocumentError as exc:
        print(f"minsheng plans: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not plan.tasks:
        print("minsheng plans: 没有找到任务（带牵头单位或责任单位的条目）", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(json.dumps(plan.as_json(), ensure_ascii=False, indent=2))
    return 0
