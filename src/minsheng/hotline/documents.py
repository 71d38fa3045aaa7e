"""The hotline's monthly tables as Excel sheets (the 通报 table of a month: metrics by group,
and the 三率 ranking)."""

from __future__ import annotations

from minsheng.core.hotline.metrics import Ranked
from minsheng.core.xlsx import DECIMAL1, DECIMAL2, INTEGER, PERCENT, Sheet
from minsheng.hotline.selectors import BY_LABELS, Grouped

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
