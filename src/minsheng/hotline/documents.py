"""The hotline's monthly tables as Excel sheets (the 通报 table of a month: metrics by group,
and the 三率 ranking), and the month's 通报 as a document (Word or PDF through the documents
engine)."""

from __future__ import annotations

import datetime as dt

from minsheng.core.hotline.metrics import GroupMetrics, Ranked
from minsheng.core.reports.content import Content, Section, Table, numbered
from minsheng.core.workdays.calendar import chinese_date
from minsheng.core.xlsx import DECIMAL1, DECIMAL2, INTEGER, PERCENT, Sheet
from minsheng.hotline.selectors import BY_LABELS, Grouped, Topic

HEADERS = ("工单数", "响应率", "办结率", "按时办结率", "回访率", "解决率", "满意率", "重办率",
           "退回率", "平均办理工作日")  # fmt: skip


def month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{year}年{int(number)}月"


def metrics_sheet(grouped: Grouped, month: str, by: str) -> Sheet:
    return Sheet(
        "分项指标",
        [BY_LABELS[by], *HEADERS],
        [
            [
                m.group,
                m.orders,
                m.response_rate,
                m.answered_rate,
                m.on_time_rate,
                m.followup_rate,
                m.solved_rate,
                m.satisfied_rate,
                m.reopened_rate,
                m.returned_rate,
                m.mean_days,
            ]
            for m in grouped.rows
        ],
        formats=[None, INTEGER, *[PERCENT] * 8, DECIMAL1],
        caption=f"12345热线工单办理情况（{month_label(month)}，按{BY_LABELS[by]}）",
    )


def ranking_sheet(ranked: list[Ranked], month: str, by: str) -> Sheet:
    return Sheet(
        "三率排名",
        ["排名", "排名区间", BY_LABELS[by], "综合得分", "响应率", "解决率", "满意率", "回访数"],
        [
            [
                r.interval.rank if r.interval.ranked else "样本不足",
                f"{r.interval.low}–{r.interval.high}" if r.interval.low is not None else "—",
                r.metrics.group,
                r.score,
                r.metrics.response_rate,
                r.metrics.solved_rate,
                r.metrics.satisfied_rate,
                r.metrics.followed_up,
            ]
            for r in ranked
        ],
        formats=[None, None, None, DECIMAL2, PERCENT, PERCENT, PERCENT, INTEGER],
        caption=f"12345热线“三率”排名（{month_label(month)}）",
    )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def month_notice(
    *,
    month: str,
    total: list[GroupMetrics],
    ranked: list[Ranked],
    rank_by: str,
    min_n: int,
    topic: Topic | None,
    issuer: str,
    number: str,
    day: dt.date,
) -> Content:
    """关于{month}12345热线诉求办理情况的通报: the month's totals, the 三率 ranking (top and
    bottom named, the table appended), 每月一题."""
    label = month_label(month)
    orders = sum(m.orders for m in total)
    answered = sum(m.answered for m in total)
    followed = sum(m.followed_up for m in total)
    content_n = sum(m.satisfied for m in total)
    solved = sum(m.solved for m in total)
    timed = sum(m.timed for m in total)
    on_time = sum(m.on_time for m in total)
    kinds = "、".join(f"{m.group} {m.orders} 张" for m in total[:6])
    overview = [
        f"{label}，12345热线共受理群众诉求 {orders} 张（{kinds}），办结 {answered} 张，"
        f"办结率 {_pct(answered / orders if orders else None)}；"
        f"按时办结率 {_pct(on_time / timed if timed else None)}；"
        f"回访 {followed} 张，解决率 {_pct(solved / followed if followed else None)}，"
        f"满意率 {_pct(content_n / followed if followed else None)}。"
    ]
    if not orders:
        overview = [f"{label}，12345热线没有受理群众诉求。"]
    placed = [r for r in ranked if r.interval.ranked]
    who = "乡镇（街道）" if rank_by == "township" else "承办单位"
    ranking_text = []
    if placed:
        top = "、".join(f"{r.metrics.group}（{r.score:.2f}分）" for r in placed[:3])
        ranking_text.append(f"按响应率、解决率、满意率综合计分，{who}中得分较高的是{top}。")
        if len(placed) > 3:
            low = "、".join(f"{r.metrics.group}（{r.score:.2f}分）" for r in placed[-3:])
            ranking_text.append(f"得分较低的是{low}，请认真分析原因，切实提高诉求办理质量。")
        ranking_text.append(
            "排名区间按各率的抽样误差模拟，区间重叠的单位名次先后并不可靠，详见附表；"
            f"回访少于 {min_n} 张的单位不参与排名。"
        )
    else:
        ranking_text.append(f"本月没有回访数达到 {min_n} 张的{who}，不作排名。")
    sections = [Section("总体情况", overview), Section("“三率”排名情况", ranking_text)]
    if topic is not None:
        places = "、".join(f"{name}（{n}张）" for name, n in topic.regions)
        sections.append(
            Section(
                "每月一题",
                [
                    f"本月求助、投诉、举报最多的是“{topic.category}”，共 {topic.orders} 张"
                    f"（上月 {topic.before} 张）"
                    + (f"，主要集中在{places}" if places else "")
                    + "。建议作为下月“每月一题”，由牵头单位研究共性问题，制定解决方案。"
                ],
            )
        )
    table = Table(
        f"附表：{label}12345热线“三率”排名（{who}）",
        ["排名", "排名区间", who, "综合得分", "响应率", "解决率", "满意率", "回访数"],
        [
            [str(r.interval.rank) if r.interval.ranked else "样本不足",
             f"{r.interval.low}–{r.interval.high}" if r.interval.low is not None else "—",
             r.metrics.group, "—" if r.score is None else f"{r.score:.2f}",
             _pct(r.metrics.response_rate), _pct(r.metrics.solved_rate),
             _pct(r.metrics.satisfied_rate), str(r.metrics.followed_up)]
            for r in ranked
        ],
        [True, True, False, True, True, True, True, True],
    )  # fmt: skip
    return Content(
        title=f"关于{label}12345热线诉求办理情况的通报",
        subtitle="",
        number=number,
        issuer=issuer,
        date=chinese_date(day),
        lead=[f"现将{label}12345政务服务便民热线群众诉求办理情况通报如下："],
        sections=numbered(sections),
        appendix=[table],
    )
