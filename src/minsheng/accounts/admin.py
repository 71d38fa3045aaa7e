from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.models import ApiClient, User
from minsheng.accounts.services import user_password_set_by_admin
from minsheng.audit.admin import AuditedModelAdmin


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin[User]):
    list_display = ["username", "display_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["username", "display_name", "organisation__name"]
    raw_id_fields = ["organisation"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("民生"), {"fields": ("display_name", "organisation", "role")}),
    )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user_password_set_by_admin(actor=request.user, user_id=int(id))
        return response


@admin.register(ApiClient)
class ApiClientAdmin(AuditedModelAdmin):
    """Clients are issued with `minsheng apiclient issue` (the token is shown once);
    here they can be inspected and revoked."""

    list_display = ["name", "organisation", "channel", "token_prefix", "last_used_at", "revoked_at"]
    readonly_fields = ["token_prefix", "token_hash", "created_at", "last_used_at"]
    raw_id_fields = ["organisation"]

    def has_add_permission(self, request: object) -> bool:
        return False
