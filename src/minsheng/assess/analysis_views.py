"""考核 analysis pages: what-if on a run (change weights, bonus cap or grade bands and see which
ranks and grades move), 一票否决 / 加分 / 扣分 recorded on a run's unit (the run is made again),
the ranking 通报, and a unit's 实绩档案 — its confirmed results, triggers and talks over the
years, and (a region's) inspections."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.accounts.access import access_region, regions_visible, user_scope
from minsheng.assess.access import access_run, schemes_visible
from minsheng.assess.documents import run_notice
from minsheng.assess.models import Adjustment, Run, Talk, UnitKind
from minsheng.assess.services import RunError, adjustment_record, run_compute
from minsheng.assess.views import LABELS, _office_run
from minsheng.core.assess.scheme import SchemeError, parse_scheme
from minsheng.core.assess.whatif import entries_of, what_if
from minsheng.core.index.periods import Period
from minsheng.inspections.models import Visit, VisitState
from minsheng.orgs.models import Organisation, OrgKind
from minsheng.orgs.selectors import office_name
from minsheng.web.downloads import document_response


def _changed_rules(run: Run, query: Any) -> tuple[dict[str, Any], str]:
    """The run's rules with the weights, bonus cap and grade bands of the query applied."""
    rules = json.loads(json.dumps(run.rules))
    for name in rules.get("components", {}):
        raw = query.get(f"w-{name}", "").strip()
        if raw:
            try:
                rules["components"][name] = float(raw)
            except ValueError:
                return rules, _("“%(raw)s”不是权重") % {"raw": raw}
    raw = query.get("bonus_cap", "").strip()
    if raw:
        try:
            rules["bonus_cap"] = float(raw)
        except ValueError:
            return rules, _("“%(raw)s”不是分数") % {"raw": raw}
    for k, band in enumerate(rules.get("grades", [])):
        raw = query.get(f"g-{k}", "").strip()
        if raw:
            try:
                band[0] = float(raw)
            except ValueError:
                return rules, _("“%(raw)s”不是分数") % {"raw": raw}
    return rules, ""


@login_required
def what_if_page(request: HttpRequest, run_id: int) -> HttpResponse:
    run, own = access_run(request.user, run_id)
    if own is not None:
        raise PermissionDenied("what-if is for the office and leaders")
    rules, error = _changed_rules(run, request.GET)
    moves = []
    if not error:
        try:
            after = parse_scheme(rules)
        except SchemeError as exc:
            error = str(exc)
        else:
            entries = entries_of(run.results, run.period)
            moves = what_if(parse_scheme(run.rules), after, entries, run.period)
    names = {r["unit"]: r["name"] for r in run.results}
    return render(
        request,
        "assess/whatif.html",
        {
            "run": run,
            "period_label": Period.parse(run.period).label,
            "weights": [
                (c, LABELS.get(c, c), w, rules["components"][c])
                for c, w in run.rules.get("components", {}).items()
            ],
            "bonus_cap": rules.get("bonus_cap", 0),
            "grades": list(enumerate(rules.get("grades", []))),
            "moves": [(names.get(m.unit, m.unit), m) for m in moves],
            "moved": sum(1 for m in moves if m.moved),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def adjustment_new(request: HttpRequest, run_id: int) -> HttpResponse:
    """一票否决, a bonus or a deduction for a unit of an unconfirmed run; the run is made again
    with it."""
    run = _office_run(request, run_id)
    if run.confirmed_at is not None:
        messages.error(request, _("结果已确认，不能再调整；请在下一期记录"))
        return redirect("assess_run", run_id=run.pk)
    try:
        points = float(request.POST.get("points") or 0)
        adjustment_record(
            actor=request.user, scheme=run.scheme, period=Period.parse(run.period),
            unit=request.POST.get("unit", ""), kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""), points=points,
        )  # fmt: skip
        again = run_compute(actor=request.user, scheme=run.scheme, period=Period.parse(run.period))
    except ValueError as exc:  # RunError, SchemeError, and points that are not a number
        text = str(exc) if isinstance(exc, RunError | SchemeError) else _("分值须为数字")
        messages.error(request, text)
        return redirect("assess_run", run_id=run.pk)
    messages.success(request, _("已记录并重新计算"))
    return redirect("assess_run", run_id=again.pk)


@login_required
def run_notice_view(request: HttpRequest, run_id: int) -> HttpResponse:
    """The ranking 通报 of a confirmed run (Word, or PDF with ``format=pdf``), with the 文号 and
    date the office gives."""
    run = _office_run(request, run_id)
    if run.confirmed_at is None:
        raise PermissionDenied("a 通报 is of a confirmed result")
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    content = run_notice(
        run, issuer=office_name(run.scheme.region), number=request.GET.get("number", "")[:50],
        day=day,
    )  # fmt: skip
    fmt = "pdf" if request.GET.get("format") == "pdf" else "docx"
    return document_response(f"{run.scheme.name}-{run.period}-通报", content, fmt)


def _department_file_access(user: Any, code: str) -> Organisation | None:
    """The department whose file this is, if ``code`` is a department's key the user may read:
    its own people, or those who see its region (office, leaders); 403 otherwise."""
    if code.isdigit():
        return None
    dept = Organisation.objects.filter(key=code, kind=OrgKind.DEPARTMENT).first()
    if dept is None:
        return None
    scope = user_scope(user)
    if scope.organisation is not None and scope.organisation.pk == dept.pk:
        return dept
    if not regions_visible(user).filter(pk=dept.region_id).exists():
        raise PermissionDenied("department outside the user's scope")
    return dept


@login_required
def unit_file(request: HttpRequest, code: str) -> HttpResponse:
    """实绩档案: every confirmed result of the unit (a region, or a department) in the schemes
    the user sees, with the triggers fired, the talks held and the vetoes, and a region's
    inspection visits."""
    dept = _department_file_access(request.user, code)
    if dept is not None:
        name, code, visits = dept.name, dept.key, Visit.objects.none()
        runs = Run.objects.filter(
            scheme__region_id=dept.region_id, scheme__units=UnitKind.DEPARTMENTS
        )
    else:
        region = access_region(request.user, code)
        name, code = region.name, region.code
        runs = Run.objects.filter(scheme__region=region.parent, scheme__units=UnitKind.REGIONS)
        visits = Visit.objects.filter(
            state=VisitState.SUBMITTED, **region.subtree_filter("site__region__")
        )
    visible = schemes_visible(request.user)
    runs = (
        runs.filter(confirmed_at__isnull=False, scheme__in=visible)
        .select_related("scheme")
        .order_by("-period", "-confirmed_at")
    )
    rows = []
    seen: set[tuple[int, str]] = set()
    for run in runs:
        if (run.scheme_id, run.period) in seen:
            continue  # the latest confirmed run of a period stands
        seen.add((run.scheme_id, run.period))
        row = next((r for r in run.results if r["unit"] == code), None)
        if row is not None:
            rows.append((run, Period.parse(run.period).label, row, len(run.results)))
    talks = Talk.objects.filter(unit=code, run__in=[r for r, *_ in rows]).select_related("task")
    adjustments = Adjustment.objects.filter(unit=code, scheme__in=visible)
    return render(
        request,
        "assess/unit.html",
        {
            "name": name,
            "rows": rows,
            "talks": talks,
            "adjustments": adjustments,
            "visits": visits.select_related("plan", "site").order_by("-visited_at")[:100],
            "is_department": dept is not None,
        },
    )
