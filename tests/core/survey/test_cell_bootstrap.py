"""The results page's bootstrap drawn per stratum × domain cell (``core.survey.cell_bootstrap``)
against the respondent-level Rao–Wu bootstrap (``replicates.bootstrap``, itself checked against
R's ``as.svrepdesign``) and against Taylor standard errors (checked against R's ``svyby``).

Synthetic poll: 40,000 respondents in 30 strata, 12 domains crossing the strata (cells of 30
to 400 respondents, so both the exact and the normal draws are used), unequal weights and 5 %
missing scores. With 1,000 replicates a standard error is itself uncertain by about
1/√(2·1000) ≈ 2.2 %: the tolerance per domain is 10 % against Taylor's (4.5 of those) and 15 %
between the two bootstraps (the difference of two such errors, 4.7 of them).
"""

from __future__ import annotations

import numpy as np
import pytest

from minsheng.core.survey import cell_bootstrap
from minsheng.core.survey.design import build_design
from minsheng.core.survey.estimate import Survey, estimate, estimate_with_replicates
from minsheng.core.survey.frame import Frame
from minsheng.core.survey.replicates import bootstrap, replicate_variance

REPLICATES = 1000


def _poll(seed: int = 1) -> Frame:
    rng = np.random.default_rng(seed)
    n, strata, domains = 40_000, 30, 12
    stratum = rng.integers(0, strata, n)
    # A stratum's respondents fall into three domains, one of them rarely.
    domain = (stratum * 7 + rng.choice([0, 1, 2], n, p=[0.6, 0.37, 0.03])) % domains
    score = rng.choice([20.0, 40.0, 60.0, 80.0, 100.0], n, p=[0.05, 0.1, 0.2, 0.35, 0.3])
    score = np.where(rng.random(n) < 0.05, np.nan, score + domain)
    weight = rng.uniform(50, 150, n) * (1 + stratum / strata)
    return Frame.from_arrays(
        {"y": score, "w": weight, "h": stratum.astype(float), "d": domain.astype(float)}
    )


def _ses(frame: Frame, exact_below: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    design = build_design(frame, strata="h", weights="w")
    labels, codes = frame["d"].codes()
    y = frame["y"].numbers
    assert y is not None
    cells = cell_bootstrap.domain_means(
        design, y, codes, len(labels), REPLICATES, seed=4, exact_below=exact_below
    )
    reps = bootstrap(design, REPLICATES, seed=3, same_as_r=False)
    _, rows = estimate_with_replicates(Survey(frame, design, None, reps), "mean", "y", by=["d"])
    taylor = np.array([e.se for e in estimate(Survey(frame, design), "mean", "y", by=["d"])])
    return (
        np.sqrt(replicate_variance(cells, cell_bootstrap.scale(design, REPLICATES))),
        np.sqrt(replicate_variance(rows, reps.scale)),
        taylor,
    )


@pytest.mark.parametrize("exact_below", [cell_bootstrap.EXACT_BELOW, 1, 10**9])
def test_cell_replicates_agree_with_the_respondent_bootstrap_and_taylor(exact_below: int) -> None:
    """Default (small cells exact, large ones normal), every cell normal, every cell exact."""
    cells, rows, taylor = _ses(_poll(), exact_below)
    assert np.all(np.abs(cells / taylor - 1) < 0.10), cells / taylor
    assert np.all(np.abs(rows / taylor - 1) < 0.10), rows / taylor
    assert np.all(np.abs(cells / rows - 1) < 0.15), cells / rows


def test_cell_replicates_centre_on_the_estimates_and_leave_out_missing_scores() -> None:
    frame = _poll(2)
    design = build_design(frame, strata="h", weights="w")
    labels, codes = frame["d"].codes()
    y = frame["y"].numbers
    assert y is not None
    thetas = cell_bootstrap.domain_means(design, y, codes, len(labels), 400, seed=5)
    point = np.array([e.estimate for e in estimate(Survey(frame, design), "mean", "y", by=["d"])])
    taylor = np.array([e.se for e in estimate(Survey(frame, design), "mean", "y", by=["d"])])
    assert thetas.shape == (400, len(labels))
    assert not np.isnan(thetas).any()  # missing scores are in no domain, not NaN means
    # The replicates' mean is the estimate, within 4 of its standard errors / √400.
    assert np.all(np.abs(thetas.mean(axis=0) - point) < 4 * taylor / np.sqrt(400) + 1e-9)


def test_cell_bootstrap_is_only_for_single_respondent_units() -> None:
    frame = Frame.from_arrays(
        {"psu": np.repeat(np.arange(50.0), 4), "h": np.repeat(np.arange(5.0), 40)}
    )
    clustered = build_design(frame, ids=["psu"], strata="h")
    assert not cell_bootstrap.applies(clustered)
    assert cell_bootstrap.applies(build_design(frame, strata="h"))
    with pytest.raises(ValueError):
        cell_bootstrap.domain_means(clustered, np.ones(200), np.zeros(200, np.int64), 1, 10, 1)
