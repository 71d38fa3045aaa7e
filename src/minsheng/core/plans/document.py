"""An action plan's file: a Word file (.docx: the text of each ``w:p`` in order, read from
``word/document.xml`` with the standard library), plain text (.txt, one paragraph a line, UTF-8
or GB18030) — both parsed by ``parse.parse_plan`` — or a worksheet with one row per task (.xlsx,
``sheet.plan_from_sheet``). Anything else is refused with one clear line."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from minsheng.core.plans.parse import Plan, parse_plan
from minsheng.core.tabular import TableError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_BYTES = 20 * 1024 * 1024


class DocumentError(ValueError):
    """The file cannot be read as a plan (said in one line, in Chinese)."""


def read_plan(data: bytes, *, filename: str) -> Plan:
    """The plan in a Word or text document, or in a worksheet with one row per task (.xlsx);
    ``DocumentError`` with every problem (a worksheet's by row and column) when it cannot."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        from minsheng.core.plans.sheet import plan_from_sheet

        try:
            return plan_from_sheet(data, filename=filename)
        except TableError as exc:
            raise DocumentError("；".join(str(e) for e in exc.errors[:10])) from None
    return parse_plan(paragraphs(data, filename=filename))


def paragraphs(data: bytes, *, filename: str) -> list[str]:
    """The non-empty paragraphs of the document, stripped, in order."""
    if len(data) > MAX_BYTES:
        raise DocumentError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB")
    name = filename.lower()
    if name.endswith(".docx"):
        return _docx(data)
    if name.endswith(".txt"):
        return _text(data)
    raise DocumentError("只能读取 Word 文档（.docx）、Excel 表格（.xlsx）或文本文件（.txt）")


def _text(data: bytes) -> list[str]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise DocumentError("文本文件的编码无法识别")
    return [line.strip() for line in text.splitlines() if line.strip()]


def _docx(data: bytes) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError):
        raise DocumentError("不是有效的 Word 文档（.docx）") from None
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:  # no entity expansion (billion laughs)
        raise DocumentError("Word 文档含有不允许的内容（DTD），无法读取")
    try:
        root = ElementTree.fromstring(xml)  # noqa: S314 - no DTD, so no entities to expand
    except ElementTree.ParseError:
        raise DocumentError("Word 文档内容已损坏，无法读取") from None
    out = []
    for p in root.iter(f"{W}p"):
        parts = []
        for node in p.iter():
            if node.tag == f"{W}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{W}tab":
                parts.append("\t")
        text = "".join(parts).strip()
        if text:
            out.append(text)
    return out
