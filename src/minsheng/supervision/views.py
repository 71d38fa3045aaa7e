"""Supervision pages: the task list, a task (report, accept or return, history), importing a
plan from its Word document (preview, then confirm), and a task from an indicator warning."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from minsheng.accounts.access import office_region, regions_visible, user_scope
from minsheng.accounts.models import Role
from minsheng.audit.presentation import ACTORS
from minsheng.core.plans.document import DocumentError, read_plan
from minsheng.core.workdays.calendar import chinese_date
from minsheng.indicators.models import Indicator
from minsheng.jobs.uploads import upload_load, upload_store
from minsheng.orgs.models import Organisation, Region
from minsheng.polls.access import access_poll
from minsheng.polls.results import poll_results
from minsheng.reviews.access import access_case, findings_visible
from minsheng.reviews.finding_text import KIND_LABELS, finding_message
from minsheng.supervision.access import (
    READERS,
    UNIT_KINDS,
    UNITS,
    access_task,
    can_decide,
    can_extend,
    can_manage,
    can_report,
    tasks_visible,
)
from minsheng.supervision.board import board
from minsheng.supervision.documents import board_sheets, task_order
from minsheng.supervision.findings import (
    task_from_case,
    task_from_flag,
    task_from_poll_fall,
    task_from_poll_item,
    task_from_warning,
)
from minsheng.supervision.models import ExtensionState, TaskFile, TaskState, Verdict
from minsheng.supervision.services import (
    TaskError,
    aliases_save,
    consolidated_note,
    extension_decide,
    extension_request,
    plan_preview,
    plan_store,
    task_decide,
    task_report,
)
from minsheng.supervision.verify import measurable_tasks, verify_tasks
from minsheng.web.downloads import document_response, sheets_response
from minsheng.web.paging import search_and_page
from minsheng.web.todo import today

ACTIONS = {
    "created": gettext_lazy("创建"),
    "reported": gettext_lazy("报送进展"),
    "accepted": gettext_lazy("办结"),
    "returned": gettext_lazy("退回"),
    "extension": gettext_lazy("延期"),
    "alert1": gettext_lazy("到期提醒"),
    "alert2": gettext_lazy("催办"),
    "alert3": gettext_lazy("升级督办"),
}
SESSION_KEY = "supervision-plan-upload"
BOARD_ROLES = frozenset({Role.QUALITY_OFFICE, Role.LEADER})


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    tasks = tasks_visible(request.user)
    if not user_scope(request.user).everything and getattr(request.user, "role", None) not in (
        READERS | UNITS
    ):
        raise PermissionDenied("supervision is for the office, leaders, officers and units")
    state = request.GET.get("state", "")
    if state in TaskState.values:
        tasks = tasks.filter(state=state)
    verdict = request.GET.get("verdict", "")
    if verdict in Verdict.values and verdict:
        tasks = tasks.filter(verdict=verdict)
    rows = list(tasks.order_by("due", "pk"))
    paged = search_and_page(request, rows, lambda t: f"{t.number} {t.title} {t.unit.name}")
    try:
        office_region(request.user)
        can_import = True
    except (PermissionDenied, Http404):
        can_import = False
    return render(
        request,
        "supervision/list.html",
        {
            "rows": paged.page.object_list,
            "paged": paged,
            "total": paged.total,
            "state": state,
            "states": TaskState.choices,
            "verdict": verdict,
            "verdicts": [(k, label) for k, label in Verdict.choices if k],
            "today": today(),
            "can_import": can_import,
            "can_board": user_scope(request.user).everything
            or getattr(request.user, "role", None) in BOARD_ROLES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = access_task(request.user, task_id)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "report":
                if not can_report(request.user, task):
                    raise PermissionDenied("only the unit reports on its task")
                try:
                    percent = int(request.POST.get("percent") or 0)
                except ValueError:
                    raise TaskError(_("完成进度须为 0–100 的整数")) from None
                if not 0 <= percent <= 100:
                    raise TaskError(_("完成进度须为 0–100 的整数"))
                task_report(
                    task,
                    actor=request.user,
                    note=request.POST.get("note", ""),
                    percent=percent,
                    files=[(f.name or "", f.read()) for f in request.FILES.getlist("files")],
                )
            elif action in ("accept", "return"):
                if not can_decide(request.user, task):
                    raise PermissionDenied("only the lead unit or the quality office decides")
                task_decide(
                    task,
                    actor=request.user,
                    accept=action == "accept",
                    comment=request.POST.get("comment", ""),
                )
            elif action == "verify":
                if not can_manage(request.user, task):
                    raise PermissionDenied("the quality office checks against the data")
                verify_tasks([task])
            elif action == "extend":
                if not can_extend(request.user, task):
                    raise PermissionDenied("only the unit asks for more time")
                extension_request(
                    task,
                    actor=request.user,
                    new_due=_form_date(request.POST.get("new_due", "")),
                    reason=request.POST.get("reason", ""),
                )
            elif action in ("grant", "refuse"):
                pending = task.extensions.filter(state=ExtensionState.PENDING).first()
                if pending is None or not can_manage(request.user, task):
                    raise PermissionDenied("only the quality office decides a pending request")
                extension_decide(
                    pending,
                    actor=request.user,
                    grant=action == "grant",
                    comment=request.POST.get("comment", ""),
                )
            else:
                raise Http404("unknown action")
        except TaskError as exc:
            error = str(exc)
        else:
            return redirect("supervision_task", task_id=task.pk)
        task.refresh_from_db()
    events = [
        (e, ACTIONS.get(e.action, e.action), ACTORS.get(e.actor_label, e.actor_label))
        for e in task.events.prefetch_related("files")
    ]
    children = list(task.children.select_related("unit").order_by("unit__region__code"))
    pending = task.extensions.filter(state=ExtensionState.PENDING).first()
    return render(
        request,
        "supervision/detail.html",
        {
            "task": task,
            "events": events,
            "children": children,
            "targets": list(task.targets.all()),
            # A sub-task shows its parent's lead and co-operating units.
            "leads": list((task.parent or task).leads.all()),
            "cooperating": list((task.parent or task).cooperating.all()),
            "can_report": can_report(request.user, task),
            "can_decide": can_decide(request.user, task) and task.state == TaskState.REPORTED,
            "consolidated": consolidated_note(task) if children else "",
            "can_verify": can_manage(request.user, task)
            and measurable_tasks().filter(pk=task.pk).exists(),
            "can_extend": can_extend(request.user, task) and pending is None,
            "pending": pending,
            "can_grant": pending is not None and can_manage(request.user, task),
            "extensions": list(task.extensions.select_related("requested_by")),
            "error": error,
            "today": today(),
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest) -> HttpResponse:
    """Upload the plan's Word document: what was understood is shown, and nothing is stored
    until the office confirms (the file waits sealed, as every upload does)."""
    region = office_region(request.user)
    context: dict[str, Any] = {"region": region}
    if request.method == "POST" and request.POST.get("action") == "confirm":
        waiting = request.session.pop(SESSION_KEY, None) or {}
        path, name = waiting.get("path", ""), waiting.get("name", "")
        if not path or not Path(path).exists():
            context["error"] = _("请重新上传方案文件")
        else:
            try:
                parsed = read_plan(upload_load(path), filename=name)
            finally:
                _drop(waiting)
            office = user_scope(request.user).organisation
            if office is None:
                raise PermissionDenied("the plan is issued by an organisation")
            aliases_save(_alias_choices(request), region=region, actor=request.user)
            plan = plan_store(
                plan_preview(parsed, region), office=office, region=region, actor=request.user
            )
            messages.success(request, _("已导入方案“%(title)s”。") % {"title": plan.title})
            return redirect("supervision_tasks")
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = _("请选择方案文件")
        else:
            data = upload.read()
            try:
                parsed = read_plan(data, filename=upload.name or "")
            except DocumentError as exc:
                context["error"] = str(exc)
            else:
                if not parsed.tasks:
                    context["error"] = _("没有找到任务（带牵头单位或责任单位的条目）")
                else:
                    _drop(request.session.pop(SESSION_KEY, None))
                    request.session[SESSION_KEY] = {
                        "path": upload_store(data, prefix="plan"),
                        "name": upload.name or "plan.docx",
                    }
                    preview = plan_preview(parsed, region)
                    context["preview"] = preview
                    context["alias_options"] = list(
                        Organisation.objects.filter(
                            is_active=True,
                            kind__in=UNIT_KINDS,
                            **region.subtree_filter("region__"),
                        ).order_by("region__code", "name")
                    )
                    context["rows"] = list(zip(parsed.tasks, preview.matched, strict=True))
    return render(
        request,
        "supervision/plan_import.html",
        context,
        status=400 if context.get("error") else 200,
    )


def _alias_choices(request: HttpRequest) -> dict[str, int]:
    """The office's matches for names the register lacked: ``alias:<name>`` → organisation."""
    out: dict[str, int] = {}
    for key in request.POST:
        value = request.POST.get(key, "")
        if key.startswith("alias:") and value.isdigit():
            out[key.removeprefix("alias:")] = int(value)
    return out


