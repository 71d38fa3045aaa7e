"""The numpy-drawn bootstrap the results page uses: not R's draws, but the same Rao–Wu scheme,
so its standard errors agree with the R-matched bootstrap's and with Taylor's on apistrat
(stratified by school type, 200 schools) within the Monte Carlo error of 2,000 replicates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from minsheng.core.survey.design import build_design
from minsheng.core.survey.estimate import Survey, estimate
from minsheng.core.survey.replicates import bootstrap
from minsheng.core.survey.spec import load_frame

DATA = Path(__file__).parent / "data"


def test_numpy_bootstrap_matches_r_bootstrap_and_taylor() -> None:
    frame = load_frame(DATA / "apistrat.csv")
    design = build_design(frame, strata="stype", weights="pw")
    taylor = estimate(Survey(frame, design), "mean", "api00")[0].se
    fast = bootstrap(design, 2000, seed=3, same_as_r=False)
    exact = bootstrap(design, 2000, seed=3)
    assert not np.array_equal(fast.factors, exact.factors)  # different draws …
    # … each unit drawn once per replicate on average, every stratum's draws adding up to n_h.
    assert fast.factors.mean() == pytest.approx(1.0, abs=0.01)
    assert fast.scale == exact.scale
    ses = [estimate(Survey(frame, design, None, r), "mean", "api00")[0].se for r in (fast, exact)]
    # SE of a bootstrap SE with R replicates ≈ SE / √(2R) ≈ 1.6 %; allow 5 %.
    assert ses[0] == pytest.approx(ses[1], rel=0.05)
    assert ses[0] == pytest.approx(taylor, rel=0.05)
