from __future__ import annotations

from django.contrib import admin

from minsheng.audit.admin import AuditedModelAdmin
from minsheng.reviews.models import (
    CalendarDay,
    DeadlineRule,
    HandledCount,
    ReasonTag,
    ServiceItem,
    WindowDepartment,
)


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedModelAdmin):
    """The administrator's changes to the published holiday schedule (any year)."""

    list_display = ["date", "is_working", "note"]
    list_filter = ["is_working"]
    date_hierarchy = "date"


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(AuditedModelAdmin):
    list_display = ["region", "verify_days", "rectify_days"]
    raw_id_fields = ["region"]


@admin.register(ReasonTag)
class ReasonTagAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "for_bad", "is_active"]


@admin.register(ServiceItem)
class ServiceItemAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "department"]
    search_fields = ["code", "name"]
    raw_id_fields = ["department"]


@admin.register(WindowDepartment)
class WindowDepartmentAdmin(AuditedModelAdmin):
    list_display = ["window", "department"]
    raw_id_fields = ["window", "department"]


@admin.register(HandledCount)
class HandledCountAdmin(AuditedModelAdmin):
    list_display = ["centre", "service_item", "month", "count"]
    raw_id_fields = ["centre", "service_item"]
