"""``minsheng inspect draw --sites SITES.csv --per-stratum N --seed S [--today YYYY-MM-DD]
[--inspectors INSPECTORS.csv]``: draw an unannounced inspection round without Django and print
``{"visits": [{"site", "stratum", "unit", "inspector"}], "unassigned": n}`` as JSON.

SITES columns: site, stratum, unit, last_visited (站点, 分层, 单位, 上次检查; blank = never).
INSPECTORS columns: inspector, unit (检查人员, 所在单位). Bad files exit 2 with every problem
located by row and column."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from minsheng.core.inspect.draw import DrawError, Inspector, Site, assign, draw_sites
from minsheng.core.ratings.records import parse_time
from minsheng.core.tabular import CellError, TableError, cell_text, read_table, require_columns
from minsheng.core.workdays.calendar import SHANGHAI

EXIT_BAD_INPUT = 2
SITE_ALIASES = {"站点": "site", "分层": "stratum", "单位": "unit", "上次检查": "last_visited"}
INSPECTOR_ALIASES = {"检查人员": "inspector", "所在单位": "unit"}


def _sites(path: Path) -> list[Site]:
    table = read_table(path.read_bytes(), filename=path.name)
    columns = require_columns(table, ["site", "stratum", "unit"], SITE_ALIASES)
    errors: list[CellError] = []
    sites: list[Site] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        text = {
            c: cell_text(row.values.get(columns.get(c, ""))) for c in ("site", "stratum", "unit")
        }
        for c, value in text.items():
            if not value:
                errors.append(table.error(row.number, columns[c], "不能为空"))
        if text["site"] in seen:
            errors.append(
                table.error(row.number, columns["site"], f"与第 {seen[text['site']]} 行重复")
            )
        seen.setdefault(text["site"], row.number)
        raw = row.values.get(columns["last_visited"]) if "last_visited" in columns else None
        last = None
        if raw not in (None, ""):
            moment = parse_time(raw)
            if moment is None:
                errors.append(
                    table.error(row.number, columns["last_visited"], f"“{cell_text(raw)}”不是日期")
                )
            else:
                last = moment.date()
        sites.append(Site(text["site"], text["stratum"], text["unit"], last))
    if errors:
        raise TableError(errors)
    return sites


def _inspectors(path: Path) -> list[Inspector]:
    table = read_table(path.read_bytes(), filename=path.name)
    columns = require_columns(table, ["inspector", "unit"], INSPECTOR_ALIASES)
    errors: list[CellError] = []
    found: list[Inspector] = []
    for row in table.rows:
        key = cell_text(row.values.get(columns["inspector"]))
        unit = cell_text(row.values.get(columns["unit"]))
        if not key:
            errors.append(table.error(row.number, columns["inspector"], "不能为空"))
        found.append(Inspector(key, unit))
    if errors:
        raise TableError(errors)
    return found


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="minsheng inspect")
    sub = parser.add_subparsers(dest="action", required=True)
    draw = sub.add_parser("draw", help="draw the sites of an unannounced inspection round")
    draw.add_argument("--sites", type=Path, required=True)
    draw.add_argument("--per-stratum", type=int, required=True)
    draw.add_argument("--seed", type=int, required=True)
    draw.add_argument("--today", default=None)
    draw.add_argument("--inspectors", type=Path, default=None)
    args = parser.parse_args(list(argv))
    for path in (args.sites, args.inspectors):
        if path is not None and not path.is_file():
            print(f"minsheng inspect: 文件不存在：{path}", file=sys.stderr)
            return EXIT_BAD_INPUT
    try:
        today = (
            dt.date.fromisoformat(args.today) if args.today else dt.datetime.now(SHANGHAI).date()
        )
    except ValueError:
        print(f"minsheng inspect: 日期应为 YYYY-MM-DD：{args.today}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        sites = _sites(args.sites)
        inspectors = _inspectors(args.inspectors) if args.inspectors else []
        chosen = draw_sites(sites, args.per_stratum, seed=args.seed, today=today)
    except TableError as exc:
        for error in exc.errors:
            print(f"minsheng inspect: {error}", file=sys.stderr)
        print(f"minsheng inspect: {exc.summary}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except DrawError as exc:
        print(f"minsheng inspect: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    visits = assign(chosen, inspectors) if inspectors else []
    by_site = {v.site.key: v.inspector for v in visits}
    out = {
        "visits": [
            {"site": s.key, "stratum": s.stratum, "unit": s.unit, "inspector": by_site.get(s.key)}
            for s in chosen
        ],
        "unassigned": sum(1 for v in visits if v.inspector is None),
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0
