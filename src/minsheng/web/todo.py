"""我的待办 — the one to-do list: every capability registers a provider that says what waits
for a user (a count, and the first items with their due dates); the page merges them sorted by
due date, overdue first, and the navigation shows the count. Later capabilities add their kinds
with ``todo_provider``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from minsheng.core.workdays.calendar import SHANGHAI


@dataclass(frozen=True, slots=True)
class TodoItem:
    kind: str  # the provider's label, e.g. 差评整改
    title: str
    url: str
    due: dt.date | None  # the day it is due (Asia/Shanghai)

    def overdue(self, today: dt.date) -> bool:
        return self.due is not None and self.due < today


# A provider answers (how many, the first ``limit`` items) for a user.
Provider = Callable[[Any, int], tuple[int, list[TodoItem]]]
PROVIDERS: dict[str, Provider] = {}
SHOWN_PER_KIND = 300


def todo_provider(kind: str) -> Callable[[Provider], Provider]:
    def register(fn: Provider) -> Provider:
        PROVIDERS[kind] = fn
        return fn

    return register


def local_date(moment: dt.datetime | dt.date | None) -> dt.date | None:
    if moment is None or not isinstance(moment, dt.datetime):
        return moment
    return moment.astimezone(SHANGHAI).date()


def today() -> dt.date:
    return timezone.now().astimezone(SHANGHAI).date()


def providers() -> dict[str, Provider]:
    """Every app's provider: its ``todo`` module is imported on first use (not at start-up,
    which every command pays for)."""
    autodiscover_modules("todo")
    return PROVIDERS


def todo_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return sum(provider(user, 0)[0] for provider in providers().values())


def todo_items(user: Any, kind: str = "") -> tuple[list[TodoItem], dict[str, int]]:
    """The items (sorted: due first, by date; undated last) and the count of each kind."""
    counts: dict[str, int] = {}
    items: list[TodoItem] = []
    for name, provider in providers().items():
        total, first = provider(user, SHOWN_PER_KIND if not kind or kind == name else 0)
        if total:
            counts[name] = total
        items.extend(first)
    items.sort(key=lambda i: (i.due is None, i.due or dt.date.max, i.title))
    return items, counts
