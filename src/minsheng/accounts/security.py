"""Security events (等保 2.0 level 3) and the sign-in rules around them.

- Every sign-in, failed sign-in, lockout, password change, refused request (403), token issue
  and revocation is an audit row of action ``security`` with the time, the user (or the user
  name tried), the address, the event and its outcome. The audit log is append-only.
- Throttling: a user name from one address is locked after ``AXES_FAILURE_LIMIT`` failures
  (django-axes, per user name *and* address, so nobody elsewhere can lock a colleague out), and
  one address is refused altogether after ``LOGIN_ADDRESS_LIMIT`` failures across user names
  (password spraying); the quality office lifts a lockout on the user's page.
- A password handed over by someone else (new account, reset) must be changed at first use.
- A session ends after ``SESSION_MAX_HOURS`` whatever the activity, besides the idle timeout.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record

SIGNED_IN_AT = "minsheng_signed_in_at"


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def security_event(
    *, event: str, outcome: str, request: HttpRequest | None, user: Any = None, username: str = ""
) -> None:
    """One security row: who (user, else the name tried, else the address), what, outcome."""
    if getattr(user, "is_authenticated", False):
        actor: Any = user
    elif user is not None and hasattr(user, "token_prefix"):  # a machine client
        actor = f"api:{user.name}"[:150]
    else:
        actor = username or None
    audit_record(
        region_code=_region_of(user, username),
        actor=actor,
        action=AuditAction.SECURITY,
        object_type="security",
        after={
            "event": event,
            "outcome": outcome,
            "address": client_address(request),
            "path": request.path[:200] if request is not None else "",
        },
        note=event,
    )


def _region_of(user: Any, username: str) -> str:
    """The region of the account concerned, so its quality office reads the event."""
    from minsheng.accounts.models import User

    if user is None and username:
        user = User.objects.filter(username=username).select_related("organisation__region").first()
    org = getattr(user, "organisation", None)
    return org.region.code if org is not None else ""


def address_blocked(request: HttpRequest) -> bool:
    """Too many failed sign-ins from this address, across all user names, lately."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(
        ip_address=client_address(request), attempt_time__gte=since
    ).aggregate(n=Sum("failures_since_start"))["n"]
    return (failures or 0) >= settings.LOGIN_ADDRESS_LIMIT


def _on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = time.time()
    security_event(event="login", outcome="success", request=request, user=user)


def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    security_event(
        event="login",
        outcome="failure",
        request=request,
        username=str(credentials.get("username", ""))[:150],
    )


def _on_lockout(sender: Any, request: HttpRequest, username: str, **kwargs: Any) -> None:
    security_event(event="lockout", outcome="locked", request=request, username=username)


def connect_signals() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(_on_login, dispatch_uid="minsheng-security-login")
    user_login_failed.connect(_on_login_failed, dispatch_uid="minsheng-security-failed")
    user_locked_out.connect(_on_lockout, dispatch_uid="minsheng-security-lockout")


# Pages a user who must change the password may still open.
_OPEN_PATHS = ("/accounts/password/", "/accounts/logout/", "/static/", "/healthz", "/i18n/")


class SessionRulesMiddleware:
    """The absolute session lifetime, and the first-use password change."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SIGNED_IN_AT)
            limit = timedelta(hours=settings.SESSION_MAX_HOURS).total_seconds()
            if started is None or time.time() - float(started) > limit:
                security_event(
                    event="session expired", outcome="signed out", request=request, user=user
                )
                logout(request)
                return redirect(
                    f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}"
                )
            if getattr(user, "must_change_password", False) and not request.path.startswith(
                _OPEN_PATHS
            ):
                return redirect("password_change")
        return self.get_response(request)
