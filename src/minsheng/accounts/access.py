"""Scope: what a user may see and change. Every view and endpoint asks here, on the server;
hiding a link is never the check.

- admin (superuser): everything.
- quality office, leader, region officer: the region subtree of their organisation's region
  (a city's quality office sees the whole city; a township officer its own township).
- department reporter, window staff, survey vendor: their own organisation only.

Gates named ``access_*`` return the object or raise ``PermissionDenied`` (403) for a signed-in
outsider and ``Http404`` for what does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from minsheng.accounts.models import ApiClient, ApiScope, Role, User
from minsheng.core.regions import AdminCode
from minsheng.core.roles import OrgKind as CoreKind
from minsheng.core.roles import Role as CoreRole
from minsheng.core.roles import role_fits
from minsheng.orgs.models import Organisation, PeerGroup, Region

M = TypeVar("M", bound=Model)

REGION_WIDE_ROLES = frozenset({Role.QUALITY_OFFICE, Role.LEADER, Role.REGION_OFFICER})
AUDIT_ROLES = frozenset({Role.QUALITY_OFFICE})


@dataclass(frozen=True, slots=True)
class Scope:
    """The resolved scope of one user: everything, a region subtree, or one organisation."""

    everything: bool
    region: Region | None  # root of the visible subtree, when region-wide
    organisation: Organisation | None  # the user's own organisation

    @property
    def nothing(self) -> bool:
        return not self.everything and self.region is None and self.organisation is None


REGION_WIDE_SCOPES = frozenset(
    {
        ApiScope.READ_REGIONS,
        ApiScope.READ_INDICATORS,
        ApiScope.READ_RATINGS,
        ApiScope.READ_SUPERVISION,
        ApiScope.READ_HALLS,
        ApiScope.READ_ASSESS,
        ApiScope.READ_REPORTS,
    }
)


def client_scope(client: ApiClient) -> Scope:
    """A machine client reads within its organisation's region subtree when it holds a
    region-wide read scope (``regions:read``, ``indicators:read``), and only its own
    organisation otherwise."""
    org = client.organisation
    if not client.is_active or not org.is_active:
        return Scope(everything=False, region=None, organisation=None)
    if REGION_WIDE_SCOPES & set(client.scopes):
        return Scope(everything=False, region=org.region, organisation=org)
    return Scope(everything=False, region=None, organisation=org)


def user_scope(user: Any) -> Scope:
    """The scope of a signed-in user or of an API client."""
    if isinstance(user, ApiClient):
        return client_scope(user)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(everything=False, region=None, organisation=None)
    if not isinstance(user, User):
        return Scope(everything=False, region=None, organisation=None)
    if user.is_superuser:
        return Scope(everything=True, region=None, organisation=user.organisation)
    org = user.organisation
    if org is None or not org.is_active:
        return Scope(everything=False, region=None, organisation=None)
    # A role that does not fit its organisation (set by hand in the admin) never widens scope.
    fits = user.role in Role.values and role_fits(CoreRole(user.role), CoreKind(org.kind))
    if user.role in REGION_WIDE_ROLES and fits:
        return Scope(everything=False, region=org.region, organisation=org)
    return Scope(everything=False, region=None, organisation=org)


def regions_visible(user: Any) -> QuerySet[Region]:
    scope = user_scope(user)
    if scope.everything:
        return Region.objects.all()
    if scope.region is not None:
        return Region.objects.filter(**scope.region.subtree_filter())
    return Region.objects.none()


def organisations_visible(user: Any) -> QuerySet[Organisation]:
    scope = user_scope(user)
    if scope.everything:
        return Organisation.objects.all()
    if scope.region is not None:
        return Organisation.objects.filter(**scope.region.subtree_filter("region__"))
    if scope.organisation is not None:
        return Organisation.objects.filter(pk=scope.organisation.pk)
    return Organisation.objects.none()


def _require_signed_in(user: Any) -> None:
    if not isinstance(user, ApiClient) and not getattr(user, "is_authenticated", False):
        raise PermissionDenied("not signed in")


require_signed_in = _require_signed_in  # for the gates of other apps


def _gate(found: M | None, visible: QuerySet[M], what: str) -> M:
    """404 for what does not exist, 403 for what exists outside ``visible``."""
    if found is None:
        raise Http404(f"no such {what}")
    if not visible.filter(pk=found.pk).exists():
        raise PermissionDenied(f"{what} outside the user's scope")
    return found


def access_region(user: Any, code: str) -> Region:
    """The region with ``code`` if the user may see it."""
    _require_signed_in(user)
    return _gate(Region.objects.filter(code=code).first(), regions_visible(user), "region")


def access_organisation(user: Any, org_id: int) -> Organisation:
    """The organisation with ``org_id`` if the user may see it."""
    _require_signed_in(user)
    org = Organisation.objects.select_related("region").filter(pk=org_id).first()
    return _gate(org, organisations_visible(user), "organisation")


def audit_region_filter(user: Any) -> Q:
    """The filter on audit rows a user may browse; refuses roles that may not browse the log.
    The quality office reads the log of its own region subtree (codes share its prefix)."""
    _require_signed_in(user)
    scope = user_scope(user)
    if scope.everything:
        return Q()
    if isinstance(user, ApiClient):
        allowed = ApiScope.READ_AUDIT in user.scopes
    else:
        allowed = user.role in AUDIT_ROLES
    if not allowed or scope.region is None:
        raise PermissionDenied(
            "only the quality office (or a client with audit:read) reads the log"
        )
    return Q(region_code__startswith=AdminCode.parse(scope.region.code).short)


def peer_groups_visible(user: Any) -> QuerySet[PeerGroup]:
    """Peer groups owned by a region the user can see."""
    return PeerGroup.objects.filter(owner__in=regions_visible(user))


def access_peer_group(user: Any, key: str) -> PeerGroup:
    _require_signed_in(user)
    group = PeerGroup.objects.select_related("owner").filter(key=key).first()
    return _gate(group, peer_groups_visible(user), "peer group")


USER_ADMIN_ROLES = frozenset({Role.QUALITY_OFFICE})


def _require_administrator(user: Any) -> Scope:
    """The scope of a quality office or an admin; everyone else is refused."""
    _require_signed_in(user)
    scope = user_scope(user)
    if scope.everything:
        return scope
    if isinstance(user, ApiClient) or user.role not in USER_ADMIN_ROLES or scope.region is None:
        raise PermissionDenied("only the quality office (or an admin) may do this")
    return scope


def office_region(user: Any) -> Region:
    """The region a quality office manages (an admin: the first province); refused to everyone
    else. Tasks, catalog declarations and assessments are managed from here."""
    scope = _require_administrator(user)
    if scope.region is not None:
        return scope.region
    root = Region.objects.filter(parent=None).order_by("code").first()
    if root is None:
        raise Http404("no regions yet")
    return root


def users_manageable(user: Any) -> QuerySet[User]:
    """Accounts a user may manage: an admin all; a quality office the non-admin accounts of the
    organisations in its region subtree; everyone else none (refused)."""
    if _require_administrator(user).everything:
        return User.objects.all()
    return User.objects.filter(
        is_superuser=False, organisation__in=organisations_visible(user)
    ).exclude(role=Role.ADMIN)


def access_managed_user(user: Any, user_id: int) -> User:
    rows = users_manageable(user)
    return _gate(User.objects.filter(pk=user_id).first(), rows, "account")


def can_administer(user: Any) -> bool:
    """Whether the user administers its region: the quality office (or an admin) manages
    accounts, API clients, the register of organisations and the peer groups."""
    try:
        _require_administrator(user)
    except PermissionDenied:
        return False
    return True


def api_clients_manageable(user: Any) -> QuerySet[ApiClient]:
    """Machine clients a user may issue and revoke: those of organisations in the scope of a
    quality office (all for an admin)."""
    if _require_administrator(user).everything:
        return ApiClient.objects.all()
    return ApiClient.objects.filter(organisation__in=organisations_visible(user))


def access_managed_client(user: Any, client_id: int) -> ApiClient:
    rows = api_clients_manageable(user)
    return _gate(ApiClient.objects.filter(pk=client_id).first(), rows, "client")


def register_region_allowed(user: Any) -> Callable[[str], bool]:
    """For importing the register: which region codes the user may write organisations,
    windows and staff in. Admins anywhere; a quality office within its region subtree."""
    scope = _require_administrator(user)
    if scope.everything:
        return lambda _code: True
    region = scope.region
    if region is None:  # _require_administrator already refuses this; kept for the types
        raise PermissionDenied("no region scope")
    prefix = AdminCode.parse(region.code).short
    return lambda code: code.startswith(prefix)


def peer_group_owner(user: Any, members: list[Region]) -> Region:
    """The region that will own a peer group the user creates: the quality office's own region;
    for an admin, the province of the first member."""
    scope = _require_administrator(user)
    if scope.region is not None:
        return scope.region
    first = members[0] if members else Region.objects.filter(parent=None).order_by("code").first()
    if first is None:
        raise Http404("no regions yet")
    return first.province or first


def access_peer_group_edit(user: Any, key: str) -> PeerGroup:
    """A peer group the user may change: owned by a region in the quality office's scope."""
    _require_administrator(user)
    return access_peer_group(user, key)
