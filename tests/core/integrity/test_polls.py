"""The poll fieldwork checks on simulated rounds: each fraud found at its interviewer or
region, the honest interviewers (who differ a little) and a city-wide genuine rise left alone."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from minsheng.core.integrity import simulate_polls as sim
from minsheng.core.integrity.findings import STATED_RATES
from minsheng.core.integrity.polls import Change, jump_findings


@pytest.fixture(scope="module")
def clean() -> sim.Round:
    return sim.clean_round(np.random.default_rng(21))


def test_a_clean_round_with_a_city_wide_rise_has_no_findings(clean: sim.Round) -> None:
    changes = sim.changes(clean)
    screened = [c for c in changes if c.p < 0.05 / len(changes) and c.difference > 0]
    assert len(screened) >= 5  # the city improved: many regions rose beyond sampling error …
    assert sim.check(clean) == []  # … and none of that is a finding on its own


@pytest.mark.parametrize("kind", ["interviewer", "durations", "copied_answers"])
def test_an_interviewer_fraud_is_found_at_that_interviewer(clean: sim.Round, kind: str) -> None:
    gamed = sim.POLL_PLANTS[kind](clean, "I07", np.random.default_rng(3))
    found = sim.check(gamed)
    assert {(f.kind, f.unit) for f in found if f.kind == kind} == {(kind, "I07")}
    assert all(f.unit == "I07" or f.kind == "jump" for f in found)


def test_a_fabricated_region_is_a_jump_with_its_reasons(clean: sim.Round) -> None:
    region = str(clean.frame["region"][5])
    gamed = sim.plant_jump(clean, region, np.random.default_rng(4))
    (jump,) = [f for f in sim.check(gamed) if f.kind == "jump"]
    assert jump.unit == region
    assert jump.evidence["concentration"][0] == "FAKE"  # type: ignore[index]
    assert ["FAKE", pytest.approx(0.7, abs=0.01)] in jump.evidence["interviewers"]  # type: ignore[operator]


def test_a_rise_like_the_neighbours_is_no_finding_a_rise_beyond_them_is() -> None:
    rises = [Change(f"R{k}", f"地区{k}", 3.0 + 0.1 * k, 5.0, 1e-7) for k in range(8)]
    assert jump_findings(rises, {}, []) == []
    far = [*rises, Change("R9", "地区9", 12.0, 20.0, 1e-30)]  # se 0.6: 8.7 points beyond
    (f,) = jump_findings(far, {}, [])
    assert f.unit == "R9" and "neighbours" in f.evidence


def test_false_alarms_within_the_stated_rates_and_recall() -> None:
    for row in sim.measure_polls(range(201, 209)):
        assert row.clean_flagged <= stats.binom.ppf(0.999, row.clean_units, STATED_RATES[row.kind])
        assert row.recall >= 0.9, row
