"""``minsheng catalog import FILE.xlsx --region CODE [--create-missing]``: store a catalog
workbook (sheets 事项 and 材料) for the region, all or nothing (``--dry-run`` checks the file
without Django: see ``core.catalog.command``). Every problem is printed with its sheet, row and
column; exit 2. ``minsheng catalog export FILE.xlsx --region CODE [--date YYYY-MM-DD]``: the
region's catalog (as it stood on the date) in the same workbook format."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.catalog.selectors import items_at
from minsheng.catalog.services import catalog_store
from minsheng.core.catalog.sheet import catalog_sheets, items_from_sheet
from minsheng.core.tabular import TableError
from minsheng.core.xlsx import write_workbook
from minsheng.orgs.models import Region


class Command(BaseCommand):
    help = "Store a service catalog worksheet for a region."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import")
        imp.add_argument("file", type=Path)
        imp.add_argument("--region", required=True)
        imp.add_argument("--create-missing", action="store_true")
        exp = sub.add_parser("export")
        exp.add_argument("file", type=Path)
        exp.add_argument("--region", required=True)
        exp.add_argument("--date", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        root = Region.objects.filter(code=options["region"]).first()
        if root is None:
            raise CommandError(f"没有区划代码 {options['region']}")
        path: Path = options["file"]
        if options["action"] == "export":
            self._export(root, path, options["date"])
            return
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            items = items_from_sheet(path.read_bytes(), filename=path.name)
            stored = catalog_store(
                items, root=root, actor="cli", create_missing=options["create_missing"]
            )
        except TableError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(exc.summary) from None
        self.stdout.write(
            json.dumps(
                {
                    "created": stored.created,
                    "changed": stored.changed,
                    "unchanged": stored.unchanged,
                    "organisations_created": stored.organisations_created,
                },
                ensure_ascii=False,
            )
        )

    def _export(self, root: Region, path: Path, date: str | None) -> None:
        try:
            day = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"日期应为 YYYY-MM-DD：{date}") from None
        items = items_at(root, day)
        try:
            with path.open("wb") as out:
                write_workbook(out, catalog_sheets(items))
        except OSError as exc:
            raise CommandError(f"无法写入 {path}：{exc.strerror}") from None
        self.stdout.write(json.dumps({"items": len(items), "file": str(path)}, ensure_ascii=False))
