"""Writing tables to Excel (xlsx) in streaming mode: constant memory for any number of rows,
a bold frozen header with filters, and a progress callback for long exports; the same table as
CSV when the user asks for a ``.csv`` file.

Text that a spreadsheet would take for a formula (starting with ``=``, ``+``, ``-``, ``@``, tab
or CR: OWASP "CSV injection") is written as text: in xlsx as a string cell with Excel's quote
prefix, in CSV behind a leading apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

Progress = Callable[[int], None]
# Characters Excel refuses in a cell (control characters other than tab and newlines).
_ILLEGAL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


# Number formats for report columns (Excel's own codes): a share 0.976 shows as 97.6%.
PERCENT = "0.0%"
DECIMAL1 = "0.0"
DECIMAL2 = "0.00"
INTEGER = "#,##0"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True, slots=True)
class Sheet:
    """One sheet. ``formats`` gives a number format per column (None: as is); ``caption``, when
    given, is a title row above the header (period, peer group) for report exports — files meant
    to be edited and uploaded again keep the header in row 1."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()
    formats: Sequence[str | None] = ()
    caption: str = ""


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell_value(ws: Any, value: Any) -> Any:
    if isinstance(value, str):
        text = value.translate(_ILLEGAL)
        if text.startswith(FORMULA_STARTS):
            cell = WriteOnlyCell(ws, value=text)
            cell.data_type = "s"  # never a formula
            cell.quotePrefix = True
            return cell
        return text
    return value


def _cell_text(value: str) -> str:
    return value.translate(_ILLEGAL)


def _width(header: str) -> int:
    """A column as wide as its header (CJK characters count double), at least 10."""
    return max(10, min(40, sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(header)) + 2))


def _formatted(ws: Any, value: Any, number_format: str | None) -> Any:
    if (
        number_format is None
        or isinstance(value, bool)
        or not isinstance(value, int | float | dt.date)
    ):
        return _cell_value(ws, value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # Excel has no time zones: the caller localises
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = number_format
    return cell


def guard_formulas(cells: Iterable[Any]) -> None:
    """For a workbook written cell by cell: formula-like text in ``cells`` stays text."""
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True


def csv_safe(value: Any) -> Any:
    """A CSV field that no spreadsheet will run: formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_workbook(
    target: Path | IO[bytes],
    sheets: Sequence[Sheet],
    *,
    progress: Progress | None = None,
    every: int = 500,
) -> int:
    """Write ``sheets`` to a new workbook at ``target`` (a path or a binary file); returns the
    number of data rows. ``progress(n)`` is called every ``every`` rows and once at the end."""
    book = Workbook(write_only=True)
    count = 0
    for sheet in sheets:
        ws = book.create_sheet(title=sheet.title[:31])
        widths = list(sheet.widths) or [_width(h) for h in sheet.headers]
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        top = 1
        if sheet.caption:
            caption = WriteOnlyCell(ws, value=_cell_text(sheet.caption))
            caption.font = Font(bold=True, size=13)
            ws.append([caption])
            top = 2
        ws.freeze_panes = f"A{top + 1}"
        header_cells = []
        for title in sheet.headers:
            cell = WriteOnlyCell(ws, value=title)
            cell.font = Font(bold=True)
            header_cells.append(cell)
        ws.append(header_cells)
        in_sheet = 0
        formats = list(sheet.formats)
        for row in sheet.rows:
            ws.append(
                [
                    _formatted(ws, v, formats[k] if k < len(formats) else None)
                    for k, v in enumerate(row)
                ]
            )
            in_sheet += 1
            count += 1
            if progress is not None and count % every == 0:
                progress(count)
        last = get_column_letter(max(len(sheet.headers), 1))
        ws.auto_filter.ref = f"A{top}:{last}{in_sheet + top}"
    if isinstance(target, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    if progress is not None:
        progress(count)
    return count


def write_table(
    target: Path | IO[bytes],
    *,
    sheet: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] = (),
    progress: Progress | None = None,
    every: int = 500,
) -> int:
    """One-sheet form of ``write_workbook``."""
    return write_workbook(
        target, [Sheet(sheet, headers, rows, widths)], progress=progress, every=every
    )


def write_csv(
    target: Path | IO[bytes],
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """The table as UTF-8 CSV with a byte-order mark (so Excel reads the Chinese); returns the
    number of data rows."""
    out = target.open("wb") if isinstance(target, Path) else target
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(text)
        writer.writerow(headers)
        count = 0
        for row in rows:
            writer.writerow([csv_safe(v) for v in row])
            count += 1
        text.flush()
    finally:
        text.detach()
        if isinstance(target, Path):
            out.close()
    return count
