"""Making reports: the quarterly report of a region and period — figures gathered
(``facts.py``), written (``core.reports.quarterly``), printed as Word through the region's
template and as PDF (``core.reports.render``), archived with a fingerprint of what it said —
and the office's Word templates, each upload checked by rendering a sample first. Audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.index.periods import Period
from minsheng.core.reports.content import Content
from minsheng.core.reports.quarterly import quarterly
from minsheng.core.reports.render import TemplateError, check_template, to_docx, to_pdf
from minsheng.jobs.uploads import upload_store
from minsheng.notify.models import Kind
from minsheng.notify.services import notify
from minsheng.orgs.models import Region
from minsheng.orgs.selectors import office_name
from minsheng.reports.facts import FactsError, quarter_days, quarter_facts
from minsheng.reports.models import Report, ReportKind, ReportSchedule, ReportTemplate
from minsheng.reviews.services.deadlines import work_calendar

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
Progress = Callable[[int, str], None]


@dataclass(frozen=True, slots=True)
class Made:
    content: Content
    docx: bytes
    pdf: bytes
    template: ReportTemplate | None


def template_for(region: Region, kind: str = ReportKind.QUARTERLY) -> ReportTemplate | None:
    """The latest template of the region, else of the nearest region above it."""
    for region_id in region.lineage_ids():  # the region itself first
        found = ReportTemplate.objects.filter(region_id=region_id, kind=kind).order_by("-version")
        if found.exists():
            return found.first()
    return None


def quarterly_make(
    region: Region,
    period: Period,
    *,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> Made:
    """The quarterly report's content and both files, not stored."""
    step = progress or (lambda _n, _m: None)
    step(10, "汇总指标、测评、评价和督办数据")
    facts = quarter_facts(
        region, period, issuer=office_name(region), today=today or timezone.localdate()
    )
    content = quarterly(facts)
    template = template_for(region)
    step(60, "生成 Word 文档")
    docx = to_docx(content, bytes(template.data) if template else None)
    step(80, "生成 PDF")
    pdf = to_pdf(content)
    return Made(content, docx, pdf, template)


def fingerprint(content: Content) -> str:
    text = json.dumps(content.as_json(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def report_store(*, actor: Any, region: Region, period: Period, made: Made) -> Report:
    written: list[str] = []
    try:
        written.append(upload_store(made.docx, prefix="report", kept=True))
        written.append(upload_store(made.pdf, prefix="report", kept=True))
        report = Report.objects.create(
            region=region, kind=ReportKind.QUARTERLY, period=str(period),
            title=f"{made.content.title}{made.content.subtitle}", content=made.content.as_json(),
            fingerprint=fingerprint(made.content), template=made.template,
            docx_path=written[0], pdf_path=written[1],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )  # fmt: skip
    except BaseException:
        for path in written:
            Path(path).unlink(missing_ok=True)
        raise
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=report, note=f"report {period}",
        region_code=region.code,
    )  # fmt: skip
    return report


@transaction.atomic
def template_upload(
    *, actor: Any, region: Region, name: str, data: bytes, note: str
) -> ReportTemplate:
    """A new version of the region's Word template, kept only if it renders a sample report."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateError("模板文件超过 5 MB")
    if not name.lower().endswith(".docx"):
        raise TemplateError("模板须为 Word 文件（.docx）")
    check_template(data)
    latest = ReportTemplate.objects.filter(region=region, kind=ReportKind.QUARTERLY).aggregate(
        v=Max("version")
    )["v"]
    template = ReportTemplate.objects.create(
        region=region, kind=ReportKind.QUARTERLY, version=(latest or 0) + 1, name=name[:150],
        data=data, note=note.strip()[:200],
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=template, region_code=region.code,
        note=f"report template v{template.version}",
    )  # fmt: skip
    return template


def finished_quarter(today: dt.date) -> Period:
    """The last quarter that has ended by ``today``."""
    return Period(today.year, (today.month - 1) // 3 + 1).previous()


def schedule_due(schedule: ReportSchedule, today: dt.date) -> Period | None:
    """The quarter whose report the schedule owes on ``today``: the last finished quarter, once
    its N-th working day has come and until it has been made."""
    period = finished_quarter(today)
    if str(period) == schedule.last_period:
        return None
    _start, end = quarter_days(period)
    due = work_calendar().add_working_days(end, schedule.working_day)
    return period if today >= due else None


def scheduled_reports(today: dt.date | None = None) -> int:
    """Make every report a schedule owes today, archive it and tell its recipients; a quarter
    without data is noted on the schedule (and tried again next time). Returns how many made."""
    today = today or timezone.localdate()
    made = 0
    for schedule in ReportSchedule.objects.filter(enabled=True).select_related("region"):
        period = schedule_due(schedule, today)
        if period is None:
            continue
        try:
            result = quarterly_make(schedule.region, period, today=today)
        except (FactsError, TemplateError) as exc:
            ReportSchedule.objects.filter(pk=schedule.pk).update(last_error=str(exc)[:300])
            continue
        report = report_store(actor="system", region=schedule.region, period=period, made=result)
        ReportSchedule.objects.filter(pk=schedule.pk).update(last_period=str(period), last_error="")
        notify(
            schedule.recipients.all(), Kind.REPORT, f"{report.title}已生成",
            "按计划生成的季度分析报告，可下载 Word 和 PDF。",
            reverse("report_file", args=[report.pk, "pdf"]),
        )  # fmt: skip
        made += 1
    return made


@transaction.atomic
def schedule_save(
    *, actor: Any, region: Region, working_day: int, recipients: list[str], enabled: bool
) -> ReportSchedule:
    if not 1 <= working_day <= 30:
        raise TemplateError("工作日须在 1 到 30 之间")
    people = list(
        User.objects.filter(
            username__in=recipients, is_active=True,
            **region.subtree_filter("organisation__region__"),
        )
    )  # fmt: skip
    missing = sorted(set(recipients) - {u.username for u in people})
    if missing:
        raise TemplateError(f"本地区没有用户 {'、'.join(missing)}")
    schedule, _made = ReportSchedule.objects.update_or_create(
        region=region, defaults={"working_day": working_day, "enabled": enabled}
    )
    schedule.recipients.set(people)
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=schedule, region_code=region.code,
        note="report schedule",
    )  # fmt: skip
    return schedule
