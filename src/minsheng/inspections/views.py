"""明察暗访 pages: the rounds of the office's region (plan a round with its seeded draw, read its
report, export the workbook and the 通报, hand the findings on as tasks), the checklists, and
the inspector's own visits with the phone form (kept on the device until it is sent)."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.accounts.access import office_region
from minsheng.core.index.periods import Period
from minsheng.core.inspect.checklist import (
    DEFAULTS,
    RESULTS,
    ChecklistError,
    as_lines,
    parse_items,
    parse_lines,
)
from minsheng.core.tabular import CellError, TableError, read_table
from minsheng.inspections.access import (
    access_plan,
    access_visit,
    checklists_manageable,
    manage_plan,
    plans_readable,
)
from minsheng.inspections.documents import notice, plan_sheets
from minsheng.inspections.models import Photo, Site, SiteKind, Visit, VisitState
from minsheng.inspections.selectors import plan_report
from minsheng.inspections.services import (
    Draft,
    InspectionError,
    checklist_save,
    findings_hand_on,
    plan_create,
    sites_import,
)
from minsheng.jobs.uploads import upload_load
from minsheng.orgs.selectors import office_name
from minsheng.supervision.models import Task
from minsheng.supervision.services import TaskError
from minsheng.web.downloads import document_response, sheets_response
from minsheng.web.names import user_names


def _office(request: HttpRequest) -> bool:
    try:
        office_region(request.user)
    except (PermissionDenied, Http404):
        return False
    return True


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = plans_readable(request.user).select_related("region")
    mine = Visit.objects.filter(inspector=request.user.pk).exists()
    if not plans.exists() and not mine and not _office(request):
        raise PermissionDenied("inspections are for the office, leaders and inspectors")
    rows = [
        (p, p.visits.count(), p.visits.filter(state=VisitState.SUBMITTED).count())
        for p in plans[:200]
    ]
    return render(
        request,
        "inspections/list.html",
        {"rows": rows, "can_edit": _office(request), "mine": mine},
    )


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    region = office_region(request.user)
    checklists = list(checklists_manageable(request.user))
    today = timezone.localdate()
    values = {
        "name": "", "kind": SiteKind.SERVICE_CENTRE, "period": str(Period(today.year,
        (today.month - 1) // 3 + 1)), "per_stratum": "2", "seed": str(secrets.randbelow(10**6)),
        "starts_on": today.isoformat(), "ends_on": (today + dt.timedelta(days=14)).isoformat(),
        "inspectors": "", "checklist": "",
    }  # fmt: skip
    error = ""
    if request.method == "POST":
        values.update({k: request.POST.get(k, "").strip() for k in values})
        try:
            chosen = next((c for c in checklists if str(c.pk) == values["checklist"]), None)
            if chosen is None:
                raise InspectionError(_("请选择检查清单"))
            plan = plan_create(
                actor=request.user,
                region=region,
                draft=Draft(
                    name=values["name"], kind=chosen.kind, period=values["period"],
                    checklist=chosen, per_stratum=int(values["per_stratum"]),
                    seed=int(values["seed"]), starts_on=dt.date.fromisoformat(values["starts_on"]),
                    ends_on=dt.date.fromisoformat(values["ends_on"]),
                    inspectors=user_names(values["inspectors"]),
                ),
            )  # fmt: skip
        except InspectionError as exc:
            error = str(exc)
        except ValueError:
            error = _("抽取数量和随机种子须为整数，日期须为年-月-日")
        else:
            messages.success(request, _("已抽取检查对象并分配检查人员"))
            return redirect("inspection_plan", plan_id=plan.pk)
    return render(
        request,
        "inspections/new.html",
        {"values": values, "checklists": checklists, "error": error, "region": region},
    )


@login_required
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access_plan(request.user, plan_id)
    report, visits = plan_report(plan)
    fmt = request.GET.get("format", "")
    if fmt == "xlsx":
        return sheets_response(f"{plan.name}.xlsx", plan_sheets(plan, report, visits))
    if fmt in ("docx", "pdf"):
        content = notice(
            plan, report, visits, issuer=office_name(plan.region),
            number=request.GET.get("number", "").strip()[:50],
        )  # fmt: skip
        return document_response(f"关于{plan.name}情况的通报", content, fmt)
    by_pk = {str(v.pk): v for v in visits}
    tasks = {
        int(t.source_key.split(":")[1]): t
        for t in Task.objects.filter(source_key__in=[f"inspection:{v.pk}" for v in visits])
    }
    return render(
        request,
        "inspections/plan.html",
        {
            "plan": plan,
            "report": report,
            "sites": [(row, by_pk[row.site], tasks.get(int(row.site))) for row in report.sites],
            "pending": [v for v in visits if v.state != VisitState.SUBMITTED],
            "can_edit": _office(request)
            and plans_readable(request.user).filter(pk=plan.pk).exists(),
            "worst": report.worst(5),
            "total": len(visits),
        },
    )


@login_required
@require_POST
def hand_on(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = manage_plan(request.user, plan_id)
    try:
        count = findings_hand_on(actor=request.user, plan=plan)
    except TaskError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已将 %(n)s 个检查对象的问题交办整改") % {"n": count})
    return redirect("inspection_plan", plan_id=plan.pk)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    visits = (
        Visit.objects.filter(inspector=request.user.pk)
        .select_related("plan", "site", "site__region")
        .order_by("state", "-plan__ends_on", "site__name")
    )
    return render(request, "inspections/mine.html", {"visits": visits[:300]})


@login_required
def visit_page(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_visit(request.user, visit_id)
    items = parse_items(visit.plan.items)
    groups: dict[str, list[object]] = {}
    for item in items:
        groups.setdefault(item.group or _("其他"), []).append(item)
    editable = visit.inspector_id == request.user.pk and visit.state == VisitState.ASSIGNED
    return render(
        request,
        "inspections/visit.html",
        {
            "visit": visit,
            "groups": groups,
            "results": RESULTS,
            "editable": editable,
            "photos": visit.photos.all(),
        },
    )


def service_worker(request: HttpRequest) -> HttpResponse:
    """The inspector's offline helper (static code, no data), served from /inspections/ so that
    it may keep the pages under it."""
    path = finders.find("minsheng/inspection-sw.js")
    if path is None:
        raise Http404("no service worker")
    response = HttpResponse(Path(path).read_bytes(), content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@login_required
def photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    kept = Photo.objects.filter(pk=photo_id).first()
    if kept is None:
        raise Http404("no such photo")
    access_visit(request.user, kept.visit_id)
    return HttpResponse(upload_load(kept.path), content_type=kept.content_type)


@login_required
def checklist_list(request: HttpRequest) -> HttpResponse:
    """The office's checklists, and its list of schools, nursing homes and hospitals to inspect
    (uploaded as a table: 名称, 区划代码, 类型; every problem located, nothing kept on error)."""
    region = office_region(request.user)
    checklists = checklists_manageable(request.user)
    errors: list[CellError] = []
    upload = request.FILES.get("file") if request.method == "POST" else None
    if isinstance(upload, UploadedFile):
        try:
            table = read_table(upload.read(), filename=upload.name or "sites.csv")
            made, known = sites_import(actor=request.user, region=region, table=table)
        except TableError as exc:
            errors = list(exc.errors[:200])
        else:
            messages.success(
                request, _("已导入检查对象：新增 %(m)s 个，已有 %(k)s 个") % {"m": made, "k": known}
            )
            return redirect("inspection_checklists")
    counts = dict(
        Site.objects.filter(**region.subtree_filter("region__"))
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    return render(
        request,
        "inspections/checklists.html",
        {
            "checklists": checklists,
            "kinds": SiteKind.choices,
            "counts": [(label, counts.get(value, 0)) for value, label in SiteKind.choices],
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
def checklist_edit(request: HttpRequest, checklist_id: int | None = None) -> HttpResponse:
    region = office_region(request.user)
    checklist = None
    if checklist_id is not None:
        checklist = checklists_manageable(request.user).filter(pk=checklist_id).first()
        if checklist is None:
            raise Http404("no such checklist in the office's region")
    kind = request.GET.get("kind", SiteKind.SERVICE_CENTRE)
    if kind not in SiteKind.values:
        kind = SiteKind.SERVICE_CENTRE
    values = {
        "name": checklist.name if checklist else f"{SiteKind(kind).label}检查清单",
        "kind": checklist.kind if checklist else kind,
        "lines": as_lines(parse_items(checklist.items) if checklist else DEFAULTS[kind]),
    }
    error = ""
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            checklist_save(
                actor=request.user, region=region, kind=values["kind"], name=values["name"],
                items=parse_lines(values["lines"]), checklist=checklist,
            )  # fmt: skip
        except (ChecklistError, InspectionError) as exc:
            error = str(exc)
        else:
            messages.success(request, _("已保存检查清单"))
            return redirect("inspection_checklists")
    return render(
        request,
        "inspections/checklist_edit.html",
        {
            "checklist": checklist,
            "values": values,
            "kinds": SiteKind.choices,
            "error": error,
            "example": checklist is None,
        },
    )
