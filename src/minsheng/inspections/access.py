"""Who may do what with inspections: the quality office plans rounds, edits checklists and
hands findings on in its region; leaders read the rounds of their region; an inspector sees and
fills in the visits assigned to them, and nothing else — above all not the other visits of the
round, which stay unannounced."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from minsheng.accounts.access import (
    office_region,
    regions_visible,
    require_signed_in,
    user_scope,
)
from minsheng.accounts.models import ApiClient, Role
from minsheng.inspections.models import Checklist, Plan, Visit


def plans_readable(user: Any) -> QuerySet[Plan]:
    """Rounds whose report the user may read: the office and leaders of the plan's region or
    above (machine clients with ``assess:read`` likewise)."""
    if isinstance(user, ApiClient):
        scope = user_scope(user)
        if scope.everything:
            return Plan.objects.all()
        if scope.region is None:
            return Plan.objects.none()
        return Plan.objects.filter(**scope.region.subtree_filter("region__"))
    scope = user_scope(user)
    if not (scope.everything or getattr(user, "role", None) in (Role.QUALITY_OFFICE, Role.LEADER)):
        return Plan.objects.none()
    return Plan.objects.filter(region__in=regions_visible(user))


def access_plan(user: Any, plan_id: int) -> Plan:
    require_signed_in(user)
    plan = Plan.objects.filter(pk=plan_id).select_related("region").first()
    if plan is None:
        raise Http404("no such plan")
    if not plans_readable(user).filter(pk=plan.pk).exists():
        raise PermissionDenied("plan outside the user's scope")
    return plan


def manage_plan(user: Any, plan_id: int) -> Plan:
    """A plan of the office's region (the office changes it; leaders only read)."""
    region = office_region(user)
    plan = access_plan(user, plan_id)
    if not Plan.objects.filter(pk=plan.pk, **region.subtree_filter("region__")).exists():
        raise PermissionDenied("the office of another region")
    return plan


def access_visit(user: Any, visit_id: int) -> Visit:
    """A visit the user is the assigned inspector of (the office of its region may open it
    too, to read)."""
    require_signed_in(user)
    visit = (
        Visit.objects.filter(pk=visit_id)
        .select_related("plan", "plan__region", "site", "site__region", "inspector")
        .first()
    )
    if visit is None:
        raise Http404("no such visit")
    if visit.inspector_id is not None and visit.inspector_id == getattr(user, "pk", None):
        return visit
    if plans_readable(user).filter(pk=visit.plan_id).exists():
        return visit
    raise PermissionDenied("visit of another inspector")


def checklists_manageable(user: Any) -> QuerySet[Checklist]:
    region = office_region(user)
    return Checklist.objects.filter(region=region)
