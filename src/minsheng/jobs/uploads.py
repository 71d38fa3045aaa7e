"""Uploaded files waiting for their job: written encrypted (the platform's field key ring,
AES-256-GCM), so respondents' phone numbers and names never lie on disk in clear, and deleted
when the job ends, however it ends (``services.job_running`` / ``jobs_reap``). Files kept for
good (a report's supporting documents) are sealed the same way under ``var/files``."""

from __future__ import annotations

import uuid
from functools import cache
from pathlib import Path

from django.conf import settings

from minsheng.core.fieldcrypt import KeyRing


@cache
def _ring(keys: str) -> KeyRing:
    return KeyRing.parse(keys)


def upload_store(data: bytes, *, prefix: str, kept: bool = False) -> str:
    """Write the upload sealed under ``var/uploads`` (``var/files`` when ``kept``); returns its
    path (for ``job_start``, or to keep on the record it belongs to)."""
    folder = Path(settings.VAR_DIR) / ("files" if kept else "uploads")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{prefix}-{uuid.uuid4().hex}"
    path.write_bytes(_ring(settings.FIELD_KEYS).seal(data))
    return str(path)


def upload_load(path: str) -> bytes:
    """The upload's bytes (the task reads them into memory only)."""
    return _ring(settings.FIELD_KEYS).unseal(Path(path).read_bytes())
