"""``minsheng supervision sweep [--date YYYY-MM-DD]``: run the reminder sweep (提醒, 催办, 升级督办)
as the worker does every hour, and print the counts as JSON.
``minsheng supervision verify``: check every measurable task against the latest data (已验证 /
未达到 / 数据不足), as the worker does after each sweep; counts as JSON.
``minsheng supervision tasks [--region CODE] [--state S] [--overdue]``: the tasks as JSON."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.orgs.models import Region
from minsheng.supervision.models import Task, TaskState
from minsheng.supervision.sweep import sweep
from minsheng.supervision.verify import measurable_tasks, verify_tasks


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期应为 YYYY-MM-DD：{text}") from None


class Command(BaseCommand):
    help = "Supervision: the reminder sweep, and the task list as JSON."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("sweep")
        run.add_argument("--date", default=None, help="the day to sweep for (default today)")
        sub.add_parser("verify")
        tasks = sub.add_parser("tasks")
        tasks.add_argument("--region", default=None)
        tasks.add_argument("--state", choices=TaskState.values, default=None)
        tasks.add_argument("--overdue", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sweep":
            day = _date(options["date"]) if options["date"] else None
            self.stdout.write(json.dumps(sweep(day), ensure_ascii=False))
            return
        if options["action"] == "verify":
            self.stdout.write(json.dumps(verify_tasks(measurable_tasks()), ensure_ascii=False))
            return
        tasks = Task.objects.select_related("unit", "region").order_by("due", "pk")
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"没有区划代码 {options['region']}")
            tasks = tasks.filter(**region.subtree_filter("region__"))
        if options["state"]:
            tasks = tasks.filter(state=options["state"])
        if options["overdue"]:
            today = timezone.now().astimezone(SHANGHAI).date()
            tasks = tasks.filter(due__lt=today).exclude(state=TaskState.ACCEPTED)
        rows = [
            {
                "id": t.pk,
                "number": t.number,
                "title": t.title,
                "unit": t.unit.name,
                "region": t.region.code,
                "due": t.due.isoformat() if t.due else None,
                "state": t.state,
                "percent": t.percent,
                "alert": t.alert,
                "source": t.source,
                "verdict": t.verdict,
                "verdict_note": t.verdict_note,
            }
            for t in tasks
        ]
        self.stdout.write(json.dumps(rows, ensure_ascii=False))
