"""The catalog's hall metrics (seed 004's 进驻率, 网上可办, 全程网办, 即办件, 最多跑一次,
承诺时限压减) against figures worked out by hand below, the provinces' item checks, and the
worksheet reader with every problem located."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest

from minsheng.core.catalog.command import main
from minsheng.core.catalog.items import Item, lint
from minsheng.core.catalog.metrics import hall_metrics, region_prefix, within
from minsheng.core.catalog.sheet import items_from_sheet
from minsheng.core.tabular import TableError

A, B = "390101000000", "390102000000"


def _item(code: str, region: str, **kw: object) -> Item:
    base: dict[str, object] = {
        "code": code,
        "name": f"事项{code}",
        "kind": "行政许可",
        "organisation": "市政务服务局",
        "level": "县",
        "region": region,
        "legal_days": None,
        "promised_days": None,
        "instant": False,
        "visits": None,
        "depth": 1,
        "entered": True,
    }
    base.update(kw)
    return Item(**base)  # type: ignore[arg-type]


ITEMS = [
    _item("1", A, depth=4, visits=0, instant=True, legal_days=20, promised_days=0),
    _item("2", A, depth=2, visits=1, legal_days=20, promised_days=10),
    _item("3", A, visits=2, entered=False, not_entered_reason="涉密", promised_days=5),
    _item("4", A, depth=3, entered=False, legal_days=10),
    _item("5", B, depth=4, visits=0, instant=True, legal_days=5, promised_days=0),
]


def test_metrics_by_hand() -> None:
    county = hall_metrics(within(A, ITEMS))
    # 4 items; item 3 is out of the hall with a reason, so 进驻率 = 2 entered ÷ (4 − 1).
    assert county.items == 4 and county.entry_rate == pytest.approx(2 / 3)
    assert county.online_rate == 3 / 4  # depth ≥ 2: items 1, 2, 4
    assert county.full_online_rate == 1 / 4 and county.instant_rate == 1 / 4
    assert county.one_visit_rate == 2 / 4  # visits 0 and 1; item 4's visits are unknown
    # Legal limits 20 + 20 + 10 = 50; promised 0 + 10 + 10 (item 4 promises its legal 10).
    assert county.time_cut_rate == pytest.approx(1 - 20 / 50)
    city = hall_metrics(within("390100000000", ITEMS))
    assert city.items == 5 and city.entry_rate == 3 / 4
    assert city.time_cut_rate == pytest.approx(1 - 20 / 55)
    assert city.met() == {
        "entry_rate": False,
        "online_rate": False,
        "full_online_rate": True,
        "instant_rate": True,
        "one_visit_rate": False,
        "time_cut_rate": True,
    }
    empty = hall_metrics([])
    assert empty.items == 0 and empty.entry_rate is None and empty.time_cut_rate is None
    assert region_prefix("390100000000") == "3901" and region_prefix("390101001000") == "390101001"


def test_item_checks() -> None:
    assert lint(ITEMS[0]) == []
    assert lint(ITEMS[3]) == ["未进驻大厅须写明原因"]
    odd = _item("9", A, instant=True, promised_days=3, depth=4, visits=1, legal_days=2)
    assert lint(odd) == [
        "即办件的承诺时限应为 0",
        "全程网办（四级深度）的事项到现场次数应为 0",
        "到现场次数大于 0 须说明到现场的原因",
        "承诺时限超过法定时限",
    ]


HEADER = [
    "事项编码", "事项名称", "事项类型", "实施主体", "行使层级", "所属区划", "法定办结时限",
    "承诺办结时限", "办件类型", "到现场次数", "网上办理深度", "是否进驻大厅", "不进驻原因",
]  # fmt: skip


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    ["11000000000000000001", "食品经营许可", "行政许可", "市市场监管局", "市", "390100000000",
     20, 10, "承诺件", 1, "Ⅲ", "是", ""],
    ["11000000000000000002", "医师执业注册", "行政许可", "市卫生健康委", "县", A,
     20, 0, "即办件", 0, 4, "否", "专业窗口在医院"],
]  # fmt: skip


def test_worksheet_rows_become_items() -> None:
    first, second = items_from_sheet(_xlsx(GOOD), filename="事项.xlsx")
    assert (first.depth, first.visits, first.promised_days, first.instant) == (3, 1, 10, False)
    assert (second.depth, second.instant, second.entered) == (4, True, False)
    assert second.not_entered_reason == "专业窗口在医院"


def test_every_bad_cell_is_located_and_nothing_is_read() -> None:
    bad = [
        *GOOD,
        ["", "无编码", "行政许可", "市民政局", "市", "390100000000", 10, 5, "", 1, 2, "是", ""],
        ["3", "类型不对", "审批", "市民政局", "省", "3901", "十天", 5, "", -1, "五", "也许", ""],
        ["11000000000000000001", "重复", "行政许可", "市民政局", "市", "390100000000",
         10, 5, "", 1, 2, "是", ""],
    ]  # fmt: skip
    with pytest.raises(TableError) as caught:
        items_from_sheet(_xlsx(bad), filename="事项.xlsx")
    where = {(e.row, e.column) for e in caught.value.errors}
    assert (4, "事项编码") in where
    assert {(5, c) for c in ("事项类型", "行使层级", "所属区划", "法定办结时限")} <= where
    assert {(5, c) for c in ("到现场次数", "网上办理深度", "是否进驻大厅")} <= where
    assert (6, "事项编码") in where  # the same code in the same region as row 2
    assert any("与第 2 行重复" in e.message for e in caught.value.errors)


def test_command_checks_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "事项.xlsx"
    path.write_bytes(_xlsx(GOOD))
    assert main(["import", str(path), "--dry-run", "--region", "390100000000"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["items"] == 2 and out["metrics"]["entry_rate"] == 1.0  # row 2 has its reason
    assert out["metrics"]["time_cut_rate"] == pytest.approx(1 - 10 / 40)
    assert out["lint"] == [  # row 1 asks for a visit without saying why
        {
            "code": "11000000000000000001",
            "region": "390100000000",
            "problems": ["到现场次数大于 0 须说明到现场的原因"],
        }
    ]
    assert main(["import", str(path)]) == 2  # storing comes with the catalog app
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(_xlsx([["9", "", "", "", "", "", None, None, "", None, None, "", ""]]))
    assert main(["import", str(bad), "--dry-run"]) == 2
    assert "第 2 行" in capsys.readouterr().err
