"""Reading a large table as columns: CSV (UTF-8, BOM or GBK), Parquet or Excel into text columns
held by polars, for the commands that take national files (``index compute``, ``survey
estimate``, ``polls import``) and must check millions of cells at once.

Every cell is text, stripped, and blank cells are null, so a file reads the same whatever its
format; validators work on whole columns and report only the bad rows, each by its row number as
the user sees it in Excel (header = row 1). Whatever the fast reader cannot take as it is (a
ragged row, a blank first line, a damaged encoding) goes through ``tabular.read_table``, which
locates the problem — so the two readers agree on every file, and errors read the same.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl

from minsheng.core.tabular import (
    XLS_MAGIC,
    XLSX_MAGIC,
    CellError,
    Table,
    TableError,
    cell_text,
    decode_text,
    read_table,
    require_columns,
)

_PARQUET_MAGIC = b"PAR1"


@dataclass(slots=True)
class Columns:
    """A table as text columns; ``rows`` holds each row's number in the file."""

    sheet: str
    frame: pl.DataFrame
    rows: npt.NDArray[np.int64]
    encoding: str | None = None
    header_row: int = 1

    @property
    def headers(self) -> list[str]:
        return list(self.frame.columns)

    def __len__(self) -> int:
        return self.frame.height

    def error(self, row: int, column: str, message: str) -> CellError:
        return CellError(self.sheet, row, column, message)

    def named(self, headers: dict[str, str], name: str) -> pl.Series:
        """The column ``resolve`` found for ``name`` (blank cells null), all null when the
        file has none."""
        header = headers.get(name)
        if header is None:
            return pl.Series(name, [None] * self.frame.height, dtype=pl.String)
        return self.frame[header].alias(name)


def read_columns(data: bytes, *, filename: str, limit: int | None = None) -> Columns:
    """The first sheet of an Excel file, a Parquet file or a CSV file as text columns."""
    if limit is not None and len(data) > limit:
        raise TableError([CellError("", 0, "", f"文件超过 {limit // 1024 // 1024} MB")])
    if data.startswith(_PARQUET_MAGIC):
        return _parquet(data, Path(filename).stem or "Parquet")
    if data.startswith(XLSX_MAGIC) or data.startswith(XLS_MAGIC) or not data.strip():
        return from_table(read_table(data, filename=filename, limit=None))
    fast = _csv(data, Path(filename).stem or "CSV")
    return fast if fast is not None else from_table(read_table(data, filename=filename, limit=None))


def from_table(table: Table) -> Columns:
    """A table read by ``tabular`` as columns (Excel numbers as ``cell_text`` writes them)."""
    data = {
        h: [None if (t := cell_text(r.values.get(h))) == "" else t for r in table.rows]
        for h in table.headers
    }
    frame = pl.DataFrame(data, schema=dict.fromkeys(table.headers, pl.String))
    rows = np.fromiter((r.number for r in table.rows), dtype=np.int64, count=len(table.rows))
    return Columns(table.sheet, frame, rows, table.encoding, table.header_row)


def _clean(frame: pl.DataFrame) -> pl.DataFrame:
    """Strip every cell; blank → null."""
    return frame.select(
        pl.col(c).str.strip_chars().replace("", None).alias(c) for c in frame.columns
    )


def _drop_blank(
    frame: pl.DataFrame, rows: npt.NDArray[np.int64]
) -> tuple[pl.DataFrame, npt.NDArray[np.int64]]:
    if not frame.width:
        return frame, rows
    blank = frame.select(pl.all_horizontal(pl.all().is_null())).to_series().to_numpy()
    if blank.any():
        return frame.filter(~pl.Series(blank)), rows[~blank]
    return frame, rows


def _csv(data: bytes, name: str) -> Columns | None:
    """The fast path, or None where ``tabular`` must read the file (and locate the problem)."""
    try:
        text, encoding = decode_text(data)
    except TableError:
        return None
    if "\x00" in text[:1_000_000]:
        return None
    raw = data if encoding.startswith("utf-8") else text.encode("utf-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    first = raw[: raw.find(b"\n") if b"\n" in raw else len(raw)].decode("utf-8").rstrip("\r")
    if not first.strip():
        return None
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    header = next(csv.reader([first], delimiter=delimiter))
    headers = [h.strip() for h in header]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) != len(header) or not all(headers):
        return None
    if len({h.lower() for h in headers}) != len(headers):
        return None
    try:
        frame = pl.read_csv(
            io.BytesIO(raw),
            separator=delimiter,
            infer_schema=False,
            has_header=True,
            new_columns=headers,
        )
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError):
        return None
    frame = _clean(frame)
    rows = np.arange(2, frame.height + 2, dtype=np.int64)
    frame, rows = _drop_blank(frame, rows)
    return Columns(name, frame, rows, encoding)


def _parquet(data: bytes, name: str) -> Columns:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except (pl.exceptions.ComputeError, OSError) as exc:
        raise TableError([CellError("", 0, "", f"无法读取 Parquet 文件：{exc}")]) from None
    texts = []
    for column in frame.columns:
        series = frame[column]
        if series.dtype.is_float() and bool((series.drop_nulls() % 1 == 0).all()):
            series = series.cast(pl.Int64)  # codes stored as floats read as Excel writes them
        texts.append(series.cast(pl.String).alias(column))
    frame = _clean(pl.DataFrame(texts))
    rows = np.arange(2, frame.height + 2, dtype=np.int64)
    frame, rows = _drop_blank(frame, rows)
    return Columns(name, frame, rows)