def _form_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise TaskError(_("请填写申请延至的日期")) from None


def _drop(waiting: dict[str, str] | None) -> None:
    """Delete a plan file that waited for the office's confirmation."""
    if waiting and waiting.get("path"):
        Path(waiting["path"]).unlink(missing_ok=True)


@login_required
@require_POST
def from_warning(request: HttpRequest) -> HttpResponse:
    office_region(request.user)  # the quality office assigns
    region = Region.objects.filter(code=request.POST.get("region", "")).first()
    if region is None or not regions_visible(request.user).filter(pk=region.pk).exists():
        raise PermissionDenied("region outside the user's scope")
    code = request.POST.get("indicator", "")
    indicator = Indicator.objects.filter(code=code).select_related("lead_department").first()
    if code and indicator is None:
        raise Http404("no such indicator")
    try:
        task = task_from_warning(
            actor=request.user,
            region=region,
            indicator=indicator,
            rule=request.POST.get("rule", "")[:40],
            period=request.POST.get("period", "")[:10],
            message=request.POST.get("message", "")[:1000],
        )
    except TaskError as exc:
        messages.error(request, str(exc))
        return redirect("indicator_warnings")
    return redirect("supervision_task", task_id=task.pk)


@login_required
def task_board(request: HttpRequest) -> HttpResponse:
    """The office's board (leaders read it): per unit and per plan; ``?format=xlsx`` for Excel."""
    scope = user_scope(request.user)
    if not scope.everything and getattr(request.user, "role", None) not in BOARD_ROLES:
        raise PermissionDenied("the board is for the quality office and leaders")
    units, plans = board(tasks_visible(request.user), today())
    caption = _("督办情况统计（截至 %(day)s）") % {"day": chinese_date(today())}
    if request.GET.get("format") == "xlsx":
        return sheets_response(_("督办情况统计"), board_sheets(units, plans, caption))
    return render(
        request, "supervision/board.html", {"units": units, "plans": plans, "caption": caption}
    )


