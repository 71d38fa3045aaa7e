"""Recognising a full disk, so that the site answers 503 with a clear message (and recovers
by itself when space returns) instead of a 500 for every request."""

from __future__ import annotations

import errno

from django.db import OperationalError

# SQLite says "database or disk is full"; PostgreSQL's SQLSTATE 53100 is disk_full.
_FULL_TEXTS = ("database or disk is full", "disk is full", "no space left on device")


def is_disk_full(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno == errno.ENOSPC:
            return True
        if getattr(current, "sqlstate", None) == "53100":
            return True
        if (isinstance(current, OperationalError) or type(current).__name__ == "DiskFull") and any(
            t in str(current).lower() for t in _FULL_TEXTS
        ):
            return True
        current = current.__cause__ or current.__context__
    return False
