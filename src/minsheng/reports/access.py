"""Who reads and makes reports: the quality office and leaders of a region for its subtree,
region officers for their own region; the office keeps its region's Word templates."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from minsheng.accounts.access import access_region, require_signed_in, user_scope
from minsheng.accounts.models import Role
from minsheng.orgs.models import Region
from minsheng.reports.models import Report

READERS = frozenset({Role.QUALITY_OFFICE, Role.LEADER, Role.REGION_OFFICER})


def can_report(user: Any) -> bool:
    scope = user_scope(user)
    return scope.everything or (scope.region is not None and getattr(user, "role", None) in READERS)


def report_region(user: Any, code: str | None) -> Region:
    """A region the user may report on (their own by default): the office and leaders any in
    their subtree, an officer their own."""
    require_signed_in(user)
    if not can_report(user):
        raise PermissionDenied("reports are for the office, leaders and region officers")
    scope = user_scope(user)
    if not code:
        if scope.region is None:
            root = Region.objects.filter(parent=None).order_by("code").first()
            if root is None:
                raise Http404("no regions")
            return root
        return scope.region
    region = access_region(user, code)
    if getattr(user, "role", None) == Role.REGION_OFFICER and region != scope.region:
        raise PermissionDenied("an officer reports on their own region")
    return region


def reports_visible(user: Any) -> QuerySet[Report]:
    if not can_report(user):
        return Report.objects.none()
    scope = user_scope(user)
    if scope.everything:
        return Report.objects.all()
    if scope.region is None:
        return Report.objects.none()
    if getattr(user, "role", None) == Role.REGION_OFFICER:
        return Report.objects.filter(region=scope.region)
    return Report.objects.filter(**scope.region.subtree_filter("region__"))


def access_report(user: Any, report_id: int) -> Report:
    require_signed_in(user)
    report = Report.objects.filter(pk=report_id).select_related("region").first()
    if report is None:
        raise Http404("no such report")
    if not reports_visible(user).filter(pk=report.pk).exists():
        raise PermissionDenied("report outside the user's scope")
    return report
