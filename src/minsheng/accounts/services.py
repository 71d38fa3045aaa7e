"""Writes on users and API clients; each one audited in its own transaction."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from axes.utils import reset as axes_reset
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.models import ApiClient, ApiScope, Role, User
from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record, audit_snapshot
from minsheng.core.roles import OrgKind as CoreKind
from minsheng.core.roles import Role as CoreRole
from minsheng.core.roles import role_fits
from minsheng.orgs.models import Organisation, OrgKind

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
        note="token revoked",
    )
    return client


def api_client_for_token(token: str) -> ApiClient | None:
    """The active client holding ``token``, touching its last-used time (at most once a minute)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    client = (
        ApiClient.objects.select_related("organisation__region__city")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )
    if client is None:
        return None
    now = timezone.now()
    if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
        # Token use is a security event, recorded with the same once-a-minute touch.
        audit_record(
            actor=f"api:{client.name}"[:150],
            action=AuditAction.SECURITY,
            object_type="security",
            after={"event": "token use", "outcome": "success", "client": client.pk},
            note="token use",
        )
    return client


@transaction.atomic
def user_password_changed(*, actor: Any) -> None:
    """Record a password change (the hash itself never enters the log); a password the user
    chose lifts the first-use change."""
    if getattr(actor, "must_change_password", False):
        User.objects.filter(pk=actor.pk).update(must_change_password=False)
        actor.must_change_password = False
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=actor, note="password changed")


class UserError(ValueError):
    """A user change that breaks a rule; the message is shown to the user as is."""


def _new_password() -> str:
    # Readable one-time password: the user changes it at first sign-in.
    return "-".join(secrets.token_urlsafe(4) for _ in range(3))


@transaction.atomic
def user_create(
    *, actor: Any, username: str, display_name: str, organisation: Organisation, role: str
) -> tuple[User, str]:
    """Create a user in ``organisation`` with ``role``; returns the user and a one-time password."""
    if Role(role) == Role.ADMIN:
        raise UserError(_("管理员账号只能由系统管理员在管理后台创建。"))
    if not role_fits(CoreRole(role), CoreKind(organisation.kind)):
        raise UserError(
            _("角色“%(role)s”不适用于%(kind)s类机构。")
            % {"role": Role(role).label, "kind": OrgKind(organisation.kind).label}
        )
    if User.objects.filter(username__iexact=username).exists():
        raise UserError(_("用户名 %(name)s 已被使用。") % {"name": username})
    password = _new_password()
    user = User.objects.create_user(
        username=username,
        password=password,
        display_name=display_name,
        organisation=organisation,
        role=role,
        must_change_password=True,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=user, after=audit_snapshot(user))
    return user, password


@transaction.atomic
def user_set_active(*, actor: Any, user: User, active: bool) -> User:
    if user.pk == getattr(actor, "pk", None) and not active:
        raise UserError(_("不能停用自己的账号。"))
    before = audit_snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=user, before=before, after=audit_snapshot(user)
    )
    return user


@transaction.atomic
def user_reset_password(*, actor: Any, user: User) -> str:
    """Set a new one-time password, lift any lockout; returns the password to hand over."""
    password = _new_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    axes_reset(username=user.get_username())
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, note="password reset")
    return password


@transaction.atomic
def user_unlock(*, actor: Any, user: User) -> int:
    """Lift a lockout after repeated failed logins; returns how many lockout records went."""
    removed = int(axes_reset(username=user.get_username()))
    audit_record(actor=actor, action=AuditAction.STATE, obj=user, note="login lockout lifted")
    return removed


@transaction.atomic
def user_password_set_by_admin(*, actor: Any, user_id: int) -> None:
    user = User.objects.get(pk=user_id)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, note="password set by admin")
