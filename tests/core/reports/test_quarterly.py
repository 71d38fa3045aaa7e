"""The quarterly report's sentences from figures given by hand, in the phrasing such reports use
(seed 003: "76.09分, 比上轮提高2.52分, 排名上升13位"; seed 001: "N项指标 … 位列全省第一"), and both
renderers printing the same content: Word read back with python-docx, PDF with pypdf and with
poppler's pdftotext (an extractor of its own), fonts embedded."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from minsheng.core.reports.quarterly import (
    IndexFacts,
    Named,
    OpenTask,
    PollFacts,
    QuarterFacts,
    RatingFacts,
    TaskFacts,
    quarterly,
)
from minsheng.core.reports.render import TemplateError, check_template, to_docx, to_pdf


def _facts(**parts: object) -> QuarterFacts:
    facts = QuarterFacts(
        region="清河市", period_label="2026年第3季度", issuer="清河市质量办", date="2026年10月12日",
        child_label="县（市、区）",
    )  # fmt: skip
    for key, value in parts.items():
        setattr(facts, key, value)
    return facts


POLL = PollFacts(
    poll_id=1,
    name="第三季度测评", score=76.09, n=4800, previous=73.57, change_significant=True, rate=0.873,
    target=0.85, target_verdict="met",
    units=[Named("甲区", 80.0, "+1.00"), Named("乙区", 75.5, "-0.20"), Named("丙区", 70.25, "")],
    fields=[Named("公共教育", 81.0), Named("医疗服务", 72.0)], weakest=[Named("看病排队", 65.4)],
)  # fmt: skip
INDEX = IndexFacts(
    index=76.09, rank=3, peers=13, peer_label="全省", rank_low=2, rank_high=5, previous_rank=16,
    indicators=45, with_target=40, met=22, below=["甲指标", "乙指标"], first=["丙指标"],
)  # fmt: skip


def test_sentences_use_the_reports_phrasing() -> None:
    content = quarterly(_facts(index=INDEX, poll=POLL))
    text = "\n".join(p for s in content.sections for p in s.paragraphs)
    assert (
        "清河市水平指数76.09，位列全省第3位（考虑数据不确定性，名次在第2至5位之间），"
        "较上期上升13位" in text
    )
    assert "已达到目标22项" in text and "1项指标位列全省第一：丙指标" in text
    assert "2项指标低于平均水平：甲指标、乙指标" in text
    assert "总体满意度76.09分，较上轮提高2.52分，变化超出抽样误差" in text
    assert "满意率87.3%，目标85.0%，已达到目标" in text
    assert "得分相对较高的是甲区（80.00分），相对较低的是丙区（70.25分）" in text
    assert "“看病排队”（65.40分）" in text
    assert content.headline == {"水平指数": "76.09", "水平指数排名": "3", "满意度": "76.09"}


def test_within_error_and_missing_sections_renumber() -> None:
    poll = PollFacts(
        poll_id=2, name="测评", score=80.0, n=900, previous=80.6, change_significant=False
    )
    content = quarterly(_facts(poll=poll, tasks=TaskFacts(10, 7, 2, 0.8, [
        OpenTask("整改甲", "某局", "2026年12月1日", True)])))  # fmt: skip
    headings = [s.heading for s in content.sections]
    assert headings == ["一、基本情况", "二、群众满意度", "三、存在的问题", "四、下一步工作"]
    text = "\n".join(p for s in content.sections for p in s.paragraphs)
    assert "较上轮下降0.60分，变化在抽样误差范围内" in text
    assert "（一）部分整改任务逾期。2项督办任务已超过期限仍未办结。" in text
    assert content.sections[-1].tables[0].rows == [
        ["1", "整改甲", "某局", "2026年12月1日（已逾期）"]
    ]


def test_word_and_pdf_say_the_same() -> None:
    ratings = RatingFacts(12000, 0.99125, 105, 0.96, 0.91, [Named("甲区", 0.993, "30/30")], [])
    content = quarterly(_facts(index=INDEX, poll=POLL, ratings=ratings))
    docx = Document(io.BytesIO(to_docx(content)))
    words = "\n".join(p.text for p in docx.paragraphs)
    cells = [c.text for t in docx.tables for row in t.rows for c in row.cells]
    pdf_bytes = to_pdf(content)
    reader = PdfReader(io.BytesIO(pdf_bytes))
    pdf_text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    for figure in ("76.09", "好评率99.1%", "位列全省第3位", "清河市质量办"):
        assert figure in words, figure
        assert figure in pdf_text, figure
    assert "甲区" in cells and "80.00" in cells
    # The satisfaction chart (three districts) is a picture in both files.
    assert len(docx.inline_shapes) == 1
    assert any("/XObject" in page["/Resources"] for page in reader.pages)
    assert "{{" not in words and "{%" not in words  # every tag rendered
    # Every font in the PDF is embedded (a FontFile in its descriptor).
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"]
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_read_by_poppler(tmp_path: Path) -> None:
    content = quarterly(_facts(index=INDEX))
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(to_pdf(content))
    command = ["pdftotext", "-layout", str(pdf), "-"]
    text = subprocess.run(command, capture_output=True, check=True, text=True).stdout
    assert "清河市公共服务质量分析报告" in text.replace(" ", "")
    assert re.search(r"—\s*1\s*—", text)  # the page number at the foot


def test_a_broken_template_is_refused_with_a_reason() -> None:
    with pytest.raises(TemplateError, match="不是有效的 Word 文件"):
        check_template(b"not a docx")
    doc = Document()
    doc.add_paragraph("{{ title ")  # an unclosed tag
    out = io.BytesIO()
    doc.save(out)
    with pytest.raises(TemplateError, match="报告模板有误"):
        check_template(out.getvalue())
