"""The burst check in one sorted pass over all subjects finds what a plain loop over each
subject's own stamps finds (the reference below: one subject at a time, ``scan_tail`` per
subject), on clean months with bursts planted, and whatever order the rows come in."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from minsheng.core.integrity import simulate
from minsheng.core.integrity.findings import ALPHA
from minsheng.core.integrity.ratings import (
    BURST_SECONDS,
    DAY_OPEN_SECONDS,
    _bursts,
    _subjects,
)
from minsheng.core.integrity.stats import scan_tail, scan_tails


def reference(active: pl.DataFrame) -> dict[tuple[int, str], tuple[int, float, list[int]]]:
    """(centre, subject) → (most top ratings in a window, p, their ids), subject by subject."""
    rows = _subjects(active)
    tests = dict(rows.group_by("centre").agg(pl.col("subject").n_unique()).iter_rows())
    out = {}
    for (centre, subject), group in rows.group_by("centre", "subject"):
        group = group.sort("rated_at", "id")
        top = group.filter(pl.col("level") == 5)
        if top.height < 5:
            continue
        times = top["rated_at"].to_list()
        best, start = 0, 0
        for i, t in enumerate(times):  # plain counting, no searchsorted
            n = sum(1 for u in times[i:] if round((u - t) * 1e6) <= BURST_SECONDS * 1e6)
            if n > best:
                best, start = n, i
        days = (group["rated_at"] // 86400).n_unique()
        span = days * DAY_OPEN_SECONDS
        p = min(1.0, scan_tail(best, group.height / span, BURST_SECONDS, span) * tests[centre])
        if p < ALPHA:
            out[(centre, subject)] = (best, p, top["id"].to_list()[start : start + best][:50])
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_pass_finds_what_the_loop_finds(seed: int) -> None:
    rng = np.random.default_rng(seed)
    month = simulate.clean_month(rng, centres=40)
    for centre in (3, 7, 11):
        month = simulate.plant_burst(month, centre, rng, count=8 + centre)
    active = month.events.filter(pl.col("source") == "active")
    expected = reference(active)
    assert len(expected) >= 3  # the planted ones at least
    for rows in (active, active.sample(fraction=1.0, shuffle=True, seed=seed)):
        found = {
            (f.unit, f.subject): (f.evidence["count"], f.p, f.evidence["ratings"])
            for f in _bursts(rows)
        }
        assert found.keys() == expected.keys()
        for key, (count, p, ids) in expected.items():
            assert found[key][0] == count
            assert found[key][1] == pytest.approx(p, rel=1e-12)
            assert found[key][2] == ids


def alm(k: int, rate: float, window: float, span: float) -> float:
    """Alm's approximation written out for one stream (Glaz, Naus & Wallenstein, eq. for the
    Poisson scan statistic), with the cases it leaves out."""
    if k <= 1:
        return 1.0
    psi = rate * window
    if psi <= 0:
        return 0.0
    if k <= psi:
        return 1.0
    below = sum(math.exp(-psi) * psi**j / math.factorial(j) for j in range(k))
    at = math.exp(-psi) * psi ** (k - 1) / math.factorial(k - 1)
    return 1 - below * math.exp(-((k - psi) / k) * rate * (span - window) * at)


def test_many_tails_at_once_are_each_streams_own() -> None:
    k = np.array([0, 1, 2, 5, 8, 12, 30, 3])
    rate = np.array([2 / 3600, 2 / 3600, 0.0, 1 / 600, 2 / 3600, 2 / 3600, 1 / 60, 1.0])
    span = np.array([28800.0, 28800.0, 28800.0, 1e5, 20 * 28800.0, 5e5, 1e6, 600.0])
    together = scan_tails(k, rate, BURST_SECONDS, span)
    for a, b, c, tail in zip(k, rate, span, together, strict=True):
        assert tail == pytest.approx(alm(int(a), float(b), BURST_SECONDS, float(c)), rel=1e-9)
