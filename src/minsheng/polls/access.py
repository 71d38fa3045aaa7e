"""Who may see a poll and upload its fieldwork.

- The quality office, leaders and region officers see the polls of their city (a county's
  officer reads the rows of its own subtree); admins everything.
- A polling vendor sees and uploads to its own polls only.
- Uploading: the poll's vendor, or the quality office of the poll's region.
- Questionnaires: the quality office sees its own, those of the regions above and shared ones,
  and edits its own.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from minsheng.accounts.access import require_signed_in, user_scope
from minsheng.accounts.models import Role
from minsheng.orgs.models import OrgKind
from minsheng.polls.models import Poll, Questionnaire

RESULTS_ROLES = frozenset({Role.QUALITY_OFFICE, Role.LEADER, Role.REGION_OFFICER})


def polls_visible(user: Any) -> QuerySet[Poll]:
    require_signed_in(user)
    scope = user_scope(user)
    polls = Poll.objects.select_related("region", "vendor", "questionnaire")
    if scope.everything:
        return polls
    role = getattr(user, "role", "")
    if scope.region is not None and role in RESULTS_ROLES:
        region = scope.region
        above = [pk for pk in (region.province_id, region.city_id, region.county_id) if pk]
        return polls.filter(Q(**region.subtree_filter("region__")) | Q(region_id__in=above))
    org = scope.organisation
    if org is not None and role == Role.SURVEY_VENDOR and org.kind == OrgKind.VENDOR:
        return polls.filter(vendor=org)
    return polls.none()


def access_poll(user: Any, poll_id: int) -> Poll:
    poll = Poll.objects.filter(pk=poll_id).first()
    if poll is None:
        raise Http404("no such poll")
    if not polls_visible(user).filter(pk=poll.pk).exists():
        raise PermissionDenied("poll outside the user's scope")
    return poll


def can_upload(user: Any, poll: Poll) -> bool:
    scope = user_scope(user)
    if scope.everything:
        return True
    role = getattr(user, "role", "")
    if role == Role.SURVEY_VENDOR:
        return scope.organisation is not None and poll.vendor_id == scope.organisation.pk
    if role == Role.QUALITY_OFFICE and scope.region is not None:
        return poll.region.pk == scope.region.pk or scope.region.pk in {
            poll.region.province_id,
            poll.region.city_id,
        }
    return False


def can_open_or_close(user: Any, poll: Poll) -> bool:
    """The quality office that runs the poll ends a round (results published) or reopens it."""
    scope = user_scope(user)
    if scope.everything:
        return True
    return (
        getattr(user, "role", "") == Role.QUALITY_OFFICE
        and scope.region is not None
        and poll.region_id == scope.region.pk
    )


def access_upload(user: Any, poll_id: int) -> Poll:
    poll = access_poll(user, poll_id)
    if not can_upload(user, poll):
        raise PermissionDenied("only the poll's vendor or quality office uploads fieldwork")
    return poll


def can_read_results(user: Any) -> bool:
    scope = user_scope(user)
    return scope.everything or getattr(user, "role", "") in RESULTS_ROLES


def access_links(user: Any, poll_id: int) -> Poll:
    """Online answering links are made by the quality office of the poll's region."""
    poll = access_poll(user, poll_id)
    if getattr(user, "role", "") == Role.SURVEY_VENDOR or not can_upload(user, poll):
        raise PermissionDenied("only the quality office makes answering links")
    return poll


def poll_creator_region(user: Any) -> Any:
    """The region a user may start polls in: the quality office's own (admins: the first city)."""
    require_signed_in(user)
    scope = user_scope(user)
    if scope.everything:
        from minsheng.orgs.models import Region, RegionLevel

        city = Region.objects.filter(level=RegionLevel.CITY).order_by("code").first()
        if city is None:
            raise Http404("no city yet")
        return city
    if getattr(user, "role", "") != Role.QUALITY_OFFICE or scope.region is None:
        raise PermissionDenied("polls are set up by the quality office")
    return scope.region


def can_create_polls(user: Any) -> bool:
    try:
        poll_creator_region(user)
    except (PermissionDenied, Http404):
        return False
    return True


def questionnaires_visible(user: Any) -> QuerySet[Questionnaire]:
    """The quality office's own questionnaires, those of the regions above it, and shared ones
    (no region); admins see all. Other roles none."""
    require_signed_in(user)
    scope = user_scope(user)
    questionnaires = Questionnaire.objects.select_related("region")
    if scope.everything:
        return questionnaires
    if getattr(user, "role", "") == Role.SURVEY_VENDOR and scope.organisation is not None:
        # A vendor reads (never edits) the questionnaires of the polls it runs.
        return questionnaires.filter(polls__vendor=scope.organisation).distinct()
    if getattr(user, "role", "") != Role.QUALITY_OFFICE or scope.region is None:
        return questionnaires.none()
    region = scope.region
    above = [pk for pk in (region.province_id, region.city_id) if pk]
    return questionnaires.filter(
        Q(region__isnull=True) | Q(region_id=region.pk) | Q(region_id__in=above)
    )


def access_questionnaire(user: Any, questionnaire_id: int, *, edit: bool = False) -> Questionnaire:
    """Reading: any visible questionnaire. Editing: only the owning region's quality office
    (shared ones: admins)."""
    questionnaire = Questionnaire.objects.filter(pk=questionnaire_id).first()
    if questionnaire is None:
        raise Http404("no such questionnaire")
    if not questionnaires_visible(user).filter(pk=questionnaire.pk).exists():
        raise PermissionDenied("questionnaire outside the user's scope")
    if edit and not can_edit_questionnaire(user, questionnaire):
        raise PermissionDenied("only the owning quality office edits a questionnaire")
    return questionnaire


def can_edit_questionnaire(user: Any, questionnaire: Questionnaire) -> bool:
    scope = user_scope(user)
    if scope.everything:
        return True
    return (
        getattr(user, "role", "") == Role.QUALITY_OFFICE
        and scope.region is not None
        and questionnaire.region_id == scope.region.pk
    )
