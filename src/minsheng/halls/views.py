"""办件统计: the case figures of a region's centres over a span of days — 按时办结率, working days
taken against promised, visits per case, 一次性告知率, 主动评价率 — by child region, centre or
item, with an Excel export; and the upload of a hall's application file (run as a job)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.core.halls.metrics import CaseMetrics
from minsheng.core.tabular import MAX_BYTES, CellError
from minsheng.core.workdays.calendar import chinese_date
from minsheng.core.xlsx import DECIMAL1, INTEGER, PERCENT, Sheet
from minsheng.halls.access import can_import_applications, halls_region
from minsheng.halls.selectors import BY, case_rows, default_span
from minsheng.halls.tasks import import_applications
from minsheng.jobs.services import job_start
from minsheng.jobs.uploads import upload_store
from minsheng.polls.templatetags.polls_format import percent
from minsheng.web.downloads import sheets_response
from minsheng.web.paging import search_and_page

BY_LABELS = {
    "region": gettext_lazy("按地区"),
    "centre": gettext_lazy("按服务中心"),
    "item": gettext_lazy("按事项"),
}
COLUMNS = (
    ("cases", gettext_lazy("受理件数"), INTEGER),
    ("completed", gettext_lazy("办结件数"), INTEGER),
    ("on_time_rate", gettext_lazy("按时办结率"), PERCENT),
    ("overdue_open", gettext_lazy("逾期未办结"), INTEGER),
    ("mean_days", gettext_lazy("平均用时（工作日）"), DECIMAL1),
    ("mean_promised", gettext_lazy("平均承诺时限（工作日）"), DECIMAL1),
    ("visits_per_case", gettext_lazy("件均到现场次数"), DECIMAL1),
    ("notice_rate", gettext_lazy("一次性告知率"), PERCENT),
    ("assisted", gettext_lazy("代办上门件数"), INTEGER),
    ("active_rate", gettext_lazy("主动评价率"), PERCENT),
)


def _parse(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _values(metrics: CaseMetrics) -> list[float | int | None]:
    data = metrics.as_json()
    return [data[key] for key, _label, _format in COLUMNS]


def _shown(metrics: CaseMetrics) -> list[str]:
    """The figures as a reader sees them: 98.9%, 1.6, 1,234; — for none."""
    out = []
    for value, (_key, _label, shape) in zip(_values(metrics), COLUMNS, strict=True):
        if value is None:
            out.append("—")
        elif shape == PERCENT:
            out.append(percent(float(value)))
        elif shape == DECIMAL1:
            out.append(f"{value:.1f}")
        else:
            out.append(f"{int(value):,}")
    return out


@login_required
def applications_page(request: HttpRequest) -> HttpResponse:
    region = halls_region(request.user, request.GET.get("region"))
    by = str(request.GET.get("by")) if request.GET.get("by") in BY else "centre"
    first, last = default_span(region)
    start = _parse(request.GET.get("from")) or first
    end = _parse(request.GET.get("to")) or last
    if end < start:
        start, end = end, start
    total, rows = case_rows(region, start, end, by)
    if request.GET.get("format") == "xlsx":
        name_column = str(BY_LABELS[by]).removeprefix("按")
        sheet = Sheet(
            str(_("办件统计")),
            [name_column, *[str(label) for _k, label, _f in COLUMNS]],
            [[str(_("合计")), *_values(total)], *[[r.label, *_values(r.metrics)] for r in rows]],
            formats=[None, *[f for _k, _l, f in COLUMNS]],
            caption=_("%(name)s办件统计（%(start)s至%(end)s受理）")
            % {"name": region.name, "start": chinese_date(start), "end": chinese_date(end)},
        )
        return sheets_response(f"{region.name}办件统计-{start}-{end}", [sheet])
    paged = search_and_page(request, rows, lambda r: r.label, per_page=50)
    return render(
        request,
        "halls/applications.html",
        {
            "region": region,
            "start": start,
            "end": end,
            "by": by,
            "by_labels": BY_LABELS,
            "labels": [label for _k, label, _f in COLUMNS],
            "total": _shown(total),
            "paged": paged,
            "rows": [(r, _shown(r.metrics)) for r in paged.page.object_list],
            "can_import": can_import_applications(request.user),
        },
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("办件文件（.xlsx 或 .csv）"))


@login_required
def applications_upload(request: HttpRequest) -> HttpResponse:
    if not can_import_applications(request.user):
        raise PermissionDenied("application files are imported by the quality office")
    region = halls_region(request.user, request.GET.get("region"))
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form, "region": region}
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            too_big = _("文件超过 %(mb)s MB") % {"mb": MAX_BYTES // 1024 // 1024}
            context["errors"] = [CellError(upload.name, 0, "", str(too_big))]
            status = 400
        else:
            path = upload_store(upload.read(), prefix="applications")
            run = job_start(
                owner=request.user,
                kind="halls.applications",
                title=_("导入办件 %(name)s") % {"name": upload.name},
                task=import_applications,
                upload=path,
                path=path,
                filename=upload.name or "applications.csv",
                user_id=request.user.pk,
                region_id=region.pk,
            )
            return redirect("job_detail", run_id=run.pk)
    return render(request, "halls/upload.html", context, status=status)
