"""Demo boundaries for the cockpit's map: the fictional city's districts and each district's
townships as a grid of rectangles — marked as generated, since no real map may be bundled."""

from __future__ import annotations

from minsheng.core.regions import Level
from minsheng.core.reports.geo import grid_boundaries
from minsheng.demo.registry import DemoContext, register
from minsheng.orgs.models import Region
from minsheng.reports.models import Boundary


@register("boundaries", order=95)
def build_boundaries(ctx: DemoContext) -> None:
    parents = [
        ctx.regions[r.code] for r in ctx.plan.regions if r.level in (Level.CITY, Level.COUNTY)
    ]
    for k, parent in enumerate(parents):
        children = list(
            Region.objects.filter(parent=parent).order_by("code").values_list("code", "name")
        )
        if children:
            Boundary.objects.create(
                region=parent,
                geojson=grid_boundaries(children, origin=(113.0 + k % 5, 34.0 - k // 5)),
                generated=True,
            )
    ctx.summary["boundaries"] = len(parents)
