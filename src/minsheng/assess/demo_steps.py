"""Demo data for assessments: the city's 2026 scheme over its counties (the level index, 好评率,
supervision on time, hall targets met and the inspection rounds' scores, with deductions per
inspection finding and overdue task, grade bands and two triggers), run for the third quarter of
2026 from the demo's own figures with one 一票否决 and confirmed (the 约谈 it triggered recorded
with its rectification task), and for the fourth quarter so far; the first district's scheme
over its townships, confirmed for the third quarter; and the city's departments (市直部门) on
the indicators they lead, their 好评率, supervision and hall items, confirmed for the third
quarter and run for the fourth so far."""

from __future__ import annotations

import datetime as dt

from minsheng.assess.services import (
    adjustment_record,
    run_compute,
    run_confirm,
    scheme_save,
    talk_record,
)
from minsheng.core.index.periods import Period
from minsheng.core.regions import Level
from minsheng.demo.registry import DemoContext, register

RULES = {
    "components": {"index": 35, "ratings": 20, "tasks": 15, "hall": 15, "inspection": 15},
    "bonus_cap": 5,
    "deductions": {"inspection_finding": 0.5, "overdue_task": 1},
    "grades": [[85, "优秀"], [75, "良好"], [60, "合格"], [0, "不合格"]],
    "triggers": [
        {"name": "约谈", "when": {"all": [{"rank_bottom": 1, "periods": 1},
                                          {"total_below": 75}]}, "consequence": "约谈"},
        {"name": "通报", "when": {"rank_bottom": 2, "periods": 1}, "consequence": "通报批评"},
    ],
}  # fmt: skip


TOWNSHIP_RULES = {
    "components": {"ratings": 40, "tasks": 30, "inspection": 30},
    "bonus_cap": 3,
    "grades": [[90, "优秀"], [80, "良好"], [60, "合格"], [0, "不合格"]],
    "deductions": {"inspection_finding": 1},
    "triggers": [{"name": "通报", "when": {"rank_bottom": 1, "periods": 1},
                  "consequence": "通报批评"}],
}  # fmt: skip

DEPARTMENT_RULES = {
    "components": {"targets": 30, "ratings": 30, "tasks": 25, "hall": 15},
    "bonus_cap": 3,
    "deductions": {"overdue_task": 1},
    "grades": [[90, "优秀"], [80, "良好"], [60, "合格"], [0, "不合格"]],
    "triggers": [{"name": "通报", "when": {"rank_bottom": 2, "periods": 1},
                  "consequence": "通报批评"}],
}  # fmt: skip


@register("assess", order=90)
def build_assessments(ctx: DemoContext) -> None:
    city_code = next(r for r in ctx.plan.regions if r.level == Level.CITY).code
    office = ctx.users.get("quality")
    scheme = scheme_save(
        actor=office, region=ctx.regions[city_code], year=2026,
        name="2026年度县（市、区）公共服务质量考核", rules=RULES,
    )  # fmt: skip
    city = ctx.regions[city_code]
    counties = sorted(
        r.code
        for r in ctx.plan.regions
        if r.level == Level.COUNTY and ctx.regions[r.code].parent_id == city.pk
    )
    adjustment_record(  # one 一票否决 in the demo, recorded before the quarter is confirmed
        actor=office, scheme=scheme, period=Period(2026, 3), unit=counties[-1], kind="veto",
        reason="发生统计数据造假，经核查属实",
    )  # fmt: skip
    adjustment_record(
        actor=office, scheme=scheme, period=Period(2026, 3), unit=counties[0], kind="bonus",
        points=2, reason="“一窗受理”改革经验获省政府推广",
    )  # fmt: skip
    run = run_compute(actor=office, scheme=scheme, period=Period(2026, 3))
    run_confirm(actor=office, run=run)
    talked = next((r for r in run.results if "约谈" in r["triggers"]), None)
    if talked is not None:  # the 约谈 held, with its rectification task
        talk_record(
            actor=office, run=run, unit=talked["unit"], trigger="约谈",
            values={
                "held_on": dt.date(2026, 10, 20),
                "people": "市政府分管副市长、市质量办主任、被约谈单位主要负责人",
                "minutes": "通报第三季度考核结果，指出好评率和大厅指标方面的差距。",
                "commitments": "一个月内完成大厅事项进驻和承诺时限压减，按月报送进展。",
            },
        )  # fmt: skip
    # The running quarter so far (its supervision tasks fall due in November and December).
    run_compute(actor=office, scheme=scheme, period=Period(2026, 4))
    # A district's townships (乡镇、街道) assessed on 好评率, supervision and the inspections.
    district = ctx.regions[counties[0]]
    townships = scheme_save(
        actor=office, region=district, year=2026, name=f"2026年度{district.name}乡镇（街道）考核",
        rules=TOWNSHIP_RULES,
    )  # fmt: skip
    township_run = run_compute(actor=office, scheme=townships, period=Period(2026, 3))
    run_confirm(actor=office, run=township_run)
    departments = scheme_save(
        actor=office, region=ctx.regions[city_code], year=2026,
        name="2026年度市直部门公共服务质量考核", rules=DEPARTMENT_RULES, units="departments",
    )  # fmt: skip
    department_run = run_compute(actor=office, scheme=departments, period=Period(2026, 3))
    run_confirm(actor=office, run=department_run)
    run_compute(actor=office, scheme=departments, period=Period(2026, 4))  # their tasks fall due
    ctx.summary["assessed_units"] = (
        len(run.results) + len(township_run.results) + len(department_run.results)
    )
