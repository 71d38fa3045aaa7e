"""大厅指标: the six hall metrics of a region's service catalog against seed 004's targets, for
the region and each child region (the quality office, leaders and region officers)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.accounts.access import regions_visible, user_scope
from minsheng.catalog.selectors import metrics_tree
from minsheng.core.catalog.metrics import TARGETS, Metrics
from minsheng.core.xlsx import INTEGER, PERCENT, Sheet
from minsheng.indicators.access import RESULTS_ROLES
from minsheng.web.downloads import sheets_response

LABELS = {
    "entry_rate": gettext_lazy("进驻率"),
    "online_rate": gettext_lazy("网上可办率"),
    "full_online_rate": gettext_lazy("全程网办率"),
    "instant_rate": gettext_lazy("即办件占比"),
    "one_visit_rate": gettext_lazy("最多跑一次比例"),
    "time_cut_rate": gettext_lazy("承诺时限压减率"),
}


def _cells(metrics: Metrics) -> list[tuple[float | None, bool | None]]:
    values, met = metrics.as_json(), metrics.met()
    return [(values[k], met[k]) for k in LABELS]


@login_required
def hall_metrics_page(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    if not scope.everything and (
        scope.region is None or getattr(request.user, "role", None) not in RESULTS_ROLES
    ):
        raise PermissionDenied("hall metrics are for the office, leaders and region officers")
    visible = regions_visible(request.user)
    code = request.GET.get("region") or (scope.region.code if scope.region else "")
    region = visible.filter(code=code).first()
    if region is None:
        if code and not visible.filter(code=code).exists():
            raise PermissionDenied("region outside the user's scope")
        raise Http404("no region")
    day = None
    if request.GET.get("date"):
        try:
            day = dt.date.fromisoformat(request.GET["date"])
        except ValueError:
            raise Http404("bad date") from None
    own, children = metrics_tree(region, day)
    if request.GET.get("format") == "xlsx":
        rows = [
            [name, n, *[value for value, _met in cells]]
            for name, n, cells in [(region.name, own.items, _cells(own))]
            + [(c.name, m.items, _cells(m)) for c, m in children]
        ]
        when = day.isoformat() if day else timezone.localdate().isoformat()
        sheet = Sheet(
            str(_("大厅指标")),
            [str(_("地区")), str(_("事项数")), *[str(v) for v in LABELS.values()]],
            [[str(_("目标")), None, *[TARGETS[k] for k in LABELS]], *rows],
            formats=[None, INTEGER, *[PERCENT] * len(LABELS)],
            caption=_("%(name)s大厅指标（%(day)s）") % {"name": region.name, "day": when},
        )
        return sheets_response(f"{region.name}大厅指标-{when}", [sheet])
    return render(
        request,
        "catalog/metrics.html",
        {
            "region": region,
            "day": day,
            "labels": list(LABELS.values()),
            "targets": [TARGETS[k] for k in LABELS],
            "own": (own.items, _cells(own)),
            "children": [(c, m.items, _cells(m)) for c, m in children],
        },
    )
