"""Make the shipped Word template of the reports (src/minsheng/core/reports/templates/report.docx):
a real .docx with docxtpl's Jinja tags, laid out after GB/T 9704 (党政机关公文格式): A4, margins
3.7 / 3.5 / 2.8 / 2.6 cm, the title in 二号 (22 pt) 小标宋 (宋体 where missing), headings in 三号
黑体, body in 三号 仿宋 with a two-character first-line indent, page numbers "— N —" at the foot.
The office edits a copy in Word (wording, fonts, a red header, a seal) and uploads it.

    .venv/bin/python scripts/report_template.py
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

OUT = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "minsheng"
    / "core"
    / "reports"
    / "templates"
    / "report.docx"
)


def font(run, name: str, size: float, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def para(doc, text: str, name: str, size: float, *, align=None, indent: bool = False, bold=False):  # type: ignore[no-untyped-def]
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = Pt(28)
    p.paragraph_format.space_after = Pt(0)
    font(p.add_run(text), name, size, bold)
    return p


def page_numbers(section) -> None:  # type: ignore[no-untyped-def]
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font(p.add_run("— "), "SimSun", 14)
    run = p.add_run()
    font(run, "SimSun", 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind is None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._r.append(field)
    font(p.add_run(" —"), "SimSun", 14)


def main() -> None:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    page_numbers(section)
    centre, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    para(doc, "{{ title }}", "SimSun", 22, align=centre, bold=True)
    para(doc, "{{ subtitle }}", "KaiTi", 16, align=centre)
    para(doc, "{%p if number %}", "FangSong", 16)
    para(doc, "{{ number }}", "FangSong", 16, align=centre)
    para(doc, "{%p endif %}", "FangSong", 16)
    para(doc, "{%p for p in lead %}", "FangSong", 16)
    para(doc, "{{ p }}", "FangSong", 16, indent=True)
    para(doc, "{%p endfor %}", "FangSong", 16)
    para(doc, "{%p for s in sections %}", "FangSong", 16)
    para(doc, "{%p if s.heading %}", "FangSong", 16)
    para(doc, "{{ s.heading }}", "SimHei", 16, indent=True)
    para(doc, "{%p endif %}", "FangSong", 16)
    para(doc, "{%p for p in s.paragraphs %}", "FangSong", 16)
    para(doc, "{{ p }}", "FangSong", 16, indent=True)
    para(doc, "{%p endfor %}", "FangSong", 16)
    para(doc, "{{p s.tables }}", "FangSong", 16)
    para(doc, "{%p if s.picture %}", "FangSong", 16)
    para(doc, "{{ s.picture }}", "FangSong", 16, align=centre)
    para(doc, "{{ s.picture_caption }}", "FangSong", 10.5, align=centre)
    para(doc, "{%p endif %}", "FangSong", 16)
    para(doc, "{%p endfor %}", "FangSong", 16)
    para(doc, "", "FangSong", 16)
    para(doc, "{%p if issuer %}", "FangSong", 16)
    para(doc, "{{ issuer }}", "FangSong", 16, align=right)
    para(doc, "{%p endif %}", "FangSong", 16)
    para(doc, "{{ date }}", "FangSong", 16, align=right)
    para(doc, "{{p appendix }}", "FangSong", 16)
    doc.core_properties.title = "民生 · 报告模板"
    doc.core_properties.author = "民生公共服务质量平台"
    doc.save(OUT)
    print(OUT)


if __name__ == "__main__":
    main()
