"""Audit rows as a reader sees them: the object's name, each changed field by its label with
its value before and after (times in Asia/Shanghai, choices by their label, yes/no), and the
note or security event as words. Used by the log page and its Excel export alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.audit.models import AuditEntry

# Notes written by services (stable keys) and security events, in words.
NOTES: dict[str, Any] = {
    "password changed": gettext_lazy("修改密码"),
    "password reset": gettext_lazy("重置密码"),
    "password set by admin": gettext_lazy("管理员设置密码"),
    "login lockout lifted": gettext_lazy("解除登录锁定"),
    "token revoked": gettext_lazy("吊销接口令牌"),
    "token use": gettext_lazy("使用接口令牌"),
    "submitted": gettext_lazy("报送"),
    "catalog import": gettext_lazy("导入指标目录"),
    "admin": gettext_lazy("管理后台修改"),
    "case verify": gettext_lazy("核实差评"),
    "case confirm": gettext_lazy("确认属实"),
    "case appeal": gettext_lazy("申诉不属实"),
    "case uphold": gettext_lazy("认定不属实"),
    "case overturn": gettext_lazy("驳回申诉"),
    "case answer": gettext_lazy("整改答复"),
    "case close": gettext_lazy("办结"),
    "case feedback": gettext_lazy("录入回访结果"),
    "poll closed": gettext_lazy("结束测评轮次"),
    "poll reopened": gettext_lazy("重新开放测评轮次"),
    "login": gettext_lazy("登录"),
    "lockout": gettext_lazy("账号锁定"),
    "password change": gettext_lazy("修改密码"),
    "permission denied": gettext_lazy("越权访问被拒绝"),
    "session expired": gettext_lazy("会话到期退出"),
}
OUTCOMES: dict[str, Any] = {
    "success": gettext_lazy("成功"),
    "failure": gettext_lazy("失败"),
    "locked": gettext_lazy("已锁定"),
    "refused": gettext_lazy("已拒绝"),
    "address refused": gettext_lazy("该地址已被拒绝"),
    "signed out": gettext_lazy("已退出"),
}


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class ReadableEntry:
    at: str
    actor: str
    action: str
    object: str
    changes: list[Change]
    note: str

    def changes_text(self) -> str:
        return "；".join(f"{c.field}：{c.before} → {c.after}" for c in self.changes)


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


@cache
def _fields(model: type[models.Model]) -> dict[str, models.Field[Any, Any]]:
    return {f.attname: f for f in model._meta.concrete_fields}


def _field(model: type[models.Model] | None, attname: str) -> models.Field[Any, Any] | None:
    return None if model is None else _fields(model).get(attname)


def _value(field: models.Field[Any, Any] | None, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if field is not None and field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        if str(value) in labels:
            return labels[str(value)]
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(field, models.ForeignKey):
        return f"#{value}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | dict):
        return "、".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return str(value)


def readable(entry: AuditEntry) -> ReadableEntry:
    model = _model(entry.object_type)
    if entry.object_type == "security":
        after = entry.after or {}
        event = str(NOTES.get(str(after.get("event", "")), after.get("event", "")))
        outcome = str(OUTCOMES.get(str(after.get("outcome", "")), after.get("outcome", "")))
        parts = [f"{event} · {outcome}"]
        if after.get("address"):
            parts.append(_("地址 %(address)s") % {"address": after["address"]})
        if after.get("path"):
            parts.append(_("页面 %(path)s") % {"path": after["path"]})
        return ReadableEntry(
            at=timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
            actor=entry.actor_label,
            action=entry.get_action_display(),
            object=_("安全"),
            changes=[],
            note="，".join(parts),
        )
    name = str(model._meta.verbose_name) if model is not None else entry.object_type
    before, after = entry.before or {}, entry.after or {}
    changes = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) == after.get(key) and entry.before is not None:
            continue
        field = _field(model, key)
        label = str(field.verbose_name) if field is not None else key
        changes.append(
            Change(
                label,
                _value(field, before.get(key)) if entry.before is not None else "—",
                _value(field, after.get(key)) if entry.after is not None else "—",
            )
        )
    subject = f"{name} {entry.object_repr}".strip() if entry.object_repr else name
    if entry.object_pk:
        subject += f"（#{entry.object_pk}）"
    return ReadableEntry(
        at=timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
        actor=entry.actor_label,
        action=entry.get_action_display(),
        object=subject,
        changes=changes,
        note=str(NOTES.get(entry.note, entry.note)),
    )
