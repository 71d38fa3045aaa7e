"""Clean poll rounds — telephone interviewers calling across regions, respondents whose answers
go together, regions that differ, a genuine city-wide improvement since the last round — and the
documented fieldwork frauds planted in them: how the poll checks' recall and false alarms are
measured (tests/core/integrity, bench/bench_integrity.py).

Interviewers differ a little even when honest (a small interviewer effect on answers and
durations), as they do in real fieldwork; the checks must not flag that.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from minsheng.core.integrity.findings import Finding
from minsheng.core.integrity.polls import (
    Change,
    copied_answers,
    interviewer_findings,
    jump_findings,
)
from minsheng.core.integrity.simulate import Measured

ITEMS = [f"Q{k}" for k in range(1, 11)]
CUTS = np.array([-0.6, 0.5, 1.4, 2.2])  # latent → codes 5 (worst) … 1 (best)


@dataclass(frozen=True, slots=True)
class Round:
    frame: pl.DataFrame  # respondent_id, region, interviewer, duration, Q1 … Q10
    previous: dict[str, tuple[float, float]]  # region → (score, se) of the last round


def _codes(latent: np.ndarray) -> np.ndarray:
    return (5 - np.searchsorted(CUTS, latent)).astype(str)


def _respondents(
    rng: np.random.Generator,
    regions: np.ndarray,
    level: np.ndarray,
    who: np.ndarray,
    nudge: np.ndarray,
    start: int,
) -> pl.DataFrame:
    n = len(regions)
    person = rng.normal(0, 0.8, n)
    latent = level[:, None] + person[:, None] + nudge[:, None] + rng.normal(0, 0.7, (n, len(ITEMS)))
    data: dict[str, object] = {
        "respondent_id": [f"R{start + k:06d}" for k in range(n)],
        "region": regions,
        "interviewer": who,
        "duration": np.exp(rng.normal(np.log(420), 0.35, n)),
    }
    codes = _codes(latent)
    for j, item in enumerate(ITEMS):
        data[item] = codes[:, j]
    return pl.DataFrame(data)


def clean_round(
    rng: np.random.Generator, *, regions: int = 40, interviewers: int = 25, per_region: int = 100
) -> Round:
    codes = np.array([f"{330100 + k:06d}" for k in range(regions)])
    base = rng.normal(1.0, 0.35, regions)
    lift = rng.normal(0.25, 0.05)  # the city improved since the last round, everywhere
    effect = rng.normal(0, 0.04, interviewers)  # honest interviewers differ a little
    n = regions * per_region
    region_of = np.repeat(np.arange(regions), per_region)
    who = rng.integers(0, interviewers, n)
    frame = _respondents(
        rng,
        codes[region_of],
        base[region_of] + lift,
        np.array([f"I{w:02d}" for w in who]),
        effect[who],
        1,
    )
    frame = frame.with_columns(
        duration=pl.col("duration") * np.exp(rng.normal(0, 0.05, interviewers))[who]
    )
    last = _respondents(
        rng,
        codes[region_of],
        base[region_of],
        np.array([f"I{w:02d}" for w in who]),
        np.zeros(n),
        1_000_000,
    )
    return Round(frame, _scores(last))


def score(frame: pl.DataFrame) -> pl.DataFrame:
    """Each respondent's score: the mean over items of (5 − code) / 4 × 100."""
    points = [(5 - pl.col(c).cast(pl.Int32)) * 25.0 for c in ITEMS]
    return frame.with_columns(score=pl.mean_horizontal(points))


def _scores(frame: pl.DataFrame) -> dict[str, tuple[float, float]]:
    per = (
        score(frame)
        .group_by("region")
        .agg(mean=pl.col("score").mean(), se=pl.col("score").std() / pl.len().sqrt())
    )
    return {r: (m, s) for r, m, s in per.iter_rows()}


def changes(round_: Round) -> list[Change]:
    from scipy import stats

    now = _scores(round_.frame)
    out = []
    for region, (m1, s1) in sorted(now.items()):
        m0, s0 = round_.previous[region]
        se = float(np.hypot(s0, s1))
        z = (m1 - m0) / se
        out.append(Change(region, region, m1 - m0, z, float(2 * stats.norm.sf(abs(z)))))
    return out


