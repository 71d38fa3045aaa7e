from __future__ import annotations

from django.contrib import admin

from minsheng.audit.admin import AuditedModelAdmin
from minsheng.orgs.models import Organisation, PeerGroup, Region, Staff, Window


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "province", "city", "county", "township"]
    readonly_fields = ["province", "city", "county", "township"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "region", "centre_level", "is_active"]
    list_filter = ["kind", "centre_level", "is_active"]
    search_fields = ["name", "key", "region__name"]
    raw_id_fields = ["region"]


@admin.register(Window)
class WindowAdmin(AuditedModelAdmin):
    list_display = ["centre", "number", "name", "is_active"]
    search_fields = ["name", "centre__name"]
    raw_id_fields = ["centre"]


@admin.register(Staff)
class StaffAdmin(AuditedModelAdmin):
    list_display = ["staff_no", "name", "centre", "window", "is_active"]
    search_fields = ["staff_no", "name", "centre__name"]
    raw_id_fields = ["centre", "window", "user"]


@admin.register(PeerGroup)
class PeerGroupAdmin(AuditedModelAdmin):
    list_display = ["name", "level", "owner"]
    search_fields = ["name", "key"]
    raw_id_fields = ["owner"]
    filter_horizontal = ["members"]
