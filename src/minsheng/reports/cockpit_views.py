"""领导驾驶舱 pages: the cockpit of a region and quarter (every figure links to its page), and the
office's upload of its child regions' boundaries (GeoJSON) for the map."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.access import office_region
from minsheng.accounts.models import User
from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.index.periods import Period, PeriodError
from minsheng.core.reports.geo import GeoError, check_boundaries
from minsheng.inspections.access import plans_readable
from minsheng.orgs.models import Region
from minsheng.reports.access import report_region
from minsheng.reports.cockpit import MAP_FIGURES, cockpit
from minsheng.reports.models import Boundary
from minsheng.reports.services import finished_quarter


@login_required
def cockpit_page(request: HttpRequest) -> HttpResponse:
    region = report_region(request.user, request.GET.get("region"))
    try:
        period = Period.parse(request.GET.get("period", ""))
        if not period.quarter:
            raise PeriodError("quarter")
    except PeriodError:
        period = finished_quarter(timezone.localdate())  # its figures are in
    figure = request.GET.get("map", "index")
    if figure not in MAP_FIGURES:
        figure = "index"
    board = cockpit(region, period, figure, inspections=plans_readable(request.user).exists())
    quarters = [period.previous().previous(), period.previous(), period, period.next()]
    return render(
        request,
        "reports/cockpit.html",
        {
            "board": board,
            "facts": board.facts,
            "figures": MAP_FIGURES.items(),
            "quarters": [q for q in quarters if q.year <= timezone.localdate().year],
            "map_data": {
                "geojson": board.boundaries,
                "values": [{"name": k, "value": v} for k, v in board.map_values.items()],
                "label": MAP_FIGURES[figure],
                "lower_better": figure == "overdue",
            },
        },
    )


class BoundaryForm(forms.Form):
    file = forms.FileField(label=_("下级地区边界（GeoJSON）"))


@login_required
def boundary_upload(request: HttpRequest) -> HttpResponse:
    region = office_region(request.user)
    children = dict(
        Region.objects.filter(parent=region).order_by("code").values_list("code", "name")
    )
    form = BoundaryForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            geojson = check_boundaries(form.cleaned_data["file"].read(), children)
        except GeoError as exc:
            error = str(exc)
        else:
            with transaction.atomic():
                stored, _made = Boundary.objects.update_or_create(
                    region=region,
                    defaults={
                        "geojson": geojson,
                        "generated": False,
                        "uploaded_by": request.user if isinstance(request.user, User) else None,
                    },
                )
                audit_record(
                    actor=request.user, action=AuditAction.UPDATE, obj=stored,
                    note="boundaries uploaded", region_code=region.code,
                )  # fmt: skip
            messages.success(
                request, _("已保存 %(n)s 个下级地区的边界") % {"n": len(geojson["features"])}
            )
            return redirect("cockpit")
    current = Boundary.objects.filter(region=region).first()
    return render(
        request,
        "reports/boundaries.html",
        {"region": region, "form": form, "error": error, "current": current, "children": children},
        status=400 if error else 200,
    )