def check(round_: Round) -> list[Finding]:
    """The poll checks as the product runs them on a round."""
    found = interviewer_findings(round_.frame, ITEMS) + copied_answers(round_.frame, ITEMS)
    interviews: dict[str, Counter[str]] = {}
    for region, who in round_.frame.select("region", "interviewer").iter_rows():
        interviews.setdefault(region, Counter())[who] += 1
    return found + jump_findings(changes(round_), interviews, found)


# -- planting --


def _with(round_: Round, frame: pl.DataFrame) -> Round:
    return Round(frame, round_.previous)


def plant_interviewer(
    round_: Round, who: str, rng: np.random.Generator, share: float = 0.3
) -> Round:
    """``who`` records answers nobody gave in ``share`` of their interviews: mostly "非常满意"."""
    f = round_.frame
    mine = f.filter(pl.col("interviewer") == who)
    fake = rng.random(len(mine)) < share
    answers = np.where(rng.random((len(mine), len(ITEMS))) < 0.8, "1", "2")
    made_up = mine.with_columns(
        [
            pl.when(pl.Series(fake)).then(pl.Series(answers[:, j])).otherwise(pl.col(c)).alias(c)
            for j, c in enumerate(ITEMS)
        ]
    )
    return _with(round_, pl.concat([f.filter(pl.col("interviewer") != who), made_up]))


def plant_durations(
    round_: Round, who: str, rng: np.random.Generator, factor: float = 0.5
) -> Round:
    """``who``'s interviews last ``factor`` of their real length (answers read too quickly or
    not asked at all)."""
    f = round_.frame.with_columns(
        duration=pl.when(pl.col("interviewer") == who)
        .then(pl.col("duration") * factor)
        .otherwise("duration")
    )
    return _with(round_, f)


def plant_copied_answers(
    round_: Round, who: str, rng: np.random.Generator, count: int = 6
) -> Round:
    """``who`` pastes one respondent's answers into ``count`` others'."""
    f = round_.frame
    mine = f.filter(pl.col("interviewer") == who)
    source = mine.row(0, named=True)
    pick = mine.sample(count, seed=int(rng.integers(1 << 31)))
    pasted = pick.with_columns([pl.lit(source[c]).alias(c) for c in ITEMS])
    return _with(
        round_,
        pl.concat([f.join(pick.select("respondent_id"), on="respondent_id", how="anti"), pasted]),
    )


def plant_jump(round_: Round, region: str, rng: np.random.Generator, share: float = 0.7) -> Round:
    """A fabricator in ``region``: one new interviewer "does" ``share`` of its interviews, all
    answered "1" or "2", quickly."""
    f = round_.frame
    here = f.filter(pl.col("region") == region)
    pick = here.sample(int(share * len(here)), seed=int(rng.integers(1 << 31)))
    n = len(pick)
    fake = pick.with_columns(
        [pl.Series(c, np.where(rng.random(n) < 0.8, "1", "2")) for c in ITEMS]
        + [pl.lit("FAKE").alias("interviewer"), (pl.col("duration") * 0.5).alias("duration")]
    )
    kept = f.join(pick.select("respondent_id"), on="respondent_id", how="anti")
    return _with(round_, pl.concat([kept, fake.select(f.columns)]))


POLL_PLANTS: dict[str, Callable[[Round, str, np.random.Generator], Round]] = {
    "interviewer": plant_interviewer,
    "durations": plant_durations,
    "copied_answers": plant_copied_answers,
    "jump": plant_jump,
}


def measure_polls(seeds: range, *, regions: int = 40, interviewers: int = 25) -> list[Measured]:
    """Per seed a clean round (false alarms per interviewer, per region for jumps), then each
    fraud planted once in a copy (recall)."""
    found: Counter[str] = Counter()
    flagged: Counter[str] = Counter()
    units: Counter[str] = Counter()
    for seed in seeds:
        rng = np.random.default_rng(seed)
        clean = clean_round(rng, regions=regions, interviewers=interviewers)
        findings = check(clean)
        for kind in POLL_PLANTS:
            units[kind] += regions if kind == "jump" else interviewers
            flagged[kind] += len({f.unit for f in findings if f.kind == kind})
        for kind, plant in POLL_PLANTS.items():
            target = (
                str(clean.frame["region"][0])
                if kind == "jump"
                else f"I{int(rng.integers(interviewers)):02d}"
            )
            gamed = plant(clean, target, rng)
            found[kind] += any(f.kind == kind and f.unit == target for f in check(gamed))
    return [Measured(k, len(seeds), found[k], units[k], flagged[k]) for k in POLL_PLANTS]
