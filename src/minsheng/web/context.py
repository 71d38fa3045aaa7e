"""Navigation by role: only links the user may follow (the server checks again on each)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from minsheng.accounts.access import AUDIT_ROLES, USER_ADMIN_ROLES, user_scope


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    url: str
    name: str


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {"nav_items": []}
    scope = user_scope(user)
    items = [NavItem(_("首页"), reverse("home"), "home")]
    if scope.region is not None:
        items.append(
            NavItem(_("地区"), reverse("region_detail", args=[scope.region.code]), "regions")
        )
    if scope.organisation is not None:
        items.append(
            NavItem(
                _("本机构"), reverse("organisation_detail", args=[scope.organisation.pk]), "org"
            )
        )
    if scope.everything or scope.region is not None:
        items.append(NavItem(_("对标组"), reverse("peer_group_list"), "peer_groups"))
    if scope.everything or getattr(user, "role", "") in USER_ADMIN_ROLES:
        items.append(NavItem(_("账号管理"), reverse("user_list"), "users"))
    if scope.everything or getattr(user, "role", "") in AUDIT_ROLES:
        items.append(NavItem(_("审计日志"), reverse("audit_list"), "audit"))
    items.append(NavItem(_("API 文档"), reverse("api-1.0.0:openapi-view"), "api"))
    if user.is_superuser:
        items.append(NavItem(_("管理后台"), reverse("admin:index"), "admin"))
    path = request.path
    current = max(
        (i for i in items if path.startswith(i.url)), key=lambda i: len(i.url), default=None
    )
    return {"nav_items": items, "nav_current": current.name if current else "", "user_scope": scope}
