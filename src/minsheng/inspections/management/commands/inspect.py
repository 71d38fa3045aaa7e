"""``minsheng inspect plan|report|tasks`` on the database (``inspect draw`` works on files
without it):

- ``plan --region CODE --name NAME --checklist ID --period 2026Q4 --per-stratum N --seed S
  --from DATE --to DATE --inspectors a,b`` draws a round and assigns its inspectors;
- ``report --plan ID [--format json|xlsx|docx|pdf] [--output FILE]`` the round's figures (JSON)
  or its workbook / 通报;
- ``tasks --plan ID`` hands the round's findings on as rectification tasks;
- ``sites FILE --region CODE`` lists the schools, nursing homes and hospitals to inspect (名称,
  区划代码, 类型), all or nothing, every problem located."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.core.reports.render import to_docx, to_pdf
from minsheng.core.tabular import TableError, read_table
from minsheng.core.xlsx import write_workbook
from minsheng.inspections.documents import notice, plan_sheets
from minsheng.inspections.models import Checklist, Plan
from minsheng.inspections.selectors import plan_report
from minsheng.inspections.services import (
    Draft,
    InspectionError,
    findings_hand_on,
    plan_create,
    sites_import,
)
from minsheng.orgs.models import Region
from minsheng.orgs.selectors import office_name
from minsheng.web.names import user_names


class Command(BaseCommand):
    help = "Plan an inspection round, report on it, hand its findings on."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        plan = sub.add_parser("plan")
        plan.add_argument("--region", required=True)
        plan.add_argument("--name", required=True)
        plan.add_argument("--checklist", type=int, required=True)
        plan.add_argument("--period", required=True)
        plan.add_argument("--per-stratum", type=int, default=2)
        plan.add_argument("--seed", type=int, required=True)
        plan.add_argument("--from", dest="starts_on", required=True)
        plan.add_argument("--to", dest="ends_on", required=True)
        plan.add_argument("--inspectors", required=True)
        report = sub.add_parser("report")
        report.add_argument("--plan", type=int, required=True)
        report.add_argument("--format", choices=["json", "xlsx", "docx", "pdf"], default="json")
        report.add_argument("--output")
        tasks = sub.add_parser("tasks")
        tasks.add_argument("--plan", type=int, required=True)
        sites = sub.add_parser("sites")
        sites.add_argument("file")
        sites.add_argument("--region", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "plan":
                self._plan(options)
                return
            if options["action"] == "sites":
                self._sites(options)
                return
            plan = Plan.objects.filter(pk=options["plan"]).select_related("region").first()
            if plan is None:
                raise CommandError(f"没有检查计划 {options['plan']}")
            if options["action"] == "tasks":
                count = findings_hand_on(actor="cli", plan=plan)
                self.stdout.write(json.dumps({"plan": plan.pk, "tasks": count}))
                return
            self._report(plan, options)
        except InspectionError as exc:
            raise CommandError(str(exc)) from None

    def _plan(self, options: dict[str, Any]) -> None:
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"没有地区 {options['region']}")
        checklist = Checklist.objects.filter(pk=options["checklist"], region=region).first()
        if checklist is None:
            raise CommandError(f"{region.name}没有检查清单 {options['checklist']}")
        try:
            starts, ends = (dt.date.fromisoformat(options[k]) for k in ("starts_on", "ends_on"))
        except ValueError:
            raise CommandError("日期须为 YYYY-MM-DD") from None
        plan = plan_create(
            actor="cli", region=region,
            draft=Draft(
                name=options["name"], kind=checklist.kind, period=options["period"],
                checklist=checklist, per_stratum=options["per_stratum"], seed=options["seed"],
                starts_on=starts, ends_on=ends,
                inspectors=user_names(options["inspectors"]),
            ),
        )  # fmt: skip
        visits = plan.visits.select_related("site", "inspector")
        self.stdout.write(
            json.dumps(
                {
                    "plan": plan.pk,
                    "visits": [
                        {
                            "site": v.site.name,
                            "inspector": v.inspector.username if v.inspector else None,
                        }
                        for v in visits
                    ],
                },
                ensure_ascii=False,
            )
        )

    def _sites(self, options: dict[str, Any]) -> None:
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"没有地区 {options['region']}", returncode=2)
        path = Path(options["file"])
        try:
            table = read_table(path.read_bytes(), filename=path.name)
            made, known = sites_import(actor="cli", region=region, table=table)
        except OSError as exc:
            raise CommandError(f"无法读取 {path}：{exc.strerror}", returncode=2) from None
        except TableError as exc:
            lines = [f"{e.sheet} 第 {e.row} 行 {e.column}：{e.message}" for e in exc.errors[:50]]
            raise CommandError(
                "检查对象名单有误，未导入：\n" + "\n".join(lines), returncode=2
            ) from None
        self.stdout.write(json.dumps({"created": made, "known": known}, ensure_ascii=False))

    def _report(self, plan: Plan, options: dict[str, Any]) -> None:
        report, visits = plan_report(plan)
        fmt, output = options["format"], options.get("output")
        if fmt == "json":
            text = json.dumps({"plan": plan.pk, **report.as_json()}, ensure_ascii=False)
            if output:
                Path(output).write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text)
            return
        if not output:
            raise CommandError("xlsx、docx 和 pdf 须用 --output 指定文件")
        try:
            if fmt == "xlsx":
                write_workbook(Path(output), plan_sheets(plan, report, visits))
            else:
                content = notice(plan, report, visits, issuer=office_name(plan.region))
                Path(output).write_bytes(to_docx(content) if fmt == "docx" else to_pdf(content))
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc.strerror}") from None
        self.stdout.write(json.dumps({"plan": plan.pk, "output": output}, ensure_ascii=False))
