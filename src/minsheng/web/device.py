"""An anonymous device id in a long-lived cookie, for the citizens' pages (QR rating, online
poll answering): limits and "once per device" rules use its salted hash, never the id itself."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse

COOKIE = "ms_device"
MAX_AGE = 365 * 24 * 3600


def device_id(request: HttpRequest) -> str:
    """The request's device id; a new one (kept on the request) when it has no cookie yet."""
    known = request.COOKIES.get(COOKIE)
    if known:
        return known
    fresh: str | None = getattr(request, "_minsheng_device", None)
    if fresh is None:
        fresh = uuid.uuid4().hex
        request._minsheng_device = fresh  # type: ignore[attr-defined]
    return fresh


def remember_device(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Set the cookie when the browser did not send one."""
    if COOKIE not in request.COOKIES:
        response.set_cookie(
            COOKIE,
            device_id(request),
            max_age=MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response
