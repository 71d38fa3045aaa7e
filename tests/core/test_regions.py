from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng.core.regions import AdminCode, CodeError, Level


def test_short_codes_are_padded_and_level_read_from_the_deepest_part() -> None:
    assert AdminCode.parse("32").level == Level.PROVINCE
    assert AdminCode.parse("3211").value == "321100000000"
    assert AdminCode.parse("3211").level == Level.CITY
    assert AdminCode.parse("321102").level == Level.COUNTY
    assert AdminCode.parse("321102001").level == Level.TOWNSHIP
    assert AdminCode.parse("321102001203").level == Level.VILLAGE


def test_ancestors_zero_the_deeper_parts() -> None:
    village = AdminCode.parse("321102001203")
    assert village.ancestor(Level.CITY).value == "321100000000"
    assert village.ancestor(Level.TOWNSHIP).value == "321102001000"
    assert village.parent == AdminCode.parse("321102001")
    assert AdminCode.parse("32").parent is None
    assert village.ancestor(Level.CITY).short == "3211"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "只能包含数字"),
        ("32a1", "只能包含数字"),
        ("３２", "只能包含数字"),  # full-width digits
        ("321", "应为 2、4、6、9 或 12 位"),
        ("00", "缺少省级部分"),
        ("320001", "跳过了一级"),
        ("320000001000", "跳过了一级"),
    ],
)
def test_malformed_codes_are_refused_with_a_reason(raw: str, reason: str) -> None:
    with pytest.raises(CodeError, match=reason):
        AdminCode.parse(raw)


def test_ancestor_below_own_level_is_refused() -> None:
    with pytest.raises(CodeError):
        AdminCode.parse("3211").ancestor(Level.COUNTY)


def test_child_must_be_one_level_down_and_fit_its_digits() -> None:
    city = AdminCode.parse("3211")
    assert city.child(Level.COUNTY, 2).value == "321102000000"
    with pytest.raises(CodeError):
        city.child(Level.TOWNSHIP, 1)
    with pytest.raises(CodeError):
        city.child(Level.COUNTY, 100)


@given(
    st.integers(1, 99),
    st.integers(1, 99),
    st.integers(1, 99),
    st.integers(1, 999),
    st.integers(1, 999),
)
def test_child_then_parent_returns_to_the_start(p: int, c: int, d: int, t: int, v: int) -> None:
    node = AdminCode.parse(f"{p:02d}")
    for level, number in zip(list(Level)[1:], (c, d, t, v), strict=True):
        child = node.child(level, number)
        assert child.level == level
        assert child.parent == node
        assert AdminCode.parse(child.value) == child
        node = child
