"""``minsheng reviews import FILE [--create-missing] [--city CODE]`` and ``minsheng reviews stats
--month 2026-10 --by department|window|centre|region [--format json|xlsx] [--output FILE]``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from minsheng.core.ratings.stats import MIN_N
from minsheng.core.tabular import TableError
from minsheng.orgs.models import Region, RegionLevel
from minsheng.reviews.selectors import BY_CHOICES, month_slice, rating_stats
from minsheng.site.commands import DataCommand

# Each action imports what it runs (the file readers, the working-day calendar, Excel): a
# command pays only for its own.

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
SHOWN_ERRORS = 200
STAT_HEADERS = (
    "group",
    "n_active",
    "n_default",
    "n_system",
    "good_rate",
    "bad_rate",
    "score",
    "bad_n",
    "rectified_rate",
    "on_time_rate",
    "rank",
    "ranked",
    "shrunk_score",
    "good_rate_low",
)


def _city(code: str | None) -> Region | None:
    if code:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(f"没有区划代码为 {code} 的地区 / no region {code}")
        return region
    cities = list(Region.objects.filter(level=RegionLevel.CITY)[:2])
    if len(cities) == 1:
        return cities[0]
    if not cities:
        return None
    raise CommandError("数据库中有多个市，请用 --city 指定 / several cities: pass --city CODE")


class Command(DataCommand):
    help = "Service ratings (好差评): import a file, or print a month's statistics."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import ratings from CSV or xlsx")
        imp.add_argument("file", type=Path)
        imp.add_argument("--create-missing", action="store_true")
        imp.add_argument("--city", default=None, help="city region code (default: the only one)")
        st = sub.add_parser("stats", help="statistics of one month")
        st.add_argument("--month", required=True, help="YYYY-MM")
        st.add_argument("--by", required=True, choices=BY_CHOICES)
        st.add_argument("--format", choices=("json", "xlsx"), default="json")
        st.add_argument("--output", type=Path, default=None)
        st.add_argument("--min-n", type=int, default=MIN_N)
        st.add_argument("--city", default=None)
        hd = sub.add_parser("handled", help="import handled-case counts (centre,month,count)")
        hd.add_argument("file", type=Path)
        hd.add_argument("--city", default=None)
        sub.add_parser("sweep", help="send deadline reminders and escalate overdue cases")
        ig = sub.add_parser("integrity", help="run the integrity checks for a month")
        ig.add_argument("--month", required=True, help="YYYY-MM")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self.do_import(options)
        elif options["action"] == "handled":
            path = options["file"]
            if not path.is_file():
                raise CommandError(f"文件不存在 / no such file: {path}")
            try:
                from minsheng.reviews.services.imports import import_handled

                n = import_handled(
                    path.read_bytes(),
                    filename=path.name,
                    actor="command line",
                    city=_city(options["city"]),
                )
            except TableError as exc:
                self.stderr.write("\n".join(str(e) for e in exc.errors))
                raise CommandError(exc.summary) from None
            self.stdout.write(f"imported {n} handled-case counts")
        elif options["action"] == "sweep":
            from minsheng.reviews.services.cases import sweep

            report = sweep()
            self.stdout.write(f"reminded {report.reminded}, escalated {report.escalated}")
        elif options["action"] == "integrity":
            if not MONTH.match(options["month"]):
                raise CommandError(f"--month 须为 YYYY-MM：{options['month']}")
            from minsheng.reviews.services.integrity import detect, record_run

            flags = detect(options["month"])
            record_run(actor="command line", period=options["month"], found=len(flags), region=None)
            for flag in flags:
                self.stdout.write(
                    f"{flag.kind}\tcentre {flag.unit}\t{flag.subject}\t{flag.message}"
                )
            self.stdout.write(f"{len(flags)} findings")
        else:
            self.do_stats(options)

    def do_import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在 / no such file: {path}")
        from minsheng.reviews.services.bulk import MissingParentError

        try:
            from minsheng.reviews.services.imports import import_ratings

            report = import_ratings(
                path.read_bytes(),
                filename=path.name,
                actor="command line",
                city=_city(options["city"]),
                create_missing=options["create_missing"],
                progress=lambda done, total: self.stderr.write(f"已处理 {done} / {total} 行"),
            )
        except TableError as exc:
            self.stderr.write("\n".join(str(e) for e in exc.errors))
            raise CommandError(exc.summary) from None
        except MissingParentError as exc:
            raise CommandError(str(exc)) from None
        for error in report.errors[:SHOWN_ERRORS]:
            self.stderr.write(str(error))
        if len(report.errors) > SHOWN_ERRORS:
            self.stderr.write(f"…… 另有 {len(report.errors) - SHOWN_ERRORS} 处错误")
        created = ", ".join(f"{k} {v}" for k, v in report.created.items())
        self.stdout.write(
            f"accepted {report.accepted}, duplicates {report.duplicates}, "
            f"errors {report.error_rows}" + (f" (created: {created})" if created else "")
        )

    def do_stats(self, options: dict[str, Any]) -> None:
        month = options["month"]
        if not MONTH.match(month):
            raise CommandError(f"--month 须为 YYYY-MM：{month}")
        scope = Region.objects.filter(code=options["city"]).first() if options["city"] else None
        stats = rating_stats(
            month_slice(month, scope),
            options["by"],
            min_n=options["min_n"],
            month=month,
            root=scope,
        )
        rows = [s.as_dict() for s in stats]
        if options["format"] == "json":
            text = json.dumps(rows, ensure_ascii=False, indent=2)
            if options["output"] is None:
                self.stdout.write(text)
            else:
                options["output"].write_text(text + "\n", encoding="utf-8")
            return
        if options["output"] is None:
            raise CommandError("--format xlsx 需要 --output FILE.xlsx")
        from minsheng.core.xlsx import Sheet, write_workbook

        sheet = Sheet(
            f"{month} {options['by']}",
            STAT_HEADERS,
            [[row[h] for h in STAT_HEADERS] for row in rows],
        )
        write_workbook(options["output"], [sheet])
        self.stdout.write(f"wrote {len(rows)} rows to {options['output']}")
