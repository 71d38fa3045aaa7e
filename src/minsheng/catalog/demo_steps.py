"""Demo data for the catalog: the city's items (about 20 per city department at city scale),
each county's own list derived from a share of them (implemented by the county government),
a first version at the end of June and a second in October where some promised limits were cut
and items moved into the hall — so 大厅指标 shows a change between the two dates; the first
county sets itself higher 2026 targets than seed 004's. The figures
are made up for the demo; no real catalog is copied."""

from __future__ import annotations

import datetime as dt

from minsheng.catalog.models import CatalogItem, HallTarget
from minsheng.core.catalog.items import KINDS
from minsheng.core.demo_plan import CITY_DEPARTMENTS
from minsheng.core.regions import Level
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.demo.registry import DemoContext, register
from minsheng.orgs.models import RegionLevel

JUNE = dt.datetime(2026, 6, 30, 9, tzinfo=SHANGHAI)
OCTOBER = dt.datetime(2026, 10, 1, 9, tzinfo=SHANGHAI)
ACTIONS = ("登记", "审批", "备案", "核准", "证明", "补贴申领", "变更", "注销")
NOT_IN_HALL = ("涉密事项", "需现场勘验", "在专业服务场所办理")


@register("catalog", order=75)
def build_catalog(ctx: DemoContext) -> None:
    rng = ctx.rng("catalog")
    per_department = 4 if str(ctx.plan.scale) == "test" else 20
    city_code = next(r for r in ctx.plan.regions if r.level == Level.CITY).code
    city = ctx.regions[city_code]
    counties = [r for r in city.children.all() if r.level == RegionLevel.COUNTY]
    rows: list[CatalogItem] = []
    later: list[CatalogItem] = []
    n = 0
    for key, dept_name in CITY_DEPARTMENTS:
        dept = ctx.organisations[f"dept-{city_code}-{key}"]
        for k in range(per_department):
            n += 1
            legal = rng.choice([5, 10, 15, 20, 30, 60])
            promised = rng.choice([0, legal // 2, legal // 3, legal])
            depth = rng.choices([1, 2, 3, 4], weights=[1, 3, 3, 2])[0]
            entered = rng.random() < 0.88
            reason = "" if entered or rng.random() < 0.3 else rng.choice(NOT_IN_HALL)
            fixed = {
                "code": f"D{n:04d}",
                "name": f"{dept_name.removeprefix('市')}{ACTIONS[k % len(ACTIONS)]}{k + 1}",
                "kind": KINDS[k % 4],
                "legal_days": legal,
                "visits": 0 if depth == 4 else rng.choice([0, 1, 1, 2]),
                "depth": depth,
            }
            places = [(city, dept, "市")] + [
                (c, ctx.organisations[f"gov-{c.code}"], "县")
                for c in counties
                if rng.random() < 0.6
            ]
            for region, org, level in places:
                row = CatalogItem(
                    organisation=org,
                    region=region,
                    level=level,
                    valid_from=JUNE,
                    promised_days=promised,
                    instant=promised == 0,
                    entered=entered,
                    not_entered_reason=reason,
                    **fixed,
                )
                rows.append(row)
                if rng.random() < 0.25:  # revised in October: a shorter promise, into the hall
                    row.valid_to = OCTOBER
                    later.append(
                        CatalogItem(
                            organisation=org,
                            region=region,
                            level=level,
                            valid_from=OCTOBER,
                            promised_days=promised // 2,
                            instant=promised // 2 == 0,
                            entered=True,
                            **fixed,
                        )
                    )
    CatalogItem.objects.bulk_create(rows + later, batch_size=2000)
    # The first county aims higher than seed 004 in 2026 (its own targets; the others inherit).
    if counties:
        for metric, target in (("entry_rate", 0.95), ("one_visit_rate", 0.95)):
            HallTarget.objects.update_or_create(
                region=counties[0], year=2026, metric=metric, defaults={"target": target}
            )
    ctx.summary.update(catalog_items=len(rows), catalog_revisions=len(later))
