"""``minsheng assess run --scheme ID --period 2026Q3 [--confirm]``: run a stored scheme over its
units (the region's child regions or its departments) from the platform's own figures and print
the units' results as JSON (``assess compute`` runs a scheme file on a data file without
Django)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.assess.models import Scheme
from minsheng.assess.services import RunError, run_compute, run_confirm
from minsheng.core.assess.scheme import SchemeError
from minsheng.core.index.periods import Period, PeriodError


class Command(BaseCommand):
    help = "Run a stored assessment scheme for a period."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run")
        run.add_argument("--scheme", type=int, required=True)
        run.add_argument("--period", required=True)
        run.add_argument("--confirm", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        scheme = Scheme.objects.filter(pk=options["scheme"]).first()
        if scheme is None:
            raise CommandError(f"没有考核方案 {options['scheme']}")
        try:
            period = Period.parse(options["period"])
            run = run_compute(actor="cli", scheme=scheme, period=period)
            if options["confirm"]:
                run_confirm(actor="cli", run=run)
        except (PeriodError, RunError, SchemeError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps({"run": run.pk, "units": run.results}, ensure_ascii=False))
