"""``minsheng assess compute --scheme SCHEME.json --data DATA.csv [--format json|xlsx]
[--output FILE]``: assess the units of DATA against SCHEME without Django and print, for the
last period, ``{"units": [{"unit", "total", "grade", "rank", "vetoed", "triggers"}]}`` (best
first; triggers evaluated over all periods; with ``--draws N`` also each unit's ``rank_low`` and
``rank_high`` from its components' standard errors), or write an xlsx of every period. A bad
scheme or data file exits 2: the scheme's problem in one line, the data's with row and column."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from minsheng.core.assess.data import entries_from_table
from minsheng.core.assess.engine import UnitResult, assess
from minsheng.core.assess.scheme import Scheme, SchemeError, parse_scheme
from minsheng.core.assess.uncertainty import rank_intervals
from minsheng.core.tabular import TableError, read_table
from minsheng.core.xlsx import DECIMAL2, INTEGER, Sheet, write_workbook

EXIT_BAD_INPUT = 2


def _fail(message: str) -> int:
    print(f"minsheng assess: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _sheet(period: str, results: list[UnitResult], scheme: Scheme) -> Sheet:
    names = list(scheme.components)
    return Sheet(
        period,
        ["单位", *names, "扣分", "加分", "总分", "等次", "排名", "一票否决", "触发"],
        [
            [
                r.unit,
                *[r.components.get(c) for c in names],
                sum(r.deductions.values()),
                sum(r.bonuses.values()),
                r.total,
                r.grade,
                r.rank,
                "；".join(r.vetoes) if r.vetoes else "否",
                "、".join(r.triggers),
            ]
            for r in results
        ],
        formats=[None, *[DECIMAL2] * len(names), DECIMAL2, DECIMAL2, DECIMAL2, None, INTEGER],
    )


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="minsheng assess")
    sub = parser.add_subparsers(dest="action", required=True)
    compute = sub.add_parser("compute", help="assess units against a scheme")
    compute.add_argument("--scheme", type=Path, required=True)
    compute.add_argument("--data", type=Path, required=True)
    compute.add_argument("--format", choices=("json", "xlsx"), default="json")
    compute.add_argument("--output", type=Path, default=None)
    compute.add_argument("--draws", type=int, default=0, help="draws for rank intervals")
    compute.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(list(argv))
    for path in (args.scheme, args.data):
        if not path.is_file():
            return _fail(f"文件不存在：{path}")
    try:
        scheme = parse_scheme(json.loads(args.scheme.read_text(encoding="utf-8")))
    except json.JSONDecodeError as exc:
        return _fail(f"方案不是有效的 JSON（第 {exc.lineno} 行）")
    except (SchemeError, UnicodeDecodeError) as exc:
        return _fail(f"方案有误：{exc}")
    try:
        entries = entries_from_table(
            read_table(args.data.read_bytes(), filename=args.data.name), scheme
        )
    except TableError as exc:
        for error in exc.errors:
            print(f"minsheng assess: {error}", file=sys.stderr)
        return _fail(exc.summary)
    results = assess(scheme, entries)
    if not results:
        return _fail("数据中没有任何期别")
    if args.draws < 0:
        return _fail("--draws 不能为负数")
    if args.draws:
        last_period = max(results)
        errors = {
            (e.unit, e.component.partition(":")[2]): e.value
            for e in entries
            if e.period == last_period and e.component.startswith("se:")
        }
        intervals = rank_intervals(
            scheme, results[last_period], errors, draws=args.draws, seed=args.seed
        )
        for r in results[last_period]:
            r.rank_interval = intervals[r.unit]
    if args.format == "xlsx":
        if args.output is None:
            return _fail("xlsx 格式须用 --output 指定文件")
        try:
            with args.output.open("wb") as out:
                write_workbook(out, [_sheet(p, rs, scheme) for p, rs in results.items()])
        except OSError as exc:
            return _fail(f"无法写入 {args.output}：{exc.strerror}")
        print(json.dumps({"periods": len(results), "file": str(args.output)}, ensure_ascii=False))
        return 0
    last = results[max(results)]
    text = json.dumps({"units": [r.as_json() for r in last]}, ensure_ascii=False, indent=2)
    if args.output is not None:
        args.output.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0
