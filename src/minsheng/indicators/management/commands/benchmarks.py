"""``minsheng benchmarks import FILE --region CODE`` and ``minsheng benchmarks export FILE
--region CODE --period 2026Q3``: provincial averages, best values and the region's provincial
rank (the same workbook as the page). Import is all or nothing; errors are listed by row and
column. JSON out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.core.index.benchmark_book import parse_benchmarks
from minsheng.core.index.periods import Period, PeriodError
from minsheng.core.tabular import TableError, read_table
from minsheng.core.xlsx import write_workbook
from minsheng.indicators.benchmarks import (
    benchmark_lines,
    benchmark_sheet,
    benchmarks_import,
    indicator_bounds,
)
from minsheng.orgs.models import Region


class Command(BaseCommand):
    help = "Import or export provincial averages, best values and provincial ranks."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="all or nothing; errors located")
        imp.add_argument("file", type=Path)
        imp.add_argument("--region", required=True, help="the city (or county) whose rank it is")
        exp = sub.add_parser("export", help="the table of a period as xlsx")
        exp.add_argument("file", type=Path)
        exp.add_argument("--region", required=True)
        exp.add_argument("--period", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"没有区划代码 {options['region']}")
        province = region.province or region
        city = region if region.pk != province.pk else None
        if options["action"] == "export":
            try:
                period = Period.parse(options["period"])
            except PeriodError as exc:
                raise CommandError(str(exc)) from None
            lines = benchmark_lines(province=province, city=city, period=period)
            write_workbook(options["file"], [benchmark_sheet(lines, period)])
            self.stdout.write(json.dumps({"rows": len(lines), "file": str(options["file"])}))
            return
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            rows = parse_benchmarks(
                read_table(path.read_bytes(), filename=path.name), indicator_bounds()
            )
            counts = benchmarks_import(
                actor="cli", rows=rows, province=province, city=city, note=f"import {path.name}"
            )
        except TableError as exc:
            self.stderr.write("\n".join(str(e) for e in exc.errors[:200]))
            raise CommandError(exc.summary) from None
        self.stdout.write(json.dumps(counts, ensure_ascii=False))
