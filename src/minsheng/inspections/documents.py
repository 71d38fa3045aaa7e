"""A round's documents: the workbook (检查情况, 检查项目合格率, 问题清单) and the 通报 — the
round's figures in the sentences such notices use, the worst sites, and the findings table
(附表), printed as Word or PDF by the documents engine. Both come from
``selectors.plan_report``, so they say what the page says."""

from __future__ import annotations

from minsheng.core.inspect.checklist import FAIL, RESULTS
from minsheng.core.inspect.report import RoundReport
from minsheng.core.reports.content import Content, Section, Table, numbered
from minsheng.core.workdays.calendar import SHANGHAI, chinese_date
from minsheng.core.xlsx import DECIMAL1, PERCENT, Sheet
from minsheng.inspections.models import Plan, Visit, VisitState


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _when(visit: Visit) -> str:
    return f"{visit.visited_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" if visit.visited_at else ""


def plan_sheets(plan: Plan, report: RoundReport, visits: list[Visit]) -> list[Sheet]:
    caption = f"{plan.name}（{plan.starts_on:%Y年%m月%d日}至{plan.ends_on:%Y年%m月%d日}）"
    by_pk = {str(v.pk): v for v in visits}
    site_rows = []
    for row in report.sites:
        visit = by_pk[row.site]
        site_rows.append([
            row.stratum, row.name, str(visit.inspector) if visit.inspector else "",
            _when(visit), "是" if visit.unannounced else "否", row.score, len(row.failed),
            "、".join(i.text for i in row.repeated),
        ])  # fmt: skip
    pending = [v for v in visits if v.state != VisitState.SUBMITTED]
    site_rows += [
        [v.site.region.name, v.site.name, str(v.inspector) if v.inspector else "",
         "尚未检查", "", None, None, ""]
        for v in pending
    ]  # fmt: skip
    finding_rows = [
        [row.stratum, row.name, item.group, item.text, RESULTS[FAIL],
         by_pk[row.site].notes.get(item.code, ""), "是" if item in row.repeated else "否"]
        for row in report.sites
        for item in row.failed
    ]  # fmt: skip
    return [
        Sheet(
            "检查情况",
            ["县（市、区）", "检查对象", "检查人员", "检查时间", "暗访", "得分", "问题数",
             "屡查屡犯"],
            site_rows, formats=[None, None, None, None, None, DECIMAL1], caption=caption,
        ),
        Sheet(
            "检查项目合格率",
            ["编号", "分组", "检查内容", "分值", "检查数", "合格数", "合格率"],
            [[r.item.code, r.item.group, r.item.text, r.item.points, r.applies, r.passed, r.rate]
             for r in report.items],
            formats=[None, None, None, None, None, None, PERCENT], caption=caption,
        ),
        Sheet(
            "问题清单",
            ["县（市、区）", "检查对象", "分组", "检查内容", "结果", "问题描述", "屡查屡犯"],
            finding_rows, caption=caption,
        ),
    ]  # fmt: skip


def notice(
    plan: Plan, report: RoundReport, visits: list[Visit], *, issuer: str, number: str = ""
) -> Content:
    """关于…明察暗访情况的通报 (Word or PDF through the documents engine)."""
    done = [v for v in visits if v.state == VisitState.SUBMITTED]
    unannounced = sum(1 for v in done if v.unannounced)
    lead = (
        f"{plan.starts_on:%Y年%m月%d日}至{plan.ends_on:%Y年%m月%d日}，{issuer}组织对"
        f"{len(visits)}个{plan.get_kind_display()}开展明察暗访，已完成检查{len(done)}个"
        f"（其中暗访{unannounced}个）。现将有关情况通报如下："
    )
    weak = sorted((r for r in report.items if r.rate is not None), key=lambda r: r.rate or 0)[:3]
    sentence = (
        f"本次检查共发现问题{report.findings}个，检查项目总体合格率{_pct(report.pass_rate)}。"
    )
    low = [r for r in weak if (r.rate or 0) < 1]
    if low:
        sentence += (
            "合格率相对较低的是"
            + "、".join(f"“{r.item.text}”（{_pct(r.rate)}）" for r in low)
            + "。"
        )
    if report.repeated:
        sentence += f"其中{report.repeated}个问题为屡查屡犯，已升级督办。"
    sections = [Section("总体情况", [sentence])]
    worst = [s for s in report.worst(5) if s.score is not None]
    if worst:
        sections.append(
            Section(
                "问题较多的单位",
                [
                    "得分较低的是："
                    + "；".join(
                        f"{s.stratum}{s.name}（{s.score:.1f}分，问题{len(s.failed)}个）"
                        for s in worst
                    )
                    + "。"
                ],
            )
        )
    sections.append(
        Section(
            "整改要求",
            [
                "请各有关单位对照问题清单逐项整改，于整改期限内通过平台报送整改情况和佐证材料；"
                "屡查屡犯的问题由属地政府主要负责人督办。整改情况将纳入考核。"
            ],
        )
    )
    by_pk = {str(v.pk): v for v in visits}
    rows = [
        [str(n), f"{row.stratum}{row.name}", item.text, by_pk[row.site].notes.get(item.code, ""),
         "是" if item in row.repeated else ""]
        for n, (row, item) in enumerate(
            ((r, i) for r in report.sites for i in r.failed), start=1
        )
    ]  # fmt: skip
    return Content(
        title=f"关于{plan.name}情况的通报",
        subtitle="",
        number=number,
        issuer=issuer,
        date=chinese_date(plan.ends_on),
        lead=[lead],
        sections=numbered(sections),
        appendix=[
            Table(
                "附表：明察暗访问题清单",
                ["序号", "检查对象", "检查内容", "问题描述", "屡查屡犯"],
                rows,
                [True, False, False, False, False],
            )
        ],
    )
