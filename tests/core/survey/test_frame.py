"""A data file's columns read as a whole (``series_column``) exactly as cell by cell
(``parse_column``, which decides numbers as R's ``read.csv`` does): the same kind, numbers,
labels and missing values, on the spellings a vendor's file holds."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from minsheng.core.survey.frame import parse_column, series_column

CASES = {
    "integers": ["1", "2", " 3 ", None, "NA", "10"],
    "decimals and exponents": ["1.5", "-.5", "+2", "1e3", "1E-2", "7."],
    "clean numbers, blanks and NaN (read without a second look)": ["1", None, "NaN", "2.5", "inf"],
    "python spellings": ["1_000", "inf", "-Infinity", "2"],
    "missing words": ["", "N/A", "NaN", "nan", "4"],
    "text": ["城区", "郊区", None, "NA", " 城区 "],
    "mostly numbers, one word": ["1", "2", "three", "4"],
    "thousands comma is text": ["1,000", "2"],
    "all missing": [None, "NA", ""],
}


@pytest.mark.parametrize("cells", CASES.values(), ids=list(CASES))
def test_whole_column_reads_as_cell_by_cell(cells: list[str | None]) -> None:
    one_by_one = parse_column("x", cells)
    whole = series_column("x", pl.Series("x", cells, dtype=pl.String))
    assert whole.numeric == one_by_one.numeric
    assert whole.missing.tolist() == one_by_one.missing.tolist()
    if one_by_one.numbers is not None:
        assert whole.numbers is not None
        np.testing.assert_array_equal(whole.numbers, one_by_one.numbers)
    else:
        assert whole.text is not None and one_by_one.text is not None
        assert whole.text.tolist() == one_by_one.text.tolist()
    labels, codes = whole.codes()
    expected_labels, expected_codes = one_by_one.codes()
    assert labels == expected_labels
    assert codes.tolist() == expected_codes.tolist()
