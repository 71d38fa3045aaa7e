"""``minsheng demo``: build the demo city (deterministic) and serve it."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from minsheng.analytics.store import clear as analytics_clear
from minsheng.analytics.store import sync_all
from minsheng.core.demo_plan import Scale, build_plan
from minsheng.demo.services import DemoExistsError, demo_build, demo_existing
from minsheng.polls.store import refresh_all
from minsheng.web.management.commands.serve import default_port

EXIT_EXISTS = 3


class Command(BaseCommand):
    help = "Build the demo city (or province) and serve it. Never overwrites data without --reset."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", choices=[s.value for s in Scale], default=Scale.CITY.value)
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--no-serve", action="store_true", help="build only, do not serve")
        parser.add_argument("--reset", action="store_true", help="empty the database and rebuild")
        parser.add_argument("--port", type=int, default=None, help="default: $PORT or 8000")

    def handle(self, *args: Any, **options: Any) -> None:
        port = options["port"] or default_port()  # a bad PORT fails before any work
        scale = Scale(options["scale"])
        call_command("migrate", interactive=False, verbosity=0)
        started = time.perf_counter()
        try:
            ctx = demo_build(
                scale=scale,
                seed=options["seed"],
                password=settings.MINSHENG_DEMO_PASSWORD,
                reset=options["reset"],
                progress=lambda m: self.stdout.write("  " + m),
            )
        except DemoExistsError:
            existing = demo_existing()
            what = (
                f"演示数据已存在（{existing.scale}，seed {existing.seed}） / a demo database exists"
                if existing is not None
                else "数据库中已有数据 / the database already holds data"
            )
            if options["no_serve"]:
                raise CommandError(
                    f"{what}; nothing was changed. 重建请加 --reset / rebuild with --reset",
                    returncode=EXIT_EXISTS,
                ) from None
            self.stdout.write(f"{what}; 沿用现有数据 / reusing it (--reset rebuilds).")
        else:
            # A new database numbers its rows from 1 again: the store is copied afresh.
            copy_started = time.perf_counter()
            analytics_clear()
            copied = sum(int(row.get("copied", 0)) for row in sync_all())
            refresh_all()  # the polls' respondents as columns: the results' first view
            self.stdout.write(
                f"  分析库 / analytics store: {copied} 行 / rows, "
                f"{time.perf_counter() - copy_started:.1f} s"
            )
            summary = ", ".join(f"{k} {v}" for k, v in ctx.summary.items())
            self.stdout.write(
                self.style.SUCCESS(
                    f"演示城市已生成 / demo built in {time.perf_counter() - started:.1f} s: "
                    + summary
                )
            )
        self.print_logins()
        if not options["no_serve"]:
            call_command("serve", port=port)

    def print_logins(self) -> None:
        existing = demo_existing()
        if existing is None:  # not a demo database: its accounts are its own
            return
        plan = build_plan(Scale(existing.scale), existing.seed)
        self.stdout.write(
            "演示账号 / demo logins (密码 / password: " + settings.MINSHENG_DEMO_PASSWORD + ")"
        )
        for u in plan.users:
            org = next(o.name for o in plan.organisations if o.key == u.org_key)
            self.stdout.write(f"  {u.username:<10} {u.role.value:<20} {org}")
