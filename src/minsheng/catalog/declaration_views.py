"""事项申报 (a department: download its items, upload the edited workbook, follow each
declaration) and 申报审核 (the quality office: each waiting declaration with what it changes and
what the checks flag; approve or return with a reason)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.accounts.access import office_region, regions_visible, user_scope
from minsheng.accounts.models import Role
from minsheng.catalog.declarations import DeclarationError, decide, declare, item_of_payload
from minsheng.catalog.models import Declaration, DeclarationState
from minsheng.catalog.selectors import items_at
from minsheng.core.catalog.items import catalog_diff, lint
from minsheng.core.catalog.sheet import catalog_sheets, items_from_sheet
from minsheng.core.tabular import MAX_BYTES, CellError, TableError
from minsheng.orgs.models import Organisation, OrgKind
from minsheng.web.downloads import sheets_response


def _department(user: Any) -> Organisation:
    scope = user_scope(user)
    org = scope.organisation
    if (
        getattr(user, "role", None) != Role.DEPARTMENT_REPORTER
        or org is None
        or org.kind != OrgKind.DEPARTMENT
    ):
        raise PermissionDenied("items are declared by departments")
    return org


@login_required
def declare_page(request: HttpRequest) -> HttpResponse:
    org = _department(request.user)
    own = items_at(org.region, organisation=org)
    if request.GET.get("format") == "xlsx":
        return sheets_response(f"{org.name}事项清单", catalog_sheets(own))
    errors: list[CellError] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors.append(CellError("", 0, "", _("请选择文件")))
        elif upload.size is not None and upload.size > MAX_BYTES:
            errors.append(CellError("", 0, "", _("文件超过 %(mb)s MB") % {"mb": MAX_BYTES >> 20}))
        else:
            try:
                items = items_from_sheet(upload.read(), filename=upload.name or "事项.xlsx")
                made = declare(
                    actor=request.user,
                    organisation=org,
                    items=items,
                    note=request.POST.get("note", "").strip(),
                )
            except TableError as exc:
                errors = exc.errors
            else:
                if made:
                    messages.success(
                        request, _("已申报 %(n)s 项，等待质量办审核") % {"n": len(made)}
                    )
                else:
                    messages.info(request, _("文件中的事项与现行清单相同，没有需要申报的变化"))
                return redirect("catalog_declare")
    return render(
        request,
        "catalog/declare.html",
        {
            "organisation": org,
            "count": len(own),
            "problems": sum(1 for i in own if lint(i)),
            "errors": errors,
            "declarations": Declaration.objects.filter(organisation=org).select_related("region")[
                :100
            ],
        },
        status=400 if errors else 200,
    )


@login_required
def review_page(request: HttpRequest) -> HttpResponse:
    root = office_region(request.user)
    waiting = list(
        Declaration.objects.filter(
            state=DeclarationState.SUBMITTED, **root.subtree_filter("region__")
        ).select_related("organisation", "region")[:100]
    )
    current = {(i.region, i.code): i for i in items_at(root)} if waiting else {}
    rows = []
    for d in waiting:
        declared = item_of_payload(d.payload)
        before = current.get((declared.region, declared.code))
        changes = catalog_diff([before] if before else [], [declared])
        rows.append((d, changes[0] if changes else None, lint(declared)))
    decided = (
        Declaration.objects.filter(**root.subtree_filter("region__"))
        .exclude(state=DeclarationState.SUBMITTED)
        .select_related("organisation", "region")[:30]
    )
    return render(
        request,
        "catalog/declarations.html",
        {"region": root, "rows": rows, "decided": decided},
    )


@login_required
@require_POST
def review_decide(request: HttpRequest, declaration_id: int) -> HttpResponse:
    root = office_region(request.user)
    declaration = Declaration.objects.filter(pk=declaration_id).select_related("region").first()
    if declaration is None:
        raise Http404("no such declaration")
    if not regions_visible(request.user).filter(pk=declaration.region_id).exists():
        raise PermissionDenied("declaration outside the office's region")
    try:
        decide(
            actor=request.user,
            declaration=declaration,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
            root=root,
        )
    except DeclarationError as exc:
        messages.error(request, str(exc))
    except TableError as exc:
        messages.error(request, "；".join(str(e) for e in exc.errors))
    else:
        messages.success(request, _("已审核：%(name)s") % {"name": declaration.name})
    return redirect("catalog_declarations")
