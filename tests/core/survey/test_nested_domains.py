"""Domains holding whole first-stage units (a region's respondents in its own PSUs) are
summed by counting (``taylor.nested_domain_variance``), not through the domain × column matrix.
R's answers for such designs are in ``test_against_r.py`` (33 of its estimates take this way,
8 the matrix). Here the two ways are held equal to each other on random designs, under each of
R's lonely-PSU rules, with an fpc, with single-row units and with rows left out; and a design
whose units cross domains is sent the matrix way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from minsheng.core.survey.estimate import _domain_matrix, estimate
from minsheng.core.survey.spec import build_survey, load_frame
from minsheng.core.survey.taylor import nested_domain_variance, variance


def _poll(path: Path, rng: np.random.Generator, *, units_cross: bool = False) -> Path:
    """Regions (strata) of 1–6 PSUs (some alone in their stratum), 1–5 respondents each; the
    domain is the region, or a coin per respondent when ``units_cross``."""
    lines = ["region,psu,w,score,fpc,coin"]
    psu = 0
    for region in range(40):
        units = int(rng.integers(1, 7))
        for _ in range(units):
            psu += 1
            for _ in range(int(rng.integers(1, 6))):
                score = "" if rng.random() < 0.05 else f"{rng.normal(70, 12):.3f}"
                coin = "A" if rng.random() < 0.5 else "B"
                lines.append(
                    f"r{region},{psu},{rng.uniform(50, 150):.4f},{score},{units * 3},{coin}"
                )
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("lonely", ["adjust", "average", "remove", "certainty"])
@pytest.mark.parametrize("extra", [{}, {"fpc": ["fpc"]}, {"ids": None}])
def test_counting_equals_the_matrix(tmp_path: Path, lonely: str, extra: dict[str, Any]) -> None:
    rng = np.random.default_rng(len(lonely) * 7 + len(extra))
    spec: dict[str, Any] = {"ids": ["psu"], "strata": ["region"], "weights": "w"}
    spec.update({"lonely_psu": lonely, **extra})
    if spec["ids"] is None:  # every respondent a unit of their own
        del spec["ids"]
    design = build_survey(spec, load_frame(_poll(tmp_path / "poll.csv", rng))).design
    domain = design.stages[0].stratum  # the region: every unit inside one
    kept = rng.random(design.n) > 0.1  # rows without the variable keep their place
    rows = np.flatnonzero(kept)
    x = rng.normal(size=(len(rows), 2))
    counted = nested_domain_variance(design, rows, domain[rows], x, 40)
    assert counted is not None
    matrix = variance(design, _domain_matrix(design.n, kept, domain[rows], x, 40))
    np.testing.assert_allclose(counted.reshape(-1), matrix, rtol=1e-10, atol=1e-12)


def test_units_across_domains_take_the_matrix(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    spec = {"ids": ["psu"], "strata": ["region"], "weights": "w", "lonely_psu": "adjust"}
    frame = load_frame(_poll(tmp_path / "poll.csv", rng, units_cross=True))
    survey = build_survey(spec, frame)
    rows = np.arange(survey.design.n)
    coin = frame["coin"].index()
    x = rng.normal(size=(len(rows), 1))
    assert nested_domain_variance(survey.design, rows, coin, x, 2) is None
    by_coin = estimate(survey, "mean", "score", by=["coin"])
    assert [e.level for e in by_coin] == ["A", "B"] and all(e.se > 0 for e in by_coin)