@login_required
def task_order_docx(request: HttpRequest, task_id: int) -> HttpResponse:
    """The task's printable 督办单 (Word; ``?format=pdf`` for PDF)."""
    task = access_task(request.user, task_id)
    office = (task.plan.office.name if task.plan else "") or (
        getattr(user_scope(request.user).organisation, "name", "") or ""
    )
    history = [
        f"{timezone.localtime(e.at):%Y-%m-%d %H:%M} {ACTIONS.get(e.action, e.action)}"
        + (f"：{e.note}" if e.note else "")
        for e in task.events.all()
    ]
    content = task_order(
        task,
        office=office,
        today=today(),
        leads=[o.name for o in (task.parent or task).leads.all()],
        history=history,
    )
    fmt = "pdf" if request.GET.get("format") == "pdf" else "docx"
    return document_response(f"督办单-{task.pk}", content, fmt)


@login_required
@require_POST
def from_poll_item(request: HttpRequest) -> HttpResponse:
    """A task from a poll item the results put in "优先改进" (checked again here)."""
    office_region(request.user)  # the quality office assigns
    poll = access_poll(request.user, int(request.POST.get("poll") or 0))
    visible = set(regions_visible(request.user).values_list("code", flat=True))
    within = request.POST.get("county") or None
    region = Region.objects.filter(code=within or poll.region.code).first()
    if region is None or (region.code not in visible and region != poll.region):
        raise PermissionDenied("region outside the user's scope")
    results = poll_results(poll, "township" if within else "county", visible, within)
    code = request.POST.get("item", "")
    item = next((i for i in results.items if i.code == code), None)
    if item is None:
        raise Http404("no such item")
    if item.quadrant != "improve":
        messages.error(request, _("只有“优先改进”的题目可以生成督办任务"))
        return redirect("poll_detail", poll_id=poll.pk)
    try:
        task = task_from_poll_item(actor=request.user, poll=poll, item=item, region=region)
    except TaskError as exc:
        messages.error(request, str(exc))
        return redirect("poll_detail", poll_id=poll.pk)
    return redirect("supervision_task", task_id=task.pk)


