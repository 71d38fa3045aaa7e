"""``minsheng hall metrics --region CODE [--date YYYY-MM-DD] [--format json]``: the six hall
metrics of the region's catalog (as it stood on the date) and of each child region, rates as
fractions 0–1, each with its target and whether it is met. ``minsheng hall targets --region CODE
[--year Y] [--set METRIC=VALUE …] [--clear METRIC …]``: the targets in force and the region's
own, as JSON (values are fractions 0–1)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from minsheng.catalog.selectors import metrics_tree, own_targets, targets_for
from minsheng.catalog.services import TargetError, targets_save
from minsheng.core.catalog.metrics import Metrics
from minsheng.orgs.models import Region
from minsheng.site.commands import DataCommand


def _with_targets(region: Region, metrics: Metrics, year: int) -> dict[str, Any]:
    targets = targets_for(region, year)
    return {
        "region": region.code,
        **metrics.as_json(),
        "targets": targets,
        "met": metrics.met(targets),
    }


class Command(DataCommand):
    help = "Hall metrics of a region's service catalog, and their targets."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        metrics = sub.add_parser("metrics")
        metrics.add_argument("--region", required=True)
        metrics.add_argument("--date", default=None)
        metrics.add_argument("--format", choices=("json",), default="json")
        targets = sub.add_parser("targets")
        targets.add_argument("--region", required=True)
        targets.add_argument("--year", type=int, default=None)
        targets.add_argument("--set", nargs="*", default=[], metavar="METRIC=VALUE")
        targets.add_argument("--clear", nargs="*", default=[], metavar="METRIC")

    def handle(self, *args: Any, **options: Any) -> None:
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"没有区划代码 {options['region']}")
        if options["action"] == "targets":
            self._targets(region, options)
            return
        day = None
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"日期应为 YYYY-MM-DD：{options['date']}") from None
        year = (day or timezone.localdate()).year
        own, children = metrics_tree(region, day)
        out = _with_targets(region, own, year)
        out["children"] = [_with_targets(c, m, year) for c, m in children]
        self.stdout.write(json.dumps(out, ensure_ascii=False))

    def _targets(self, region: Region, options: dict[str, Any]) -> None:
        year = options["year"] or timezone.localdate().year
        values: dict[str, float | None] = dict.fromkeys(options["clear"])
        for pair in options["set"]:
            metric, _sep, text = pair.partition("=")
            try:
                values[metric] = float(text)
            except ValueError:
                raise CommandError(f"应为 指标=0到1之间的小数：{pair}") from None
        if values:
            try:
                targets_save(actor="cli", region=region, year=year, values=values)
            except TargetError as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(
            json.dumps(
                {
                    "region": region.code,
                    "year": year,
                    "own": own_targets(region, year),
                    "in_force": targets_for(region, year),
                },
                ensure_ascii=False,
            )
        )
