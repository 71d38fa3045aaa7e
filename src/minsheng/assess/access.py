"""Who may do what with assessments: the quality office (and administrators) edit schemes, run
and confirm them in their region; leaders see every result of their region; a region officer
sees a confirmed run's ranking only, with their own unit's components; so do a department's
people, in the schemes that assess their region's departments."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from minsheng.accounts.access import can_administer, regions_visible, require_signed_in, user_scope
from minsheng.accounts.models import Role
from minsheng.assess.models import Run, Scheme, UnitKind
from minsheng.orgs.models import OrgKind, Region


def schemes_visible(user: Any) -> QuerySet[Scheme]:
    """Schemes of regions the user sees (office, leaders and officers), and for a department's
    people the schemes that assess their region's departments."""
    scope = user_scope(user)
    role = getattr(user, "role", None)
    org = scope.organisation
    assessing_me = (
        Scheme.objects.filter(units=UnitKind.DEPARTMENTS, region_id=org.region_id)
        if org is not None and org.kind == OrgKind.DEPARTMENT
        else Scheme.objects.none()
    )
    if not (scope.everything or role in (Role.QUALITY_OFFICE, Role.LEADER, Role.REGION_OFFICER)):
        return assessing_me
    visible = regions_visible(user)
    # Officers of a unit see the schemes that assess it: those of their region's parent.
    parents = Region.objects.filter(pk__in=visible.values("parent_id"))
    above = Scheme.objects.filter(region__in=parents, units=UnitKind.REGIONS)
    return Scheme.objects.filter(region__in=visible) | above | assessing_me


def access_scoring(user: Any, scheme_id: int) -> Scheme:
    """A scheme the user is a named 专业评价 assessor of (404 / 403 otherwise)."""
    require_signed_in(user)
    scheme = Scheme.objects.filter(pk=scheme_id).select_related("region").first()
    if scheme is None:
        raise Http404("no such scheme")
    if not scheme.assessors.filter(pk=user.pk).exists():
        raise PermissionDenied("only the scheme's named assessors score")
    return scheme


def access_run(user: Any, run_id: int) -> tuple[Run, str | None]:
    """The run and, for the people of one unit, that unit's code (they see its row alone; "" when
    they are no unit of it); 404 for no such run, 403 outside the scope or unconfirmed for a
    unit."""
    require_signed_in(user)
    run = Run.objects.filter(pk=run_id).select_related("scheme", "scheme__region").first()
    if run is None:
        raise Http404("no such run")
    if not schemes_visible(user).filter(pk=run.scheme_id).exists():
        raise PermissionDenied("run outside the user's scope")
    scope = user_scope(user)
    manages = can_administer(user) or getattr(user, "role", None) == Role.LEADER
    if manages and regions_visible(user).filter(pk=run.scheme.region_id).exists():
        return run, None
    if run.confirmed_at is None:
        raise PermissionDenied("a unit sees its results once confirmed")
    org = scope.organisation
    if run.scheme.units == UnitKind.DEPARTMENTS:
        return run, org.key if org is not None and org.kind == OrgKind.DEPARTMENT else ""
    return run, scope.region.code if scope.region is not None else ""
