"""Collection: a department's forms (web form, Excel template, upload), the quality office's
status board (报送率) and review (approve / return)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minsheng.accounts.access import organisations_visible
from minsheng.core.index.collection import Entry, check, read_template
from minsheng.core.index.form_book import TemplateRow, write_form_template
from minsheng.core.tabular import CellError, TableError, cell_float, read_table
from minsheng.indicators.access import (
    access_submission_review,
    reporting_organisation,
    submissions_reviewable,
)
from minsheng.indicators.models import Submission, SubmissionState
from minsheng.indicators.params import parse_period
from minsheng.indicators.selectors import (
    FormPage,
    collection_board,
    form_entries,
    form_spec,
    open_period,
    open_periods,
    previous_values,
)
from minsheng.indicators.services import StateError, submission_decide, submission_save
from minsheng.web.downloads import written_response


@login_required
def my_forms(request: HttpRequest) -> HttpResponse:
    org = reporting_organisation(request.user)
    subs = Submission.objects.filter(organisation=org).order_by("-period")
    by_period = {s.period: s for s in subs}
    editable = (SubmissionState.DRAFT, SubmissionState.RETURNED)
    current = [
        {
            "period": p,
            "submission": by_period.get(str(p)),
            "editable": str(p) not in by_period or by_period[str(p)].state in editable,
        }
        for p in open_periods()
    ]
    return render(
        request,
        "indicators/my_forms.html",
        {"organisation": org, "current": current, "submissions": subs},
    )


def _posted_entries(request: HttpRequest, page: FormPage) -> tuple[list[Entry], list[str]]:
    entries, bad = [], []
    for region, indicator in page.cells:
        raw = request.POST.get(f"v-{region.code}-{indicator.code}", "").strip()
        value = cell_float(raw) if raw else None
        if raw and value is None:
            bad.append(
                _("%(region)s %(indicator)s：“%(raw)s”不是数字")
                % {"region": region.name, "indicator": indicator.name, "raw": raw}
            )
        explanation = request.POST.get(f"e-{region.code}-{indicator.code}", "").strip()
        entries.append(Entry(region.code, indicator.code, value, explanation))
    return entries, bad


def _page_number(raw: str | None, count: int) -> int:
    try:
        number = int(raw or 1)
    except ValueError:
        number = 1
    return min(max(number, 1), count)


@login_required
@require_http_methods(["GET", "POST"])
def form(request: HttpRequest, period: str) -> HttpResponse:
    org = reporting_organisation(request.user)
    spec = form_spec(org, parse_period(period))
    pages = spec.pages()
    page = pages[_page_number(request.POST.get("page") or request.GET.get("page"), len(pages)) - 1]
    stored = form_entries(org, spec)
    sub = Submission.objects.filter(organisation=org, period=str(spec.period)).first()
    errors: list[str] = []
    posted: dict[tuple[str, str], Entry] = {}
    status = 200
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        upload = request.FILES.get("file")
        bad: list[str] = []
        entries: list[Entry] = []
        read_errors: list[CellError] = []
        try:
            if upload is not None:
                table = read_table(upload.read(), filename=upload.name or "upload.xlsx")
                entries, read_errors = read_template(table, spec.cells)
            else:
                entries, bad = _posted_entries(request, page)
                if bad:
                    raise TableError([])
            submission_save(
                user=request.user,
                organisation=org,
                spec=spec,
                entries=entries,
                submit=submit,
                read_errors=read_errors,
                only=None if upload is not None else page.keys,
            )
        except TableError as exc:
            # The web form has no sheet or row: its messages name region and indicator.
            errors = [str(e) if upload is not None else e.message for e in exc.errors] or bad
            status = 400
            if upload is None:
                posted = {(e.region, e.indicator): e for e in entries}
        except StateError as exc:
            errors = [_("本期报送状态为“%(state)s”，不能修改。") % {"state": exc}]
            status = 409
        else:
            messages.success(request, _("已报送，等待质量办审核。") if submit else _("已保存。"))
            target = page.number
            if request.POST.get("action") == "next" and upload is None:
                target = min(page.number + 1, len(pages))
            url = reverse("indicator_form", args=[str(spec.period)])
            return redirect(f"{url}?page={target}" if len(pages) > 1 else url)
    previous = previous_values(spec)
    flags = (
        check(
            [Entry(r, i, v.value, v.explanation) for (r, i), v in stored.items()],
            spec.rules,
            previous,
            submitting=False,
        ).flags
        if stored
        else {}
    )
    rows = []
    for r, i in page.cells:
        key = (r.code, i.code)
        entry = posted.get(key)
        value = entry.value if entry else (stored[key].value if key in stored else None)
        explanation = (
            entry.explanation if entry else (stored[key].explanation if key in stored else "")
        )
        rows.append(
            {
                "region": r,
                "indicator": i,
                "previous": previous.get(key),
                "value": value,
                "explanation": explanation,
                "flag": flags.get(key, ""),
            }
        )
    editable = sub is None or sub.state in (SubmissionState.DRAFT, SubmissionState.RETURNED)
    return render(
        request,
        "indicators/form.html",
        {
            "organisation": org,
            "spec": spec,
            "rows": rows,
            "submission": sub,
            "errors": errors,
            "editable": editable,
            "pages": pages,
            "page": page,
            "cells": len(spec.cells),
            "filled": sum(1 for v in stored.values() if v.value is not None),
        },
        status=status,
    )


@login_required
def form_template(request: HttpRequest, period: str) -> HttpResponse:
    org = reporting_organisation(request.user)
    spec = form_spec(org, parse_period(period))
    stored = form_entries(org, spec)
    previous = previous_values(spec)
    rows = [
        TemplateRow(
            r.code,
            r.name,
            i.code,
            i.name,
            i.unit,
            previous.get((r.code, i.code)),
            stored[(r.code, i.code)].value if (r.code, i.code) in stored else None,
            stored[(r.code, i.code)].explanation if (r.code, i.code) in stored else "",
        )
        for i in spec.indicators  # one block per indicator: its validation is one range
        for r in spec.regions
    ]
    title = f"{org.name} {spec.period.label}"
    return written_response(
        f"{org.name}-{spec.period}-{_('指标填报')}",
        lambda out: write_form_template(out, rows, spec.rules, title=title),
    )


@login_required
def board(request: HttpRequest) -> HttpResponse:
    submissions_reviewable(request.user)
    period = parse_period(request.GET["period"]) if request.GET.get("period") else open_period()
    rows = collection_board(organisations_visible(request.user), period)
    done = sum(1 for r in rows if r.state in (SubmissionState.SUBMITTED, SubmissionState.APPROVED))
    periods = [period.previous().previous(), period.previous(), period]
    return render(
        request,
        "indicators/board.html",
        {
            "rows": rows,
            "period": period,
            "done": done,
            "total": len(rows),
            "rate": done / len(rows) if rows else None,
            "periods": periods,
            "can_review": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, submission_id: int) -> HttpResponse:
    sub = access_submission_review(request.user, submission_id)
    errors: list[str] = []
    if request.method == "POST":
        approve = request.POST.get("action") == "approve"
        try:
            submission_decide(
                user=request.user,
                submission=sub,
                approve=approve,
                comment=request.POST.get("comment", ""),
            )
        except TableError as exc:
            errors = [e.message for e in exc.errors]
        except StateError as exc:
            errors = [_("当前状态为“%(state)s”，不能审核。") % {"state": exc}]
        else:
            messages.success(request, _("已审核通过。") if approve else _("已退回。"))
            return redirect(f"{request.path}")
    spec = form_spec(sub.organisation, parse_period(sub.period))
    stored = form_entries(sub.organisation, spec)
    flags = check(
        [Entry(r, i, v.value, v.explanation) for (r, i), v in stored.items()],
        spec.rules,
        previous_values(spec),
        submitting=False,
    ).flags
    values: list[Any] = sorted(
        stored.values(),
        key=lambda v: (
            (v.region.code, v.indicator.code) not in flags,
            v.region.code,
            v.indicator.code,
        ),
    )
    return render(
        request,
        "indicators/review.html",
        {
            "submission": sub,
            "values": [
                (v, flags.get((v.region.code, v.indicator.code), "")) for v in values[:2000]
            ],
            "errors": errors,
            "cells": len(spec.cells),
            "filled": sum(1 for v in stored.values() if v.value is not None),
        },
        status=400 if errors else 200,
    )
