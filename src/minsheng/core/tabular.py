"""Reading the tables users upload — CSV (UTF-8, UTF-8 with BOM, GBK/GB18030 detected) and Excel
(xlsx, xls) — into one shape, with every problem located by sheet, row and column as the user
sees them in Excel (the header is row 1).

Every importer builds on this: it collects *all* errors (``CellError``) and raises one
``TableError``, so a file with errors saves nothing and the user gets the whole list at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

MAX_BYTES = 50 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


@dataclass(frozen=True, slots=True)
class CellError:
    """One problem, where the user can find it. ``row`` 0 means the file as a whole."""

    sheet: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, str | int]:
        """For a job's stored result (the page shows sheet, row, column and message)."""
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = [f"工作表 {self.sheet}"] if self.sheet else []
        if self.row:
            where.append(f"第 {self.row} 行")
        if self.column:
            where.append(f"列 {self.column}")
        return f"{'，'.join(where)}：{self.message}" if where else self.message


class TableError(Exception):
    """The file cannot be imported; ``errors`` lists every problem found."""

    def __init__(self, errors: Sequence[CellError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors[:5]))

    @property
    def summary(self) -> str:
        """One line for the end of a command's output."""
        n = len(self.errors)
        return f"{n} 处错误，未导入任何数据 / {n} error(s); nothing was imported"


@dataclass(slots=True)
class Row:
    number: int  # the row number in the file (header = 1)
    values: dict[str, Cell]


@dataclass(slots=True)
class Table:
    sheet: str
    headers: list[str]
    rows: list[Row] = field(default_factory=list)
    encoding: str | None = None  # for CSV: the encoding that was detected
    header_row: int = 1

    def error(self, row: int, column: str, message: str) -> CellError:
        return CellError(self.sheet, row, column, message)


