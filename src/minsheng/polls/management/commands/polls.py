"""``minsheng polls results --poll ID [--level county|township] [--county CODE]
[--format json|xlsx] [--output FILE]`` — a round's results, the numbers of its page;
``minsheng polls import --poll ID FILE`` — a vendor's fieldwork file with the upload's checks,
all or nothing (every problem listed by row and column, nothing stored then);
``minsheng polls integrity --poll ID [--level county|township]`` — the fieldwork checks, one
finding per line (``kind<TAB>unit<TAB>subject<TAB>message``) and the count, kept for review."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import CommandError, CommandParser

from minsheng.core.tabular import TableError
from minsheng.core.xlsx import write_workbook
from minsheng.polls.documents import results_sheets
from minsheng.polls.models import Poll
from minsheng.polls.results import PollResults, poll_results
from minsheng.polls.services import fieldwork_import
from minsheng.site.commands import DataCommand

LEVELS = ("county", "township")
SHOWN_ERRORS = 50


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
    }


class Command(DataCommand):
    help = "民意调查结果 / a poll round's results (JSON or Excel)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        r = sub.add_parser("results", help="the round's scores, ranks and items")
        r.add_argument("--poll", type=int, required=True)
        r.add_argument("--level", choices=LEVELS, default="county")
        r.add_argument("--county", default=None, help="a county's code: its townships")
        r.add_argument("--format", choices=("json", "xlsx"), default="json")
        r.add_argument("--output", type=Path, default=None)
        i = sub.add_parser("import", help="a fieldwork file (CSV or xlsx), all or nothing")
        i.add_argument("--poll", type=int, required=True)
        i.add_argument("file", type=Path)
        g = sub.add_parser("integrity", help="the fieldwork checks, kept for review")
        g.add_argument("--poll", type=int, required=True)
        g.add_argument("--level", choices=LEVELS, default="county")

    def handle(self, *args: Any, **options: Any) -> None:
        poll = Poll.objects.filter(pk=options["poll"]).first()
        if poll is None:
            raise CommandError(f"没有编号为 {options['poll']} 的调查 / no such poll")
        if options["action"] == "import":
            self.do_import(poll, options["file"])
            return
        if options["action"] == "integrity":
            from minsheng.polls.integrity import detect_poll
            from minsheng.reviews.services.integrity import record_run

            findings = detect_poll(poll, poll_results(poll, options["level"]))
            record_run(
                actor="command line", period=poll.round, found=len(findings), region=poll.region
            )
            for f in findings:
                self.stdout.write(f"{f.kind}\t{f.unit}\t{f.subject}\t{f.message}")
            self.stdout.write(f"{len(findings)} findings")
            return
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

    def do_import(self, poll: Poll, path: Path) -> None:
        if not path.is_file():
            raise CommandError(f"文件不存在 / no such file: {path}")
        try:
            count = fieldwork_import(
                poll,
                path.read_bytes(),
                filename=path.name,
                actor="command line",
                progress=lambda done, total: self.stderr.write(f"已导入 {done} / {total} 行"),
                limit=None,
            )
        except TableError as exc:
            for error in exc.errors[:SHOWN_ERRORS]:
                self.stderr.write(str(error))
            if len(exc.errors) > SHOWN_ERRORS:
                self.stderr.write(f"…… 另有 {len(exc.errors) - SHOWN_ERRORS} 处错误")
            raise CommandError(exc.summary) from None
        self.stdout.write(json.dumps({"poll": poll.pk, "imported": count}, ensure_ascii=False))
