"""The REST API under ``/api/``: OpenAPI at ``/api/openapi.json``, docs at ``/api/docs``."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.pagination import LimitOffsetPagination, paginate

from minsheng.accounts.access import (
    access_peer_group,
    access_region,
    organisations_visible,
    peer_groups_visible,
)
from minsheng.accounts.models import ApiClient, ApiScope
from minsheng.api.auth import (
    ClientTokenAuth,
    UserSessionAuth,
    caller,
    docs_access,
    require_scope,
)
from minsheng.api.errors import install_error_handlers
from minsheng.api.schemas import (
    ErrorOut,
    MeOut,
    OrganisationOut,
    PeerGroupDetailOut,
    PeerGroupOut,
    RegionDetailOut,
    RegionOut,
)
from minsheng.assess.api import router as assess_router
from minsheng.catalog.api import router as catalog_router
from minsheng.halls.api import router as halls_router
from minsheng.hotline.api import router as hotline_router
from minsheng.indicators.api import router as indicators_router
from minsheng.inspections.api import router as inspections_router
from minsheng.notify.api import router as notify_router
from minsheng.orgs.models import Organisation, PeerGroup, Region, RegionLevel
from minsheng.polls.api import router as polls_router
from minsheng.reports.api import router as reports_router
from minsheng.reviews.api import router as ratings_router
from minsheng.reviews.integrity_api import router as integrity_router
from minsheng.reviews.read_api import router as ratings_read_router
from minsheng.supervision.api import router as supervision_router

api = NinjaAPI(
    title="Minsheng API",
    version="1.0.0",
    description="民生公共服务质量平台 API. Machines use `Authorization: Bearer <token>`; "
    "people use their browser session.",
    auth=[ClientTokenAuth(), UserSessionAuth()],
    docs_decorator=docs_access,
)
install_error_handlers(api)
api.add_router("/ratings", ratings_router)
api.add_router("/ratings", ratings_read_router)
api.add_router("/indicators", indicators_router)
api.add_router("/polls", polls_router)
api.add_router("", supervision_router)
api.add_router("", notify_router)
api.add_router("", halls_router)
api.add_router("", catalog_router)
api.add_router("", inspections_router)
api.add_router("", assess_router)
api.add_router("", reports_router)
api.add_router("", hotline_router)
api.add_router("", integrity_router)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _region_out(region: Region) -> RegionOut:
    return RegionOut(
        code=region.code,
        name=region.name,
        level=region.level,
        level_label=str(RegionLevel(region.level).label),
        parent_code=region.parent.code if region.parent is not None else None,
    )


@api.get("/me", response={200: MeOut, **ERRORS}, tags=["accounts"])
def me(request: HttpRequest) -> MeOut:
    principal = caller(request)
    if isinstance(principal, ApiClient):
        return MeOut(
            kind="client",
            name=principal.name,
            role=None,
            organisation=principal.organisation.name,
            scopes=list(principal.scopes),
        )
    org = principal.organisation
    return MeOut(
        kind="user",
        name=principal.get_username(),
        role=principal.role or None,
        organisation=org.name if org else None,
        scopes=[],
    )


@api.get("/regions/{code}", response={200: RegionDetailOut, **ERRORS}, tags=["regions"])
def region_detail(request: HttpRequest, code: str) -> RegionDetailOut:
    require_scope(caller(request), ApiScope.READ_REGIONS)
    region = access_region(caller(request), code)
    children = Region.objects.filter(parent=region).select_related("parent")
    return RegionDetailOut(
        **_region_out(region).model_dump(), children=[_region_out(c) for c in children]
    )


@api.get("/organisations", response={200: list[OrganisationOut], **ERRORS}, tags=["regions"])
@paginate(LimitOffsetPagination)
def organisation_list(
    request: HttpRequest, region: str | None = None, kind: str | None = None
) -> QuerySet[Organisation]:
    """Organisations in the caller's scope, optionally in one region's subtree and of one kind."""
    require_scope(caller(request), ApiScope.READ_REGIONS)
    rows = organisations_visible(caller(request)).select_related("region")
    if region:
        root = access_region(caller(request), region)
        rows = rows.filter(**root.subtree_filter("region__"))
    if kind:
        rows = rows.filter(kind=kind)
    return rows


@api.get("/peer-groups", response={200: list[PeerGroupOut], **ERRORS}, tags=["regions"])
@paginate(LimitOffsetPagination)
def peer_group_list(request: HttpRequest) -> QuerySet[PeerGroup]:
    """Peer groups owned by regions in the caller's scope; rankings are computed within one."""
    require_scope(caller(request), ApiScope.READ_REGIONS)
    return peer_groups_visible(caller(request)).select_related("owner")


@api.get("/peer-groups/{key}", response={200: PeerGroupDetailOut, **ERRORS}, tags=["regions"])
def peer_group_detail(request: HttpRequest, key: str) -> PeerGroupDetailOut:
    require_scope(caller(request), ApiScope.READ_REGIONS)
    group = access_peer_group(caller(request), key)
    members = group.members.select_related("parent").order_by("code")
    return PeerGroupDetailOut(
        key=group.key,
        name=group.name,
        level=group.level,
        **{"owner.code": group.owner.code},
        members=[_region_out(m) for m in members],
    )
