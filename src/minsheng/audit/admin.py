from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from minsheng.audit.models import AuditAction, AuditEntry
from minsheng.audit.services import audit_record, audit_snapshot


class AuditedModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Admin whose saves and deletes write an audit row in the same transaction."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = None
            if change and obj.pk is not None:
                old = type(obj).objects.filter(pk=obj.pk).first()
                before = audit_snapshot(old) if old is not None else None
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=AuditAction.UPDATE if change else AuditAction.CREATE,
                obj=obj,
                before=before,
                after=audit_snapshot(obj),
                note="admin",
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=AuditAction.DELETE,
                obj=obj,
                before=audit_snapshot(obj),
                note="admin",
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit_record(
                    actor=request.user,
                    action=AuditAction.DELETE,
                    obj=obj,
                    before=audit_snapshot(obj),
                    note="admin",
                )
            super().delete_queryset(request, queryset)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["at", "actor_label", "action", "object_type", "object_repr", "region_code"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_repr", "object_pk"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
