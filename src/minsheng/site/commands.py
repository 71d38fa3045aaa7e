"""The base of the data commands: ``minsheng reviews|polls|hotline|analytics|applications|hall``."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class DataCommand(BaseCommand):
    """A command that reads or writes data. Django's system checks — which load every URL and
    view, about a second — belong to ``minsheng check`` and ``serve``, not to each run."""

    requires_system_checks: list[str] = []
