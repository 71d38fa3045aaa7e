"""Messages over REST (people only): ``GET /api/notifications`` (the caller's, newest first;
``unread=true`` for the unread ones) and ``POST /api/notifications/read`` (the given ids, or
all of them)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from minsheng.api.auth import caller_person
from minsheng.api.schemas import ErrorOut
from minsheng.notify.models import Notification
from minsheng.notify.services import mark_read

router = Router(tags=["notifications"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
PAGE = 100


class NoteOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read: bool


class NotesOut(Schema):
    total: int
    unread: int
    page: int
    items: list[NoteOut]


class ReadIn(Schema):
    ids: list[int] | None = None  # None: every message


class ReadOut(Schema):
    marked: int


@router.get("/notifications", response={200: NotesOut, **ERRORS})
def notes(request: HttpRequest, unread: bool = False, page: int = 1) -> NotesOut:
    person = caller_person(request, "messages are for people")
    mine = Notification.objects.filter(user=person)
    shown = mine.filter(read_at=None) if unread else mine
    start = (max(page, 1) - 1) * PAGE
    return NotesOut(
        total=shown.count(),
        unread=mine.filter(read_at=None).count(),
        page=max(page, 1),
        items=[
            NoteOut(
                id=n.pk,
                kind=n.kind,
                title=n.title,
                body=n.body,
                url=n.url,
                created_at=n.created_at,
                read=n.read_at is not None,
            )
            for n in shown[start : start + PAGE]
        ],
    )


@router.post("/notifications/read", response={200: ReadOut, **ERRORS})
def read(request: HttpRequest, body: ReadIn) -> ReadOut:
    return ReadOut(marked=mark_read(caller_person(request, "messages are for people"), body.ids))
