"""One error body for every failure: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from minsheng.accounts.security import security_event
from minsheng.site.storage import is_disk_full

logger = logging.getLogger("minsheng.api")


def _error(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "details": details or []}}
    return api.create_response(request, body, status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(
            api,
            request,
            401,
            "unauthorized",
            "Authentication required: a bearer token or a session.",
        )

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        return _error(
            api, request, 413, "too_large", f"The request body is larger than {limit} MB."
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        security_event(
            event="permission denied",
            outcome="refused",
            request=request,
            user=getattr(request, "auth", None) or getattr(request, "user", None),
        )
        return _error(api, request, 403, "forbidden", str(exc) or "Outside your scope.")

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(api, request, 404, "not_found", str(exc) or "Not found.")

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: Exception) -> HttpResponse:
        errors = exc.errors if isinstance(exc, ValidationError) else []
        details = [
            {"loc": list(e.get("loc", [])), "message": str(e.get("msg", ""))} for e in errors
        ]
        return _error(api, request, 422, "invalid", "The request is not valid.", details)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        status = exc.status_code if isinstance(exc, HttpError) else 400
        return _error(api, request, status, "http_error", str(exc))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        if is_disk_full(exc):
            logger.error("disk full on %s: %s", request.path, exc)
            return _error(
                api,
                request,
                503,
                "storage_full",
                "The server's storage is full; nothing was stored. Try again later.",
            )
        logger.exception("API error on %s", request.path)
        return _error(api, request, 500, "server_error", "Internal error; it has been logged.")
