"""``minsheng hall metrics --region CODE [--date YYYY-MM-DD] [--format json]``: the six hall
metrics of the region's catalog (as it stood on the date) and of each child region, rates as
fractions 0–1."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.catalog.selectors import metrics_tree
from minsheng.orgs.models import Region


class Command(BaseCommand):
    help = "Hall metrics of a region's service catalog."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        metrics = sub.add_parser("metrics")
        metrics.add_argument("--region", required=True)
        metrics.add_argument("--date", default=None)
        metrics.add_argument("--format", choices=("json",), default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"没有区划代码 {options['region']}")
        day = None
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"日期应为 YYYY-MM-DD：{options['date']}") from None
        own, children = metrics_tree(region, day)
        self.stdout.write(
            json.dumps(
                {
                    "region": region.code,
                    **own.as_json(),
                    "children": [{"region": c.code, **m.as_json()} for c, m in children],
                },
                ensure_ascii=False,
            )
        )
