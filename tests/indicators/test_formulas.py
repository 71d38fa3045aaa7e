"""Formula indicators: numerator ÷ denominator × factor over base data elements, derived from
approved values; elements are collected, not scored; formulas are not asked for in forms."""

from __future__ import annotations

import numpy as np
import pytest

from minsheng.core.index.formulas import derive
from minsheng.core.index.periods import Period
from minsheng.indicators.models import Category, Indicator, Submission, SubmissionState, Value
from minsheng.indicators.selectors import form_spec, load_panel, region_peers
from minsheng.orgs.models import Organisation
from tests.conftest import City


def test_derive_handles_missing_and_zero() -> None:
    out = derive(np.array([10.0, 5.0, np.nan, 3.0]), np.array([2.0, 0.0, 4.0, 4.0]), 1000)
    assert out[0] == 5000 and np.isnan(out[1]) and np.isnan(out[2]) and out[3] == 750


def test_formula_values_come_from_their_elements(city: City) -> None:
    city_code = city.county.parent.code  # type: ignore[union-attr]
    health = Organisation.objects.get(key=f"dept-{city_code}-health")
    category = Category.objects.first()
    assert category is not None
    beds = Indicator.objects.create(
        code="E_BEDS",
        name="医疗机构床位数",
        category=category,
        lead_department=health,
        in_index=False,
    )
    people = Indicator.objects.create(
        code="E_POP", name="常住人口", category=category, lead_department=health, in_index=False
    )
    Indicator.objects.create(
        code="F_BEDS",
        name="每千人口床位数（公式）",
        category=category,
        lead_department=health,
        numerator="E_BEDS",
        denominator="E_POP",
        factor=1000,
    )
    period = Period(2026, 4)
    counties = region_peers(city.county)
    submission = Submission.objects.create(
        organisation=health, period=str(period), state=SubmissionState.APPROVED
    )
    for k, county in enumerate(counties):
        Value.objects.create(submission=submission, region=county, indicator=beds, value=500 + k)
        Value.objects.create(submission=submission, region=county, indicator=people, value=10_000)
    panel = load_panel(counties, period)
    codes = [i.code for i in panel.indicators]
    assert "F_BEDS" in codes and "E_BEDS" not in codes and "E_POP" not in codes
    f = codes.index("F_BEDS")
    t = panel.period_index(period)
    assert panel.values[:, f, t].tolist() == pytest.approx(
        [50.0 + k / 10 for k in range(len(counties))]
    )
    asked = {i.code for i in form_spec(health, period).indicators}
    assert {"E_BEDS", "E_POP"} <= asked and "F_BEDS" not in asked
