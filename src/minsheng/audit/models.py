"""The audit log: one row per change to business data, written in the same transaction, and
one per security event (sign-in, lockout, refused request …). Append-only: a row is never
changed or deleted — by the application (the manager and model refuse), by an administrator
(the admin is read-only), nor on the database (triggers refuse UPDATE, and DELETE on
PostgreSQL). Rows are kept for good, beyond the six months 等保 level 3 asks for."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    BULK = "bulk", _("批量操作")
    STATE = "state", _("状态变更")
    SECURITY = "security", _("安全事件")


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit row."""


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("the audit log is append-only")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,  # a user with a history is deactivated, never deleted
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    # Kept as text too, so the log still says who it was after the user is deleted.
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=10, choices=AuditAction.choices)
    object_type = models.CharField(_("对象类型"), max_length=100, db_index=True)
    object_pk = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    region_code = models.CharField(_("地区代码"), max_length=12, blank=True, db_index=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [models.Index(fields=["actor", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("the audit log is append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("the audit log is append-only")