def read_table(
    data: bytes, *, filename: str, sheet: str | None = None, limit: int | None = MAX_BYTES
) -> Table:
    """Read the first sheet (or ``sheet``) of an Excel file, or a CSV file, from its bytes.
    ``limit``: the largest file taken (uploads); None for a command reading a file of any size
    the machine can hold."""
    if limit is not None and len(data) > limit:
        raise TableError([CellError("", 0, "", f"文件超过 {limit // 1024 // 1024} MB")])
    if not data.strip():
        raise TableError([CellError("", 0, "", "文件是空的")])
    suffix = Path(filename).suffix.lower()
    if data.startswith(XLSX_MAGIC) or data.startswith(XLS_MAGIC):
        return _read_excel(data, sheet)
    if suffix in {".xlsx", ".xls", ".xlsm"}:
        raise TableError([CellError("", 0, "", "文件扩展名是 Excel，但内容不是 Excel 文件")])
    return _read_csv(data, Path(filename).stem or "CSV")


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and its encoding: UTF-8 (with or without BOM), else GB18030, else
    the best guess; a damaged UTF-8 file is refused with the line of the first damage."""
    try:
        return data.decode("utf-8-sig"), "utf-8-sig" if data.startswith(
            b"\xef\xbb\xbf"
        ) else "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    # A UTF-8 file with a damaged byte or two is not a GBK file: say where the damage is
    # instead of reading the whole file in the wrong encoding.
    lenient = data.decode("utf-8", errors="replace")
    damaged = lenient.count("\ufffd")
    wide = sum(1 for ch in lenient if ord(ch) > 0x7F)
    if damaged and wide >= 20 * damaged:
        line = data[:first_bad].count(b"\n") + 1
        raise TableError(
            [
                CellError(
                    "",
                    line,
                    "",
                    f"有无法识别的字符（文件是 UTF-8 编码，但有 {damaged} 处字节损坏）；"
                    "请检查该行后重新保存",
                )
            ]
        )
    # Not UTF-8: Chinese offices save GBK (a subset of GB18030). Statistical guessing mistakes
    # short GBK text for Big5 ("中文" → "笢恅"), so GB18030 is tried first and strictly.
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and not any("\ue000" <= ch <= "\uf8ff" for ch in text):  # private use: not GBK
        return text, "gb18030"
    from charset_normalizer import from_bytes  # here: 20 ms of every command's start-up

    guess = from_bytes(data, cp_isolation=["big5", "utf_16", "cp1252"]).best()
    if guess is None or guess.encoding is None:
        line = data[:first_bad].count(b"\n") + 1
        raise TableError(
            [
                CellError(
                    "",
                    line,
                    "",
                    "无法识别文件编码（从该行起）；请另存为 UTF-8 或 GBK 编码的 CSV",
                )
            ]
        )
    return str(guess), guess.encoding


# What Python's csv module says, in words a user can act on.
_CSV_ERRORS = {
    "field larger than field limit": f"单元格内容过长（超过 {csv.field_size_limit():,} 个字符）",
    "new-line character seen in unquoted field": "单元格内有未加引号的换行",
}


def _read_csv(data: bytes, name: str) -> Table:
    text, encoding = decode_text(data)
    if "\x00" in text:  # no database stores it in text, and no text file contains it
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise TableError([CellError(name, line, "", "含有空字符（NUL）；文件可能不是文本文件")])
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines: list[list[str]] = []
    try:
        lines.extend(reader)
    except csv.Error as exc:
        raw = str(exc)
        reason = next((v for k, v in _CSV_ERRORS.items() if raw.startswith(k)), raw)
        line = reader.line_num
        raise TableError([CellError(name, line, "", f"CSV 格式错误：{reason}")]) from None
    table = _from_grid(name, iter(enumerate(lines, start=1)))
    table.encoding = encoding
    return table


def _read_excel(data: bytes, sheet: str | None) -> Table:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if sheet is not None and sheet not in book.sheet_names:
            names = "、".join(book.sheet_names)
            raise TableError([CellError("", 0, "", f"没有名为 {sheet} 的工作表（现有：{names}）")])
        name = sheet or book.sheet_names[0]
        grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except CalamineError as exc:
        raise TableError([CellError("", 0, "", f"无法读取 Excel 文件：{exc}")]) from None
    return _from_grid(name, iter(enumerate(grid, start=1)))


def read_workbook(data: bytes, *, filename: str) -> dict[str, Table]:
    """Every non-empty sheet of an Excel file, by sheet name."""
    if not (data.startswith(XLSX_MAGIC) or data.startswith(XLS_MAGIC)):
        raise TableError([CellError("", 0, "", f"{filename} 不是 Excel 文件（.xlsx）")])
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        grids = {
            name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in book.sheet_names
        }
    except CalamineError as exc:
        raise TableError([CellError("", 0, "", f"无法读取 Excel 文件：{exc}")]) from None
    tables: dict[str, Table] = {}
    errors: list[CellError] = []
    for name, grid in grids.items():
        if all(_blank(c) for row in grid for c in row):
            continue
        try:
            tables[name] = _from_grid(name, iter(enumerate(grid, start=1)))
        except TableError as exc:
            errors.extend(exc.errors)
    if errors:
        raise TableError(errors)
    return tables


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _from_grid(sheet: str, numbered: Iterator[tuple[int, Sequence[Any]]]) -> Table:
    header_row: Sequence[Any] = ()
    header_number = 1
    for number, cells in numbered:
        if not all(_blank(c) for c in cells):
            header_row, header_number = cells, number
            break
    headers = [str(h).strip() if not _blank(h) else "" for h in header_row]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise TableError([CellError(sheet, 0, "", "找不到表头行")])
    errors = []
    seen: set[str] = set()
    for i, header in enumerate(headers):
        key = header.lower()
        if not header:
            errors.append(CellError(sheet, header_number, column_letter(i), "表头为空"))
        elif key in seen:
            errors.append(CellError(sheet, header_number, header, "表头重复"))
        seen.add(key)
    if errors:
        raise TableError(errors)
    table = Table(sheet=sheet, headers=headers, header_row=header_number)
    for number, cells in numbered:
        if all(_blank(c) for c in cells):
            continue
        values: dict[str, Cell] = {}
        for i, header in enumerate(headers):
            value = cells[i] if i < len(cells) else None
            values[header] = None if _blank(value) else value
        extra = [c for c in cells[len(headers) :] if not _blank(c)]
        if extra:
            errors.append(CellError(sheet, number, column_letter(len(headers)), "表头之外还有数据"))
        table.rows.append(Row(number, values))
    if errors:
        raise TableError(errors)
    return table


def column_letter(index: int) -> str:
    """Excel's column name for a 0-based index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def require_columns(
    table: Table, required: Sequence[str], aliases: dict[str, str]
) -> dict[str, str]:
    """Map canonical column names to the file's headers (case-insensitive, with Chinese aliases);
    raises ``TableError`` naming every missing column."""
    by_key = {h.lower(): h for h in table.headers}
    for alias, canonical in aliases.items():
        if alias.lower() in by_key and canonical not in by_key:
            by_key[canonical] = by_key[alias.lower()]
    missing = [c for c in required if c not in by_key]
    if missing:
        raise TableError(
            [
                table.error(
                    table.header_row, c, f"缺少必填列 {c}（现有列：{'、'.join(table.headers)}）"
                )
                for c in missing
            ]
        )
    return {c: by_key[c] for c in by_key}


def cell_text(value: Cell) -> str:
    """A cell as text: Excel stores codes such as 320102001001 as numbers; give them back whole."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_TRUE_WORDS = {"是", "启用", "在岗", "有效", "1", "true", "yes", "y", "t"}
_FALSE_WORDS = {"否", "停用", "离岗", "无效", "0", "false", "no", "n", "f"}


def cell_bool(value: Cell, *, default: bool) -> bool | None:
    """是/否, 启用/停用, 在岗/离岗, 1/0, TRUE/FALSE (Excel booleans too); blank gives ``default``;
    anything else gives ``None`` for the caller to report."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in _TRUE_WORDS:
        return True
    if text in _FALSE_WORDS:
        return False
    return None


_INTEGER = re.compile(r"-?[0-9]{1,18}")


def cell_int(value: Cell) -> int | None:
    """A whole number, whether Excel stored it as a number or as text; ``None`` if it is not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = cell_text(value)
    # At most 18 digits and one leading minus: "--5" and a 5,000-digit string are not numbers
    # (int() would raise on both), and nothing larger fits a database integer column.
    return int(text) if _INTEGER.fullmatch(text) else None


def cell_float(value: Cell) -> float | None:
    """A number, whether Excel stored it as a number or as text (``1,234.5``, ``85%`` → 85.0 is
    not guessed: a percent sign is refused); ``None`` if it is not a finite number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = cell_text(value).replace(",", "").replace("，", "")
        try:
            number = float(text)
        except ValueError:
            return None
    return number if math.isfinite(number) else None
