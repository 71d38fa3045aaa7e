"""Writing audit rows. Call these inside the transaction of the change they describe, so a
rolled-back change leaves no audit row and a committed one always has its row."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models

from minsheng.audit.models import AuditAction, AuditEntry

Snapshot = dict[str, Any]


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value


def audit_snapshot(obj: models.Model) -> Snapshot:
    """The concrete field values of ``obj`` as JSON-ready data (foreign keys as their ids;
    password hashes and token hashes are never copied into the log)."""
    data: Snapshot = {}
    for field in obj._meta.concrete_fields:
        if field.name in {"password", "token_hash"}:
            continue
        data[field.attname] = _json_value(getattr(obj, field.attname))
    return data


def _region_code(obj: models.Model | None) -> str:
    if obj is None:
        return ""
    for path in ("code", "region", "organisation", "centre"):
        target: Any = getattr(obj, path, None)
        if path == "code" and isinstance(target, str) and obj._meta.model_name == "region":
            return target
        if isinstance(target, models.Model):
            return _region_code(target)
    return ""


def audit_entry(
    *,
    actor: Any,
    action: AuditAction,
    obj: models.Model | None = None,
    object_type: str | None = None,
    before: Snapshot | None = None,
    after: Snapshot | None = None,
    note: str = "",
    region_code: str | None = None,
) -> AuditEntry:
    """One audit row, not yet saved (bulk writers collect them for ``bulk_create``). For
    updates only the fields that changed are kept. ``actor`` is a user, or a label such as
    "cli" for commands, or None for the system."""
    if action == AuditAction.UPDATE and before is not None and after is not None:
        changed = sorted(k for k in after if before.get(k) != after.get(k))
        before = {k: before.get(k) for k in changed}
        after = {k: after[k] for k in changed}
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry(
        actor=actor if authenticated else None,
        actor_label=(actor.get_username() if authenticated else str(actor or "system"))[:150],
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_pk=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        region_code=region_code if region_code is not None else _region_code(obj),
        before=before,
        after=after,
        note=note,
    )


def audit_record(
    *,
    actor: Any,
    action: AuditAction,
    obj: models.Model | None = None,
    object_type: str | None = None,
    before: Snapshot | None = None,
    after: Snapshot | None = None,
    note: str = "",
    region_code: str | None = None,
) -> AuditEntry:
    """Write one audit row now; see ``audit_entry``."""
    entry = audit_entry(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        before=before,
        after=after,
        note=note,
        region_code=region_code,
    )
    entry.save()
    return entry
