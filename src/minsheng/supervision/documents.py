"""Documents out of supervision: the board as an Excel workbook and a task's printable 督办单
(Word). Text only in Chinese; dates as 2026年12月2日."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from minsheng.core.workdays.calendar import chinese_date
from minsheng.core.xlsx import INTEGER, PERCENT, Sheet
from minsheng.supervision.board import Tally
from minsheng.supervision.models import Task

FONT = "SimSun"  # 宋体; Word falls back to the system's CJK font when it is missing


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


def _run_font(run: Any, size: float, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def task_order(
    task: Task, *, office: str, today: dt.date, leads: list[str], history: list[str]
) -> bytes:
    """The printable 督办单 of one task."""
    doc = Document()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run_font(title.add_run("督 办 单"), 22, bold=True)
    number = doc.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run_font(number.add_run(f"督办〔{today.year}〕第 {task.pk} 号"), 12)
    facts = [
        ("督办事项", f"{task.number} {task.title}".strip()),
        ("承办单位", task.unit.name),
        ("牵头单位", "、".join(leads) or "—"),
        ("完成时限", chinese_date(task.due)),
        ("来源", task.get_source_display()),
        ("办理状态", f"{task.get_state_display()}（完成 {task.percent}%）"),
        ("催办情况", task.get_alert_display() if task.alert else "—"),
        (
            "数据核验",
            f"{task.get_verdict_display()} {task.verdict_note}".strip()
            if task.verdict
            else "未核验",
        ),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in facts:
        cells = table.add_row().cells
        _run_font(cells[0].paragraphs[0].add_run(label), 12, bold=True)
        _run_font(cells[1].paragraphs[0].add_run(value), 12)
    if task.text:
        heading = doc.add_paragraph()
        _run_font(heading.add_run("工作内容"), 14, bold=True)
        _run_font(doc.add_paragraph().add_run(task.text), 12)
    heading = doc.add_paragraph()
    _run_font(heading.add_run("办理要求"), 14, bold=True)
    requirement = (
        f"请于{chinese_date(task.due)}前办结，并通过“民生”平台报送办理情况和佐证材料；"
        "不能按期办结的，请在期限届满前申请延期并说明理由。"
        if task.due
        else "请按要求办理，并通过“民生”平台报送办理情况和佐证材料。"
    )
    _run_font(doc.add_paragraph().add_run(requirement), 12)
    if history:
        heading = doc.add_paragraph()
        _run_font(heading.add_run("办理记录"), 14, bold=True)
        for line in history:
            _run_font(doc.add_paragraph().add_run(line), 10.5)
    sign = doc.add_paragraph()
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run_font(sign.add_run(f"{office}\n{chinese_date(today)}"), 12)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
