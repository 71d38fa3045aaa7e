"""The assessment engine against figures worked out by hand (below), and every bad scheme or
data file refused in one line (exit 2). Reference: the rules of issue 15 — total = Σwc ÷ Σw
over the components present − deductions + min(bonuses, cap); a veto gives the lowest band;
competition ranks; triggers over the periods."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from minsheng.core.assess.command import main
from minsheng.core.assess.scheme import SchemeError, parse_scheme

SCHEME = {
    "components": {"index": 70, "poll": 30},
    "bonus_cap": 5,
    "grades": [[90, "优秀"], [80, "良好"], [0, "一般"]],
    "triggers": [
        {"name": "约谈", "when": {"rank_bottom": 1, "periods": 2}, "consequence": "约谈"},
        {"name": "黄牌", "when": {"all": [{"total_below": 80}, {"rank_bottom": 2, "periods": 1}]},
         "consequence": "黄牌警告"},
        {"name": "通报", "when": {"any": [{"total_below": 60}, {"rank_bottom": 1, "periods": 1}]},
         "consequence": "通报批评"},
    ],
}  # fmt: skip
# 2026-01: A 0.7·90 + 0.3·80 = 87; B 70; C 0.7·80 + 0.3·100 = 86; D 60.
# 2026-02: A 0.7·95 + 0.3·90 = 93.5, bonuses 4 + 3 capped at 5 → 98.5 (优秀);
#          B has no poll: index alone 80, minus 2 → 78; C 87 but vetoed → 一般;
#          D 0.7·78 + 0.3·78 = 78, tied with B at rank 3.
DATA = """unit,period,component,value
A,2026-01,index,90
A,2026-01,poll,80
B,2026-01,index,70
B,2026-01,poll,70
C,2026-01,index,80
C,2026-01,poll,100
D,2026-01,index,60
D,2026-01,poll,60
A,2026-02,index,95
A,2026-02,poll,90
A,2026-02,bonus:创新,4
A,2026-02,bonus:表彰,3
B,2026-02,index,80
B,2026-02,deduction:逾期任务,2
C,2026-02,index,90
C,2026-02,poll,80
C,2026-02,veto:安全事故,1
D,2026-02,index,78
D,2026-02,poll,78
"""


def _run(tmp_path: Path, scheme: object, data: str, *extra: str) -> int:
    (tmp_path / "s.json").write_text(json.dumps(scheme, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "d.csv").write_text(data, encoding="utf-8")
    return main(
        ["compute", "--scheme", str(tmp_path / "s.json"), "--data", str(tmp_path / "d.csv"),
         *extra]
    )  # fmt: skip


def test_results_by_hand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(tmp_path, SCHEME, DATA) == 0
    units = json.loads(capsys.readouterr().out)["units"]
    assert units == [
        {"unit": "A", "total": 98.5, "grade": "优秀", "rank": 1, "vetoed": False, "triggers": []},
        {"unit": "C", "total": 87.0, "grade": "一般", "rank": 2, "vetoed": True, "triggers": []},
        # B was not last in 2026-01 (D was): no 约谈; bottom two below 80: 黄牌; last: 通报.
        {"unit": "B", "total": 78.0, "grade": "一般", "rank": 3, "vetoed": False,
         "triggers": ["黄牌", "通报"]},
        {"unit": "D", "total": 78.0, "grade": "一般", "rank": 3, "vetoed": False,
         "triggers": ["约谈", "黄牌", "通报"]},
    ]  # fmt: skip
    assert parse_scheme(SCHEME).grade(87.0, vetoed=False) == "良好"  # C without the veto


def test_xlsx_of_every_period(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl

    out = tmp_path / "结果.xlsx"
    assert _run(tmp_path, SCHEME, DATA, "--format", "xlsx", "--output", str(out)) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["2026-01", "2026-02"]
    rows = list(book["2026-02"].iter_rows(values_only=True))
    assert rows[0][:4] == ("单位", "index", "poll", "扣分") and rows[1][0] == "A"
    assert _run(tmp_path, SCHEME, DATA, "--format", "xlsx") == 2  # needs --output


@pytest.mark.parametrize(
    ("scheme", "message"),
    [
        ({"components": {"index": "七十"}}, "权重 须为数字"),
        ({"components": {}}, "components"),
        ({"components": {"index": 1}, "grades": [[80, "良好"], [90, "优秀"]]}, "重叠或顺序不对"),
        ({"components": {"index": 1}, "grades": [[80, "良好"], [80, "一般"]]}, "重叠或顺序不对"),
        ({"components": {"index": 1}, "triggers": [{"name": "x", "when": {"rank_top": 1}}]},
         "未知条件"),
        ({"components": {"index": 1}, "bonus_cap": -1}, "bonus_cap"),
        ({"components": {"index": 1}, "colour": "red"}, "未知字段"),
        ([1, 2], "JSON 对象"),
    ],
)  # fmt: skip
def test_bad_schemes_exit_2_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], scheme: object, message: str
) -> None:
    with pytest.raises(SchemeError, match=message):
        parse_scheme(scheme)
    assert _run(tmp_path, scheme, DATA) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_bad_data_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = (
        "unit,period,component,value\nA,2026-01,index,九十\nA,2026-01,speed,50\n"
        "B,2026-01,poll,120\n"
    )
    assert _run(tmp_path, SCHEME, bad) == 2
    err = capsys.readouterr().err
    assert "第 2 行" in err and "第 3 行" in err and "第 4 行" in err
    (tmp_path / "s.json").write_text("{not json", encoding="utf-8")
    assert main(["compute", "--scheme", str(tmp_path / "s.json"), "--data",
                 str(tmp_path / "d.csv")]) == 2  # fmt: skip


def test_rank_intervals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without standard errors every interval is the rank itself. X (80) and Y (79.5) have an
    index standard error of 5 (weight 0.7: the totals' difference has SD 0.7·5·√2 ≈ 4.9, so
    each order happens in about 46 % of draws): both span ranks 1–2; Z (20, exact) stays 3rd."""
    assert _run(tmp_path, SCHEME, DATA, "--draws", "200") == 0
    units = json.loads(capsys.readouterr().out)["units"]
    assert all((u["rank_low"], u["rank_high"]) == (u["rank"], u["rank"]) for u in units)
    close = (
        "unit,period,component,value\nX,2026-01,index,80\nX,2026-01,poll,80\n"
        "Y,2026-01,index,79.5\nY,2026-01,poll,79.5\nZ,2026-01,index,20\nZ,2026-01,poll,20\n"
        "X,2026-01,se:index,5\nY,2026-01,se:index,5\n"
    )
    assert _run(tmp_path, SCHEME, close, "--draws", "1000", "--seed", "3") == 0
    got = {u["unit"]: (u["rank"], u["rank_low"], u["rank_high"]) for u in
           json.loads(capsys.readouterr().out)["units"]}  # fmt: skip
    assert got == {"X": (1, 1, 2), "Y": (2, 1, 2), "Z": (3, 3, 3)}
