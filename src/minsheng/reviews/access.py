"""Who may see and act on ratings and their rectification cases.

- Cases: the handling department's reporter and the staff of the centre where the rating was
  given see and act for the department (verify, confirm, appeal, answer); the quality office,
  leaders and region officers see the cases of their region's subtree and the quality office
  decides appeals and closes cases; admins everything.
- Statistics: the quality office, leaders and region officers of a region (its subtree); a
  department reporter its department's ratings, window staff their centre's.
- The public disclosure page and the rating pages for citizens need no login.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from minsheng.accounts.access import require_signed_in, user_scope
from minsheng.accounts.models import ApiClient, ApiScope, Role
from minsheng.orgs.models import Organisation, OrgKind, Region
from minsheng.reviews.models import IntegrityFlag, RectificationCase

STATS_ROLES = frozenset({Role.QUALITY_OFFICE, Role.LEADER, Role.REGION_OFFICER})


def cases_visible(user: Any) -> QuerySet[RectificationCase]:
    require_signed_in(user)
    scope = user_scope(user)
    cases = RectificationCase.objects.all()
    if isinstance(user, ApiClient) and ApiScope.READ_RATINGS not in user.scopes:
        return cases.none()  # a machine reads cases only with ratings:read
    if scope.everything:
        return cases
    role = getattr(user, "role", "")
    if scope.region is not None:
        return cases.filter(**scope.region.subtree_filter("rating__centre__region__"))
    org = scope.organisation
    if org is None:
        return cases.none()
    if role == Role.DEPARTMENT_REPORTER and org.kind == OrgKind.DEPARTMENT:
        return cases.filter(department=org)
    if role == Role.WINDOW_STAFF and org.kind == OrgKind.SERVICE_CENTRE:
        return cases.filter(rating__centre=org)
    return cases.none()


def access_case(user: Any, case_id: int) -> RectificationCase:
    case = (
        RectificationCase.objects.select_related("rating", "rating__centre", "department")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404("no such case")
    if not cases_visible(user).filter(pk=case.pk).exists():
        raise PermissionDenied("case outside the user's scope")
    return case


def case_roles(user: Any, case: RectificationCase) -> set[str]:
    """What the user may do on a case they can see: "department" and/or "office"."""
    scope = user_scope(user)
    role = getattr(user, "role", "")
    roles: set[str] = set()
    if scope.everything:
        return {"department", "office"}
    org = scope.organisation
    if org is not None and (
        (role == Role.DEPARTMENT_REPORTER and case.department_id == org.pk)
        or (role == Role.WINDOW_STAFF and case.rating.centre_id == org.pk)
    ):
        roles.add("department")
    if role == Role.QUALITY_OFFICE and scope.region is not None:
        roles.add("office")
    return roles


def stats_root(user: Any) -> Region:
    """The region whose rating statistics the user reads."""
    require_signed_in(user)
    scope = user_scope(user)
    if scope.everything:
        root = Region.objects.filter(parent=None).order_by("code").first()
        if root is None:
            raise Http404("no regions yet")
        return root
    reads = (
        ApiScope.READ_RATINGS in user.scopes
        if isinstance(user, ApiClient)
        else getattr(user, "role", None) in STATS_ROLES
    )
    if scope.region is None or not reads:
        raise PermissionDenied("no access to rating statistics")
    return scope.region


@dataclass(frozen=True, slots=True)
class StatsScope:
    """Whose ratings a user's statistics cover: a region's subtree, or within it only one
    department's or one service centre's ratings (their own results)."""

    root: Region
    organisation: Organisation | None = None

    @property
    def only(self) -> dict[str, Any]:
        """Filter keywords on ratings, beyond the region."""
        if self.organisation is None:
            return {}
        if self.organisation.kind == OrgKind.DEPARTMENT:
            return {"department": self.organisation}
        return {"centre": self.organisation}

    @property
    def title(self) -> str:
        return self.organisation.name if self.organisation is not None else self.root.name


def stats_scope(user: Any) -> StatsScope:
    """Region-wide readers (quality office, leaders, region officers) read their subtree; a
    department reporter reads its department's ratings across its city; window staff their own
    centre's."""
    try:
        return StatsScope(stats_root(user))
    except PermissionDenied:
        scope = user_scope(user)
        org, role = scope.organisation, getattr(user, "role", "")
        if org is not None and role == Role.DEPARTMENT_REPORTER and org.kind == OrgKind.DEPARTMENT:
            return StatsScope(org.region.city or org.region, org)
        if org is not None and role == Role.WINDOW_STAFF and org.kind == OrgKind.SERVICE_CENTRE:
            return StatsScope(org.region, org)
        raise


def case_filter_for_inbox(state: str) -> Q:
    if state == "open":
        return Q(state__in=["open", "verifying", "rectifying", "appealed"])
    if state == "done":
        return Q(state__in=["answered", "closed", "untrue"])
    return Q()


def can_read_stats(user: Any) -> bool:
    try:
        stats_scope(user)
    except (PermissionDenied, Http404):
        return False
    return True


def integrity_root(user: Any) -> Region:
    """Integrity findings go to the quality office (and admins)."""
    root = stats_root(user)
    if not user_scope(user).everything and getattr(user, "role", None) != Role.QUALITY_OFFICE:
        raise PermissionDenied("integrity findings are for the quality office")
    return root


def findings_visible(user: Any) -> QuerySet[IntegrityFlag]:
    """The integrity findings of the quality office's region: on its centres' ratings, or on
    polls and figures of regions in its subtree."""
    root = integrity_root(user)
    return IntegrityFlag.objects.filter(
        Q(**root.subtree_filter("centre__region__")) | Q(**root.subtree_filter("region__"))
    )


def access_finding(user: Any, flag_id: int) -> IntegrityFlag:
    flag = findings_visible(user).filter(pk=flag_id).first()
    if flag is None:
        raise Http404("no such finding")
    return flag


def can_see_integrity(user: Any) -> bool:
    try:
        integrity_root(user)
    except (PermissionDenied, Http404):
        return False
    return True
