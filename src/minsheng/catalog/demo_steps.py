"""Demo data for the catalog: ``core.catalog.demo_items`` (about 270 city items in their
variants, the counties' lists, the townships' and villages' public services, four planted
problems), stored as a first version at the end of June and a second in October, where a
quarter of the items had their promise halved or were moved into the hall — so 大厅指标 and
清单调整 show a change between the two dates; the first county sets itself higher 2026 targets
than seed 004's; a small standard list marked as a sample. Made up for the demo; no real
catalog is copied."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from importlib.resources import files

from minsheng.catalog.models import CatalogItem, HallTarget
from minsheng.catalog.services import standards_store, version
from minsheng.core.catalog.demo_items import demo_catalog
from minsheng.core.catalog.standards import standards_from_table
from minsheng.core.demo_plan import CITY_DEPARTMENTS
from minsheng.core.regions import Level
from minsheng.core.tabular import read_table
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.demo.registry import DemoContext, register
from minsheng.orgs.models import Organisation, Region, RegionLevel

JUNE = dt.datetime(2026, 6, 30, 9, tzinfo=SHANGHAI)
OCTOBER = dt.datetime(2026, 10, 1, 9, tzinfo=SHANGHAI)


@register("catalog", order=75)
def build_catalog(ctx: DemoContext) -> None:
    rng = ctx.rng("catalog")
    city_code = next(r for r in ctx.plan.regions if r.level == Level.CITY).code
    city = ctx.regions[city_code]
    regions = {r.code: r for r in Region.objects.filter(**city.subtree_filter())}
    organisations = {
        o.key: o for o in Organisation.objects.filter(**city.subtree_filter("region__"))
    }
    counties = [r for r in regions.values() if r.level == RegionLevel.COUNTY]
    townships = [r for r in regions.values() if r.level == RegionLevel.TOWNSHIP]
    villages = [r for r in regions.values() if r.level == RegionLevel.VILLAGE]

    def named(key: str) -> str:
        return organisations[key].name

    items = demo_catalog(
        city=city_code,
        departments={k: named(f"dept-{city_code}-{k}") for k, _name in CITY_DEPARTMENTS},
        counties=[(c.code, named(f"gov-{c.code}")) for c in sorted(counties, key=lambda r: r.code)],
        townships=[
            (t.code, named(f"gov-{t.code}"), "")
            for t in sorted(townships, key=lambda r: r.code)
            if f"gov-{t.code}" in organisations
        ],
        villages=[
            (v.code, named(f"centre-{v.code}"), "")
            for v in sorted(villages, key=lambda r: r.code)
            if f"centre-{v.code}" in organisations
        ],
    )
    # Every item's organisation sits in the item's own region (names repeat across villages).
    placed = {(o.region_id, o.name): o for o in organisations.values()}
    rows: list[CatalogItem] = []
    revised = 0
    for item in items:
        region = regions[item.region]
        org = placed[(region.pk, item.organisation)]
        first = version(item, organisation=org, region=region, valid_from=JUNE)
        rows.append(first)
        if item.level in ("市", "县") and rng.random() < 0.25:
            # Revised in October: the promise halved, the item brought into the hall.
            promised = (item.promised_days or 0) // 2
            later = replace(
                item, promised_days=promised, instant=promised == 0, entered=True,
                not_entered_reason="",
            )  # fmt: skip
            first.valid_to = OCTOBER
            rows.append(version(later, organisation=org, region=region, valid_from=OCTOBER))
            revised += 1
    CatalogItem.objects.bulk_create(rows, batch_size=2000)
    # The first county aims higher than seed 004 in 2026 (its own targets; the others inherit).
    if counties:
        first_county = min(counties, key=lambda r: r.code)
        for metric, target in (("entry_rate", 0.95), ("one_visit_rate", 0.95)):
            HallTarget.objects.update_or_create(
                region=first_county, year=2026, metric=metric, defaults={"target": target}
            )
    ctx.summary.update(catalog_items=len(items), catalog_revisions=revised)
    ctx.summary["standard_items"] = _standards_sample()


def _standards_sample() -> int:
    """A small sample of a standard list, marked as a sample: the platform carries no national
    text; the office loads the real one."""
    text = (files("minsheng.catalog") / "data" / "standards_sample.csv").read_bytes()
    rows = standards_from_table(read_table(text, filename="standards_sample.csv"), local=False)
    standards_store(
        rows, name="基本公共服务标准（示例，非国家标准原文）", region=None, actor="system",
        sample=True,
    )  # fmt: skip
    return len(rows)
