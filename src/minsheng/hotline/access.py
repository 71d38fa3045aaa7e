"""Who sees which work orders: a dispatcher (热线派单员) every order of their city, and routes
them; the quality office and leaders the orders of their region's subtree (read only); a
department or a township's government the orders dispatched to it. Callers' names and numbers
are shown masked to everyone; only a dispatcher may reveal one, and that is audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from minsheng.accounts.access import require_signed_in, user_scope
from minsheng.accounts.models import Role
from minsheng.hotline.models import WorkOrder
from minsheng.orgs.models import Organisation, OrgKind, Region

READERS = frozenset({Role.QUALITY_OFFICE, Role.LEADER})
UNIT_KINDS = frozenset({OrgKind.DEPARTMENT, OrgKind.GOVERNMENT})


def dispatcher_city(user: Any) -> Region | None:
    """The city whose hotline the user dispatches for (None if they are no dispatcher)."""
    scope = user_scope(user)
    org = scope.organisation
    if getattr(user, "role", None) != Role.DISPATCHER or org is None:
        return None
    if org.kind != OrgKind.HOTLINE:
        return None
    return org.region.city or org.region


def handling_unit(user: Any) -> Organisation | None:
    """The department or government whose orders the user handles."""
    org = user_scope(user).organisation
    if org is None or org.kind not in UNIT_KINDS:
        return None
    if getattr(user, "role", None) not in (Role.DEPARTMENT_REPORTER, Role.REGION_OFFICER):
        return None
    return org


def orders_visible(user: Any) -> QuerySet[WorkOrder]:
    scope = user_scope(user)
    if scope.everything:
        return WorkOrder.objects.all()
    city = dispatcher_city(user)
    if city is not None:
        return WorkOrder.objects.filter(city=city)
    role = getattr(user, "role", None)
    if role in READERS and scope.region is not None:
        region = scope.region
        # Orders placed in the subtree, and (for a city or province) those not placed yet.
        inside = Q(**region.subtree_filter("region__")) | Q(**region.subtree_filter("city__"))
        return WorkOrder.objects.filter(inside)
    unit = handling_unit(user)
    if unit is not None:
        return WorkOrder.objects.filter(unit=unit)
    return WorkOrder.objects.none()


def can_read_hotline(user: Any) -> bool:
    scope = user_scope(user)
    return bool(
        scope.everything
        or dispatcher_city(user) is not None
        or (getattr(user, "role", None) in READERS and scope.region is not None)
        or handling_unit(user) is not None
    )


def access_order(user: Any, order_id: int) -> WorkOrder:
    """The order if the user may see it (404 when there is none, 403 outside the scope)."""
    require_signed_in(user)
    order = (
        WorkOrder.objects.filter(pk=order_id)
        .select_related(
            "city", "region", "unit", "category", "centre", "service_item", "merged_into"
        )
        .first()
    )
    if order is None:
        raise Http404("no such order")
    if not orders_visible(user).filter(pk=order.pk).exists():
        raise PermissionDenied("order outside the user's scope")
    return order


def require_dispatcher(user: Any) -> Region:
    """The dispatcher's city; 403 for anyone else (administrators: the first city)."""
    require_signed_in(user)
    city = dispatcher_city(user)
    if city is not None:
        return city
    if user_scope(user).everything:
        first = Region.objects.filter(level=2).order_by("code").first()
        if first is not None:
            return first
    raise PermissionDenied("only the hotline's dispatchers route orders")
