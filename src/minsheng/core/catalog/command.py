"""``minsheng catalog import FILE.xlsx --dry-run [--region CODE]``: read a catalog worksheet
without Django and print, as JSON, how many items it holds, each item's quality findings and the
hall metrics of the region's subtree (rates as fractions 0–1). Bad input exits 2 with every
problem located by row and column."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from minsheng.core.catalog.items import lint
from minsheng.core.catalog.metrics import hall_metrics, within
from minsheng.core.tabular import TableError

EXIT_BAD_INPUT = 2


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="minsheng catalog")
    sub = parser.add_subparsers(dest="action", required=True)
    imp = sub.add_parser("import", help="read a catalog worksheet (.xlsx or .csv)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="print what was read; store nothing")
    imp.add_argument("--region", default=None, help="metrics for this region's subtree")
    args = parser.parse_args(list(argv))
    if not args.dry_run:  # storing needs the database: `minsheng catalog import … --region CODE`
        print(
            "minsheng catalog: 保存事项清单请用 minsheng catalog import 文件 --region 地区代码",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    path: Path = args.file
    if not path.is_file():
        print(f"minsheng catalog: 文件不存在：{path}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from minsheng.core.catalog.sheet import items_from_sheet

    try:
        items = items_from_sheet(path.read_bytes(), filename=path.name)
    except TableError as exc:
        for error in exc.errors:
            print(f"minsheng catalog: {error}", file=sys.stderr)
        print(f"minsheng catalog: {exc.summary}", file=sys.stderr)
        return EXIT_BAD_INPUT
    chosen = within(args.region, items) if args.region else items
    out = {
        "items": len(items),
        "lint": [
            {"code": i.code, "region": i.region, "problems": found}
            for i in items
            if (found := lint(i))
        ],
        "metrics": {"region": args.region, **hall_metrics(chosen).as_json()},
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0
