"""Each ratings check on a small simulated city: the planted centre is found with its evidence,
and the clean centres around it are not."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from minsheng.core.halls.hours import parse_hours
from minsheng.core.integrity import simulate
from minsheng.core.integrity.ratings import Context, find

CENTRES = 60


@pytest.fixture(scope="module")
def month() -> simulate.Month:
    return simulate.clean_month(np.random.default_rng(11), CENTRES)


def test_a_clean_month_has_no_findings(month: simulate.Month) -> None:
    assert find(month.events, month.history, month.context) == []


@pytest.mark.parametrize("kind", list(simulate.PLANTS))
def test_each_pattern_is_found_at_its_centre_only(month: simulate.Month, kind: str) -> None:
    rng = np.random.default_rng(5)
    gamed = simulate.PLANTS[kind](month, 7, rng)
    found = find(gamed.events, gamed.history, gamed.context)
    assert {f.unit for f in found} == {7}  # nothing at the clean centres
    (finding,) = [f for f in found if f.kind == kind]
    assert finding.p < 1e-3 and finding.strength > 3
    assert "ratings" in finding.evidence or kind in {"perfect", "default_share"}
    ids = set(gamed.events.filter(pl.col("centre") == 7)["id"].to_list())
    assert set(finding.evidence.get("ratings", [])) <= ids  # examples are the centre's own


def test_evidence_of_a_burst_names_the_window_and_the_count(month: simulate.Month) -> None:
    gamed = simulate.plant_burst(month, 3, np.random.default_rng(1), count=12)
    (f,) = find(gamed.events, gamed.history, gamed.context)
    assert f.subject.startswith(("device:", "staff:"))
    assert f.evidence["count"] >= 12
    assert float(f.evidence["to"]) - float(f.evidence["from"]) <= 600  # type: ignore[arg-type]


def test_weaker_patterns_are_weaker_evidence(month: simulate.Month) -> None:
    # Eight pasted copies are less sure than twenty; both are found.
    rng = np.random.default_rng(2)
    few = simulate.plant_copied_comment(month, 4, rng, count=6)
    many = simulate.plant_copied_comment(month, 4, rng, count=20)
    (f_few,) = find(few.events, few.history, few.context)
    (f_many,) = find(many.events, many.history, many.context)
    assert f_many.strength > f_few.strength


def test_no_opening_hours_no_off_hours_check(month: simulate.Month) -> None:
    gamed = simulate.plant_off_hours(month, 9, np.random.default_rng(4))
    blind = Context(month.context.utc_offset, {}, month.context.is_working_day)
    assert not [f for f in find(gamed.events, gamed.history, blind) if f.kind == "off_hours"]


def test_a_make_up_working_saturday_is_open() -> None:
    # 2026-10-10 is a Saturday worked in place of a National Day holiday: window ratings at
    # 10:00 that day are in opening hours; the same on Saturday 2026-10-17 are not.
    hours = parse_hours("周一至周五 9:00—12:00，13:30—17:30")
    assert hours is not None
    worked = {dt.date(2026, 10, 10)}
    is_working = lambda d: d in worked or (d.weekday() < 5)  # noqa: E731
    assert hours.span(dt.date(2026, 10, 10), is_working) == (540, 1050)
    assert hours.span(dt.date(2026, 10, 17), is_working) is None


def test_a_new_device_rated_like_the_old_is_no_finding(month: simulate.Month) -> None:
    # Tablets are replaced all the time: a new one rated as the centre always was is not news.
    events = month.events.with_columns(
        device=pl.when(pl.col("device").str.starts_with("T0005-"))
        .then(pl.lit("NEW-TABLET"))
        .otherwise("device")
    )  # every tablet of centre 5 replaced, the ratings as they were
    assert not [f for f in find(events, month.history, month.context) if f.kind == "new_subject"]
