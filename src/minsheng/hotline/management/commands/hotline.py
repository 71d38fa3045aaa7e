"""``minsheng hotline import FILE [--city CODE] [--create-missing]`` (a hotline platform's
export, idempotent by order number) and ``minsheng hotline stats --month 2026-10
--by department|region|township|county|category|type [--format json|xlsx] [--output FILE]``
(the month's metrics), ``minsheng hotline hotspots [--week DAY]`` (the week's hot spots, JSON).
Input errors exit 2 with every problem located."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from minsheng.core.tabular import TableError
from minsheng.core.xlsx import write_workbook
from minsheng.hotline.documents import metrics_sheet
from minsheng.hotline.hotspots import as_json, hot_spots, last_full_week
from minsheng.hotline.models import WorkOrder
from minsheng.hotline.routing import suggestions_for, train_city
from minsheng.hotline.selectors import BY_FIELDS, MONTH, month_metrics, region_codes
from minsheng.hotline.services.flow import sweep
from minsheng.hotline.services.imports import import_orders
from minsheng.orgs.models import Organisation, OrgKind, Region, RegionLevel
from minsheng.site.commands import DataCommand

SHOWN_ERRORS = 200
EXIT_INPUT = 2


def _city(code: str | None) -> Region:
    if code:
        region = Region.objects.filter(code=code, level=RegionLevel.CITY).first()
        if region is None:
            raise CommandError(
                f"没有区划代码为 {code} 的市 / no city {code}", returncode=EXIT_INPUT
            )
        return region
    # The city with a hotline centre (a province's other cities are names only).
    with_hotline = Organisation.objects.filter(kind=OrgKind.HOTLINE).values("region__city_id")
    cities = list(Region.objects.filter(level=RegionLevel.CITY, pk__in=with_hotline)[:2]) or list(
        Region.objects.filter(level=RegionLevel.CITY)[:2]
    )
    if len(cities) == 1:
        return cities[0]
    if not cities:
        raise CommandError("数据库中没有市 / no city yet", returncode=EXIT_INPUT)
    raise CommandError(
        "数据库中有多个市，请用 --city 指定 / several cities: pass --city CODE",
        returncode=EXIT_INPUT,
    )


class Command(DataCommand):
    help = "The citizen hotline (12345): import work orders, or print a month's metrics."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import work orders from CSV or xlsx")
        imp.add_argument("file", type=Path)
        imp.add_argument("--create-missing", action="store_true")
        imp.add_argument("--city", default=None, help="city region code (default: the only one)")
        st = sub.add_parser("stats", help="metrics of one month")
        st.add_argument("--month", required=True, help="YYYY-MM")
        st.add_argument("--by", required=True, choices=tuple(BY_FIELDS))
        st.add_argument("--format", choices=("json", "xlsx"), default="json")
        st.add_argument("--output", type=Path, default=None)
        st.add_argument("--city", default=None)
        hs = sub.add_parser("hotspots", help="the week's hot spots (surges, repeats, clusters)")
        hs.add_argument("--week", default=None, help="a day of the week (default: the last full)")
        hs.add_argument("--city", default=None)
        sub.add_parser("sweep", help="deadline reminders and escalations of open orders")
        tr = sub.add_parser("train", help="train the routing model on the answered orders")
        tr.add_argument("--city", default=None)
        ro = sub.add_parser("route", help="suggest the unit and category of a text")
        ro.add_argument("text")
        ro.add_argument("--region", default="", help="region code of the order")
        ro.add_argument("--city", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self.do_import(options)
        elif options["action"] == "sweep":
            report = sweep()
            self.stdout.write(json.dumps({"reminded": report.reminded,
                                          "escalated": report.escalated}))  # fmt: skip
        elif options["action"] == "train":
            facts = train_city(_city(options["city"]), actor="command line")
            self.stdout.write(json.dumps(facts, ensure_ascii=False, indent=2))
        elif options["action"] == "route":
            self.do_route(options)
        elif options["action"] == "hotspots":
            self.do_hotspots(options)
        else:
            self.do_stats(options)

    def do_hotspots(self, options: dict[str, Any]) -> None:
        try:
            day = (
                dt.date.fromisoformat(options["week"])
                if options["week"]
                else last_full_week(timezone.localdate())
            )
        except ValueError:
            raise CommandError(
                f"--week 须为日期 YYYY-MM-DD：{options['week']}", returncode=EXIT_INPUT
            ) from None
        monday = day - dt.timedelta(days=day.weekday())
        found = hot_spots(WorkOrder.objects.filter(city=_city(options["city"])), monday)
        self.stdout.write(
            json.dumps(
                {"week": str(monday), "findings": [as_json(f) for f in found]},
                ensure_ascii=False,
                indent=2,
            )
        )

    def do_route(self, options: dict[str, Any]) -> None:
        city = _city(options["city"])
        region = None
        if options["region"]:
            region = Region.objects.filter(code=options["region"], city=city).first()
            if region is None:
                raise CommandError(f"本市没有区划代码 {options['region']}", returncode=EXIT_INPUT)
        units, cats = suggestions_for(city, options["text"], region)
        self.stdout.write(json.dumps({
            "units": [{"unit": o.unit.key, "name": o.unit.name, "probability": o.probability,
                       "rule": o.rule} for o in units if o.unit],
            "categories": [{"code": o.category.code, "path": o.category.path,
                            "probability": o.probability, "rule": o.rule}
                           for o in cats if o.category],
        }, ensure_ascii=False, indent=2))  # fmt: skip

    def do_import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                f"无法读取文件 / cannot read {path}: {exc.strerror}", returncode=EXIT_INPUT
            ) from None
        city = _city(options["city"])
        try:
            report = import_orders(
                data, filename=path.name, actor="command line", city=city,
                create_missing=options["create_missing"], limit=None,
                progress=lambda done, total: self.stderr.write(f"已处理 {done} / {total} 条"),
            )  # fmt: skip
        except TableError as exc:
            for error in exc.errors[:SHOWN_ERRORS]:
                self.stderr.write(str(error))
            if len(exc.errors) > SHOWN_ERRORS:
                self.stderr.write(f"…… 另有 {len(exc.errors) - SHOWN_ERRORS} 处错误")
            raise CommandError(f"{exc.summary}（未导入任何工单）", returncode=EXIT_INPUT) from None
        self.stdout.write(
            json.dumps(
                {
                    "created": report.created,
                    "updated": report.updated,
                    "units_created": report.units_created,
                },
                ensure_ascii=False,
            )
        )

    def do_stats(self, options: dict[str, Any]) -> None:
        month = options["month"]
        if not MONTH.match(month):
            raise CommandError(f"--month 须为 YYYY-MM：{month}", returncode=EXIT_INPUT)
        city = _city(options["city"])
        orders = WorkOrder.objects.filter(city=city)
        grouped = month_metrics(orders, month, options["by"])
        if options["format"] == "xlsx":
            output = options["output"] or Path(f"热线-{month}-{options['by']}.xlsx")
            write_workbook(output, [metrics_sheet(grouped, month, options["by"])])
            self.stdout.write(str(output))
            return
        codes = (
            region_codes(grouped.keys) if options["by"] in ("region", "township", "county") else {}
        )
        rows = []
        for metrics, key in zip(grouped.rows, grouped.keys, strict=True):
            row = metrics.command_json()
            if key in codes:
                row["code"] = codes[key]
            rows.append(row)
        text = json.dumps(rows, ensure_ascii=False, indent=2)
        if options["output"] is not None:
            options["output"].write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)
