"""考核: the region's schemes (the office edits each as JSON, checked on save), a run for a period
(totals, grades, ranks, the triggers fired, every component), confirmation, Excel export; the
units' officers read a confirmed ranking with their own row in full."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minsheng.accounts.access import office_region
from minsheng.assess.access import access_run, access_scoring, schemes_visible
from minsheng.assess.models import ExpertScore, Run, Scheme, Talk, UnitKind
from minsheng.assess.services import (
    RunError,
    expert_scores_save,
    run_compute,
    run_confirm,
    scheme_save,
    talk_record,
    trigger_task,
)
from minsheng.assess.sources import COMPONENTS, DEPARTMENT_COMPONENTS
from minsheng.assess.units import units_of
from minsheng.core.assess.scheme import SchemeError
from minsheng.core.assess.scheme_book import scheme_from_book, scheme_sheets
from minsheng.core.index.periods import Period, PeriodError
from minsheng.core.tabular import CellError, TableError, read_workbook
from minsheng.core.xlsx import DECIMAL2, INTEGER, Sheet
from minsheng.supervision.services import TaskError
from minsheng.web.downloads import sheets_response
from minsheng.web.names import user_names

LABELS = {
    "index": gettext_lazy("水平指数"),
    "targets": gettext_lazy("指标目标完成度"),
    "poll": gettext_lazy("满意度"),
    "ratings": gettext_lazy("好评率"),
    "tasks": gettext_lazy("督办按时办结"),
    "hall": gettext_lazy("大厅指标达标"),
    "expert": gettext_lazy("专业评价"),
    "inspection": gettext_lazy("明察暗访"),
}
TEMPLATE = {
    "components": {"index": 40, "ratings": 20, "tasks": 20, "hall": 20},
    "bonus_cap": 5,
    "grades": [[90, "优秀"], [80, "良好"], [60, "合格"], [0, "不合格"]],
    "triggers": [{"name": "约谈", "when": {"rank_bottom": 1, "periods": 1}, "consequence": "约谈"}],
    "deductions": {"inspection_finding": 0.5, "overdue_task": 1},
}


@login_required
def scheme_list(request: HttpRequest) -> HttpResponse:
    scoring = set(Scheme.objects.filter(assessors=request.user.pk).values_list("pk", flat=True))
    schemes = (
        schemes_visible(request.user) | Scheme.objects.filter(pk__in=scoring)
    ).select_related("region")
    office = _is_office(request)
    if not schemes.exists() and not office:
        raise PermissionDenied("assessments are for the office, leaders and region officers")

    def runs(scheme: Scheme) -> object:
        shown = scheme.runs.order_by("-computed_at")
        return (shown if office else shown.filter(confirmed_at__isnull=False))[:5]

    return render(
        request,
        "assess/list.html",
        {"schemes": [(s, runs(s)) for s in schemes], "can_edit": office, "scoring": scoring},
    )


def _is_office(request: HttpRequest) -> bool:
    try:
        office_region(request.user)
    except (PermissionDenied, Http404):
        return False
    return True


@login_required
def scheme_edit(request: HttpRequest, scheme_id: int | None = None) -> HttpResponse:
    root = office_region(request.user)
    scheme = None
    if scheme_id is not None:
        scheme = Scheme.objects.filter(pk=scheme_id, region=root).first()
        if scheme is None:
            raise Http404("no such scheme in the office's region")
    error = ""
    assessors = "、".join(scheme.assessors.values_list("username", flat=True)) if scheme else ""
    text = json.dumps(scheme.rules if scheme else TEMPLATE, ensure_ascii=False, indent=2)
    name = scheme.name if scheme else ""
    year = scheme.year if scheme else timezone.localdate().year
    units = scheme.units if scheme else UnitKind.REGIONS
    if request.method == "POST" and request.POST.get("units") in UnitKind.values:
        units = request.POST["units"]
    if scheme is not None and request.GET.get("format") == "xlsx":
        return sheets_response(f"{scheme.year}-{scheme.name}", scheme_sheets(scheme.rules))
    book_errors: list[CellError] = []
    upload = request.FILES.get("book") if request.method == "POST" else None
    if isinstance(upload, UploadedFile):
        try:
            tables = read_workbook(upload.read(), filename=upload.name or "方案.xlsx")
            text = json.dumps(scheme_from_book(tables.get), ensure_ascii=False, indent=2)
        except TableError as exc:
            book_errors = list(exc.errors)
        else:
            messages.info(request, _("已从 Excel 读入规则，请核对后保存"))
        return render(
            request,
            "assess/edit.html",
            {
                "scheme": scheme, "region": root, "text": text, "name": name, "year": year,
                "assessors": assessors, "error": "", "book_errors": book_errors, **_choices(units),
            },
            status=400 if book_errors else 200,
        )  # fmt: skip
    if request.method == "POST":
        text, name = request.POST.get("rules", ""), request.POST.get("name", "")
        assessors = request.POST.get("assessors", "")
        try:
            year = int(request.POST.get("year", ""))
            rules = json.loads(text)
            scheme_save(
                actor=request.user, region=root, year=year, name=name, rules=rules,
                scheme=scheme, assessors=user_names(assessors), units=units,
            )  # fmt: skip
        except ValueError as exc:  # SchemeError, JSONDecodeError and int() are ValueErrors
            error = (
                str(exc)
                if isinstance(exc, SchemeError)
                else _("规则不是有效的 JSON，或年度不是数字")
            )
        else:
            messages.success(request, _("已保存考核方案"))
            return redirect("assess_list")
    return render(
        request,
        "assess/edit.html",
        {
            "scheme": scheme,
            "region": root,
            "text": text,
            "name": name,
            "year": year,
            "assessors": assessors,
            "error": error,
            **_choices(units),
        },
        status=400 if error else 200,
    )


def _choices(units: str) -> dict[str, object]:
    """What the edit page offers: the kinds of unit, and the components of each."""
    return {
        "units": units,
        "unit_kinds": UnitKind.choices,
        "components": [(c, LABELS[c]) for c in COMPONENTS],
        "department_components": [(c, LABELS[c]) for c in DEPARTMENT_COMPONENTS],
    }


@login_required
def scores_page(request: HttpRequest, scheme_id: int) -> HttpResponse:
    """专业评价: a named assessor scores each unit for a period, each score with its reason."""
    scheme = access_scoring(request.user, scheme_id)
    try:
        period = Period.parse(request.GET.get("period") or request.POST.get("period") or "")
    except PeriodError:
        period = Period(scheme.year, (timezone.localdate().month - 1) // 3 + 1)
    units = units_of(scheme)
    mine = {
        s.unit: s
        for s in ExpertScore.objects.filter(
            scheme=scheme, period=str(period), assessor_id=request.user.pk
        )
    }
    error = ""
    if request.method == "POST":
        scores: dict[str, tuple[float, str]] = {}
        for unit in units:
            raw = request.POST.get(f"score-{unit.code}", "").strip()
            if not raw:
                continue
            try:
                value = float(raw)
            except ValueError:
                error = _("%(unit)s：“%(raw)s”不是分数") % {"unit": unit.name, "raw": raw}
                break
            scores[unit.code] = (value, request.POST.get(f"reason-{unit.code}", ""))
        if not error:
            try:
                saved = expert_scores_save(
                    actor=request.user, scheme=scheme, period=period, scores=scores
                )
            except RunError as exc:
                error = str(exc)
            else:
                messages.success(request, _("已保存 %(n)s 个单位的评分") % {"n": saved})
                return redirect(f"{request.path}?period={period}")
    return render(
        request,
        "assess/scores.html",
        {
            "scheme": scheme,
            "period": period,
            "rows": [(u, mine.get(u.code)) for u in units],
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def run_new(request: HttpRequest, scheme_id: int) -> HttpResponse:
    root = office_region(request.user)
    scheme = Scheme.objects.filter(pk=scheme_id, region=root).first()
    if scheme is None:
        raise Http404("no such scheme in the office's region")
    try:
        period = Period.parse(request.POST.get("period", ""))
        run = run_compute(actor=request.user, scheme=scheme, period=period)
    except (PeriodError, RunError, SchemeError) as exc:
        messages.error(request, str(exc))
        return redirect("assess_list")
    return redirect("assess_run", run_id=run.pk)


@login_required
def run_page(request: HttpRequest, run_id: int) -> HttpResponse:
    run, own = access_run(request.user, run_id)
    names = list(run.rules.get("components", {}))
    rows = run.results
    if request.GET.get("format") == "xlsx":
        if own is not None:
            raise PermissionDenied("units download nothing but their own page")
        sheet = Sheet(
            run.period,
            [_("单位"), *[str(LABELS.get(c, c)) for c in names], _("总分"), _("等次"), _("排名"),
             _("一票否决"), _("触发")],
            [[r["name"], *[r["components"].get(c) for c in names], r["total"], r["grade"],
              r["rank"], _("是") if r["vetoed"] else _("否"), "、".join(r["triggers"])]
             for r in rows],
            formats=[None, *[DECIMAL2] * len(names), DECIMAL2, None, INTEGER],
            caption=f"{run.scheme.name}（{Period.parse(run.period).label}）",
        )  # fmt: skip
        return sheets_response(f"{run.scheme.name}-{run.period}", [sheet])
    return render(
        request,
        "assess/run.html",
        {
            "run": run,
            "period_label": Period.parse(run.period).label,
            "labels": [LABELS.get(c, c) for c in names],
            "rows": [
                (r, [r["components"].get(c) for c in names] if own in (None, r["unit"]) else None)
                for r in rows
            ],
            "own": own,
            "has_intervals": any("rank_low" in r for r in rows),
            "can_confirm": own is None and run.confirmed_at is None and _is_office(request),
            "can_act": own is None and run.confirmed_at is not None and _is_office(request),
            "talks": run.talks.select_related("task") if own is None else [],
        },
    )


@login_required
@require_POST
def run_confirm_view(request: HttpRequest, run_id: int) -> HttpResponse:
    office_region(request.user)
    run, own = access_run(request.user, run_id)
    if own is not None:
        raise PermissionDenied("the office confirms")
    try:
        run_confirm(actor=request.user, run=run)
    except RunError as exc:
        messages.error(request, str(exc))
    return redirect("assess_run", run_id=run.pk)


class TalkForm(forms.ModelForm[Talk]):
    class Meta:
        model = Talk
        fields = ["held_on", "people", "minutes", "commitments"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "minutes": forms.Textarea(attrs={"rows": 4}),
            "commitments": forms.Textarea(attrs={"rows": 3}),
        }


def _office_run(request: HttpRequest, run_id: int) -> Run:
    office_region(request.user)
    run, own = access_run(request.user, run_id)
    if own is not None:
        raise PermissionDenied("the office acts on triggers")
    return run


@login_required
@require_POST
def trigger_task_view(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _office_run(request, run_id)
    try:
        task = trigger_task(
            actor=request.user, run=run, unit=request.POST.get("unit", ""),
            trigger=request.POST.get("trigger", ""),
        )  # fmt: skip
    except (RunError, TaskError) as exc:
        messages.error(request, str(exc))
        return redirect("assess_run", run_id=run.pk)
    return redirect("supervision_task", task_id=task.pk)


@login_required
def talk_new(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _office_run(request, run_id)
    unit = request.GET.get("unit") or request.POST.get("unit", "")
    trigger = request.GET.get("trigger") or request.POST.get("trigger", "")
    row = next((r for r in run.results if r["unit"] == unit), None)
    if row is None or trigger not in row["triggers"]:
        raise Http404("no such trigger in this run")
    form = TalkForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            talk_record(
                actor=request.user, run=run, unit=unit, trigger=trigger,
                values={f: form.cleaned_data[f] for f in TalkForm.Meta.fields},
            )  # fmt: skip
        except (RunError, TaskError) as exc:
            error = str(exc)
        else:
            messages.success(request, _("已记录问责并生成整改任务"))
            return redirect("assess_run", run_id=run.pk)
    return render(
        request,
        "assess/talk.html",
        {"run": run, "row": row, "trigger": trigger, "form": form, "error": error},
        status=400 if request.method == "POST" else 200,
    )
