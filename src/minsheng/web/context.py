"""Navigation by role: only links the user may follow (the server checks again on each)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from minsheng.accounts.access import AUDIT_ROLES, USER_ADMIN_ROLES, user_scope
from minsheng.accounts.models import Role
from minsheng.assess.models import Scheme
from minsheng.hotline.access import can_read_hotline
from minsheng.indicators.access import RESULTS_ROLES
from minsheng.inspections.models import Visit
from minsheng.notify.services import unread_count
from minsheng.orgs.models import OrgKind
from minsheng.reviews.access import can_see_integrity
from minsheng.web.todo import todo_count

CASE_ROLES = frozenset({Role.DEPARTMENT_REPORTER, Role.WINDOW_STAFF})
INSPECTION_ROLES = frozenset({Role.QUALITY_OFFICE, Role.LEADER})
REPORT_ROLES = frozenset({Role.QUALITY_OFFICE, Role.LEADER, Role.REGION_OFFICER})
SUPERVISION_ROLES = frozenset(
    {Role.QUALITY_OFFICE, Role.LEADER, Role.REGION_OFFICER, Role.DEPARTMENT_REPORTER}
)


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    url: str
    name: str
    section: str  # paths starting with this belong to the item ("" = the home page only)

    def holds(self, path: str) -> bool:
        return path == self.url if not self.section else path.startswith(self.section)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {"nav_items": []}
    scope = user_scope(user)
    items = [NavItem(_("首页"), reverse("home"), "home", "")]
    if scope.region is not None:
        url = reverse("region_detail", args=[scope.region.code])
        items.append(NavItem(_("地区"), url, "regions", "/regions/"))
    if scope.organisation is not None:
        url = reverse("organisation_detail", args=[scope.organisation.pk])
        items.append(NavItem(_("本机构"), url, "org", "/organisations/"))
    role = getattr(user, "role", "")
    if (
        role == Role.WINDOW_STAFF
        and scope.organisation is not None
        and scope.organisation.kind == OrgKind.SERVICE_CENTRE
    ):
        items.append(NavItem(_("窗口评价器"), reverse("review_kiosk"), "kiosk", "/kiosk/"))
        url = reverse("halls_centre", args=[scope.organisation.pk])
        items.append(NavItem(_("本中心概况"), url, "centre", "/halls/centres/"))
        url = reverse("review_window_codes", args=[scope.organisation.pk])
        items.append(NavItem(_("评价二维码"), url, "codes", "/reviews/centres/"))
    if scope.everything or (scope.region is not None and role in RESULTS_ROLES):
        url = reverse("indicator_ranking")
        items.append(NavItem(_("指标监测"), url, "indicators", "/indicators/"))
    if role == Role.DEPARTMENT_REPORTER and scope.organisation is not None:
        url = reverse("indicator_forms")
        items.append(NavItem(_("指标填报"), url, "indicator_forms", "/indicators/forms/"))
        if scope.organisation.kind == OrgKind.DEPARTMENT:
            url = reverse("indicator_warnings")
            items.append(NavItem(_("本部门预警"), url, "warnings", "/indicators/warnings/"))
            url = reverse("poll_department")
            items.append(NavItem(_("本部门测评"), url, "poll_department", "/polls/department/"))
            url = reverse("catalog_declare")
            items.append(NavItem(_("事项申报"), url, "declare", "/catalog/declare/"))
            url = reverse("report_department")
            items.append(NavItem(_("部门情况"), url, "report_department", "/reports/department/"))
    if scope.everything or role in RESULTS_ROLES or role == Role.SURVEY_VENDOR:
        items.append(NavItem(_("满意度测评"), reverse("poll_list"), "polls", "/polls/"))
    if scope.everything or role in SUPERVISION_ROLES:
        items.append(
            NavItem(_("督办"), reverse("supervision_tasks"), "supervision", "/supervision/")
        )
    if can_see_integrity(user):
        url = reverse("review_integrity")
        items.append(NavItem(_("数据核查"), url, "integrity", "/reviews/integrity/"))
    if scope.everything or (scope.region is not None and role in RESULTS_ROLES):
        items.append(NavItem(_("事项清单"), reverse("catalog_items"), "catalog", "/catalog/"))
        url = reverse("halls_applications")
        items.append(NavItem(_("办件统计"), url, "halls", "/halls/"))
        items.append(NavItem(_("考核"), reverse("assess_list"), "assess", "/assess/"))
    elif user.pk and (
        Scheme.objects.filter(assessors=user.pk).exists()  # a 专业评价 assessor
        or (  # a department its region's departments scheme assesses
            scope.organisation is not None
            and scope.organisation.kind == OrgKind.DEPARTMENT
            and Scheme.objects.filter(
                units="departments", region_id=scope.organisation.region_id
            ).exists()
        )
    ):
        items.append(NavItem(_("考核"), reverse("assess_list"), "assess", "/assess/"))
    if scope.everything or (scope.region is not None and role in REPORT_ROLES):
        items.append(NavItem(_("驾驶舱"), reverse("cockpit"), "cockpit", "/cockpit/"))
        items.append(NavItem(_("报告"), reverse("report_list"), "reports", "/reports/"))
    if scope.everything or role in INSPECTION_ROLES:
        url = reverse("inspection_list")
        items.append(NavItem(_("明察暗访"), url, "inspections", "/inspections/"))
    elif user.pk and Visit.objects.filter(inspector=user.pk).exists():  # an assigned inspector
        url = reverse("inspection_mine")
        items.append(NavItem(_("我的检查"), url, "inspections", "/inspections/"))
    if can_read_hotline(user):
        items.append(NavItem(_("12345热线"), reverse("hotline_orders"), "hotline", "/hotline/"))
    if scope.everything or scope.region is not None or role in CASE_ROLES:
        url = reverse("review_inbox")
        items.append(NavItem(_("好差评"), url, "reviews", "/reviews/"))
    if scope.everything or scope.region is not None:
        url = reverse("peer_group_list")
        items.append(NavItem(_("对标组"), url, "peer_groups", "/peer-groups/"))
    if scope.everything or getattr(user, "role", "") in USER_ADMIN_ROLES:
        items.append(NavItem(_("账号管理"), reverse("user_list"), "users", "/accounts/users/"))
    if scope.everything or getattr(user, "role", "") in AUDIT_ROLES:
        items.append(NavItem(_("审计日志"), reverse("audit_list"), "audit", "/audit/"))
    if scope.everything or role in USER_ADMIN_ROLES:  # those who issue API clients
        items.append(NavItem(_("API 文档"), reverse("api-1.0.0:openapi-view"), "api", "/api/"))
    if user.is_superuser:
        items.append(NavItem(_("管理后台"), reverse("admin:index"), "admin", "/admin/"))
    current = next((i.name for i in items if i.holds(request.path)), "")
    return {
        "nav_items": items,
        "nav_current": current,
        "user_scope": scope,
        "todo_count": todo_count(user),
        "unread_count": unread_count(user),
    }
