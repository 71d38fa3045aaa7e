"""API authentication: a per-client bearer token (machines) or the browser session (people)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja.security import HttpBearer, SessionAuth

from minsheng.accounts.models import ApiClient
from minsheng.accounts.services import api_client_for_token


class ClientTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiClient | None:
        return api_client_for_token(token)


class UserSessionAuth(SessionAuth):
    """Session auth for active users (CSRF is checked by ninja on unsafe methods)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated and user.is_active else None


def caller(request: HttpRequest) -> Any:
    """The authenticated user or machine client of an API request (set by the auth classes;
    the session user when an endpoint has no auth of its own)."""
    return getattr(request, "auth", None) or request.user


def caller_person(request: HttpRequest, why: str = "people only") -> Any:
    """The signed-in person of an API request; a machine client is refused (403)."""
    principal = caller(request)
    if isinstance(principal, ApiClient):
        raise PermissionDenied(why)
    return principal


def require_scope(principal: Any, scope: str) -> None:
    """Machine clients need the scope named; people are gated by role in ``access``."""
    if isinstance(principal, ApiClient) and scope not in principal.scopes:
        raise PermissionDenied(f"this client lacks the scope {scope!r}")


def docs_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The API document and its browsable page: for signed-in people and for machine clients
    with a valid token. A machine without one gets a 401 error body, a browser the login page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        if (user.is_authenticated and user.is_active) or (
            token and api_client_for_token(token) is not None
        ):
            return view(request, *args, **kwargs)
        if token or request.path.endswith(".json"):
            body = {
                "error": {
                    "code": "unauthorized",
                    "message": "Authentication required: a bearer token or a session.",
                    "details": [],
                }
            }
            return JsonResponse(body, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapped
