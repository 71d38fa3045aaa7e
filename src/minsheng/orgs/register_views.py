"""Uploading the register (organisations, windows, staff) from Excel: a job checks, then writes
all or nothing; every error is listed with its sheet, row and column."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.access import register_region_allowed
from minsheng.core.tabular import MAX_BYTES, CellError
from minsheng.jobs.services import job_start
from minsheng.jobs.uploads import upload_store
from minsheng.orgs.tasks import import_register


class RegisterUploadForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
    check_only = forms.BooleanField(label=_("仅检查，不写入"), required=False)


@login_required
def register_upload(request: HttpRequest) -> HttpResponse:
    """The file is checked and written by a job (any size returns at once); the job page shows
    the counts or every located error."""
    register_region_allowed(request.user)  # refuses all but the quality office
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            too_big = _("文件超过 %(mb)s MB") % {"mb": MAX_BYTES // 1024 // 1024}
            context["errors"] = [CellError(upload.name, 0, "", str(too_big))]
            status = 400
        else:
            path = upload_store(upload.read(), prefix="register")
            check_only = bool(form.cleaned_data["check_only"])
            run = job_start(
                owner=request.user,
                kind="orgs.register",
                title=str(_("检查名册 %(name)s") if check_only else _("导入名册 %(name)s"))
                % {"name": upload.name},
                task=import_register,
                upload=path,
                path=path,
                filename=upload.name or "register.xlsx",
                user_id=request.user.pk,
                check_only=check_only,
            )
            return redirect("job_detail", run_id=run.pk)
    return render(request, "orgs/register_upload.html", context, status=status)
