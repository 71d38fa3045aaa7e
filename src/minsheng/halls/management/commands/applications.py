"""``minsheng applications import FILE --region CODE``: store a hall's application records (CSV
or xlsx), all or nothing and idempotent by case number; every problem printed with its row and
column, exit 2. ``minsheng applications metrics --region CODE [--from D] [--to D] [--by
region|centre|item]``: 按时办结率, working days taken against promised, visits per case,
一次性告知率 and 主动评价率 of the cases received in the span, as JSON (rates 0–1)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from minsheng.core.halls.applications import records_from_table
from minsheng.core.tabular import TableError, read_table
from minsheng.halls.selectors import BY, case_rows, default_span
from minsheng.halls.services import applications_store
from minsheng.orgs.models import Region
from minsheng.site.commands import DataCommand


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期应为 YYYY-MM-DD：{text}") from None


class Command(DataCommand):
    help = "Store and measure a hall's application records (办件)."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import")
        imp.add_argument("file", type=Path)
        imp.add_argument("--region", required=True)
        metrics = sub.add_parser("metrics")
        metrics.add_argument("--region", required=True)
        metrics.add_argument("--from", dest="start", default=None)
        metrics.add_argument("--to", dest="end", default=None)
        metrics.add_argument("--by", choices=BY, default="centre")
        metrics.add_argument("--format", choices=("json",), default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"没有区划代码 {options['region']}")
        if options["action"] == "import":
            self._import(region, options["file"])
            return
        start, end = _date(options["start"]), _date(options["end"])
        if start is None or end is None:
            first, last = default_span(region)
            start, end = start or first, end or last
        if end < start:
            raise CommandError("结束日期早于开始日期")
        total, rows = case_rows(region, start, end, options["by"])
        out = {
            "region": region.code,
            "from": start.isoformat(),
            "to": end.isoformat(),
            **total.as_json(),
            "groups": [{"key": r.key, "name": r.label, **r.metrics.as_json()} for r in rows],
        }
        self.stdout.write(json.dumps(out, ensure_ascii=False))

    def _import(self, region: Region, path: Path) -> None:
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            records = records_from_table(read_table(path.read_bytes(), filename=path.name))
            stored = applications_store(records, region=region, actor="cli")
        except TableError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(exc.summary) from None
        self.stdout.write(json.dumps(stored.as_json(), ensure_ascii=False))
