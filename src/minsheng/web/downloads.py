"""Downloads: one response shape for every Excel, Word and PDF a page serves (UTF-8 file name,
the type by the name's ending); documents of the documents engine printed in either format."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import IO
from urllib.parse import quote

from django.http import HttpResponse

from minsheng.core.reports.content import Content
from minsheng.core.reports.render import to_docx, to_pdf
from minsheng.core.xlsx import Sheet, write_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def file_response(filename: str, data: bytes) -> HttpResponse:
    """A document download (Word or PDF by the name's ending) with a UTF-8 file name."""
    kind = DOCX if filename.endswith(".docx") else PDF if filename.endswith(".pdf") else XLSX
    response = HttpResponse(data, content_type=kind)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def document_response(
    stem: str, content: Content, fmt: str, template: bytes | None = None
) -> HttpResponse:
    """A document of the documents engine as Word (``fmt`` "docx") or PDF (anything else)."""
    if fmt == "docx":
        return file_response(f"{stem}.docx", to_docx(content, template))
    return file_response(f"{stem}.pdf", to_pdf(content))


def xlsx_response(filename: str, data: bytes) -> HttpResponse:
    """``data`` as an attachment named ``filename`` (``.xlsx`` added when missing)."""
    if not filename.endswith(".xlsx"):
        filename += ".xlsx"
    return file_response(filename, data)


def sheets_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    buffer = io.BytesIO()
    write_workbook(buffer, sheets)
    return xlsx_response(filename, buffer.getvalue())


def written_response(filename: str, write: Callable[[IO[bytes]], None]) -> HttpResponse:
    """For workbooks written by their own writer (e.g. the protected collection template)."""
    buffer = io.BytesIO()
    write(buffer)
    return xlsx_response(filename, buffer.getvalue())
