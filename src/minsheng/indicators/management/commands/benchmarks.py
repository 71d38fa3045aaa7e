"""``minsheng benchmarks import FILE --region CODE`` and ``minsheng benchmarks export FILE
--region CODE --period 2026Q3``: provincial averages, best values and the region's provincial
rank (the same workbook as the page). Import is all or nothing; errors are listed by row and
column. ``minsheng benchmarks cities-import|cities-export FILE --region CITY`` do the same for
the values the province publishes for its other cities (the city's peer group of cities). JSON
out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.core.index.benchmark_book import parse_benchmarks, parse_city_values
from minsheng.core.index.periods import Period, PeriodError
from minsheng.core.tabular import TableError, read_table
from minsheng.core.xlsx import write_workbook
from minsheng.indicators.benchmarks import (
    benchmark_lines,
    benchmark_sheet,
    benchmarks_import,
    city_value_lines,
    city_values_import,
    city_values_sheet,
    indicator_bounds,
    other_cities,
)
from minsheng.orgs.models import Organisation, OrgKind, Region, RegionLevel


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
        cimp = sub.add_parser("cities-import", help="other cities' values; all or nothing")
        cimp.add_argument("file", type=Path)
        cimp.add_argument("--region", required=True, help="the importing city")
        cexp = sub.add_parser("cities-export", help="other cities' values of a period as xlsx")
        cexp.add_argument("file", type=Path)
        cexp.add_argument("--region", required=True)
        cexp.add_argument("--period", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"没有区划代码 {options['region']}")
        province = region.province or region
        city = region if region.pk != province.pk else None
        if options["action"].startswith("cities-"):
            self.cities(region, options)
            return
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

    def cities(self, city: Region, options: dict[str, Any]) -> None:
        if city.level != RegionLevel.CITY:
            raise CommandError(f"{city.code} 不是市：各市数值由市质量办导入")
        if options["action"] == "cities-export":
            try:
                period = Period.parse(options["period"])
            except PeriodError as exc:
                raise CommandError(str(exc)) from None
            lines = city_value_lines(city=city, period=period)
            write_workbook(options["file"], [city_values_sheet(lines)])
            self.stdout.write(json.dumps({"rows": len(lines), "file": str(options["file"])}))
            return
        office = Organisation.objects.filter(region=city, kind=OrgKind.QUALITY_OFFICE).first()
        if office is None:
            raise CommandError(f"{city.name} 还没有质量办机构")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            rows = parse_city_values(
                read_table(path.read_bytes(), filename=path.name),
                other_cities(city),
                indicator_bounds(),
                own={city.code, city.name},
            )
            counts = city_values_import(
                actor="cli", office=office, rows=rows, note=f"city values import {path.name}"
            )
        except TableError as exc:
            self.stderr.write("\n".join(str(e) for e in exc.errors[:200]))
            raise CommandError(exc.summary) from None
        self.stdout.write(json.dumps(counts, ensure_ascii=False))
