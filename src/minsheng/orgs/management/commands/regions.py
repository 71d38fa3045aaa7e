"""``minsheng regions import FILE`` and ``minsheng regions export FILE.xlsx|FILE.csv``.

Import reads CSV (UTF-8 or GBK) or Excel with the columns ``code,name`` (or 区划代码,名称) and an
optional ``parent_code``; it is all-or-nothing: with any error nothing is written and every error
is listed by sheet, row and column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.core.region_rows import parse_region_table
from minsheng.core.tabular import TableError, read_table
from minsheng.core.xlsx import write_csv, write_table
from minsheng.orgs.models import Region
from minsheng.orgs.services import regions_upsert


class Command(BaseCommand):
    help = "Import or export the region tree (统计用区划代码) as CSV or Excel."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="create new regions and rename changed ones")
        imp.add_argument("file", type=Path)
        imp.add_argument("--sheet", default=None, help="Excel sheet (default: the first)")
        imp.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        exp = sub.add_parser("export", help="write every region to an .xlsx or .csv file")
        exp.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self.do_import(options["file"], options["sheet"], options["dry_run"])
        else:
            self.do_export(options["file"])

    def do_import(self, path: Path, sheet: str | None, dry_run: bool) -> None:
        if not path.is_file():
            raise CommandError(f"文件不存在 / no such file: {path}")
        try:
            table = read_table(path.read_bytes(), filename=path.name, sheet=sheet)
            existing = set(Region.objects.values_list("code", flat=True))
            rows = parse_region_table(table, existing_codes=existing)
        except TableError as exc:
            self.stderr.write("\n".join(str(e) for e in exc.errors))
            raise CommandError(exc.summary) from None
        if dry_run:
            self.stdout.write(
                f"检查通过 / check passed: {len(rows)} rows; nothing written (--dry-run)"
            )
            return
        summary = regions_upsert(
            actor="cli", regions=[(r.code, r.name) for r in rows], note=f"import {path.name}"
        )
        self.stdout.write(
            f"新增 {summary.created}，更名 {summary.updated}，未变 {summary.unchanged} / "
            f"created {summary.created}, renamed {summary.updated}, unchanged {summary.unchanged}"
        )

    def do_export(self, path: Path) -> None:
        suffix = path.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise CommandError(
                f"请用 .xlsx 或 .csv 文件名 / the file name must end in .xlsx or .csv: {path}"
            )
        regions = Region.objects.select_related("parent").order_by("level", "code")
        headers = ["code", "name", "level", "parent_code"]
        rows = (
            (r.code, r.name, r.level, r.parent.code if r.parent else "") for r in regions.iterator()
        )
        if suffix == ".csv":
            count = write_csv(path, headers=headers, rows=rows)
        else:
            count = write_table(
                path, sheet="regions", headers=headers, rows=rows, widths=[16, 24, 8, 16]
            )
        self.stdout.write(f"{count} regions → {path}")