@login_required
def task_file(request: HttpRequest, file_id: int) -> HttpResponse:
    """A report's supporting document, to whoever may see the task."""
    kept = TaskFile.objects.filter(pk=file_id).first()
    if kept is None:
        raise Http404("no such file")
    access_task(request.user, kept.task_id)
    response = HttpResponse(upload_load(kept.path), content_type=kept.content_type)
    name = quote(kept.name)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@login_required
@require_POST
def from_case(request: HttpRequest) -> HttpResponse:
    """A task from an overdue or repeated bad-rating case (checked again here)."""
    office_region(request.user)  # the quality office assigns
    case = access_case(request.user, int(request.POST.get("case") or 0))
    try:
        task = task_from_case(actor=request.user, case=case)
    except TaskError as exc:
        messages.error(request, str(exc))
        return redirect("review_case", case_id=case.pk)
    return redirect("supervision_task", task_id=task.pk)


@login_required
@require_POST
def from_flag(request: HttpRequest) -> HttpResponse:
    """A task from a confirmed integrity finding in the office's region."""
    office_region(request.user)  # the quality office assigns
    flag = (
        findings_visible(request.user)
        .filter(pk=int(request.POST.get("flag") or 0))
        .select_related("centre", "centre__region", "region")
        .first()
    )
    if flag is None:
        raise Http404("no such finding")
    try:
        task = task_from_flag(
            actor=request.user,
            flag=flag,
            kind_label=str(KIND_LABELS.get(flag.kind, flag.kind)),
            message=finding_message(flag),
        )
    except TaskError as exc:
        messages.error(request, str(exc))
        return redirect("review_integrity")
    return redirect("supervision_task", task_id=task.pk)


@login_required
@require_POST
def from_poll_region(request: HttpRequest) -> HttpResponse:
    """A task for a county whose score fell beyond sampling error (checked again here)."""
    office_region(request.user)
    poll = access_poll(request.user, int(request.POST.get("poll") or 0))
    visible = set(regions_visible(request.user).values_list("code", flat=True))
    code = request.POST.get("region", "")
    if code not in visible:
        raise PermissionDenied("region outside the user's scope")
    row = next((r for r in poll_results(poll, "county", visible).rows if r.code == code), None)
    if row is None:
        raise Http404("no such region in the poll")
    if row.change is None or not row.change.significant or row.change.difference >= 0:
        messages.error(request, _("只有得分较上轮显著下降的地区可以生成督办任务"))
        return redirect("poll_detail", poll_id=poll.pk)
    region = Region.objects.get(code=code)
    try:
        task = task_from_poll_fall(actor=request.user, poll=poll, row=row, region=region)
    except TaskError as exc:
        messages.error(request, str(exc))
        return redirect("poll_detail", poll_id=poll.pk)
    return redirect("supervision_task", task_id=task.pk)
