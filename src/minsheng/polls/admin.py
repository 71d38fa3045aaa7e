from __future__ import annotations

from django.contrib import admin

from minsheng.audit.admin import AuditedModelAdmin
from minsheng.polls.models import Item, Poll, Questionnaire


class ItemInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Item
    extra = 0
    raw_id_fields = ["organisation"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(AuditedModelAdmin):
    list_display = ["name", "version", "frozen"]
    inlines = [ItemInline]


@admin.register(Poll)
class PollAdmin(AuditedModelAdmin):
    list_display = ["name", "round", "region", "vendor", "state"]
    raw_id_fields = ["region", "vendor", "previous"]
