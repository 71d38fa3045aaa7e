"""The catalog page (list, Excel export, Excel import) and the warning rules (quality office)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from minsheng.accounts.access import organisations_visible, regions_visible
from minsheng.core.index.catalog_book import parse_catalog_book
from minsheng.core.tabular import TableError, read_workbook
from minsheng.indicators.access import (
    catalog_owner,
    require_catalog_editor,
    results_root,
    target_region_codes,
)
from minsheng.indicators.catalog import catalog_departments, catalog_import, catalog_sheets
from minsheng.indicators.models import Category
from minsheng.indicators.selectors import warning_rules
from minsheng.indicators.services import warning_settings_save
from minsheng.web.downloads import sheets_response


@login_required
@require_http_methods(["GET", "POST"])
def catalog(request: HttpRequest) -> HttpResponse:
    require_catalog_editor(request.user)
    errors: list[str] = []
    upload = request.FILES.get("file")
    if request.method == "POST" and upload is not None:
        departments = catalog_departments(organisations_visible(request.user))
        try:
            sheets = read_workbook(upload.read(), filename=upload.name or "catalog.xlsx")
            codes = target_region_codes(request.user)
            book = parse_catalog_book(sheets, departments=set(departments), regions=codes)
            counts = catalog_import(
                user=request.user,
                book=book,
                departments=departments,
                writable=set(regions_visible(request.user).values_list("code", flat=True)),
                owner=catalog_owner(request.user),
            )
        except TableError as exc:
            errors = [str(e) for e in exc.errors]
        else:
            messages.success(
                request,
                _("目录已导入：新增 %(created)d，修改 %(updated)d，未变 %(unchanged)d。") % counts,
            )
            return redirect("indicator_catalog")
    categories = Category.objects.prefetch_related("indicators__lead_department")
    return render(
        request,
        "indicators/catalog.html",
        {"categories": categories, "errors": errors, "can_review": True},
        status=400 if errors else 200,
    )


@login_required
def catalog_export(request: HttpRequest) -> HttpResponse:
    require_catalog_editor(request.user)
    return sheets_response(_("指标目录"), catalog_sheets())


class WarningSettingsForm(forms.Form):
    below_average = forms.BooleanField(label=gettext_lazy("低于省平均时预警"), required=False)
    off_track = forms.BooleanField(label=gettext_lazy("偏离目标进度时预警"), required=False)
    worse_periods = forms.IntegerField(
        label=gettext_lazy("连续变差几期时预警（0 为关闭）"), min_value=0, max_value=8
    )
    bottom_n = forms.IntegerField(
        label=gettext_lazy("同组末位几名预警（0 为关闭）"), min_value=0, max_value=50
    )


@login_required
@require_http_methods(["GET", "POST"])
def warning_settings(request: HttpRequest) -> HttpResponse:
    """The quality office sets which warning rules run for its region's rankings."""
    require_catalog_editor(request.user)
    region = results_root(request.user)
    current = warning_rules(region)
    form = WarningSettingsForm(request.POST or None, initial=current.as_dict())
    if request.method == "POST" and form.is_valid():
        warning_settings_save(actor=request.user, region=region, **form.cleaned_data)
        messages.success(request, _("预警规则已保存"))
        return redirect("indicator_warning_settings")
    return render(
        request,
        "indicators/warning_settings.html",
        {"form": form, "region": region, "can_review": True},
    )
