"""Printing a document's content (``content.Content``) as Word and as PDF — the documents
engine: one content, two formats, so the numbers are the same in both.

- Word: a docxtpl template (Jinja inside a real .docx) the office may edit in Word —
  ``templates/report.docx`` is the one shipped (made by ``scripts/report_template.py``). The
  template sees ``title``, ``subtitle``, ``issuer``, ``date``, ``number``, ``lead``,
  ``sections`` (each with ``heading``, ``paragraphs`` and ``tables``, a ready-made table block),
  ``appendix`` (a block) and ``headline``.
- PDF: the same content laid out as HTML (``templates/report.html``, Jinja) and printed by
  WeasyPrint: A4, page numbers, 仿宋 / 黑体 where the fonts exist and Noto CJK otherwise; the
  fonts used are embedded in the file."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from minsheng.core.reports.content import Content, Table

TEMPLATES = Path(__file__).with_name("templates")
BODY_FONT = "FangSong"  # 仿宋; Word substitutes the system's CJK font when it is missing
TABLE_FONT = "SimSun"  # 宋体 for tables, as government tables are set


class TemplateError(ValueError):
    """A Word template that cannot be used (the message is for the user)."""


def default_template() -> bytes:
    return (TEMPLATES / "report.docx").read_bytes()


def _table_block(tpl: Any, tables: Sequence[Table]) -> Any:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    block = tpl.new_subdoc()
    for table in tables:
        if table.caption:
            caption = block.add_paragraph()
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(caption.add_run(table.caption), 12, bold=True, font="SimHei", qn=qn, pt=Pt)
        grid = block.add_table(rows=1 if table.headers else 0, cols=table.columns)
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        numeric = list(table.numeric) + [False] * table.columns
        if table.headers:
            for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = cell.paragraphs[0].add_run(header)
                _run(run, 10.5, bold=True, font="SimHei", qn=qn, pt=Pt)
        for row in table.rows:
            cells = grid.add_row().cells
            for k, (cell, value) in enumerate(zip(cells, row, strict=True)):
                if numeric[k]:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
                label = table.labels and k == 0
                run = cell.paragraphs[0].add_run(value)
                _run(run, 10.5, bold=label, font="SimHei" if label else TABLE_FONT, qn=qn, pt=Pt)
        block.add_paragraph()
    return block


def _run(run: Any, size: float, *, font: str, qn: Any, pt: Any, bold: bool = False) -> None:
    run.font.size = pt(size)
    run.font.bold = bold
    run.font.name = font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def to_docx(content: Content, template: bytes | None = None) -> bytes:
    """The Word document from ``template`` (the shipped one when None)."""
    from docx.shared import Cm
    from docxtpl import DocxTemplate, InlineImage
    from jinja2 import TemplateError as JinjaError

    try:
        tpl = DocxTemplate(io.BytesIO(template or default_template()))
        data = content.as_json()
        data["sections"] = [
            {
                **s.as_json(),
                "tables": _table_block(tpl, s.tables),
                "picture": (
                    InlineImage(tpl, io.BytesIO(s.picture.png), width=Cm(s.picture.width_cm))
                    if s.picture
                    else None
                ),
                "picture_caption": s.picture.caption if s.picture else "",
            }
            for s in content.sections
        ]
        data["appendix"] = _table_block(tpl, content.appendix)
        tpl.render(data, autoescape=True)
    except JinjaError as exc:
        raise TemplateError(f"报告模板有误：{exc}") from None
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:  # not a .docx, or a broken one
        raise TemplateError(f"报告模板不是有效的 Word 文件（.docx）：{exc}") from None
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def to_html(content: Content) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True
    )
    return env.get_template("report.html").render(content=content)


def to_pdf(content: Content) -> bytes:
    """The PDF of the same content (fonts embedded by WeasyPrint)."""
    from weasyprint import HTML

    pdf = HTML(string=to_html(content), base_url=str(TEMPLATES)).write_pdf()
    return bytes(pdf or b"")


def check_template(data: bytes) -> None:
    """``TemplateError`` unless the uploaded Word template renders a sample report."""
    sample = Content(title="示例", subtitle="（示例）", issuer="示例", date="2026年1月1日")
    to_docx(sample, data)
