"""``minsheng standards import FILE --name NAME [--region CODE --local]``: load an edition of the
basic public-service standard list (the national one the office supplies, or with ``--region``
and ``--local`` a region's own list, each row flagged 等同国标 / 高于国标 / 本地新增), all or
nothing, every problem located (exit 2); editions are kept. ``minsheng standards list [--edition
ID]``: the editions, or one edition's items with the indicators that monitor each, as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.catalog.models import StandardItem, StandardList
from minsheng.catalog.services import standards_store
from minsheng.core.catalog.standards import standards_from_table
from minsheng.core.tabular import TableError, read_table
from minsheng.orgs.models import Region


class Command(BaseCommand):
    help = "Load and list the basic public-service standard lists."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import")
        imp.add_argument("file", type=Path)
        imp.add_argument("--name", required=True)
        imp.add_argument("--region", default=None)
        imp.add_argument("--local", action="store_true")
        show = sub.add_parser("list")
        show.add_argument("--edition", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self.stdout.write(json.dumps(_listing(options["edition"]), ensure_ascii=False))
            return
        region = None
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"没有区划代码 {options['region']}")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            rows = standards_from_table(
                read_table(path.read_bytes(), filename=path.name), local=options["local"]
            )
            edition = standards_store(rows, name=options["name"], region=region, actor="cli")
        except TableError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(exc.summary) from None
        self.stdout.write(json.dumps({"edition": edition.pk, "items": len(rows)}))


def _listing(edition: int | None) -> Any:
    if edition is None:
        return [
            {"edition": e.pk, "name": e.name, "region": e.region.code if e.region else None,
             "sample": e.is_sample, "items": e.items.count()}
            for e in StandardList.objects.select_related("region")
        ]  # fmt: skip
    items = StandardItem.objects.filter(standard_list_id=edition).prefetch_related("indicators")
    if not StandardList.objects.filter(pk=edition).exists():
        raise CommandError(f"没有清单 {edition}")
    return [
        {"area": i.area, "category": i.category, "name": i.name, "flag": i.flag,
         "indicators": sorted(x.code for x in i.indicators.all())}
        for i in items
    ]  # fmt: skip
