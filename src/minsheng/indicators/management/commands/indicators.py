"""``minsheng indicators integrity --period 2026Q3 [--region CODE]`` — the integrity checks on
the figures reported for the period in the region's subtree (default: the top region), one
finding per line (``kind<TAB>region<TAB>subject<TAB>message``) and the count; the findings are
kept for the quality office to review."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from minsheng.core.index.periods import Period, PeriodError
from minsheng.orgs.models import Region
from minsheng.site.commands import DataCommand


class Command(DataCommand):
    help = "统计数据核查 / integrity checks on reported indicators"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("integrity", help="check a period's figures, keep the findings")
        check.add_argument("--period", required=True, help="e.g. 2026Q3 or 2026")
        check.add_argument("--region", default=None, help="a region's code (default: the top)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = str(Period.parse(options["period"]))
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        code = options["region"]
        region = (
            Region.objects.filter(code=code).first()
            if code
            else Region.objects.filter(parent__isnull=True).order_by("level", "code").first()
        )
        if region is None:
            raise CommandError(f"没有代码为 {code} 的地区 / no such region" if code else "没有地区")
        from minsheng.indicators.integrity import detect_period
        from minsheng.reviews.services.integrity import record_run

        findings = detect_period(period, region)
        record_run(actor="command line", period=period, found=len(findings), region=region)
        for f in findings:
            self.stdout.write(f"{f.kind}\t{f.unit}\t{f.subject}\t{f.message}")
        self.stdout.write(f"{len(findings)} findings")
