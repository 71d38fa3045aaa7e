"""Building the demo database from a ``DemoPlan`` through the registered steps."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.management import call_command
from django.db import transaction

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.demo_plan import Scale, build_plan
from minsheng.demo.models import DemoInfo
from minsheng.demo.registry import DemoContext, steps
from minsheng.orgs.models import Region


class DemoExistsError(Exception):
    """The database already holds data; the demo never overwrites it without ``reset``."""


def demo_existing() -> DemoInfo | None:
    return DemoInfo.objects.order_by("-built_at").first()


def database_has_data() -> bool:
    return Region.objects.exists()


def demo_build(
    *,
    scale: Scale,
    seed: int,
    password: str,
    reset: bool = False,
    progress: Callable[[str], None] = lambda _msg: None,
) -> DemoContext:
    """Build the demo city. Refuses (``DemoExistsError``) when the database already holds data,
    unless ``reset``, which empties every table first."""
    if database_has_data() or demo_existing() is not None:
        if not reset:
            raise DemoExistsError
        progress("清空数据库 / flushing the database")
        call_command("flush", interactive=False, verbosity=0)
    ctx = DemoContext(plan=build_plan(scale, seed), password=password)
    with transaction.atomic():
        for step in steps():
            started = time.perf_counter()
            step.run(ctx)
            progress(f"{step.name}: {time.perf_counter() - started:.1f} s")
        DemoInfo.objects.create(scale=str(scale), seed=seed, summary=ctx.summary)
        audit_record(
            actor=None,
            action=AuditAction.BULK,
            object_type="demo.demoinfo",
            after={"scale": str(scale), "seed": seed},  # the counts are in DemoInfo.summary
            note="demo database built",
            region_code=ctx.plan.regions[0].code,
        )
    return ctx
