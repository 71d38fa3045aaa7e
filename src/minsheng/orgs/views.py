from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from minsheng.accounts.access import (
    access_organisation,
    access_peer_group,
    access_region,
    can_administer,
    regions_visible,
)
from minsheng.orgs.models import OrgKind
from minsheng.orgs.selectors import (
    centre_windows,
    region_ancestors,
    region_children,
    region_organisations,
    region_register_sheets,
    region_search,
)
from minsheng.web.downloads import sheets_response


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = access_region(request.user, code)
    return render(
        request,
        "orgs/region_detail.html",
        {
            "region": region,
            "ancestors": region_ancestors(region, visible=regions_visible(request.user)),
            "children": region_children(region),
            "organisations": region_organisations(region),
            "peer_groups": region.owned_peer_groups.all(),
            "can_administer": can_administer(request.user),
        },
    )


@login_required
def region_children_partial(request: HttpRequest, code: str) -> HttpResponse:
    """The children of a region as tree nodes, loaded by htmx when a node is opened."""
    region = access_region(request.user, code)
    return render(request, "orgs/_region_nodes.html", {"nodes": region_children(region)})


@login_required
def organisation_detail(request: HttpRequest, org_id: int) -> HttpResponse:
    org = access_organisation(request.user, org_id)
    windows = centre_windows(org) if org.kind == OrgKind.SERVICE_CENTRE else None
    return render(
        request,
        "orgs/organisation_detail.html",
        {
            "org": org,
            "windows": windows,
            "users": org.users.filter(is_active=True),
            "can_administer": can_administer(request.user),
        },
    )


@login_required
def peer_group_detail(request: HttpRequest, key: str) -> HttpResponse:
    group = access_peer_group(request.user, key)
    return render(
        request,
        "orgs/peer_group_detail.html",
        {
            "group": group,
            "members": group.members.order_by("code"),
            "can_edit": can_administer(request.user),
        },
    )


@login_required
def region_search_view(request: HttpRequest) -> HttpResponse:
    """Find a region in one's scope by name or code (htmx fills the results as one types)."""
    query = request.GET.get("q", "")[:50]
    results = region_search(request.user, query)
    template = (
        "orgs/_search_results.html" if request.headers.get("HX-Request") else "orgs/search.html"
    )
    return render(request, template, {"query": query, "results": results})


@login_required
def region_export(request: HttpRequest, code: str) -> HttpResponse:
    """The register (organisations, windows, staff) of a region's subtree as one Excel file."""
    region = access_region(request.user, code)
    name = f"{region.name}-机构窗口人员-{timezone.localdate():%Y%m%d}"
    return sheets_response(name, region_register_sheets(region))
