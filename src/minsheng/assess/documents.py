"""The ranking 通报 of a confirmed assessment run: the official header fields (发文机关, 文号,
date), the results in the sentences such notices use, the vetoes and the consequences fired,
the requirements, and the ranking as 附表 — Content for the documents engine (Word or PDF)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from minsheng.assess.models import Run
from minsheng.core.index.periods import Period
from minsheng.core.reports.content import Content, Section, Table, numbered
from minsheng.core.workdays.calendar import chinese_date

LABELS = {
    "index": "水平指数",
    "targets": "指标目标完成度",
    "poll": "满意度",
    "ratings": "好评率",
    "tasks": "督办按时办结",
    "hall": "大厅指标达标",
    "expert": "专业评价",
    "inspection": "明察暗访",
}


def run_notice(run: Run, *, issuer: str, number: str, day: dt.date) -> Content:
    rows = run.results
    label = Period.parse(run.period).label
    names = list(run.rules.get("components", {}))
    top = rows[: min(3, len(rows))]
    bottom = rows[-min(3, len(rows)) :] if len(rows) > 3 else []
    result = (
        "得分较高的是" + "、".join(f"{r['name']}（{r['total']:.2f}分）" for r in top)
        + ("；得分较低的是" + "、".join(f"{r['name']}（{r['total']:.2f}分）" for r in bottom)
           if bottom else "")
        + "。"
    )  # fmt: skip
    grades = Counter(r["grade"] for r in rows if r["grade"])
    paragraphs = [result]
    if grades:
        order = [g for _min, g in run.rules.get("grades", [])]
        paragraphs.append(
            "评定为" + "、".join(f"{g}的{grades[g]}个" for g in order if grades.get(g)) + "。"
        )
    for r in rows:
        if r.get("vetoes"):
            paragraphs.append(
                f"{r['name']}因{'、'.join(r['vetoes'])}，实行一票否决，评定为{r['grade']}。"
            )
    sections = [Section("考核结果", paragraphs)]
    fired = [(r["name"], t) for r in rows for t in r["triggers"]]
    if fired:
        consequence = {t.get("name"): t.get("consequence") or t.get("name") for t in
                       run.rules.get("triggers", [])}  # fmt: skip
        sections.append(
            Section(
                "问责情况",
                [
                    "根据考核规则，对"
                    + "；".join(f"{name}予以{consequence.get(t, t)}" for name, t in fired)
                    + "。相关单位须制定整改措施，按期报送整改情况。"
                ],
            )
        )
    sections.append(
        Section(
            "工作要求",
            [
                "各单位要对照考核结果查找差距，举一反三，持续改进公共服务质量；"
                "得分较低和被问责的单位要深入分析原因，限期整改到位。"
            ],
        )
    )
    table = Table(
        f"附表：{run.scheme.name}（{label}）结果",
        ["排名", "单位", *[LABELS.get(c, c) for c in names], "扣分", "总分", "等次"],
        [
            [str(r["rank"]), r["name"],
             *["—" if r["components"].get(c) is None else f"{r['components'][c]:.2f}"
               for c in names],
             f"{sum((r.get('deductions') or {}).values()):.2f}", f"{r['total']:.2f}",
             r["grade"] + ("（一票否决）" if r.get("vetoed") else "")]
            for r in rows
        ],
        [True, False, *[True] * len(names), True, True, False],
    )  # fmt: skip
    return Content(
        title=f"关于{run.scheme.name}{label}结果的通报",
        subtitle="",
        number=number,
        issuer=issuer,
        date=chinese_date(day),
        lead=[
            f"根据《{run.scheme.name}》，{issuer}对{len(rows)}个单位{label}的公共服务质量"
            "工作进行了考核。现将结果通报如下："
        ],
        sections=numbered(sections),
        appendix=[table],
    )
