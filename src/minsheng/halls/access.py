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
from minsheng.orgs.models import Organisation, OrgKind, Region


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


def can_edit_profile(user: Any, centre: Organisation) -> bool:
    """The quality office of a region containing the centre, or the centre's own staff."""
    scope = user_scope(user)
    if scope.everything:
        return True
    if getattr(user, "role", None) == Role.WINDOW_STAFF:
        return scope.organisation is not None and scope.organisation.pk == centre.pk
    return (
        getattr(user, "role", None) == Role.QUALITY_OFFICE
        and regions_visible(user).filter(pk=centre.region_id).exists()
    )


def access_centre(user: Any, centre_id: int) -> Organisation:
    """A service centre whose profile the user may see: readers of hall figures in their region,
    and the centre's own staff; 404 for no such centre, 403 outside the scope."""
    require_signed_in(user)
    centre = Organisation.objects.filter(pk=centre_id, kind=OrgKind.SERVICE_CENTRE).first()
    if centre is None:
        raise Http404("no such centre")
    if can_edit_profile(user, centre):
        return centre
    scope = user_scope(user)
    readers = scope.region is not None and getattr(user, "role", None) in RESULTS_ROLES
    if readers and regions_visible(user).filter(pk=centre.region_id).exists():
        return centre
    raise PermissionDenied("centre outside the user's scope")
