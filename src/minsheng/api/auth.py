"""API authentication: a per-client bearer token (machines) or the browser session (people)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
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


def require_scope(principal: Any, scope: str) -> None:
    """Machine clients need the scope named; people are gated by role in ``access``."""
    if isinstance(principal, ApiClient) and scope not in principal.scopes:
        raise PermissionDenied(f"this client lacks the scope {scope!r}")
