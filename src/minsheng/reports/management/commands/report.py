"""``minsheng report cockpit --region CODE --period 2026Q3 [--map index|poll|ratings|overdue]``:
the leader cockpit's figures as JSON. ``minsheng report quarterly --region CODE --period 2026Q3
--format docx|pdf --output FILE``: the quarterly analysis report of a region, made by the same
engine as the page (figures, sentences, the region's Word template, PDF), archived, and written
to FILE. Exit 2 with one line
for an unknown region, a period without data or an unwritable path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.core.index.periods import Period, PeriodError
from minsheng.core.reports.render import TemplateError
from minsheng.orgs.models import Region
from minsheng.reports.cockpit import MAP_FIGURES, cockpit, cockpit_json
from minsheng.reports.facts import FactsError
from minsheng.reports.services import quarterly_make, report_store


class Command(BaseCommand):
    help = "Make a region's quarterly analysis report as Word or PDF."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        quarterly = sub.add_parser("quarterly")
        quarterly.add_argument("--region", required=True)
        quarterly.add_argument("--period", required=True)
        quarterly.add_argument("--format", choices=["docx", "pdf"], default="docx")
        quarterly.add_argument("--output", required=True)
        quarterly.add_argument("--no-archive", action="store_true")
        board = sub.add_parser("cockpit")
        board.add_argument("--region", required=True)
        board.add_argument("--period", required=True)
        board.add_argument("--map", choices=sorted(MAP_FIGURES), default="index")

    def handle(self, *args: Any, **options: Any) -> None:
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"没有地区 {options['region']}", returncode=2)
        if options["action"] == "cockpit":
            try:
                period = Period.parse(options["period"])
            except PeriodError as exc:
                raise CommandError(str(exc), returncode=2) from None
            board = cockpit_json(cockpit(region, period, options["map"]))
            self.stdout.write(json.dumps(board, ensure_ascii=False))
            return
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"无法写入 {output}：目录不存在", returncode=2)
        try:
            period = Period.parse(options["period"])
            made = quarterly_make(region, period)
        except (PeriodError, FactsError, TemplateError) as exc:
            raise CommandError(str(exc), returncode=2) from None
        data = made.docx if options["format"] == "docx" else made.pdf
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc.strerror}", returncode=2) from None
        report = None
        if not options["no_archive"]:
            report = report_store(actor="cli", region=region, period=period, made=made)
        self.stdout.write(
            json.dumps(
                {
                    "report": report.pk if report else None,
                    "output": str(output),
                    "bytes": len(data),
                    "headline": made.content.headline,
                },
                ensure_ascii=False,
            )
        )
