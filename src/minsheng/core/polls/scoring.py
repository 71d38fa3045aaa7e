"""Scoring respondents: each item's score from its answer code (说不清/不了解 → missing), the
overall score as the weighted mean of the scored items a respondent answered (the overall-
satisfaction item is not scored unless it is the only item), and the respondent's satisfaction
share — answered scored items at 基本满意 or better. Vectorised per item: the distinct codes of
an item are scored once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from minsheng.core.polls.scales import DONT_KNOW_CODES
from minsheng.core.survey.frame import Floats


@dataclass(frozen=True, slots=True)
class ItemScoring:
    code: str
    scores: Mapping[str, float]  # answer code → score
    satisfied: frozenset[str]  # codes counted as satisfied
    weight: float = 1.0
    is_overall: bool = False


@dataclass(frozen=True, slots=True)
class Scored:
    items: dict[str, Floats]  # per item code: each respondent's score, NaN if missing
    overall: Floats  # NaN for a respondent who answered no scored item
    satisfied: Floats  # share of answered scored items at 基本满意 or better, NaN if none


def score_respondents(answers: Sequence[Mapping[str, str]], items: Sequence[ItemScoring]) -> Scored:
    """Respondents given as their answers (item code → answer code)."""
    codes = {i.code: [a.get(i.code) for a in answers] for i in items}
    return score_columns(pl.DataFrame(codes, schema=dict.fromkeys(codes, pl.String)), items)


def score_columns(answers: pl.DataFrame, items: Sequence[ItemScoring]) -> Scored:
    """Respondents given as columns of answer codes, one per item code (null = not asked or
    not answered); an item without a column counts as unanswered."""
    n = answers.height
    scored = {i.code for i in items if not i.is_overall} or {i.code for i in items}
    per_item: dict[str, Floats] = {}
    hits = np.zeros(n)
    answered = np.zeros(n)
    weighted = np.zeros(n)
    weights = np.zeros(n)
    for item in items:
        column = (
            answers[item.code].fill_null("")
            if item.code in answers.columns
            else pl.Series([""] * n, dtype=pl.String)
        )
        levels = column.unique().to_list()  # a handful of codes: each is judged once
        values = {c: float(item.scores[c]) for c in levels if c in item.scores}
        score = column.replace_strict(values, default=None, return_dtype=pl.Float64)
        score_array = score.fill_null(np.nan).to_numpy().astype(np.float64, copy=False)
        per_item[item.code] = score_array
        if item.code in scored:
            valid = [c for c in levels if c and c not in DONT_KNOW_CODES]
            good = [c for c in levels if c in item.satisfied]
            answered += column.is_in(valid).to_numpy()
            hits += column.is_in(good).to_numpy()
            present = ~np.isnan(score_array)
            weighted += np.where(present, score_array, 0.0) * item.weight
            weights += present * item.weight
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = np.where(weights > 0, weighted / weights, np.nan)
        share = np.where(answered > 0, hits / answered, np.nan)
    return Scored(per_item, overall, share)


def group_scores(
    items: Mapping[str, Floats], groups: Mapping[str, Sequence[tuple[str, float]]]
) -> dict[str, Floats]:
    """Each respondent's score per group of items (e.g. a domain): the weighted mean of the
    group's items that respondent answered, NaN if none. ``groups``: name → (item code, weight)."""
    out: dict[str, Floats] = {}
    for name, members in groups.items():
        total: Floats | None = None
        weights: Floats | None = None
        for code, weight in members:
            score = items[code]
            present = ~np.isnan(score)
            part = np.where(present, score, 0.0) * weight
            total = part if total is None else total + part
            weights = present * weight if weights is None else weights + present * weight
        if total is None or weights is None:
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            out[name] = np.where(weights > 0, total / weights, np.nan)
    return out


def spread_by_group(values: Floats, weights: Floats, groups: Sequence[str]) -> dict[str, float]:
    """Weighted standard deviation of ``values`` per group (NaN values left out; groups with
    fewer than two values are omitted) — S_h for a Neyman allocation of the next round."""
    labels, codes = np.unique(np.asarray(groups, dtype=np.str_), return_inverse=True)
    codes = codes.reshape(-1)
    keep = ~np.isnan(values)
    v, w, c = values[keep], weights[keep], codes[keep]
    k = len(labels)
    total = np.bincount(c, weights=w, minlength=k)
    count = np.bincount(c, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(c, weights=w * v, minlength=k) / total
        var = np.bincount(c, weights=w * (v - mean[c]) ** 2, minlength=k) / total
    return {str(labels[g]): float(np.sqrt(var[g])) for g in range(k) if count[g] > 1}
