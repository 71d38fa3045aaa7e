"""Sampling plans and weights: hand-worked examples (the formulas are in the module docstrings)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from minsheng.core.survey.sampling import (
    PlanError,
    allocate,
    equal_per_region,
    quota_table,
    sample_size,
)
from minsheng.core.survey.weights import design_weights, summary, trim

DATA = Path(__file__).parent / "data"

# The seed's phone frame (万 numbers): China Telecom 5.8, China Mobile 36, China Unicom 24.
CARRIERS = {"电信": 58_000.0, "移动": 360_000.0, "联通": 240_000.0}


def test_proportional_allocation_adds_up_exactly() -> None:
    plan = allocate(CARRIERS, 1000)
    assert sum(plan.values()) == 1000
    # 58/658 = 88.1, 360/658 = 547.1, 240/658 = 364.7 → largest remainders 88, 547, 365.
    assert plan == {"电信": 88, "移动": 547, "联通": 365}


def test_neyman_puts_more_where_answers_vary_more() -> None:
    plan = allocate({"a": 1000, "b": 1000}, 300, spread={"a": 10.0, "b": 20.0})
    assert plan == {"a": 100, "b": 200}


def test_allocation_is_capped_at_the_frame() -> None:
    plan = allocate({"small": 30, "big": 10_000}, 500, spread={"small": 50.0, "big": 1.0})
    assert plan["small"] == 30 and plan["big"] == 470
    with pytest.raises(PlanError):
        allocate({"a": 10, "b": 5}, 16)


def test_equal_per_region_with_minimum() -> None:
    frame = {"A县": {"移动": 900.0, "联通": 100.0}, "B县": {"移动": 50.0, "联通": 50.0}}
    plan = equal_per_region(frame, 60, min_n=80)
    assert plan == {"A县": {"移动": 72, "联通": 8}, "B县": {"移动": 40, "联通": 40}}
    rows = quota_table(plan, frame)
    assert [(r.region, r.stratum, r.quota) for r in rows][:2] == [
        ("A县", "移动", 72),
        ("A县", "联通", 8),
    ]


def test_sample_size_for_a_margin() -> None:
    # ±3 points at 95 %, p = 0.5: 1.96² · 0.25 / 0.03² = 1067.07 → 1068.
    assert sample_size(0.03).n == 1068
    # deff 1.5, frame 20,000: n0 = 1600.6, n = 1600.6 / (1 + 1599.6 / 20000) = 1482.1 → 1483.
    need = sample_size(0.03, deff=1.5, population=20_000)
    assert need.n0 == pytest.approx(1600.61, abs=0.01)
    assert need.n == 1483
    # A 0–100 score with σ = 15 within ±2 points: 1.96² · 225 / 4 = 216.1 → 217.
    assert sample_size(2, sd=15).n == 217


def test_weight_summary_kish() -> None:
    s = summary(np.array([1.0, 1.0, 2.0, 4.0]))
    assert s.kish_deff == pytest.approx(4 * 22 / 64)
    assert s.effective_n == pytest.approx(64 / 22)
    assert (s.ratio, s.total) == (4.0, 8.0)


def test_trim_redistributes_and_keeps_the_total() -> None:
    w = np.array([1.0, 1.0, 1.0, 10.0])
    out = trim(w, upper=5)
    assert out.tolist() == pytest.approx([1 + 5 / 3] * 3 + [5.0])
    assert out.sum() == pytest.approx(w.sum())


def test_design_weights_equal_r_survey_stratified_weights() -> None:
    """apistrat's ``pw`` is the weight R's survey package ships: fpc / n_h per school type.
    With every issued number answering, our design weight must be that (to 1e-6: R stores
    ``pw`` in single precision, 44.2099990844727 for 4421 / 100)."""
    with (DATA / "apistrat.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    frame = {r["stype"]: float(r["fpc"]) for r in rows}
    counts = Counter(r["stype"] for r in rows)
    weights = design_weights(frame, dict(counts), dict(counts))
    for r in rows:
        w = weights[r["stype"]]
        assert w.weight == pytest.approx(float(r["pw"]), rel=1e-6)
        assert w.adjustment == 1.0 and w.response_rate == 1.0


def test_nonresponse_adjustment_within_strata() -> None:
    # 移动: 36,000 numbers, 600 issued, 400 answered → base 60, adjustment 1.5, weight 90.
    # 电信: 5,800 numbers, 100 issued, none answered → reported, not guessed.
    out = design_weights({"移动": 36_000, "电信": 5_800}, {"移动": 600, "电信": 100}, {"移动": 400})
    mobile = out["移动"]
    assert (mobile.base, mobile.adjustment, mobile.weight) == (60.0, 1.5, 90.0)
    assert mobile.response_rate == pytest.approx(2 / 3)
    assert out["电信"].weight is None and out["电信"].base == 58.0
    with pytest.raises(ValueError, match="exceeds the frame"):
        design_weights({"a": 10}, {"a": 11}, {"a": 5})
    with pytest.raises(ValueError, match="nothing issued"):
        design_weights({"a": 10}, {}, {"a": 5})
