"""Who may read a region's hall figures (大厅指标, 办件统计): the quality office, leaders and
region officers within their region's subtree, administrators everywhere, machine clients with
``halls:read`` within their organisation's region; and who may report application records:
machine clients with ``applications:write`` (a centre's for itself), the quality office and
administrators by file."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from minsheng.accounts.access import regions_visible, require_signed_in, user_scope
from minsheng.accounts.models import ApiClient, ApiScope
from minsheng.core.roles import Role
from minsheng.indicators.access import RESULTS_ROLES
from minsheng.orgs.models import Region


def halls_region(principal: Any, code: str | None) -> Region:
    """The region asked for (the principal's own when none), if the principal may read its hall
    figures; 403 outside the scope, 404 for no such region."""
    require_signed_in(principal)
    scope = user_scope(principal)
    if isinstance(principal, ApiClient):
        if ApiScope.READ_HALLS not in principal.scopes:
            raise PermissionDenied("this client lacks the scope 'halls:read'")
    elif not scope.everything and (
        scope.region is None or getattr(principal, "role", None) not in RESULTS_ROLES
    ):
        raise PermissionDenied("hall figures are for the office, leaders and region officers")
    wanted = code or (scope.region.code if scope.region else "")
    region = Region.objects.filter(code=wanted).first()
    if region is None:
        raise Http404("no such region")
    if not regions_visible(principal).filter(pk=region.pk).exists():
        raise PermissionDenied("region outside the scope")
    return region


def can_import_applications(user: Any) -> bool:
    scope = user_scope(user)
    return scope.everything or (
        scope.region is not None and getattr(user, "role", None) == Role.QUALITY_OFFICE
    )
