"""Reading an action plan's Word document: seed 004 (the real plan of a city) and the other
house styles — every task with its units, deadline and targets, and the report-by rules —
checked against what a reader of the document finds in it."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

import minsheng
from minsheng.core.plans.command import main
from minsheng.core.plans.document import DocumentError, paragraphs
from minsheng.core.plans.parse import Target, parse_plan

# Seed 004 (a city's published plan, ../shared/seeds/004_…txt), kept with the demo data.
SEED = Path(minsheng.__file__).parent / "supervision" / "data" / "seed_004_plan.txt"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(lines: list[str]) -> bytes:
    """A minimal Word document; each paragraph split into two runs, as Word often does."""
    body = "".join(
        f'<w:p><w:r><w:t>{escape(line[:5])}</w:t></w:r><w:r><w:t xml:space="preserve">'
        f"{escape(line[5:])}</w:t></w:r></w:p>"
        for line in lines
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}">'
        f"<w:body>{body}</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
    return out.getvalue()


def _seed_lines() -> list[str]:
    return [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_seed_004_from_its_word_document() -> None:
    plan = parse_plan(paragraphs(docx(_seed_lines()), filename="方案.docx"))
    assert plan.title == "保山市公共服务质量改进提升行动方案"
    numbers = [t.number for t in plan.tasks]
    assert numbers == [
        "(一)", "(二)", "(三)", "(四)", "(五)", "(六)-1", "(六)-2", "(六)-3",
        "(七)", "(八)", "(九)", "(十)", "(十一)", "(十二)",
    ]  # fmt: skip
    by = {t.number: t for t in plan.tasks}
    everyone = ["各县(市、区)人民政府", "各园区管委会"]
    assert (by["(一)"].lead, by["(一)"].responsible) == (["市教育体育局"], everyone)
    assert by["(六)-1"].title == "建筑施工噪声污染整治"
    assert by["(六)-1"].cooperating == ["市住房城乡建设局"]
    assert by["(六)-3"].lead == ["市生态环境局", "市公安局"]
    assert by["(七)"].responsible == [*everyone, "市公交公司"]
    assert by["(十二)"].cooperating == ["市直各有关政务服务职能部门"]
    assert by["(十二)"].targets == [
        Target("全市政务服务进驻率", ">=", 90.0, "%", "2020-12-31"),
        Target("网上可办事项(二级办理深度及以上)", ">=", 100.0, "%", None),
        Target("承诺时限压减", ">=", 50.0, "%", None),
        Target("最多跑一次事项", ">=", 90.0, "%", None),
        Target("即办件事项", ">=", 20.0, "%", None),
        Target("全程网办(四级办理深度)事项", ">=", 30.0, "%", None),
    ]
    assert by["(九)"].targets == [Target("平均每个村(社区)文化场所", ">=", 3.0, "个", None)]
    assert [(r.source, r.to, r.due) for r in plan.reports] == [
        ("responsible", "lead", "2020-11-05"),
        ("lead", "office", "2020-11-10"),
    ]
    # 总体要求, 组织领导, 工作要求 name no units: not tasks.
    assert not any("总体要求" in t.title or "提高思想认识" in t.title for t in plan.tasks)


def test_other_house_styles_deadlines_and_recurring_reports() -> None:
    lines = [
        "某县窗口服务提升工作方案",
        "一、重点任务",
        "1．完善窗口服务标准。完成时限：2027年6月底前。责任单位：县政务服务管理局（牵头），县公安局、县人社局",
        "（2）推进“一窗受理”，综合窗口占比不低于60%（牵头单位：县政务服务管理局；责任单位：各乡镇（街道））完成时限：2026年底前",
        "3.办件平均等候时间控制在20分钟以内。（牵头单位:县政务服务管理局;配合单位:县数据局）完成时限：2026年9月15日",
        "二、工作要求",
        "各乡镇（街道）每季度末月25日前将进展情况报县牵头部门，县牵头部门次月5日前报县质量办。",
    ]
    plan = parse_plan(lines)
    assert plan.title == "某县窗口服务提升工作方案"
    first, second, third = plan.tasks
    assert (first.number, first.lead, first.responsible, first.due) == (
        "1",
        ["县政务服务管理局"],
        ["县公安局", "县人社局"],
        "2027-06-30",
    )
    assert (second.number, second.responsible, second.due) == (
        "(2)",
        ["各乡镇(街道)"],
        "2026-12-31",
    )
    assert second.targets == [Target("综合窗口占比", ">=", 60.0, "%", "2026-12-31")]
    assert third.due == "2026-09-15" and third.cooperating == ["县数据局"]
    assert third.targets == [Target("办件平均等候时间控制在", "<=", 20.0, "分钟", "2026-09-15")]
    assert [(r.source, r.to, r.due) for r in plan.reports] == [
        ("responsible", "lead", None),
        ("lead", "office", None),
    ]
    assert "每季度末月25日前" in plan.reports[0].rule


def test_bad_files_are_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="只能读取"):
        paragraphs(b"x", filename="plan.pdf")
    with pytest.raises(DocumentError, match="不是有效的 Word 文档"):
        paragraphs(b"not a zip", filename="plan.docx")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w") as archive:
        archive.writestr("word/document.xml", '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    with pytest.raises(DocumentError, match="DTD"):
        paragraphs(bomb.getvalue(), filename="plan.docx")
    empty = tmp_path / "empty.docx"
    empty.write_bytes(docx(["一、总体要求", "认真落实。"]))
    assert main(["import", str(empty), "--dry-run"]) == 2
    assert main(["import", str(tmp_path / "missing.docx"), "--dry-run"]) == 2


def test_command_prints_the_plan_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "方案.docx"
    path.write_bytes(docx(_seed_lines()))
    assert main(["import", str(path), "--dry-run", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["title"] == "保山市公共服务质量改进提升行动方案" and len(out["tasks"]) == 14
    assert out["reports"][0] == {
        "from": "responsible",
        "to": "lead",
        "due": "2020-11-05",
        "rule": "各县(市、区)相关部门将工作开展情况于2020年11月5日前报市直牵头部门",
    }
    assert set(out["tasks"][0]) == {
        "number", "title", "lead", "cooperating", "responsible", "due", "targets",
    }  # fmt: skip
    assert main(["import", str(path)]) == 2  # storing comes with the supervision module


def test_a_deadline_in_working_days() -> None:
    plan = parse_plan(
        [
            "某县证明事项清理方案",
            "1．全面清理证明事项，自方案印发之日起15个工作日内完成。（牵头单位：县司法局）",
            "2．公布保留的证明事项清单。完成时限：2027年3月底前。（牵头单位：县司法局）",
        ]
    )
    first, second = plan.tasks
    assert (first.due, first.workdays) == (None, 15)
    assert (second.due, second.workdays) == ("2027-03-31", None)  # a date wins
