"""``minsheng index compute``: the level index on files, on ``core`` alone (Django is never
imported, so the command starts in a fraction of a second).

    minsheng index compute --catalog CATALOG.csv --observations OBS.csv --period 2025Q4
        [--normalise minmax|zscore|target|goalposts] [--aggregate arithmetic|geometric]
        [--missing drop|mean|median] [--winsorise P] [--uncertainty N --seed S]
        [--bottom-n N] [--format json|xlsx] [--output FILE]

Exit codes: 0 done, 2 a problem with the input (one message per problem on stderr).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from minsheng.core.columnar import read_columns
from minsheng.core.index import alerts, engine, report, uncertainty
from minsheng.core.index.files import parse_catalog, parse_observations
from minsheng.core.index.model import AGGREGATE_CHOICES, MISSING_CHOICES, NORMALISE_CHOICES, Policy
from minsheng.core.index.normalise import NormaliseError
from minsheng.core.index.periods import Period, PeriodError
from minsheng.core.tabular import TableError, read_table
from minsheng.core.xlsx import write_workbook

EXIT_INPUT = 2
MAX_SHOWN = 50


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="minsheng index", description="水平指数 / level index")
    sub = parser.add_subparsers(dest="action", required=True)
    c = sub.add_parser("compute", help="compute scores, indices, ranks and warnings")
    c.add_argument("--catalog", required=True, type=Path, help="CATALOG.csv|xlsx")
    c.add_argument("--observations", required=True, type=Path, help="OBS.csv|xlsx")
    c.add_argument("--period", required=True, help="e.g. 2025Q4 or 2025")
    c.add_argument("--normalise", choices=NORMALISE_CHOICES, default="minmax")
    c.add_argument("--aggregate", choices=AGGREGATE_CHOICES, default="arithmetic")
    c.add_argument("--missing", choices=MISSING_CHOICES, default="drop")
    c.add_argument("--winsorise", type=float, default=None, metavar="P")
    c.add_argument("--uncertainty", type=int, default=0, metavar="N", help="Monte Carlo runs")
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--bottom-n", type=int, default=3)
    c.add_argument("--format", choices=("json", "xlsx"), default="json")
    c.add_argument("--output", type=Path, default=None)
    return parser


def _fail(message: str) -> int:
    print(f"minsheng index: {message}", file=sys.stderr)
    return EXIT_INPUT


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FileNotFoundError(f"无法读取 {path}：{exc.strerror}") from None


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))
    if args.format == "xlsx" and args.output is None:
        return _fail("--format xlsx 需要 --output FILE")
    if args.winsorise is not None and not 0 < args.winsorise < 0.5:
        return _fail("--winsorise 应在 0 与 0.5 之间（例如 0.05）")
    if args.uncertainty == 1 or args.uncertainty < 0:
        return _fail("--uncertainty 至少为 2 次（0 表示不做）")
    try:
        period = Period.parse(args.period)
        catalog = parse_catalog(
            read_table(_read(args.catalog), filename=args.catalog.name, limit=None)
        )
        obs = read_columns(_read(args.observations), filename=args.observations.name)
        panel = parse_observations(obs, catalog)
        policy = Policy(
            normalise=args.normalise,
            aggregate=args.aggregate,
            missing=args.missing,
            winsorise=args.winsorise,
        )
        mc = (
            uncertainty.MonteCarlo(runs=args.uncertainty, seed=args.seed)
            if args.uncertainty
            else None
        )
        result = engine.compute(panel, period, policy, alerts.Rules(bottom_n=args.bottom_n), mc)
    except TableError as exc:
        for err in exc.errors[:MAX_SHOWN]:
            print(f"minsheng index: {err}", file=sys.stderr)
        if len(exc.errors) > MAX_SHOWN:
            print(f"minsheng index: …… 另有 {len(exc.errors) - MAX_SHOWN} 处", file=sys.stderr)
        return _fail(exc.summary)
    except (PeriodError, NormaliseError, FileNotFoundError, KeyError, ValueError) as exc:
        return _fail(str(exc).strip("'\""))
    if args.format == "xlsx":
        write_workbook(args.output, report.to_sheets(result))
        print(f"已写入 {args.output}", file=sys.stderr)
        return 0
    if args.output is None:
        sys.stdout.flush()
        report.write_json(result, sys.stdout.buffer)
        sys.stdout.buffer.write(b"\n")
        return 0
    with args.output.open("wb") as out:
        report.write_json(result, out)
        out.write(b"\n")
    return 0
