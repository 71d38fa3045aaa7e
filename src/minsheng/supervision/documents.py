"""Documents out of supervision: the board as an Excel workbook and a task's printable 督办单
(Word or PDF through the documents engine). Text only in Chinese; dates as 2026年12月2日."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from minsheng.core.reports.content import Content, Section, Table
from minsheng.core.workdays.calendar import chinese_date
from minsheng.core.xlsx import INTEGER, PERCENT, Sheet
from minsheng.supervision.board import Tally
from minsheng.supervision.models import Task


def board_sheets(units: list[Tally], plans: list[Tally], caption: str) -> list[Sheet]:
    headers = [
        _("任务数"),
        _("办理中"),
        _("已逾期"),
        _("已办结"),
        _("按时办结率"),
        _("数据验证率"),
    ]
    formats = [None, INTEGER, INTEGER, INTEGER, INTEGER, PERCENT, PERCENT]

    def rows(tallies: list[Tally]) -> list[list[Any]]:
        return [
            [t.name, t.tasks, t.open, t.overdue, t.accepted, t.on_time_rate, t.verified_rate]
            for t in tallies
        ]

    return [
        Sheet(_("按单位"), [_("单位"), *headers], rows(units), formats=formats, caption=caption),
        Sheet(_("按方案"), [_("方案"), *headers], rows(plans), formats=formats, caption=caption),
    ]


def task_order(
    task: Task, *, office: str, today: dt.date, leads: list[str], history: list[str]
) -> Content:
    """The printable 督办单 of one task (Word or PDF through the documents engine)."""
    verdict = (
        f"{task.get_verdict_display()} {task.verdict_note}".strip() if task.verdict else "未核验"
    )
    facts = Table(
        "",
        [],
        [
            ["督办事项", f"{task.number} {task.title}".strip()],
            ["承办单位", task.unit.name],
            ["牵头单位", "、".join(leads) or "—"],
            ["完成时限", chinese_date(task.due)],
            ["来源", task.get_source_display()],
            ["办理状态", f"{task.get_state_display()}（完成 {task.percent}%）"],
            ["催办情况", task.get_alert_display() if task.alert else "—"],
            ["数据核验", verdict],
        ],
        labels=True,
    )
    sections = [Section("", tables=[facts])]
    if task.text:
        sections.append(Section("工作内容", task.text.splitlines()))
    requirement = (
        f"请于{chinese_date(task.due)}前办结，并通过“民生”平台报送办理情况和佐证材料；"
        "不能按期办结的，请在期限届满前申请延期并说明理由。"
        if task.due
        else "请按要求办理，并通过“民生”平台报送办理情况和佐证材料。"
    )
    sections.append(Section("办理要求", [requirement]))
    if history:
        sections.append(Section("办理记录", history))
    return Content(
        title="督 办 单",
        subtitle="",
        number=f"督办〔{today.year}〕第 {task.pk} 号",
        issuer=office,
        date=chinese_date(today),
        sections=sections,
    )
