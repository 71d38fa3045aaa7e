"""Uploading the register (organisations, windows, staff) from Excel: check, then write all or
nothing; every error is listed with its sheet, row and column."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.access import register_region_allowed
from minsheng.core.register import parse_register
from minsheng.core.tabular import MAX_BYTES, CellError, TableError, read_workbook
from minsheng.orgs.register_services import register_import
from minsheng.orgs.selectors import register_known


class RegisterUploadForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
    check_only = forms.BooleanField(label=_("仅检查，不写入"), required=False)


@login_required
def register_upload(request: HttpRequest) -> HttpResponse:
    region_allowed = register_region_allowed(request.user)  # refuses all but the quality office
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_BYTES:
                too_big = f"文件超过 {MAX_BYTES // 1024 // 1024} MB"
                raise TableError([CellError(upload.name, 0, "", too_big)])
            tables = read_workbook(upload.read(), filename=upload.name)
            register = parse_register(tables, known=register_known(), region_allowed=region_allowed)
        except TableError as exc:
            context["errors"] = exc.errors
            status = 400
        else:
            counts = {
                "organisations": len(register.organisations),
                "windows": len(register.windows),
                "staff": len(register.staff),
            }
            if form.cleaned_data["check_only"]:
                context["checked"] = counts
            else:
                context["summary"] = register_import(
                    actor=request.user, register=register, note=f"upload {upload.name}"
                )
    return render(request, "orgs/register_upload.html", context, status=status)
