"""Exporting the audit log to Excel in the background, with progress."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks import task

from minsheng.audit.presentation import readable
from minsheng.audit.selectors import AuditFilter, audit_entries
from minsheng.core.xlsx import write_table
from minsheng.jobs.services import job_progress, job_running

HEADERS = ["时间", "操作人", "操作", "对象", "地区代码", "变更内容", "说明"]
WIDTHS = [20, 14, 10, 36, 14, 60, 30]


def filter_to_json(filters: AuditFilter) -> dict[str, Any]:
    return {
        "actor": filters.actor,
        "object_type": filters.object_type,
        "action": filters.action,
        "date_from": filters.date_from.isoformat() if filters.date_from else None,
        "date_to": filters.date_to.isoformat() if filters.date_to else None,
    }


def filter_from_json(data: dict[str, Any]) -> AuditFilter:
    return AuditFilter(
        actor=data["actor"],
        object_type=data["object_type"],
        action=data["action"],
        date_from=date.fromisoformat(data["date_from"]) if data["date_from"] else None,
        date_to=date.fromisoformat(data["date_to"]) if data["date_to"] else None,
    )


@task()
def export_audit_log(*, run_id: int, user_id: int, filters: dict[str, Any]) -> int:
    """Write the rows the user may read, as filtered, to ``MEDIA_ROOT/exports/``."""
    with job_running(run_id) as run:
        user = get_user_model().objects.get(pk=user_id)
        rows = audit_entries(user=user, filters=filter_from_json(filters)).order_by("at", "pk")
        total = rows.count()
        job_progress(run_id, done=0, total=total, message="导出中")
        data = (
            (r.at, r.actor, r.action, r.object, e.region_code, r.changes_text(), r.note)
            for e in rows.iterator(chunk_size=2000)
            for r in (readable(e),)
        )
        name = f"audit-{run_id}.xlsx"
        count = write_table(
            Path(settings.MEDIA_ROOT) / "exports" / name,
            sheet="审计日志",
            headers=HEADERS,
            rows=data,
            widths=WIDTHS,
            progress=lambda n: job_progress(run_id, done=n, total=total),
        )
        run.result = {
            "file": name,
            "rows": count,
            "download_name": f"审计日志-{timezone.localdate():%Y%m%d}.xlsx",
        }
    return count
