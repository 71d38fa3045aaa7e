"""``minsheng catalog import FILE.xlsx --region CODE [--create-missing]``: store a catalog
worksheet for the region, all or nothing (``--dry-run`` checks the file without Django: see
``core.catalog.command``). Every problem is printed with its row and column; exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.catalog.services import catalog_store
from minsheng.core.catalog.sheet import items_from_sheet
from minsheng.core.tabular import TableError
from minsheng.orgs.models import Region


class Command(BaseCommand):
    help = "Store a service catalog worksheet for a region."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import")
        imp.add_argument("file", type=Path)
        imp.add_argument("--region", required=True)
        imp.add_argument("--create-missing", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        root = Region.objects.filter(code=options["region"]).first()
        if root is None:
            raise CommandError(f"没有区划代码 {options['region']}")
        path: Path = options["file"]
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
