from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from minsheng.core.tabular import (
    CellError,
    TableError,
    cell_text,
    column_letter,
    read_table,
    require_columns,
)

CSV_TEXT = "code,name\n3201,南京市\n320102,玄武区\n"


def _xlsx(rows: list[list[object]], title: str = "地区") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("encoding", "expected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030")]
)
def test_csv_in_utf8_utf8_bom_and_gbk_read_the_same(encoding: str, expected: str) -> None:
    table = read_table(CSV_TEXT.encode(encoding), filename="regions.csv")
    assert table.encoding == expected
    assert table.headers == ["code", "name"]
    assert [(r.number, r.values["name"]) for r in table.rows] == [(2, "南京市"), (3, "玄武区")]


def test_excel_numbers_keep_whole_codes_and_row_numbers_skip_blank_rows() -> None:
    data = _xlsx([["code", "name"], [320100000000, "南京市"], [None, None], [320102, "玄武区"]])
    table = read_table(data, filename="upload.bin")  # the content decides, not the name
    assert table.sheet == "地区"
    assert [r.number for r in table.rows] == [2, 4]
    assert cell_text(table.rows[0].values["code"]) == "320100000000"


def test_semicolon_and_tab_separated_files_are_detected() -> None:
    table = read_table("code;name\n3201;南京市\n".encode(), filename="a.csv")
    assert table.rows[0].values == {"code": "3201", "name": "南京市"}
    table = read_table("code\tname\n3201\t南京市\n".encode(), filename="a.tsv")
    assert table.rows[0].values == {"code": "3201", "name": "南京市"}


def test_header_problems_are_all_reported_with_their_place() -> None:
    with pytest.raises(TableError) as caught:
        read_table(b"code,,code\n1,2,3\n", filename="x.csv")
    assert [(e.row, e.column, e.message) for e in caught.value.errors] == [
        (1, "B", "表头为空"),
        (1, "code", "表头重复"),
    ]


def test_data_beyond_the_header_is_an_error_at_its_cell() -> None:
    with pytest.raises(TableError) as caught:
        read_table(b"code,name\n1,a,extra\n", filename="x.csv")
    assert caught.value.errors == [CellError("x", 2, "C", "表头之外还有数据")]


def test_missing_columns_are_named_together() -> None:
    table = read_table("名称\n南京\n".encode(), filename="x.csv")
    with pytest.raises(TableError) as caught:
        require_columns(table, ["code", "name"], {"名称": "name"})
    assert [e.column for e in caught.value.errors] == ["code"]
    assert "现有列：名称" in caught.value.errors[0].message


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "x.csv", "文件是空的"),
        (b"just text", "x.xlsx", "内容不是 Excel"),
        (b"\n\n", "x.csv", "文件是空的"),
    ],
)
def test_unreadable_files_get_one_clear_error(data: bytes, filename: str, message: str) -> None:
    with pytest.raises(TableError, match=message):
        read_table(data, filename=filename)


def test_unknown_sheet_lists_the_sheets_there_are() -> None:
    with pytest.raises(TableError, match="没有名为 数据 的工作表（现有：地区）"):
        read_table(_xlsx([["code"], [1]]), filename="x.xlsx", sheet="数据")


def test_column_letters_and_error_text() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert (
        str(CellError("地区", 3, "code", "区划代码为空"))
        == "工作表 地区，第 3 行，列 code：区划代码为空"
    )


def test_csv_problems_are_located_not_crashes() -> None:
    cases = [
        (b"a,b\n1," + b"x" * 140_000 + b"\n", 2, "单元格内容过长"),
        (b"a,b\n1,2\n3,\x004\n", 3, "空字符"),
        (("a,b\n" + "中文,1\n" * 50).encode() + b"\xff\xfe,2\n", 52, "字节损坏"),
    ]
    for data, line, message in cases:
        with pytest.raises(TableError) as caught:
            read_table(data, filename="x.csv")
        (error,) = caught.value.errors
        assert error.row == line and message in error.message, str(error)


def test_short_gbk_is_not_taken_for_big5() -> None:
    table = read_table("名称,数\n中文,1\n".encode("gbk"), filename="x.csv")
    assert table.encoding == "gb18030" and table.rows[0].values["名称"] == "中文"
    big5 = read_table("名稱,數\n台北市政府,1\n".encode("big5"), filename="x.csv")
    assert big5.rows[0].values["名稱"] == "台北市政府"


def test_text_limits_of_the_parsers_equal_the_database_columns() -> None:
    """SQLite stores over-long text silently, PostgreSQL refuses it: the parsers' limits must
    be the columns' sizes so that an upload is refused where the user typed it."""
    from django.apps import apps

    from minsheng.core.index.catalog_book import LIMITS as CATALOG
    from minsheng.core.polls.fieldwork import LIMITS as FIELDWORK

    for key, limit in CATALOG.items():
        model, field = key.split(".")
        assert apps.get_model("indicators", model)._meta.get_field(field).max_length == limit, key
    respondent = apps.get_model("polls", "Respondent")
    for field, limit in FIELDWORK.items():
        assert respondent._meta.get_field(field).max_length == limit, field
    from minsheng.core.polls.questionnaire import LIMITS as ITEMS

    item = apps.get_model("polls", "Item")
    for field, limit in ITEMS.items():
        assert item._meta.get_field(field).max_length == limit, field
