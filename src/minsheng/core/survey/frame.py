"""Respondent data as columns: numbers (NaN for missing) or text (with a missing mask).

A column is numeric when every present value reads as a number, as R's ``read.csv`` decides;
``NA`` and blank cells are missing. Categories (levels) sort numerically for numbers and by
code point for text, and numbers are labelled as R prints them (``1``, not ``1.0``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

MISSING_TEXT = frozenset({"", "NA", "N/A", "NaN", "nan"})


def number_label(value: float) -> str:
    """A number as R labels a factor level made from it (15 significant digits)."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    numbers: Floats | None  # set for numeric columns
    text: npt.NDArray[np.str_] | None  # set for text columns
    missing: Bools
    # A text column's sorted levels and each row's index (-1 missing), when known at hand.
    levels: tuple[npt.NDArray[np.str_], Ints] | None = None

    @property
    def numeric(self) -> bool:
        return self.numbers is not None

    def __len__(self) -> int:
        return len(self.missing)

    def index(self) -> Ints:
        """Each row's level index (-1 where missing), without building labels."""
        return self._factorise()[1]

    def codes(self) -> tuple[list[str], Ints]:
        """Sorted level labels and each row's level index (-1 where missing)."""
        values, codes = self._factorise()
        if self.numbers is not None:
            return [number_label(float(v)) for v in values], codes
        return [str(v) for v in values], codes

    def _factorise(self) -> tuple[npt.NDArray[np.generic], Ints]:
        if self.levels is not None:
            return self.levels
        codes = np.full(len(self), -1, dtype=np.int64)
        present = ~self.missing
        numbers = self.numbers
        if numbers is not None:
            values = numbers[present]
            if len(values) and values.min() >= 0 and values.max() <= 10 * len(values) + 1000:
                whole = values.astype(np.int64)
                if (whole == values).all():
                    # Small non-negative whole numbers (ids, codes): factorise without sorting.
                    seen = np.zeros(int(whole.max()) + 1, dtype=np.int64)
                    seen[whole] = 1
                    codes[present] = (np.cumsum(seen) - 1)[whole]
                    return np.flatnonzero(seen).astype(np.float64), codes
            unique, inverse = np.unique(values, return_inverse=True)
        elif self.text is not None:
            unique, inverse = np.unique(self.text[present], return_inverse=True)
        else:
            raise ValueError(f"column {self.name} has neither numbers nor text")
        codes[present] = inverse.reshape(-1)
        return unique, codes


