"""基本公共服务标准 (清单+标准): an edition of the standard list by area and category, each item
with the indicators that monitor it and, above all, the items nothing monitors; the office
loads an edition from a spreadsheet (editions are kept)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from minsheng.accounts.access import can_administer, user_scope
from minsheng.catalog.models import StandardItem, StandardList
from minsheng.catalog.services import standards_store
from minsheng.core.catalog.standards import standards_from_table
from minsheng.core.tabular import MAX_BYTES, CellError, TableError, read_table
from minsheng.halls.access import halls_region


@login_required
def standards_page(request: HttpRequest) -> HttpResponse:
    region = halls_region(request.user, request.GET.get("region"))
    editions = list(StandardList.objects.select_related("region"))
    errors: list[CellError] = []
    if request.method == "POST":
        if not can_administer(request.user):
            raise PermissionDenied("standard lists are loaded by the quality office")
        upload = request.FILES.get("file")
        name = request.POST.get("name", "").strip()
        local = request.POST.get("local") == "1"
        if upload is None or not name:
            errors.append(CellError("", 0, "", _("请填写清单名称并选择文件")))
        elif upload.size is not None and upload.size > MAX_BYTES:
            errors.append(CellError("", 0, "", _("文件超过 %(mb)s MB") % {"mb": MAX_BYTES >> 20}))
        else:
            try:
                rows = standards_from_table(
                    read_table(upload.read(), filename=upload.name or "标准.xlsx"), local=local
                )
                scope = user_scope(request.user)
                edition = standards_store(
                    rows, name=name, region=scope.region if local else None, actor=request.user
                )
            except TableError as exc:
                errors = exc.errors
            else:
                messages.success(request, _("已导入 %(n)s 项标准") % {"n": len(rows)})
                return redirect(f"{request.path}?edition={edition.pk}")
    chosen = next(
        (e for e in editions if str(e.pk) == request.GET.get("edition")),
        editions[0] if editions else None,
    )
    items = (
        list(StandardItem.objects.filter(standard_list=chosen).prefetch_related("indicators"))
        if chosen
        else []
    )
    unmonitored = [i for i in items if not i.indicators.all() and not i.checks]
    if request.GET.get("unmonitored") == "1":
        items = unmonitored
    return render(
        request,
        "catalog/standards.html",
        {
            "region": region,
            "editions": editions,
            "chosen": chosen,
            "items": items,
            "unmonitored": len(unmonitored),
            "only_unmonitored": request.GET.get("unmonitored") == "1",
            "can_load": can_administer(request.user),
            "errors": errors,
        },
        status=400 if errors else 200,
    )
