"""An action plan as a worksheet (.xlsx), one row per task. Columns (Chinese headers; the order
does not matter): 序号, 任务 (required), 工作内容, 牵头单位, 配合单位, 责任单位 (names separated by
、，, or ;), 完成时限 (a date cell, 2027-06-30, or text such as "2027年6月底前"), 量化目标 (text;
targets are also read from 任务 and 工作内容). Every row that names no unit, has no task or a
due date that is no date is reported with its row and column, and nothing is read; the plan's
title is the file's name."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from minsheng.core.plans.parse import Plan, Target, Task, _split_top, deadline, normalise, targets
from minsheng.core.tabular import (
    Cell,
    CellError,
    TableError,
    cell_text,
    read_table,
    require_columns,
)

COLUMNS = {
    "序号": "number",
    "编号": "number",
    "任务": "title",
    "任务名称": "title",
    "重点任务": "title",
    "工作内容": "text",
    "具体内容": "text",
    "内容": "text",
    "牵头单位": "lead",
    "配合单位": "cooperating",
    "协办单位": "cooperating",
    "责任单位": "responsible",
    "完成时限": "due",
    "完成时间": "due",
    "时限": "due",
    "量化目标": "targets",
    "目标": "targets",
}


LEAD_MARK = re.compile(r"(.+?)\((?:牵头|牵头单位)\)$")


def _names(text: str) -> list[str]:
    return [n.strip(" 。.") for n in _split_top(normalise(text), "、,;") if n.strip(" 。.")]


def _units(cells: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
    """(lead, co-operating, responsible); "A(牵头)" in any column makes A a lead unit."""
    out: dict[str, list[str]] = {"lead": [], "cooperating": [], "responsible": []}
    for role in out:
        for name in _names(cells.get(role, "")):
            marked = LEAD_MARK.fullmatch(name)
            out["lead" if marked else role].append(marked.group(1) if marked else name)
    return out["lead"], out["cooperating"], out["responsible"]


def _due(value: Cell) -> str | bool | None:
    """ISO date, None for blank, False for text that is no date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = cell_text(value)
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return deadline("完成时限:" + normalise(text)) or False  # the cell holds the date alone


def plan_from_sheet(data: bytes, *, filename: str) -> Plan:
    table = read_table(data, filename=filename)
    columns = require_columns(table, ["任务"], dict.fromkeys(("任务名称", "重点任务"), "任务"))
    field_of = {header: COLUMNS[name] for name, header in columns.items() if name in COLUMNS}
    errors: list[CellError] = []
    tasks: list[Task] = []
    for row in table.rows:
        cells = {field: cell_text(row.values.get(header)) for header, field in field_of.items()}
        title = normalise(cells.get("title", ""))
        if not title:
            errors.append(table.error(row.number, "任务", "任务名称为空"))
            continue
        lead, cooperating, responsible = _units(cells)
        if not (lead or responsible):
            errors.append(table.error(row.number, "牵头单位", "没有牵头单位或责任单位"))
            continue
        header = next((h for h, f in field_of.items() if f == "due"), "")
        due = _due(row.values.get(header)) if header else None
        if due is False:
            errors.append(
                table.error(row.number, header, "不是日期（例如 2027-06-30 或 2027年6月底前）")
            )
            continue
        text = normalise(cells.get("text", ""))
        aims = "。".join((title, text, normalise(cells.get("targets", ""))))
        date = due if isinstance(due, str) else None
        tasks.append(
            Task(
                number=cells.get("number", ""),
                title=title[:80],
                text=text or title,
                lead=lead,
                cooperating=cooperating,
                responsible=responsible,
                due=date,
                targets=[
                    Target(t.metric, t.op, t.value, t.unit, t.due or date) for t in targets(aims)
                ],
            )
        )
    if errors:
        raise TableError(errors)
    title = Path(filename).stem
    return Plan(title, tasks, [])