class Frame:
    """Named columns of equal length."""

    def __init__(self, columns: Mapping[str, Column]) -> None:
        lengths = {len(c) for c in columns.values()}
        if len(lengths) > 1:
            raise ValueError("columns differ in length")
        self.columns = dict(columns)
        self.n = lengths.pop() if lengths else 0

    def __contains__(self, name: object) -> bool:
        return name in self.columns

    def __getitem__(self, name: str) -> Column:
        return self.columns[name]

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, npt.ArrayLike]) -> Frame:
        """Numeric arrays (NaN = missing) or text arrays (None or "NA" = missing)."""
        columns: dict[str, Column] = {}
        for name, raw in arrays.items():
            array = np.asarray(raw)
            if array.dtype.kind in "biuf":
                numbers = array.astype(np.float64, copy=False)
                columns[name] = Column(name, numbers, None, np.isnan(numbers))
            else:
                columns[name] = text_column(name, [None if v is None else str(v) for v in array])
        return cls(columns)

    @classmethod
    def from_text(cls, frame: pl.DataFrame) -> Frame:
        """A file's text columns (``core.columnar``) as numbers or text (``series_column``)."""
        return cls({name: series_column(name, frame[name]) for name in frame.columns})

    @classmethod
    def from_rows(cls, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> Frame:
        columns: dict[str, Column] = {}
        for j, name in enumerate(headers):
            cells = [row[j] if j < len(row) else None for row in rows]
            columns[name] = parse_column(name, cells)
        return cls(columns)


def series_column(name: str, series: pl.Series) -> Column:
    """A text column read from a file (null = blank) as ``parse_column`` reads its cells, the
    whole column at once: polars reads the numbers, and the few distinct texts it does not read
    are tried by Python's ``float`` — one that fails makes the column text."""
    if series.dtype == pl.String:
        # Most files' number columns: every cell polars reads as it stands (NaN is missing
        # either way); then nothing needs stripping or a second look.
        numbers = series.cast(pl.Float64, strict=False)
        if numbers.null_count() == series.null_count():
            values = numbers.fill_null(np.nan).to_numpy().astype(np.float64, copy=False)
            return Column(name, values, None, np.isnan(values))
    text = series.cast(pl.String).str.strip_chars()
    missing = text.is_null() | text.is_in(sorted(MISSING_TEXT))
    numbers = text.cast(pl.Float64, strict=False)
    unread = text.filter(numbers.is_null() & ~missing).unique().to_list()
    extra: dict[str, float] = {}
    for value in unread:
        try:
            extra[value] = float(value)
        except ValueError:
            return text_series(name, text)
    if extra:
        numbers = numbers.fill_null(
            text.replace_strict(extra, default=None, return_dtype=pl.Float64)
        )
    values = numbers.set(missing, None).fill_null(np.nan).to_numpy().astype(np.float64, copy=False)
    return Column(name, values, None, np.isnan(values))


def text_series(name: str, series: pl.Series) -> Column:
    """A text column from polars: stripped; null or a missing word (NA …) is missing.

    The rows are never handled as Python strings: polars hashes them into categories, only the
    few distinct values are stripped, judged and sorted (by code point, as ``np.unique`` sorts
    them), and each row's level index is a look-up by its category. The rows' texts are the
    levels gathered by index."""
    categories = series.cast(pl.String).cast(pl.Categorical)
    distinct = categories.unique().drop_nulls()
    ids = distinct.to_physical().to_numpy().astype(np.int64)
    texts = [value.strip() for value in distinct.cast(pl.String).to_list()]
    labels = sorted({value for value in texts if value not in MISSING_TEXT})
    place = {value: k for k, value in enumerate(labels)}
    size = int(ids.max()) + 2 if len(ids) else 1  # the last place: null
    table = np.full(size, -1, dtype=np.int64)
    table[ids] = [place.get(value, -1) for value in texts]
    codes = table[categories.to_physical().fill_null(size - 1).to_numpy()]
    levels = np.array(labels, dtype=np.str_)
    values = np.append(levels, np.array([""], dtype=np.str_))[codes]  # -1: the "" at the end
    return Column(name, None, values, codes < 0, (levels, codes))


def number_series(name: str, series: pl.Series) -> Column:
    """A number column from polars: null (or NaN) is missing."""
    values = series.cast(pl.Float64).fill_null(np.nan).to_numpy().astype(np.float64, copy=False)
    return Column(name, values, None, np.isnan(values))


def text_column(name: str, values: Sequence[str | None]) -> Column:
    missing = np.array([v is None or v.strip() in MISSING_TEXT for v in values], dtype=bool)
    text = np.array(["" if v is None else v.strip() for v in values], dtype=np.str_)
    return Column(name, None, text, missing)


def parse_column(name: str, cells: Sequence[object]) -> Column:
    """Numbers if every present cell is a number, else text."""
    texts: list[str | None] = []
    numbers: list[float] = []
    numeric = True
    for cell in cells:
        if cell is None or isinstance(cell, bool):
            text = None if cell is None else str(cell).upper()
        elif isinstance(cell, int | float):
            text = number_label(float(cell)) if np.isfinite(cell) else None
        else:
            text = str(cell).strip()
        if text is None or text in MISSING_TEXT:
            texts.append(None)
            numbers.append(np.nan)
            continue
        texts.append(text)
        if numeric:
            try:
                numbers.append(float(text))
            except ValueError:
                numeric = False
    if numeric:
        values = np.array(numbers, dtype=np.float64)
        return Column(name, values, None, np.isnan(values))
    return text_column(name, texts)
