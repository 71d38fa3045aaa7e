"""Who may see and change what in indicator monitoring (built on ``accounts.access``).

- Results (ranks, scorecards, warnings): the quality office and leaders of a region see its
  whole subtree; a region officer sees the rows of its own region (ranked among its peers);
  admins everything. A department reporter sees the warnings of the indicators its department
  leads, across its region; window staff and vendors see no results pages.
- An indicator's page: results users, and the reporter of its lead department.
- The catalog is changed by the quality office (and admins); collection forms belong to the
  reporting organisation; submissions are reviewed by the quality office of a region above it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from minsheng.accounts.access import (
    can_administer,
    organisations_visible,
    regions_visible,
    require_signed_in,
    user_scope,
)
from minsheng.accounts.models import ApiClient, ApiScope, Role
from minsheng.indicators.models import Indicator, Submission
from minsheng.orgs.models import OrgKind, Region

RESULTS_ROLES = frozenset({Role.QUALITY_OFFICE, Role.LEADER, Role.REGION_OFFICER})


def reads_results(principal: Any) -> bool:
    """A person in a results role, or a machine client holding ``indicators:read`` (which
    reads its organisation's region subtree, like a leader)."""
    if isinstance(principal, ApiClient):
        return ApiScope.READ_INDICATORS in principal.scopes
    return getattr(principal, "role", None) in RESULTS_ROLES


def lead_department(user: Any) -> Any:
    """The department a department reporter reports for (it reads the warnings of the
    indicators it leads, across its region); None for everyone else."""
    org = getattr(user, "organisation", None)
    if getattr(user, "role", None) == Role.DEPARTMENT_REPORTER and org is not None:
        return org if org.kind == OrgKind.DEPARTMENT else None
    return None


def results_root(user: Any, *, departments: bool = False) -> Region:
    """The region whose results the user reads; refuses everyone without results access.
    Admins read from the first province. With ``departments`` a department reporter reads its
    department's region (the caller limits the rows to the indicators it leads)."""
    require_signed_in(user)
    scope = user_scope(user)
    if scope.everything:
        root = Region.objects.filter(parent=None).order_by("code").first()
        if root is None:
            raise Http404("no regions yet")
        return root
    department = lead_department(user) if departments else None
    if department is not None:
        region: Region = department.region
        return region
    if scope.region is None or not reads_results(user):
        raise PermissionDenied("no access to indicator results")
    return scope.region


def visible_region_ids(user: Any) -> set[int]:
    return set(regions_visible(user).values_list("pk", flat=True))


def access_result_region(user: Any, code: str) -> Region:
    """A region whose scorecard the user may read."""
    results_root(user)
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404("no such region")
    if not regions_visible(user).filter(pk=region.pk).exists():
        raise PermissionDenied("region outside the user's scope")
    return region


def indicators_visible(user: Any) -> Any:
    """Indicators whose pages the user may open."""
    require_signed_in(user)
    scope = user_scope(user)
    active = Indicator.objects.select_related("category")
    if scope.everything:
        return active
    if scope.region is not None and reads_results(user):
        return active
    org = scope.organisation
    if org is not None and org.kind == OrgKind.DEPARTMENT:
        return active.filter(lead_department=org)
    return active.none()


def access_indicator(user: Any, code: str) -> Indicator:
    indicator = Indicator.objects.select_related("category", "lead_department").filter(code=code)
    found = indicator.first()
    if found is None:
        raise Http404("no such indicator")
    if not indicators_visible(user).filter(pk=found.pk).exists():
        raise PermissionDenied("indicator outside the user's scope")
    return found


def require_catalog_editor(user: Any) -> None:
    if not can_administer(user):
        raise PermissionDenied("only the quality office changes the catalog")


def catalog_owner(user: Any) -> Any:
    """The region whose catalog entries the user maintains (and to which the entries it creates
    belong); None for a platform administrator, who may change every entry."""
    require_catalog_editor(user)
    scope = user_scope(user)
    if scope.everything:
        return None
    if scope.region is None:
        raise PermissionDenied("the catalog is maintained for a region")
    return scope.region


def benchmark_regions(user: Any, *, write: bool) -> tuple[Region, Region | None]:
    """Where the user's provincial figures live: (its province, its own city or county — the
    region whose published rank it enters; None for a platform administrator). Reading: results
    users and clients with ``indicators:read``; writing: the quality office (and admins), and
    clients with ``benchmarks:write``."""
    require_signed_in(user)
    scope = user_scope(user)
    if scope.everything:
        province = Region.objects.filter(parent=None).order_by("code").first()
        if province is None:
            raise Http404("no regions yet")
        return province, None
    region: Region | None
    if isinstance(user, ApiClient):
        needed = ApiScope.WRITE_BENCHMARKS if write else ApiScope.READ_INDICATORS
        if needed not in user.scopes:
            raise PermissionDenied(f"this client lacks the scope {needed.value!r}")
        region = user.organisation.region
    else:
        if write:
            require_catalog_editor(user)
        elif not reads_results(user):
            raise PermissionDenied("no access to indicator results")
        region = scope.region
    if region is None:
        raise PermissionDenied("provincial figures are kept for a region")
    province = region.province or region
    return province, (region if region.pk != province.pk else None)


def reporting_organisation(user: Any) -> Any:
    """The organisation the user reports for: a department reporter's own department."""
    require_signed_in(user)
    scope = user_scope(user)
    org = scope.organisation
    if (
        org is None
        or getattr(user, "role", None) != Role.DEPARTMENT_REPORTER
        or org.kind != OrgKind.DEPARTMENT
    ):
        raise PermissionDenied("only a department reporter fills in forms")
    return org


def can_review(user: Any) -> bool:
    return can_administer(user)


def submissions_reviewable(user: Any) -> Any:
    if not can_review(user):
        raise PermissionDenied("only the quality office reviews submissions")
    return Submission.objects.filter(organisation__in=organisations_visible(user))


def access_submission_review(user: Any, submission_id: int) -> Submission:
    sub = Submission.objects.select_related("organisation").filter(pk=submission_id).first()
    if sub is None:
        raise Http404("no such submission")
    if not submissions_reviewable(user).filter(pk=sub.pk).exists():
        raise PermissionDenied("submission outside the user's scope")
    return sub


def target_region_codes(user: Any) -> set[str]:
    """Regions a catalog import may set targets for: the user's subtree and the regions above
    it (a city keeps the provincial targets that apply to it in its own catalog)."""
    require_catalog_editor(user)
    codes = set(regions_visible(user).values_list("code", flat=True))
    region = user_scope(user).region
    if region is not None:
        codes |= {r.code for r in (region.province, region.city, region.county) if r is not None}
    return codes
