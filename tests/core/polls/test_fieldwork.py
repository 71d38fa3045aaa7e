"""The vendor's respondent file: every problem located, phone numbers only as salted hashes."""

from __future__ import annotations

from minsheng.core.polls.fieldwork import ItemSpec, Respondent, phone_hash, read_respondents
from minsheng.core.polls.scales import Scale
from minsheng.core.tabular import CellError, read_table

ITEMS = [ItemSpec(f"Q{k}", Scale.SATISFACTION) for k in range(1, 6)]
HEADER = "编号,区县,运营商,手机,访员,时长,Q1,Q2,Q3,Q4,Q5"
MAPPING = {
    "respondent_id": "编号",
    "region": "区县",
    "stratum": "运营商",
    "phone": "手机",
    "interviewer": "访员",
    "duration": "时长",
}


def read(
    lines: list[str], known_hashes: frozenset[str] = frozenset()
) -> tuple[list[Respondent], list[CellError]]:
    data = ("\n".join([HEADER, *lines]) + "\n").encode("gbk")
    return read_respondents(
        read_table(data, filename="fieldwork.csv"),
        items=ITEMS,
        mapping=MAPPING,
        region_ok=lambda code: code in {"390101", "390102"},
        salt="poll-7",
        known_hashes=known_hashes,
    )


def test_good_rows_keep_only_the_hash() -> None:
    rows, errors = read(["R1,390101,移动,13800001111,A01,300,1,2,2,9,3"])
    assert errors == []
    (r,) = rows
    assert r.phone_hash == phone_hash("138-0000-1111", "poll-7") != "13800001111"
    assert "13800001111" not in repr(r)
    assert r.answers == {"Q1": "1", "Q2": "2", "Q3": "2", "Q4": "9", "Q5": "3"}


def test_every_problem_has_row_and_column() -> None:
    rows, errors = read(
        [
            "R1,390101,移动,13800001111,A01,300,1,2,2,1,3",
            "R2,399999,联通,13800002222,A01,300,1,2,7,1,3",  # unknown region, code 7
            "R3,390102,电信,13800001111,A02,300,1,1,2,1,3",  # same phone as R1
            "R4,390102,电信,13800004444,A02,45,1,2,2,1,3",  # 45 s
            "R5,390102,电信,13800005555,A02,150,2,2,2,2,2",  # flat and fast
            "R6,390102,电信,13800006666,A02,900,1,1,1,1,1",  # flat but unhurried: kept
        ],
        known_hashes=frozenset({phone_hash("13800009999", "poll-7")}),
    )
    assert [r.respondent_id for r in rows] == ["R1", "R6"]
    assert {(e.row, e.column) for e in errors} == {
        (3, "区县"),
        (3, "Q3"),
        (4, "手机"),
        (5, "时长"),
        (6, "时长"),
    }


def test_already_interviewed_and_missing_columns() -> None:
    _, errors = read(
        ["R9,390101,移动,13800009999,A01,300,1,2,2,1,3"],
        known_hashes=frozenset({phone_hash("13800009999", "poll-7")}),
    )
    assert [(e.row, e.column) for e in errors] == [(2, "手机")]
    data = "编号,区县\nR1,390101\n".encode()
    rows, errors = read_respondents(
        read_table(data, filename="f.csv"),
        items=ITEMS,
        mapping=MAPPING,
        region_ok=lambda c: True,
        salt="s",
    )
    assert rows == [] and {e.column for e in errors} == {"手机", "Q1", "Q2", "Q3", "Q4", "Q5"}


def test_a_duration_that_is_not_a_number_is_an_error_not_a_blank() -> None:
    rows, errors = read(
        [
            "R1,390101,移动,13800001111,A01,abc,1,2,2,1,3",
            "R2,390101,移动,13800002222,A01,--5,1,2,2,1,3",
            "R3,390101,移动,13800003333,A01,0x10,1,2,2,1,3",
            "R4,390101,移动,13800004444,A01,-30,1,2,2,1,3",
            "R5,390101,移动,13800005555,A01,1e308,1,2,2,1,3",
            "R6,390101,移动,13800006666,A01,,1,2,2,1,3",  # blank: not reported, kept
        ]
    )
    assert [r.respondent_id for r in rows] == ["R6"]
    assert [(e.row, e.column) for e in errors] == [(n, "时长") for n in range(2, 7)]
    assert "“abc”应为 0–86400 的秒数" in errors[0].message
    assert all(" / " not in e.message for e in errors)  # Chinese only, no English halves


def test_weights_out_of_range_are_refused() -> None:
    data = (
        "编号,区县,手机,权重,Q1,Q2,Q3,Q4,Q5\n"
        "R1,390101,13800001111,1e308,1,2,2,1,3\n"
        "R2,390101,13800002222,nan,1,2,2,1,3\n"
        "R3,390101,13800003333,-2,1,2,2,1,3\n"
        "R4,390101,13800004444,350.5,1,2,2,1,3\n"
    ).encode()
    rows, errors = read_respondents(
        read_table(data, filename="f.csv"),
        items=ITEMS,
        mapping={**MAPPING, "weight": "权重"},
        region_ok=lambda c: True,
        salt="s",
    )
    assert [r.weight for r in rows] == [350.5]
    assert [(e.row, e.column) for e in errors] == [(2, "权重"), (3, "权重"), (4, "权重")]
