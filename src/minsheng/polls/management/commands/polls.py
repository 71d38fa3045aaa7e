"""``minsheng polls results --poll ID [--level county|township] [--county CODE]
[--format json|xlsx] [--output FILE]`` — a round's results, the numbers of its page."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from minsheng.core.xlsx import write_workbook
from minsheng.polls.documents import results_sheets
from minsheng.polls.models import Poll
from minsheng.polls.results import PollResults, poll_results

LEVELS = ("county", "township")


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def as_json(results: PollResults) -> dict[str, Any]:
    return {
        "poll": {"id": results.poll.pk, "name": results.poll.name},
        "level": results.level,
        "respondents": results.n,
        "method": results.method,
        "overall": _plain(results.overall),
        "satisfied": _plain(results.satisfied),
        "target": _plain(results.target),
        "regions": _plain(results.rows),
        "items": _plain(results.items),
        "fields": _plain(results.fields),
        "jumps": _plain(results.jumps),
    }


class Command(BaseCommand):
    help = "民意调查结果 / a poll round's results (JSON or Excel)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        r = sub.add_parser("results", help="the round's scores, ranks and items")
        r.add_argument("--poll", type=int, required=True)
        r.add_argument("--level", choices=LEVELS, default="county")
        r.add_argument("--county", default=None, help="a county's code: its townships")
        r.add_argument("--format", choices=("json", "xlsx"), default="json")
        r.add_argument("--output", type=Path, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        poll = Poll.objects.filter(pk=options["poll"]).first()
        if poll is None:
            raise CommandError(f"没有编号为 {options['poll']} 的调查 / no such poll")
        level = "township" if options["county"] else options["level"]
        results = poll_results(poll, level, None, options["county"])
        if options["format"] == "xlsx":
            if options["output"] is None:
                raise CommandError("--format xlsx 需要 --output FILE.xlsx")
            write_workbook(options["output"], results_sheets(results))
            self.stdout.write(f"wrote {options['output']}")
            return
        text = json.dumps(as_json(results), ensure_ascii=False, indent=1, default=str)
        if options["output"] is None:
            self.stdout.write(text)
        else:
            options["output"].write_text(text + "\n", encoding="utf-8")