def resolve(columns: Columns, required: Sequence[str], aliases: dict[str, str]) -> dict[str, str]:
    """Canonical column names → the file's headers, as ``tabular.require_columns`` does."""
    shell = Table(sheet=columns.sheet, headers=columns.headers, header_row=columns.header_row)
    return require_columns(shell, required, aliases)


def numbers(series: pl.Series) -> pl.Series:
    """Text → float as ``tabular.cell_float`` reads it (thousands commas dropped), null where a
    present cell is not a finite number. Texts polars does not read are tried by Python's
    ``float`` (a handful of distinct spellings), so both readers agree."""
    text = series
    if text.str.contains("[,，]").any():
        text = text.str.replace_all("[,，]", "")
    out = text.cast(pl.Float64, strict=False)
    unread = text.filter(out.is_null() & text.is_not_null()).unique()
    if len(unread):
        extra: dict[str, float | None] = {}
        for value in unread.to_list():
            try:
                extra[value] = float(value)
            except ValueError:
                extra[value] = None
        patched = text.replace_strict(extra, default=None, return_dtype=pl.Float64)
        out = out.fill_null(patched)
    return pl.select(pl.when(out.is_finite()).then(out)).to_series().alias(series.name)


def each_distinct(
    texts: pl.Series, parse: Callable[[str], object | None], dtype: pl.DataType | type[pl.DataType]
) -> pl.Series:
    """``parse`` applied once per distinct text (a column of a few words), null where it fails."""
    table = {value: parse(value) for value in texts.unique().to_list()}
    values = {k: (str(v) if dtype == pl.String else v) for k, v in table.items() if v is not None}
    return texts.replace_strict(values, default=None, return_dtype=dtype)


_TIME = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?"
_PLAIN_TIME = _TIME + "$"  # the usual export: naive, Asia/Shanghai
_ZONED_TIME = _TIME + "([+-]\\d{2}:\\d{2}|Z)$"  # with its offset, as ``isoformat`` writes it


def utc_times(texts: pl.Series, parse: Callable[[str], dt.datetime | None]) -> pl.Series:
    """Date-time texts → UTC, null where blank or unreadable. The usual spellings
    (``2026-10-09 10:00[:00]``, ``T`` or a space, naive being Asia/Shanghai, or with an offset
    or ``Z``) are read by polars; anything else by ``parse`` once per distinct text (aware
    result, or None)."""
    utc = pl.Datetime("us", "UTC")
    normal = texts.str.replace("T", " ").str.replace("Z$", "+00:00")
    plain = texts.str.contains(_PLAIN_TIME)
    zoned = texts.str.contains(_ZONED_TIME)
    naive = pl.select(
        pl.coalesce(
            normal.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False),
            normal.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M", strict=False),
        )
    ).to_series()
    local = "Asia/Shanghai"
    out = naive.dt.replace_time_zone(local, ambiguous="earliest").dt.convert_time_zone("UTC")
    out = pl.select(pl.when(plain).then(out)).to_series()
    if zoned.any():
        offset = pl.select(
            pl.coalesce(
                normal.str.strptime(utc, "%Y-%m-%d %H:%M:%S%z", strict=False),
                normal.str.strptime(utc, "%Y-%m-%d %H:%M%z", strict=False),
            )
        ).to_series()
        out = out.fill_null(pl.select(pl.when(zoned).then(offset)).to_series())
    rest = texts.filter(out.is_null() & texts.is_not_null() & (texts != "")).unique()
    if len(rest):
        parsed: dict[str, dt.datetime | None] = {}
        for value in rest.to_list():
            moment = parse(value)
            parsed[value] = None if moment is None else moment.astimezone(dt.UTC)
        slow = texts.replace_strict(parsed, default=None, return_dtype=utc)
        out = out.fill_null(slow)
    return out.alias(texts.name)


class Problems:
    """The bad cells of a file found a whole column at a time: each check gives a column, the
    mask of its bad rows and a message (one text, or one per row); ``failed`` is every row with
    some problem, ``errors`` each problem located by row and column, in row order."""

    def __init__(self, columns: Columns, headers: dict[str, str]) -> None:
        self.columns, self.headers = columns, headers
        self.failed = pl.repeat(False, len(columns), eager=True)
        self.errors: list[CellError] = []

    def add(self, column: str, mask: pl.Series, message: pl.Series | str) -> None:
        mask = mask.fill_null(False)
        if not mask.any():
            return
        self.failed = self.failed | mask
        rows = self.columns.rows[mask.to_numpy()].tolist()
        texts = message.filter(mask).to_list() if isinstance(message, pl.Series) else None
        header = self.headers.get(column, column)
        self.errors.extend(
            self.columns.error(row, header, texts[k] if texts is not None else str(message))
            for k, row in enumerate(rows)
        )

    def sorted_errors(self) -> list[CellError]:
        return sorted(self.errors, key=lambda e: e.row)
