"""``minsheng plans import PLAN.docx --region CODE [--office KEY]``: store an action plan for
the region (its quality office issues it), matching unit names to the register; the tasks and
the names not found are printed as JSON. ``--dry-run`` reads the file without Django (see
``core.plans.command``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.core.plans.document import DocumentError, read_plan
from minsheng.orgs.models import Organisation, OrgKind, Region
from minsheng.supervision.services import plan_preview, plan_store


class Command(BaseCommand):
    help = "Store an action plan read from its Word document."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import")
        imp.add_argument("file", type=Path)
        imp.add_argument("--region", required=True, help="the region whose plan it is")
        imp.add_argument("--office", default=None, help="key of the issuing organisation")
        imp.add_argument("--format", choices=("json",), default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"没有区划代码 {options['region']}")
        offices = Organisation.objects.filter(region=region)
        office = (
            offices.filter(key=options["office"]).first()
            if options["office"]
            else offices.filter(kind=OrgKind.QUALITY_OFFICE).first()
        )
        if office is None:
            raise CommandError(f"{region.name} 没有找到印发机关（质量办）")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            parsed = read_plan(path.read_bytes(), filename=path.name)
        except DocumentError as exc:
            raise CommandError(str(exc)) from None
        if not parsed.tasks:
            raise CommandError("没有找到任务（带牵头单位或责任单位的条目）")
        preview = plan_preview(parsed, region)
        plan = plan_store(preview, office=office, region=region, actor="command line")
        out = {
            "plan": plan.pk,
            "title": plan.title,
            "tasks": plan.tasks.filter(parent=None).count(),
            "sub_tasks": plan.tasks.exclude(parent=None).count(),
            "unmatched": preview.unmatched,
        }
        self.stdout.write(json.dumps(out, ensure_ascii=False))
