"""A plan as a worksheet, one row per task: units split as in documents, deadlines from date
cells or text, targets read from the text; every bad row located by row and column."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest

from minsheng.core.plans.command import main
from minsheng.core.plans.document import DocumentError, read_plan

HEADER = ["序号", "任务", "工作内容", "牵头单位", "配合单位", "责任单位", "完成时限"]


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    [
        "1",
        "提升政务服务进驻率",
        "全市政务服务进驻率达到90%以上",
        "市政务服务局",
        "市发展改革委、市财政局",
        "各县(市、区)人民政府",
        dt.date(2027, 6, 30),
    ],
    ["2", "缩短门诊候诊时间", "", "市卫生健康委（牵头）", "", "", "2027年6月底前"],
]


def test_rows_become_tasks() -> None:
    plan = read_plan(_xlsx(GOOD), filename="质量提升任务表.xlsx")
    assert plan.title == "质量提升任务表" and len(plan.tasks) == 2
    first, second = plan.tasks
    assert first.lead == ["市政务服务局"] and first.cooperating == ["市发展改革委", "市财政局"]
    assert first.responsible == ["各县(市、区)人民政府"] and first.due == "2027-06-30"
    assert [(t.metric, t.op, t.value, t.unit, t.due) for t in first.targets] == [
        ("全市政务服务进驻率", ">=", 90.0, "%", "2027-06-30")
    ]
    assert second.lead == ["市卫生健康委"] and second.due == "2027-06-30"
    assert second.text == "缩短门诊候诊时间"


def test_bad_rows_are_located_and_nothing_is_read() -> None:
    rows = [
        *GOOD,
        ["3", "", "", "市民政局", "", "", None],
        ["4", "无单位的任务", "", "", "", "", None],
    ]
    rows.append(["5", "日期不对", "", "市民政局", "", "", "明年"])
    with pytest.raises(DocumentError) as caught:
        read_plan(_xlsx(rows), filename="p.xlsx")
    message = str(caught.value)
    assert "第 4 行，列 任务：任务名称为空" in message
    assert "第 5 行，列 牵头单位：没有牵头单位或责任单位" in message
    assert "第 6 行，列 完成时限：不是日期" in message
    with pytest.raises(DocumentError, match="缺少必填列 任务"):
        read_plan(_xlsx_without_task_column(), filename="p.xlsx")


def _xlsx_without_task_column() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "牵头单位"])
    sheet.append(["1", "市民政局"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_command_reads_a_worksheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "任务表.xlsx"
    path.write_bytes(_xlsx(GOOD))
    assert main(["import", str(path), "--dry-run"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [t["number"] for t in out["tasks"]] == ["1", "2"] and out["reports"] == []
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not excel")
    assert main(["import", str(bad), "--dry-run"]) == 2
