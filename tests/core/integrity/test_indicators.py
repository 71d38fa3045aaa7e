"""The reported-indicator checks on simulated quarters: each way of making figures up found in
its region, honest reporting — slow counts that stay put, shares, targets — left alone."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from minsheng.core.integrity import simulate_indicators as sim
from minsheng.core.integrity.findings import STATED_RATES
from minsheng.core.integrity.indicators import IndicatorInfo, Reports, find


@pytest.fixture(scope="module")
def clean() -> Reports:
    return sim.clean_reports(np.random.default_rng(31), regions=60)


def test_honest_reporting_has_no_findings(clean: Reports) -> None:
    assert find(clean) == []


@pytest.mark.parametrize("kind", list(sim.INDICATOR_PLANTS))
def test_each_way_is_found_in_its_region(clean: Reports, kind: str) -> None:
    gamed = sim.INDICATOR_PLANTS[kind](clean, 12, np.random.default_rng(2))
    found = find(gamed)
    assert {f.unit for f in found} == {clean.regions[12]}
    assert kind in {f.kind for f in found}


def test_a_broken_share_names_its_parts() -> None:
    infos = [
        IndicatorInfo("R", "一次办结率", 2, 1, True),
        IndicatorInfo("N", "一次办结件数", 0, 1, False),
        IndicatorInfo("D", "办件总数", 0, 1, False),
    ]
    values = np.array([[[95.0], [950.0], [1000.0]], [[101.0], [1010.0], [1000.0]]])
    reports = Reports(["A", "B"], infos, values, np.full((2, 3), np.nan), {0: (1, 2)})
    (f,) = find(reports)
    assert (f.kind, f.unit) == ("ratio", "B")
    assert f.evidence["indicators"] == [
        {"code": "R", "name": "一次办结率", "numerator": 1010.0, "denominator": 1000.0}
    ]


def test_last_digits_need_three_significant_digits() -> None:
    # Small counts end in any digit unevenly by nature: not judged.
    infos = [IndicatorInfo(f"I{i}", f"指标{i}", 0, 1, False) for i in range(20)]
    values = np.full((1, 20, 4), 10.0)
    reports = Reports(["A"], infos, values, np.full((1, 20), np.nan), {})
    assert not [f for f in find(reports) if f.kind == "digits"]


def test_false_alarms_within_the_stated_rates_and_recall() -> None:
    for row in sim.measure_indicators(range(301, 303), regions=80):
        assert row.clean_flagged <= stats.binom.ppf(0.999, row.clean_units, STATED_RATES[row.kind])
        assert row.recall >= 0.9, row
