"""Keeping a poll's expensive reads (the results computation, the fieldwork flags) per process
until the poll's data change. The key is a fingerprint of everything they read: the poll's
respondents version (``store.respondents_state``: the counter every write raises, with the
count and last id), and answers never change once stored. Items, score mapping and
calibration are read directly."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar, cast

from minsheng.polls.models import Poll
from minsheng.polls.store import respondents_state

T = TypeVar("T")
SIZE = 8  # entries per process; a results entry holds a round's columns (≈ 30 MB at 100,000)
_kept: OrderedDict[tuple[object, ...], Any] = OrderedDict()
_lock = threading.Lock()


def memo_clear() -> None:
    with _lock:
        _kept.clear()


def fingerprint(poll: Poll, state: dict[str, Any] | None = None) -> tuple[object, ...]:
    """``state``: ``store.respondents_state(poll)`` when the caller has it already."""
    data = state if state is not None else respondents_state(poll)
    items = tuple(
        poll.questionnaire.items.order_by("pk").values_list(
            "code", "scale", "weight", "domain", "is_overall", "organisation_id"
        )
    )
    return (
        poll.pk,
        poll.created_at.isoformat(),
        json.dumps(poll.scores, sort_keys=True),
        json.dumps(poll.calibration, sort_keys=True),
        tuple(sorted(data.items())),
        items,
    )


def kept(poll: Poll, what: str, compute: Callable[[], T], state: dict[str, Any] | None = None) -> T:
    """``compute()`` once per poll data version and ``what`` (e.g. "results:county")."""
    key = (*fingerprint(poll, state), what)
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return cast(T, _kept[key])
    result = compute()
    with _lock:
        _kept[key] = result
        while len(_kept) > SIZE:
            _kept.popitem(last=False)
    return result
