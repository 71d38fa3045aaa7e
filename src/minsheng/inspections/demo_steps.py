"""Demo inspections: the city's service-centre checklist (the illustrative one, after seed 002),
a third-quarter round and a fourth-quarter round of unannounced visits to 5 centres per county
(40 in the demo city) by two cross-county inspectors, every visit filled in — most items pass,
a few centres are poor — and the findings of both rounds handed on as rectification tasks."""

from __future__ import annotations

import datetime as dt

from minsheng.core.inspect.checklist import DEFAULTS, FAIL, NA, PASS
from minsheng.core.regions import Level
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.demo.registry import DemoContext, register
from minsheng.inspections.models import SiteKind
from minsheng.inspections.services import (
    Draft,
    checklist_save,
    findings_hand_on,
    plan_create,
    visit_submit,
)

NOTES = {
    "LY2": "评价器黑屏，无法评价",
    "LY3": "办事指南未更新，仍为旧版",
    "PZ1": "窗口人员未佩戴工作牌",
    "SW1": "咨询时被告知“不归我管”，未引导",
    "YC1": "未一次性告知，让群众回去补材料",
    "JL1": "工作时间窗口无人，人员玩手机",
    "TD1": "语气生硬，有推诿",
    "XL1": "即办件要求次日再来",
    "LJ1": "收取“加急费”",
}
SUMMARIES = ("未发现问题。", "发现个别问题，已当场指出。", "发现若干问题，已当场指出。",
             "问题较多，需重点整改。")  # fmt: skip
ROUNDS = (
    ("2026年第三季度便民服务中心明察暗访", "2026Q3", dt.date(2026, 8, 3), 20260803),
    ("2026年第四季度便民服务中心明察暗访", "2026Q4", dt.date(2026, 11, 2), 20261102),
)


@register("inspections", order=85)
def build_inspections(ctx: DemoContext) -> None:
    city_code = next(r for r in ctx.plan.regions if r.level == Level.CITY).code
    city = ctx.regions[city_code]
    office = ctx.users.get("quality")
    checklist = checklist_save(
        actor=office, region=city, kind=SiteKind.SERVICE_CENTRE,
        name="便民服务中心明察暗访清单", items=DEFAULTS[SiteKind.SERVICE_CENTRE],
    )  # fmt: skip
    rng = ctx.rng("inspections")
    inspectors: list[str] = [name for name in ("inspector", "county") if name in ctx.users]
    visits = 0
    for name, period, starts, seed in ROUNDS:
        plan = plan_create(
            actor=office, region=city,
            draft=Draft(
                name=name, kind=SiteKind.SERVICE_CENTRE, period=period, checklist=checklist,
                per_stratum=5, seed=seed, starts_on=starts,
                ends_on=starts + dt.timedelta(days=18), inspectors=inspectors,
            ),
        )  # fmt: skip
        items = checklist.items
        for k, visit in enumerate(plan.visits.select_related("inspector", "plan", "site")):
            if visit.inspector is None:
                continue
            poor = rng.random() < 0.2  # one centre in five is clearly worse
            results, notes = {}, {}
            for item in items:
                code = item["code"]
                chance = 0.3 if poor else 0.04
                mark = FAIL if rng.random() < chance else PASS
                if code == "LY6" and rng.random() < 0.05:
                    mark = NA
                results[code] = mark
                if mark == FAIL:
                    notes[code] = NOTES.get(code, "不符合要求")
            day = starts + dt.timedelta(days=k % 14)
            moment = dt.datetime.combine(day, dt.time(9 + k % 7, 10 * (k % 6)), tzinfo=SHANGHAI)
            visit_submit(
                actor=visit.inspector, visit=visit, results=results, notes=notes,
                summary=SUMMARIES[min(len(notes), 3)],
                unannounced=True, visited_at=moment, photos=[],
            )  # fmt: skip
            visits += 1
        findings_hand_on(actor=office, plan=plan)
    ctx.summary["inspection_visits"] = visits
    ctx.summary["inspection_rounds"] = len(ROUNDS)
