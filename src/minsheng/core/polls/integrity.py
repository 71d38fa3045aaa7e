"""Integrity flags for a poll's fieldwork.

- Interviewers whose answers stand out: for each interviewer with at least ``min_n`` interviews,
  the share of top answers (code 1) against everyone else's, by a two-proportion z-test;
  |z| > ``z`` is flagged (an interviewer nudging or inventing answers).
- Identical answer sequences: the same full sequence of answers given by several respondents
  (copy-paste), listed when ``min_repeat`` or more share one.
- Regions whose score jumps beyond sampling error: the change test of every region against the
  previous round, at a Bonferroni-corrected level (α / number of regions compared), so that
  among a hundred townships a 5 % test does not flag five by chance alone.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class JumpFlag:
    region: str
    difference: float
    z: float
    p: float


def score_jumps(
    changes: Mapping[str, tuple[float, float, float]], *, alpha: float = 0.05
) -> list[JumpFlag]:
    """``changes``: region → (difference, z, two-sided p). Flags p < α / m, largest |z| first."""
    m = len(changes)
    if m == 0:
        return []
    flagged = [
        JumpFlag(region, diff, z, p) for region, (diff, z, p) in changes.items() if p < alpha / m
    ]
    return sorted(flagged, key=lambda f: -abs(f.z))


@dataclass(frozen=True, slots=True)
class InterviewerFlag:
    interviewer: str
    n: int
    top_share: float
    others_share: float
    z: float


@dataclass(frozen=True, slots=True)
class RepeatFlag:
    answers: str  # the sequence, item codes in order
    respondents: list[str]


def interviewer_flags(
    rows: Sequence[tuple[str, Sequence[str]]], *, min_n: int = 30, z: float = 4.0
) -> list[InterviewerFlag]:
    """``rows``: (interviewer, answer codes) per respondent."""
    top: dict[str, int] = defaultdict(int)
    answered: dict[str, int] = defaultdict(int)
    people: Counter[str] = Counter()
    for who, answers in rows:
        given = [a for a in answers if a and a not in {"9", "99"}]
        top[who] += sum(a == "1" for a in given)
        answered[who] += len(given)
        people[who] += 1
    total_top, total_answered = sum(top.values()), sum(answered.values())
    flags = []
    for who, n in people.items():
        if n < min_n or answered[who] == 0:
            continue
        rest_top, rest_n = total_top - top[who], total_answered - answered[who]
        if rest_n == 0:
            continue
        p1, p0 = top[who] / answered[who], rest_top / rest_n
        pooled = total_top / total_answered
        se = math.sqrt(pooled * (1 - pooled) * (1 / answered[who] + 1 / rest_n))
        score = (p1 - p0) / se if se > 0 else 0.0
        if abs(score) > z:
            flags.append(InterviewerFlag(who, n, p1, p0, score))
    return sorted(flags, key=lambda f: -abs(f.z))


def repeated_sequences(
    rows: Sequence[tuple[str, Sequence[str]]], *, min_repeat: int = 3, min_items: int = 8
) -> list[RepeatFlag]:
    """``rows``: (respondent id, answer codes). Flat sequences (all one code) are left out: the
    straight-lining check deals with them."""
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for rid, answers in rows:
        key = tuple(answers)
        if len(key) >= min_items and len(set(key)) > 1:
            groups[key].append(rid)
    return sorted(
        (RepeatFlag("".join(k), ids) for k, ids in groups.items() if len(ids) >= min_repeat),
        key=lambda f: -len(f.respondents),
    )
