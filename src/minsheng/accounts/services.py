"""Writes on users and API clients; each one audited in its own transaction."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from minsheng.accounts.models import ApiClient, ApiScope
from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record, audit_snapshot
from minsheng.orgs.models import Organisation

TOKEN_PREFIX = "ms_"  # noqa: S105  (a public marker on every token, not a secret)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def api_client_issue(
    *, actor: Any, name: str, organisation: Organisation, scopes: list[str], channel: str = ""
) -> tuple[ApiClient, str]:
    """Create a client and return it with its token; the token is not stored and cannot be
    shown again."""
    unknown = sorted(set(scopes) - set(ApiScope.values))
    if unknown:
        raise ValueError(
            f"unknown scope(s): {', '.join(unknown)}; known: {', '.join(ApiScope.values)}"
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        name=name,
        organisation=organisation,
        channel=channel,
        scopes=sorted(set(scopes)),
        token_prefix=token[:10],
        token_hash=token_hash(token),
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=client, after=audit_snapshot(client))
    return client, token


@transaction.atomic
def api_client_revoke(*, actor: Any, client: ApiClient) -> ApiClient:
    before = audit_snapshot(client)
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=client,
        before=before,
        after=audit_snapshot(client),
    )
    return client


def api_client_for_token(token: str) -> ApiClient | None:
    """The active client holding ``token``, touching its last-used time (at most once a minute)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    client = (
        ApiClient.objects.select_related("organisation__region")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )
    if client is None:
        return None
    now = timezone.now()
    if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client


@transaction.atomic
def user_password_changed(*, actor: Any) -> None:
    """Record a password change (the hash itself never enters the log)."""
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=actor, note="password changed")
