"""报告 pages: the archive of a region's reports with a form to make the quarterly report (a
background job with progress), the downloads (Word, PDF), and the office's Word templates
(download the one in use, upload a new version — checked by rendering a sample first)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.accounts.access import office_region, regions_visible
from minsheng.accounts.models import Role
from minsheng.core.index.periods import Period, PeriodError
from minsheng.core.reports.render import TemplateError, default_template
from minsheng.jobs.services import job_start
from minsheng.jobs.uploads import upload_load
from minsheng.orgs.models import Organisation, OrgKind, Region, RegionLevel
from minsheng.reports.access import access_report, report_region, reports_visible
from minsheng.reports.department import department_report
from minsheng.reports.facts import FactsError
from minsheng.reports.models import ReportKind, ReportSchedule, ReportTemplate
from minsheng.reports.services import (
    finished_quarter,
    schedule_save,
    template_for,
    template_upload,
)
from minsheng.reports.tasks import make_quarterly
from minsheng.web.downloads import document_response, file_response
from minsheng.web.names import user_names
from minsheng.web.paging import search_and_page


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    region = report_region(request.user, request.GET.get("region"))
    reports = list(reports_visible(request.user).select_related("region", "created_by"))
    paged = search_and_page(request, reports, lambda r: f"{r.title} {r.period}")
    choices = (
        [region]
        if getattr(request.user, "role", None) == Role.REGION_OFFICER
        else list(
            regions_visible(request.user)
            .filter(level__lte=RegionLevel.COUNTY)
            .order_by("level", "code")[:300]
        )
    )
    return render(
        request,
        "reports/list.html",
        {
            "paged": paged,
            "region": region,
            "choices": choices,
            "period": finished_quarter(timezone.localdate()),
        },
    )


@login_required
@require_POST
def report_new(request: HttpRequest) -> HttpResponse:
    region = report_region(request.user, request.POST.get("region"))
    try:
        period = Period.parse(request.POST.get("period", ""))
        if not period.quarter:
            raise PeriodError("季度报告的期别须为季度，如 2026Q3")
    except PeriodError as exc:
        messages.error(request, str(exc))
        return redirect("report_list")
    run = job_start(
        owner=request.user,
        kind="reports.quarterly",
        title=_("生成%(region)s%(period)s分析报告")
        % {"region": region.name, "period": period.label},
        task=make_quarterly,
        region_id=region.pk,
        period=str(period),
        user_id=request.user.pk,
    )
    return redirect("job_detail", run_id=run.pk)


@login_required
def report_file(request: HttpRequest, report_id: int, fmt: str) -> HttpResponse:
    report = access_report(request.user, report_id)
    path = report.docx_path if fmt == "docx" else report.pdf_path
    return file_response(f"{report.title}.{fmt}", upload_load(path))


class TemplateForm(forms.Form):
    file = forms.FileField(label=_("Word 模板（.docx）"))
    note = forms.CharField(label=_("修改说明"), max_length=200, required=False)


@login_required
def templates_page(request: HttpRequest) -> HttpResponse:
    region = office_region(request.user)
    if request.GET.get("download") == "default":
        return file_response("季度分析报告模板（默认）.docx", default_template())
    current = template_for(region)
    if request.GET.get("download") == "current":
        data = bytes(current.data) if current else default_template()
        return file_response(f"季度分析报告模板-{region.name}.docx", data)
    schedule = ReportSchedule.objects.filter(region=region).first()
    if request.method == "POST" and request.POST.get("schedule"):
        return _schedule_post(request, region)
    form = TemplateForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            template_upload(
                actor=request.user, region=region, name=upload.name or "模板.docx",
                data=upload.read(), note=form.cleaned_data["note"],
            )  # fmt: skip
        except TemplateError as exc:
            error = str(exc)
        else:
            messages.success(request, _("已保存新版本的报告模板"))
            return redirect("report_templates")
    return render(
        request,
        "reports/templates.html",
        {
            "region": region,
            "form": form,
            "error": error,
            "current": current,
            "schedule": schedule,
            "recipients": "、".join(schedule.recipients.values_list("username", flat=True))
            if schedule
            else "",
            "versions": ReportTemplate.objects.filter(
                region=region, kind=ReportKind.QUARTERLY
            ).select_related("uploaded_by"),
        },
        status=400 if error else 200,
    )


def _schedule_post(request: HttpRequest, region: Region) -> HttpResponse:
    try:
        schedule_save(
            actor=request.user, region=region,
            working_day=int(request.POST.get("working_day") or 0),
            recipients=user_names(request.POST.get("recipients", "")),
            enabled=request.POST.get("enabled") == "on",
        )  # fmt: skip
    except (TemplateError, ValueError) as exc:
        message = str(exc) if isinstance(exc, TemplateError) else _("工作日须为整数")
        messages.error(request, message)
    else:
        messages.success(request, _("已保存定期生成设置"))
    return redirect("report_templates")


@login_required
def department_page(request: HttpRequest) -> HttpResponse:
    """部门情况: a department reporter's own section (the office picks any department of its
    region), for a quarter, in Word or PDF."""
    org = _department(request)
    try:
        period = Period.parse(request.GET.get("period", ""))
    except PeriodError:
        period = finished_quarter(timezone.localdate())
    fmt = request.GET.get("format", "")
    if fmt in ("docx", "pdf"):
        try:
            content = department_report(org, period, today=timezone.localdate())
        except FactsError as exc:
            messages.error(request, str(exc))
        else:
            return document_response(f"{org.name}-{period}", content, fmt)
    choices = (
        Organisation.objects.filter(
            kind=OrgKind.DEPARTMENT, **office_region(request.user).subtree_filter("region__")
        ).order_by("region__code", "name")
        if getattr(request.user, "role", None) != Role.DEPARTMENT_REPORTER
        else [org]
    )
    return render(
        request,
        "reports/department.html",
        {"org": org, "period": period, "choices": choices},
    )


def _department(request: HttpRequest) -> Organisation:
    from minsheng.indicators.access import lead_department

    own: Organisation | None = lead_department(request.user)
    if own is not None:
        return own  # a department reporter: their own department only
    region = office_region(request.user)  # the office: any department of its region
    key = request.GET.get("org", "")
    found = Organisation.objects.filter(
        kind=OrgKind.DEPARTMENT, **region.subtree_filter("region__")
    )
    org = found.filter(key=key).first() if key else found.order_by("region__code", "name").first()
    if org is None:
        raise Http404("no such department in the office's region")
    return org
