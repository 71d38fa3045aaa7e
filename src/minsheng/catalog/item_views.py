"""事项清单: the items of a region's subtree in force today (or on a date), searchable and paged,
each with what the provinces' checks flag; the cross-level differences (same basic code, other
materials or a longer promise than the level above); the changes between two dates (动态调整);
and the Excel workbook of the list in the import format."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.catalog.documents import days_text
from minsheng.catalog.selectors import items_at
from minsheng.core.catalog.items import catalog_diff, inconsistencies, lint
from minsheng.core.catalog.sheet import catalog_sheets
from minsheng.core.workdays.calendar import chinese_date
from minsheng.halls.access import halls_region
from minsheng.orgs.models import Region
from minsheng.web.downloads import sheets_response
from minsheng.web.paging import search_and_page


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Http404("bad date") from None


@login_required
def items_page(request: HttpRequest) -> HttpResponse:
    region = halls_region(request.user, request.GET.get("region"))
    day = _date(request.GET.get("date"))
    items = items_at(region, day)
    if request.GET.get("format") == "xlsx":
        when = (day or timezone.localdate()).isoformat()
        return sheets_response(f"{region.name}事项清单-{when}", catalog_sheets(items))
    organisation = request.GET.get("org", "")
    organisations = sorted({i.organisation for i in items})
    checked = [(i, lint(i)) for i in items]
    rows = [r for r in checked if not organisation or r[0].organisation == organisation]
    if request.GET.get("problems") == "1":
        rows = [r for r in rows if r[1]]
    paged = search_and_page(request, rows, lambda r: f"{r[0].code} {r[0].name}", per_page=50)
    differences = inconsistencies(items)
    names = dict(
        Region.objects.filter(
            code__in={i.region for i, _p in paged.page.object_list}
            | {d.region for d in differences}
            | {d.upper_region for d in differences}
        ).values_list("code", "name")
    )
    by_organisation: dict[str, list[int]] = {}
    for item, problems in checked:
        tally = by_organisation.setdefault(item.organisation, [0, 0])
        tally[0] += 1
        tally[1] += bool(problems)
    return render(
        request,
        "catalog/items.html",
        {
            "region": region,
            "day": day,
            "paged": paged,
            "rows": [
                (
                    i,
                    names.get(i.region, i.region),
                    days_text(i.promised_days),
                    days_text(i.legal_days),
                    problems,
                )
                for i, problems in paged.page.object_list
            ],
            "organisations": organisations,
            "organisation": organisation,
            "problems_only": request.GET.get("problems") == "1",
            "tallies": sorted(
                ((name, t) for name, t in by_organisation.items() if t[1]),
                key=lambda t: (-t[1][1], t[0]),
            ),
            "clean": sum(1 for t in by_organisation.values() if not t[1]),
            "differences": [
                (d, names.get(d.region, d.region), names.get(d.upper_region, d.upper_region))
                for d in differences
            ],
        },
    )


@login_required
def changes_page(request: HttpRequest) -> HttpResponse:
    """What changed in the region's catalog between two dates (the end of each day)."""
    region = halls_region(request.user, request.GET.get("region"))
    today = timezone.localdate()
    end = _date(request.GET.get("to")) or today
    start = _date(request.GET.get("from")) or end - dt.timedelta(days=180)
    if end < start:
        start, end = end, start
    changes = catalog_diff(items_at(region, start), items_at(region, end))
    names = dict(Region.objects.filter(**region.subtree_filter()).values_list("code", "name"))
    labels = {"added": _("新增"), "removed": _("取消"), "changed": _("调整")}
    return render(
        request,
        "catalog/changes.html",
        {
            "region": region,
            "start": start,
            "end": end,
            "caption": _("%(start)s至%(end)s")
            % {"start": chinese_date(start), "end": chinese_date(end)},
            "changes": [(c, labels[c.kind], names.get(c.region, c.region)) for c in changes],
            "counts": {k: sum(c.kind == k for c in changes) for k in labels},
        },
    )
