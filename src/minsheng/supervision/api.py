"""Supervision over REST, with the pages' gates: ``GET /api/supervision/tasks``, ``GET
/api/supervision/tasks/{id}`` (people, and machine clients holding ``supervision:read`` for
their region's tasks), ``POST /api/supervision/tasks/{id}/report`` (the unit), ``POST
/api/supervision/tasks/{id}/decide`` (the lead unit or the quality office), ``POST
/api/supervision/tasks/{id}/extension`` (the unit), and ``GET /api/todo`` (the caller's
我的待办). Machine clients act on nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, UploadedFile
from ninja.errors import HttpError

from minsheng.accounts.models import ApiScope
from minsheng.api.auth import caller, caller_person, require_scope
from minsheng.api.schemas import ErrorOut
from minsheng.supervision.access import (
    access_task,
    can_decide,
    can_extend,
    can_report,
    tasks_visible,
)
from minsheng.supervision.models import Task, TaskState
from minsheng.supervision.services import (
    TaskError,
    extension_request,
    task_decide,
    task_report,
)
from minsheng.web.todo import today, todo_items

router = Router(tags=["supervision"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
PAGE = 100
PEOPLE_ONLY = "supervision is acted on by people"


class TaskOut(Schema):
    id: int
    number: str
    title: str
    unit: str
    state: str
    state_label: str
    due: dt.date | None
    percent: int
    source: str
    plan: str | None
    parent_id: int | None
    alert: int
    verdict: str
    verdict_note: str


class FileOut(Schema):
    name: str
    size: int
    url: str


class EventOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    note: str
    files: list[FileOut]


class TargetOut(Schema):
    metric: str
    op: str
    value: float
    unit: str
    due: dt.date | None


class TaskDetailOut(TaskOut):
    text: str
    leads: list[str]
    cooperating: list[str]
    targets: list[TargetOut]
    events: list[EventOut]
    evidence: dict[str, Any]


class TasksOut(Schema):
    total: int
    page: int
    items: list[TaskOut]


class ReportIn(Schema):
    note: str
    percent: int


class DecideIn(Schema):
    accept: bool
    comment: str = ""


class ExtensionIn(Schema):
    new_due: dt.date
    reason: str


class TodoOut(Schema):
    kind: str
    title: str
    url: str
    due: dt.date | None
    overdue: bool


def _task_out(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "number": task.number,
        "title": task.title,
        "unit": task.unit.name,
        "state": task.state,
        "state_label": str(task.get_state_display()),
        "due": task.due,
        "percent": task.percent,
        "source": task.source,
        "plan": task.plan.title if task.plan else None,
        "parent_id": task.parent_id,
        "alert": task.alert,
        "verdict": task.verdict,
        "verdict_note": task.verdict_note,
    }


def _reader(request: HttpRequest) -> Any:
    """A person, or a machine client holding ``supervision:read`` (its region's tasks)."""
    principal = caller(request)
    require_scope(principal, ApiScope.READ_SUPERVISION)
    return principal


@router.get("/supervision/tasks", response={200: TasksOut, **ERRORS})
def task_list(request: HttpRequest, state: str = "", page: int = 1) -> TasksOut:
    """The caller's tasks (as the 督办 page), a hundred a page, by due date; machine clients
    need ``supervision:read``."""
    tasks = tasks_visible(_reader(request))
    if state:
        if state not in TaskState.values:
            raise HttpError(422, "unknown state")
        tasks = tasks.filter(state=state)
    total = tasks.count()
    start = (max(page, 1) - 1) * PAGE
    rows = tasks.order_by("due", "pk")[start : start + PAGE]
    return TasksOut(total=total, page=max(page, 1), items=[TaskOut(**_task_out(t)) for t in rows])


def _detail(task: Task) -> TaskDetailOut:
    source = task.parent or task
    return TaskDetailOut(
        **_task_out(task),
        text=task.text,
        leads=[o.name for o in source.leads.all()],
        cooperating=[o.name for o in source.cooperating.all()],
        targets=[
            TargetOut(metric=t.metric, op=t.op, value=t.value, unit=t.unit, due=t.due)
            for t in source.targets.all()
        ],
        events=[
            EventOut(
                at=e.at,
                actor=e.actor_label,
                action=e.action,
                note=e.note,
                files=[
                    FileOut(name=f.name, size=f.size, url=reverse("supervision_file", args=[f.pk]))
                    for f in e.files.all()
                ],
            )
            for e in task.events.prefetch_related("files")
        ],
        evidence=task.evidence,
    )


@router.get("/supervision/tasks/{task_id}", response={200: TaskDetailOut, **ERRORS})
def task_read(request: HttpRequest, task_id: int) -> TaskDetailOut:
    return _detail(access_task(_reader(request), task_id))


def _report(
    request: HttpRequest, task_id: int, note: str, percent: int, files: list[tuple[str, bytes]]
) -> TaskDetailOut:
    person = caller_person(request, PEOPLE_ONLY)
    task = access_task(person, task_id)
    if not can_report(person, task):
        raise PermissionDenied("only the unit reports on its task, while it is open")
    if not 0 <= percent <= 100:
        raise HttpError(422, "percent must be 0–100")
    try:
        return _detail(task_report(task, actor=person, note=note, percent=percent, files=files))
    except TaskError as exc:
        raise HttpError(422, str(exc)) from None


@router.post("/supervision/tasks/{task_id}/report", response={200: TaskDetailOut, **ERRORS})
def task_report_api(request: HttpRequest, task_id: int, body: ReportIn) -> TaskDetailOut:
    """The unit reports progress (text, percent 0–100)."""
    return _report(request, task_id, body.note, body.percent, [])


@router.post("/supervision/tasks/{task_id}/report/files", response={200: TaskDetailOut, **ERRORS})
def task_report_files_api(
    request: HttpRequest,
    task_id: int,
    note: Form[str],
    percent: Form[int],
    files: File[list[UploadedFile]],
) -> TaskDetailOut:
    """The same report as multipart form data, with supporting documents (Word, PDF, images)."""
    return _report(request, task_id, note, percent, [(f.name or "", f.read()) for f in files])


@router.post("/supervision/tasks/{task_id}/decide", response={200: TaskDetailOut, **ERRORS})
def task_decide_api(request: HttpRequest, task_id: int, body: DecideIn) -> TaskDetailOut:
    """The quality office accepts a report or returns it (a comment is required to return)."""
    person = caller_person(request, PEOPLE_ONLY)
    task = access_task(person, task_id)
    if not can_decide(person, task):
        raise PermissionDenied("only the lead unit or the quality office decides")
    try:
        return _detail(task_decide(task, actor=person, accept=body.accept, comment=body.comment))
    except TaskError as exc:
        raise HttpError(422, str(exc)) from None


@router.post("/supervision/tasks/{task_id}/extension", response={200: TaskDetailOut, **ERRORS})
def task_extension_api(request: HttpRequest, task_id: int, body: ExtensionIn) -> TaskDetailOut:
    """The unit asks for a later due date (the quality office decides on the page)."""
    person = caller_person(request, PEOPLE_ONLY)
    task = access_task(person, task_id)
    if not can_extend(person, task):
        raise PermissionDenied("only the unit asks for more time, while the task is open")
    try:
        extension_request(task, actor=person, new_due=body.new_due, reason=body.reason)
    except TaskError as exc:
        raise HttpError(422, str(exc)) from None
    return _detail(Task.objects.get(pk=task.pk))


@router.get("/todo", response={200: list[TodoOut], **ERRORS})
def todo_list(request: HttpRequest) -> list[TodoOut]:
    """The caller's 我的待办, by due date."""
    items, _counts = todo_items(caller_person(request, PEOPLE_ONLY))
    day = today()
    return [
        TodoOut(kind=str(i.kind), title=i.title, url=i.url, due=i.due, overdue=i.overdue(day))
        for i in items
    ]
