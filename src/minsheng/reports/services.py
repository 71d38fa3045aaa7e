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
from django.utils import timezone

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.index.periods import Period
from minsheng.core.reports.content import Content
from minsheng.core.reports.quarterly import quarterly
from minsheng.core.reports.render import TemplateError, check_template, to_docx, to_pdf
from minsheng.jobs.uploads import upload_store
from minsheng.orgs.models import Region
from minsheng.orgs.selectors import office_name
from minsheng.reports.facts import quarter_facts
from minsheng.reports.models import Report, ReportKind, ReportTemplate

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
