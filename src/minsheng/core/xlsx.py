"""Writing tables to Excel (xlsx) in streaming mode: constant memory for any number of rows,
a bold frozen header with filters, and a progress callback for long exports."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

Progress = Callable[[int], None]
# Characters Excel refuses in a cell (control characters other than tab and newlines).
_ILLEGAL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def _cell_value(value: Any) -> Any:
    if isinstance(value, str):
        return value.translate(_ILLEGAL)
    return value


def write_table(
    path: Path,
    *,
    sheet: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
    progress: Progress | None = None,
    every: int = 500,
) -> int:
    """Write ``headers`` and ``rows`` to a new workbook at ``path``; returns the row count.
    ``progress(n)`` is called every ``every`` rows and once at the end."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(title=sheet[:31])
    for i, width in enumerate(widths or [], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    header_cells = []
    for title in headers:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    ws.append(header_cells)
    count = 0
    for row in rows:
        ws.append([_cell_value(v) for v in row])
        count += 1
        if progress is not None and count % every == 0:
            progress(count)
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(headers), 1))}{count + 1}"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    if progress is not None:
        progress(count)
    return count
