"""``minsheng analytics sync [--verify] | status | clear`` — the analytics store, JSON out."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from minsheng.analytics import store
from minsheng.site.commands import DataCommand


class Command(DataCommand):
    help = "分析库：同步、状态、清空 / the analytics store: sync, status, clear"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sync = sub.add_parser("sync", help="copy new rows into the store")
        sync.add_argument("--verify", action="store_true", help="compare counts first")
        sub.add_parser("status", help="watermarks, months and rows per table")
        sub.add_parser("clear", help="empty the store (it is copied again on the next sync)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "sync":
            result: Any = store.sync_all(verify=options["verify"])
        elif action == "status":
            result = store.status()
        else:
            store.clear()
            result = {"cleared": sorted({*store.sources(), *store.snapshots()})}
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
