from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from minsheng.audit.models import AuditAction
from minsheng.audit.presentation import readable
from minsheng.audit.selectors import AuditFilter, audit_entries
from minsheng.audit.tasks import export_audit_log, filter_to_json
from minsheng.jobs.services import job_start


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False)
    object_type = forms.CharField(label=_("对象类型"), required=False)
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[("", _("全部")), *AuditAction.choices]
    )
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = f"{css} {css}-sm"


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = AuditFilter(**form.cleaned_data) if form.is_valid() else AuditFilter()
    rows = audit_entries(user=request.user, filters=filters)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {
            "form": form,
            "page": page,
            "rows": [readable(e) for e in page],
            "query": query.urlencode(),
        },
    )


@require_POST
@login_required
def audit_export(request: HttpRequest) -> HttpResponse:
    """Start an Excel export of the filtered log in the background; show its progress."""
    form = AuditFilterForm(request.POST)
    filters = AuditFilter(**form.cleaned_data) if form.is_valid() else AuditFilter()
    audit_entries(user=request.user, filters=filters)  # refuses roles that may not read the log
    run = job_start(
        owner=request.user,
        kind="audit-export",
        title=str(_("导出审计日志")),
        task=export_audit_log,
        user_id=request.user.pk,
        filters=filter_to_json(filters),
    )
    return redirect("job_detail", run.pk)
