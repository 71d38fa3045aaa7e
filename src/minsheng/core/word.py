"""Word documents the platform prints (督办单, 一次性告知单): one set of helpers so every
document uses the same fonts and layout — 宋体 for text (Word falls back to the system's CJK font
when it is missing), titles centred and large, facts in a ruled two-column table, A4."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

FONT = "SimSun"  # 宋体


def new_document() -> Any:
    """An empty A4 document with 2.5 cm margins."""
    doc = Document()
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.5)
    return doc


def run_font(run: Any, size: float, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def title(doc: Any, text: str, size: float = 22) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run_font(paragraph.add_run(text), size, bold=True)


def centred(doc: Any, text: str, size: float = 12) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run_font(paragraph.add_run(text), size)


def heading(doc: Any, text: str, size: float = 14) -> None:
    run_font(doc.add_paragraph().add_run(text), size, bold=True)


def text(doc: Any, body: str, size: float = 12) -> None:
    run_font(doc.add_paragraph().add_run(body), size)


def signed(doc: Any, body: str, size: float = 12) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run_font(paragraph.add_run(body), size)


def facts(doc: Any, rows: Sequence[tuple[str, str]], size: float = 12) -> None:
    """A ruled two-column table: label (bold) and value."""
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        run_font(cells[0].paragraphs[0].add_run(label), size, bold=True)
        run_font(cells[1].paragraphs[0].add_run(value), size)


def grid(
    doc: Any, headers: Sequence[str], rows: Sequence[Sequence[str]], size: float = 10.5
) -> None:
    """A ruled table with a bold header row."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        run_font(cell.paragraphs[0].add_run(header), size, bold=True)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            run_font(cell.paragraphs[0].add_run(value), size)


def picture(doc: Any, png: bytes, width_cm: float) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))


def to_bytes(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
