"""``core.columnar``: the fast reader agrees with ``core.tabular`` on every file, and every bad
cell is still located."""

from __future__ import annotations

import io

import polars as pl
import pytest

from minsheng.core.columnar import from_table, numbers, read_columns, utc_times
from minsheng.core.ratings.records import parse_time
from minsheng.core.tabular import TableError, read_table

TEXT = '地区, 数值 ,备注\n320101, 1.5 ,甲\n\n320102,,\n ,,\n320103,"1,234",乙\n'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_the_fast_reader_and_the_cell_reader_agree(encoding: str) -> None:
    data = TEXT.encode(encoding)
    fast = read_columns(data, filename="x.csv")
    slow = from_table(read_table(data, filename="x.csv"))
    assert fast.headers == slow.headers == ["地区", "数值", "备注"]
    assert fast.rows.tolist() == slow.rows.tolist() == [2, 4, 6]  # blank rows skipped, counted
    assert fast.frame.to_dict(as_series=False) == slow.frame.to_dict(as_series=False)
    assert fast.frame["数值"].to_list() == ["1.5", None, "1,234"]
    assert fast.encoding == ("gb18030" if encoding == "gbk" else encoding)


def test_numbers_read_as_a_cell_is_read() -> None:
    text = pl.Series(["1", " 2", "1,234.5", "1e3", "inf", "nan", "abc", None, "十二", "1_0"])
    assert numbers(text.str.strip_chars()).to_list() == [
        1.0,
        2.0,
        1234.5,
        1000.0,
        None,
        None,
        None,
        None,
        None,
        10.0,  # Python's float() reads it, and so did every importer before
    ]


def test_a_ragged_row_is_located_by_the_cell_reader() -> None:
    data = b"a,b\n1,2\n3,4,5\n"
    with pytest.raises(TableError) as info:
        read_columns(data, filename="x.csv")
    (error,) = info.value.errors
    assert (error.row, error.column, error.message) == (3, "C", "表头之外还有数据")


def test_parquet_and_excel_read_as_text() -> None:
    frame = pl.DataFrame({"region": [320101.0, 320102.0], "value": [1.5, None]})
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    columns = read_columns(buffer.getvalue(), filename="x.parquet")
    assert columns.frame.to_dict(as_series=False) == {
        "region": ["320101", "320102"],
        "value": ["1.5", None],
    }
    assert columns.rows.tolist() == [2, 3]


def test_a_size_limit_is_for_uploads_only() -> None:
    data = b"a\n" + b"1\n" * 600_000
    with pytest.raises(TableError, match="文件超过 1 MB"):
        read_columns(data, filename="x.csv", limit=1024 * 1024)
    assert len(read_columns(data, filename="x.csv")) == 600_000


def test_utc_times_read_every_spelling_as_parse_time_does() -> None:
    """The whole-column reader against the one-cell reader (Python's ``fromisoformat``, naive
    = Asia/Shanghai) on every spelling an export uses, and on some it should not."""
    spellings = [
        "2026-10-09 10:00", "2026-10-09T10:00:30", "2026-10-09T10:00+08:00",
        "2026-10-09 10:00:30+08:00", "2026-10-09T02:00Z", "2026-10-09T10:00:30.250",
        "2026-10-09T10:00-05:00", "2026-10-09", "2026-02-30 10:00", "十月", "", None,
        "2026-10-09 25:00", "2026-01-01T00:00:00+00:00",
    ]  # fmt: skip
    got = utc_times(pl.Series("t", spellings, dtype=pl.String), parse_time).to_list()
    for text, moment in zip(spellings, got, strict=True):
        expected = parse_time(text) if text else None
        assert moment == expected, text
