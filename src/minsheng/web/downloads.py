"""Excel downloads: one response shape for every export view (UTF-8 file name, xlsx type)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import IO
from urllib.parse import quote

from django.http import HttpResponse

from minsheng.core.xlsx import Sheet, write_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(filename: str, data: bytes) -> HttpResponse:
    """``data`` as an attachment named ``filename`` (``.xlsx`` added when missing)."""
    if not filename.endswith(".xlsx"):
        filename += ".xlsx"
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def sheets_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    buffer = io.BytesIO()
    write_workbook(buffer, sheets)
    return xlsx_response(filename, buffer.getvalue())


def written_response(filename: str, write: Callable[[IO[bytes]], None]) -> HttpResponse:
    """For workbooks written by their own writer (e.g. the protected collection template)."""
    buffer = io.BytesIO()
    write(buffer)
    return xlsx_response(filename, buffer.getvalue())
